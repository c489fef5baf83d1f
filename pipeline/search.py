"""Full-text search over item titles and decision clauses, one function for both databases.

SQLite: an FTS5 table (`items_fts`, rowid = items.id) holding Snowball-stemmed
text, queried with the same stemmer.  PostgreSQL: `to_tsvector('swedish', ...)`
over `items.search_text` with a GIN index, queried with `websearch_to_tsquery`.
Both stem with Snowball's Swedish rules, so "kunskapsstyrningen" finds
"kunskapsstyrning" on either.
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer
from sqlalchemy import ColumnElement, func, literal_column, select, text
from sqlalchemy.orm import Session

from models.schema import ItemRecord

_WORD = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("swedish")


def stems(text_: str) -> list[str]:
    """Lower-cased Swedish Snowball stems of the words in `text_`."""
    return _stemmer().stemWords([w.lower() for w in _WORD.findall(text_)])


def stemmed_text(text_: str) -> str:
    """What the SQLite index stores for a text: its stems separated by spaces."""
    return " ".join(stems(text_))


def item_text(title: str | None, clauses: list[str]) -> str:
    """The searchable text of an item: its title and decision clauses."""
    return "\n".join([title or "", *clauses]).strip()


def _fts5_query(query: str) -> str | None:
    """Every stem of the query must occur (AND); each quoted so FTS5 syntax in user input is inert."""
    terms = [t for t in stems(query) if t]
    if not terms:
        return None
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


def match_clause(session: Session, query: str) -> ColumnElement[bool]:
    """A WHERE clause on ItemRecord that keeps the items matching `query`."""
    if session.get_bind().dialect.name == "postgresql":
        # The expression must be the indexed one, word for word, for the GIN index to be used.
        vector = func.to_tsvector(literal_column("'swedish'::regconfig"), ItemRecord.search_text)
        return vector.op("@@")(func.websearch_to_tsquery(literal_column("'swedish'::regconfig"), query))
    fts = _fts5_query(query)
    if fts is None:
        return ItemRecord.id.is_(None)
    return ItemRecord.id.in_(select(literal_column("rowid")).select_from(text("items_fts")).where(text("items_fts MATCH :fts").bindparams(fts=fts)))


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
