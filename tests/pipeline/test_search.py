"""One search function over SQLite FTS5 and PostgreSQL tsvector, both with Swedish stemming."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models.db import session_scope
from models.records import Extraction, Item
from models.search_words import stems
from pipeline.store.search import search_items
from tests.pipeline.relational_helpers import seed_extraction, store


def items(*texts: tuple[str, list[str]]) -> Extraction:
    return Extraction(doc_type="protocol", municipality_code="0138", items=[Item(number=str(i), paragraph=i, title=t, decisions=d) for i, (t, d) in enumerate(texts, 1)])


@pytest.mark.parametrize(("word", "stem"), [("kunskapsstyrningen", "kunskapsstyrning"), ("Kunskapsstyrning", "kunskapsstyrning"), ("nämnden", "nämnd")])
def test_stems(word, stem):
    assert stems(word) == [stem]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kunskapsstyrningen", [1, 2]),
        ("kunskapsstyrning socialtjänsten", [1]),
        ("budgeten", [3]),
        ("finansiering", [1, 3]),
        ("färdtjänst", []),
        ('"; DROP TABLE items; --', []),
    ],
)
def test_search_finds_inflected_forms_in_titles_and_decisions(database_url, query, expected):
    store(database_url, "a.pdf", items(
        ("Gemensam finansiering av kunskapsstyrning", ["Kommunen medverkar i socialtjänstens arbete."]),
        ("Rapport", ["Informationen om kunskapsstyrningen läggs till handlingarna."]),
        ("Budget 2020", ["Finansieringen godkänns."]),
    ))
    with session_scope(database_url) as s:
        found = search_items(s, query)
        paragraphs = sorted(s.get(__import__("models.schema", fromlist=["ItemRecord"]).ItemRecord, i).paragraph for i in found)
    assert paragraphs == expected


def test_replaced_items_leave_the_index(database_url):
    store(database_url, "a.pdf", items(("Kunskapsstyrning", [])))
    store(database_url, "a.pdf", items(("Budget", [])))
    with session_scope(database_url) as s:
        assert search_items(s, "kunskapsstyrning") == []
        assert len(search_items(s, "budget")) == 1


def test_seed_001_kunskapsstyrningen_finds_all_three_items(database_url):
    store(database_url, "001.txt", seed_extraction("001"))
    with session_scope(database_url) as s:
        assert len(search_items(s, "kunskapsstyrningen")) == 3


# One query language on both databases: the same items stored in SQLite and in PostgreSQL, the same queries,
# the same rows (by §) from each, and the rows a reader of the query expects.
EQUIVALENCE_ITEMS = (
    ("Gemensam finansiering av kunskapsstyrning", ["Kommunen medverkar i socialtjänstens arbete."]),
    ("Rapport om kunskapsstyrningen", ["Informationen läggs till handlingarna."]),
    ("Budget 2020 för kommunen", ["Finansieringen godkänns."]),
    ("Regionens budget", ["Ärendet återremitteras till förvaltningen."]),
    ("Finansiering av e-tjänster", ["Dnr 2019/KS 0222 anmäls."]),
    ("Kommun och region i samverkan", ["Avtalet godkänns."]),
    ("Val av ombud", []),
    ("Uppföljning av \ufb01nansieringen", []),  # a text layer's ﬁ ligature
    ("Mål för verksamheten", ["Målen nås."]),
)

SEARCHES = [
    ("kommun OR finansiering", [1, 3, 5, 6, 8]),
    ("kommun -finansiering", [6]),
    ("kommunen finansieringen", [1, 3]),
    ("-budget", [1, 2, 5, 6, 7, 8, 9]),
    ("-budget -kommun", [2, 5, 7, 8, 9]),
    ("målen", [9]),
    ("mal", []),  # å is not a: no folding on either database
    ('"gemensam finansiering"', [1]),
    ('"finansiering gemensam"', []),
    ('budget kommun OR regionens', [3, 4]),
    ('budget -"för kommunen"', [4]),
    ("e-tjänster", [5]),
    ('"e-tjänster"', [5]),
    ("2019/KS", [5]),
    ("2019", [5]),
    ("ks", [5]),
    ('"kommun och region"', [6]),
    ('"uppföljning av finansiering"', [8]),
    ("\ufb01nansiering -kunskapsstyrning -kommun", [5, 8]),
    ("och kunskapsstyrning", [1, 2]),
    ("OR ombud", [7]),
    ("ombud OR", [7]),
    ("kunskapsstyrning OR", [1, 2]),
    ('"; DROP TABLE items; --', []),
    ("'); DROP TABLE items; --", []),
    ("kommun & !finansiering | budget", [3]),
    ("kommun:* <-> region", [6]),
]


@pytest.fixture
def both_databases(sqlite_url, postgres_url) -> tuple[str, str]:
    from models.db import upgrade

    extraction = items(*EQUIVALENCE_ITEMS)
    for url in (sqlite_url, postgres_url):
        upgrade(url)
        store(url, "a.pdf", extraction)
    return sqlite_url, postgres_url


def _paragraphs(url: str, query: str) -> list[int]:
    from models.schema import ItemRecord

    # Only the paragraph column: the upgrade test reads a database taken back to an older revision.
    with session_scope(url) as s:
        ids = list(search_items(s, query))
        return sorted(s.scalars(select(ItemRecord.paragraph).where(ItemRecord.id.in_(ids)))) if ids else []


def test_the_same_query_finds_the_same_items_on_sqlite_and_postgresql(both_databases):
    sqlite_url, postgres_url = both_databases
    found = {query: (_paragraphs(sqlite_url, query), _paragraphs(postgres_url, query)) for query, _ in SEARCHES}
    assert found == {query: (expected, expected) for query, expected in SEARCHES}


@pytest.mark.parametrize(
    ("query", "fts5", "tsquery"),
    [
        ("kommun OR finansiering", ('("kommun" OR "finansiering")', None), "(('kommun') | ('finansiering'))"),
        ("kommun -finansiering", ('("kommun")', '("finansiering")'), "(('kommun')) & !(('finansiering'))"),
        ('"Gemensam finansiering" -budget', ('("gemensam finansiering")', '("budget")'), "(('gemensam' <-> 'finansiering')) & !(('budget'))"),
        ("-budget", (None, '("budget")'), "!(('budget'))"),
        ('"och kommun och"', ('("kommun")', None), "(('kommun'))"),
        ('"; DROP TABLE items; --', ('("drop tabl item")', None), "(('drop' <-> 'table' <-> 'items'))"),
    ],
)
def test_a_query_is_parsed_once_and_rendered_for_each_database(query, fts5, tsquery):
    from pipeline.store.search import parse, to_fts5, to_tsquery

    parsed = parse(query)
    assert (to_fts5(parsed), to_tsquery(parsed)) == (fts5, tsquery)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "nothing to search for"),
        ("   ", "nothing to search for"),
        ("och att", "nothing to search for"),
        ('"" -', "nothing to search for"),
        ("kommun OR -budget", "'-' cannot be used inside OR"),
    ],
)
def test_queries_that_search_for_nothing_are_refused(query, message):
    from pipeline.store.search import SearchSyntaxError, parse

    with pytest.raises(SearchSyntaxError, match=message):
        parse(query)


SWEDISH_WORDS = ("kunskapsstyrningen", "nämndens", "finansieringen", "förvaltningen", "återremitteras", "kommunfullmäktiges",
                 "beslutade", "socialtjänstens", "handlingarna", "ersättare", "sammanträdet", "justerades", "budget", "utskottet",
                 "protokollet", "beslutet", "ärendet", "mötet", "avtalet", "löst", "gemensamt")


def test_stop_words_and_stems_are_postgresqls(postgres_url):
    """The query drops the words the server drops, and stems as the server stems (Snowball Swedish on both)."""
    from sqlalchemy import create_engine, text as sql

    from models.search_words import STOP_WORDS

    engine = create_engine(postgres_url)
    with engine.connect() as conn:
        dropped = {w for w in STOP_WORDS if conn.execute(sql("SELECT ts_lexize('swedish_stem', :w)"), {"w": w}).scalar() == []}
        server_stems = [conn.execute(sql("SELECT ts_lexize('swedish_stem', :w)"), {"w": w}).scalar() for w in SWEDISH_WORDS]
    engine.dispose()
    assert dropped == set(STOP_WORDS) and len(STOP_WORDS) == 114
    assert server_stems == [stems(w) for w in SWEDISH_WORDS]


def test_the_upgrade_rewrites_stored_items_for_the_shared_search(database_url):
    """Items stored before revision 0007 (printed text, and on SQLite an index that folds å to a) are searched
    like new ones once the database is upgraded."""
    from sqlalchemy import text as sql

    from models import db

    # Stored by today's code, then taken back to 0006 (the rows stay), where the text is what 0006 stored.
    store(database_url, "a.pdf", items(("Mål 2019/KS-2020", [])))
    db.downgrade(database_url, "0006")
    with session_scope(database_url) as s:
        s.execute(sql("UPDATE items SET search_text = 'Mål 2019/KS-2020'"))
    if database_url.startswith("sqlite"):
        assert _paragraphs(database_url, "mal") == [1]  # the old index folded the å away
    db.upgrade(database_url)
    with session_scope(database_url) as s:
        assert s.execute(sql("SELECT search_text FROM items")).scalar() == "Mål 2019 KS 2020"
    assert [_paragraphs(database_url, q) for q in ("mal", "mål", "2019", '"ks 2020"')] == [[], [1], [1], [1]]
