"""Full-text search over item titles and decision clauses, one query language for both databases.

A query is parsed once, here, into a `SearchQuery` and rendered for each database:

    kunskapsstyrning socialtjänst     both words (implicit AND)
    "gemensam finansiering"           the words next to each other, in that order (a phrase)
    kommun OR region                  either (OR binds closer than AND: `budget kommun OR region`
                                      is budget AND (kommun OR region))
    budget -finansiering              budget but not finansiering (also -"a phrase")

SQLite: an FTS5 table (`items_fts`, rowid = items.id) holding Snowball-stemmed text, queried with
the same stemmer in FTS5 MATCH syntax; its tokenizer keeps diacritics (migration 0007), as the
server's Swedish configuration does.  PostgreSQL: `to_tsvector('swedish', ...)` over
`items.search_text` with a GIN index, queried with `to_tsquery('swedish', ...)` built from the
parsed words with `&`, `|`, `!` and `<->`.  Both stem with Snowball's Swedish rules, so
"kunskapsstyrningen" finds "kunskapsstyrning" on either; both leave out the same common words
(PostgreSQL's Swedish stop list, below).  The rendered query is always a bound parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, literal_column, select, text
from sqlalchemy.orm import Session

from models.schema import ItemRecord
from models.search_words import STOP_WORDS, stem_words, stemmed_text, words


class SearchSyntaxError(ValueError):
    """A --text query that searches for nothing (empty, or only common words) or uses '-' inside OR."""


@dataclass(frozen=True, slots=True)
class Phrase:
    """Words that must stand next to each other in this order; a single word is a one-word phrase."""

    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    """Phrases joined by OR: an item matches when it has any of them."""

    phrases: tuple[Phrase, ...]


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """Every `required` group must match and no `excluded` group may (implicit AND, leading '-')."""

    required: tuple[AnyOf, ...]
    excluded: tuple[AnyOf, ...]


# A token of the query line: "a phrase" (an unclosed quote runs to the end), or a run without spaces.
_TOKEN = re.compile(r'(?P<neg>-?)(?:"(?P<phrase>[^"]*)"?|(?P<bare>[^\s"]+))')


def _phrase(text_: str) -> Phrase | None:
    """The words of a quoted or bare token, without common words at either end (None when nothing is left)."""
    found = words(text_)
    while found and found[0] in STOP_WORDS:
        found.pop(0)
    while found and found[-1] in STOP_WORDS:
        found.pop()
    return Phrase(tuple(found)) if found else None


def parse(query: str) -> SearchQuery:
    """The query line as a SearchQuery; raises SearchSyntaxError when it searches for nothing."""
    required: list[AnyOf] = []
    excluded: list[AnyOf] = []
    group: list[tuple[bool, Phrase | None]] = []
    joining = False
    groups: list[list[tuple[bool, Phrase | None]]] = []
    for match in _TOKEN.finditer(query):
        bare = match.group("bare")
        if bare == "OR" and not match.group("neg"):
            joining = bool(group)
            continue
        item = (bool(match.group("neg")), _phrase(match.group("phrase") if bare is None else bare))
        if joining:
            group.append(item)
        else:
            if group:
                groups.append(group)
            group = [item]
        joining = False
    if group:
        groups.append(group)
    for members in groups:
        if len(members) > 1 and any(negated for negated, _ in members):
            raise SearchSyntaxError("'-' cannot be used inside OR; write `a OR b -c`")
        phrases = tuple(dict.fromkeys(p for _, p in members if p is not None))
        if phrases:
            (excluded if members[0][0] else required).append(AnyOf(phrases))
    if not required and not excluded:
        raise SearchSyntaxError(f"nothing to search for in {query!r} (only common words such as 'och', 'att')")
    return SearchQuery(tuple(required), tuple(excluded))


def _fts5_phrase(phrase: Phrase) -> str:
    # A phrase in double quotes: FTS5 operators inside it are plain text.
    return '"' + " ".join(stem_words(list(phrase.words))).replace('"', '""') + '"'


def _fts5_group(group: AnyOf) -> str:
    return "(" + " OR ".join(_fts5_phrase(p) for p in group.phrases) + ")"


def to_fts5(query: SearchQuery) -> tuple[str | None, str | None]:
    """(what must match, what must not) in FTS5 MATCH syntax; FTS5 has no NOT without a left operand, so a
    query of exclusions only is answered outside MATCH (see `match_clause`)."""
    positive = " AND ".join(_fts5_group(g) for g in query.required) or None
    negative = " OR ".join(_fts5_group(g) for g in query.excluded) or None
    return positive, negative


def _ts_word(word: str) -> str:
    # A quoted lexeme: the words are letters and digits, and the quoting keeps it so whatever they are.
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _ts_group(group: AnyOf) -> str:
    return "(" + " | ".join("(" + " <-> ".join(_ts_word(w) for w in p.words) + ")" for p in group.phrases) + ")"


def to_tsquery(query: SearchQuery) -> str:
    """The query in PostgreSQL tsquery syntax, for to_tsquery('swedish', ...) which stems each word."""
    parts = [_ts_group(g) for g in query.required] + ["!" + _ts_group(g) for g in query.excluded]
    return " & ".join(parts)


def _fts5_ids(expression: str):
    return select(literal_column("rowid")).select_from(text("items_fts")).where(text("items_fts MATCH :fts").bindparams(fts=expression))


def match_clause(session: Session, query: str | SearchQuery) -> ColumnElement[bool]:
    """A WHERE clause on ItemRecord that keeps the items matching `query` (raises SearchSyntaxError)."""
    parsed = parse(query) if isinstance(query, str) else query
    if session.get_bind().dialect.name == "postgresql":
        # The expression must be the indexed one, word for word, for the GIN index to be used.
        swedish = literal_column("'swedish'::regconfig")
        vector = func.to_tsvector(swedish, ItemRecord.search_text)
        return vector.op("@@")(func.to_tsquery(swedish, to_tsquery(parsed)))
    positive, negative = to_fts5(parsed)
    if positive is None:
        return ItemRecord.id.not_in(_fts5_ids(negative))
    return ItemRecord.id.in_(_fts5_ids(positive if negative is None else f"({positive}) NOT ({negative})"))


def search_items(session: Session, query: str, limit: int | None = None) -> list[int]:
    """Ids of the items whose title or decision clauses match `query`, in item order."""
    stmt = select(ItemRecord.id).where(match_clause(session, query)).order_by(ItemRecord.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def index_items(session: Session, items: list[ItemRecord]) -> None:
    """Write flushed items into the SQLite FTS5 table (PostgreSQL indexes `search_text` by itself)."""
    if session.get_bind().dialect.name == "postgresql" or not items:
        return
    session.execute(
        text("INSERT INTO items_fts(rowid, stems) VALUES (:id, :stems)"),
        [{"id": item.id, "stems": stemmed_text(item.search_text)} for item in items],
    )


def unindex_document(session: Session, document_id: int) -> None:
    """Remove a document's items from the SQLite FTS5 table before they are replaced."""
    if session.get_bind().dialect.name == "postgresql":
        return
    session.execute(
        text("DELETE FROM items_fts WHERE rowid IN (SELECT id FROM items WHERE document_id = :d)"),
        {"d": document_id},
    )
