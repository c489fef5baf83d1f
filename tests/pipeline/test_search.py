"""One search function over SQLite FTS5 and PostgreSQL tsvector, both with Swedish stemming."""

from __future__ import annotations

import pytest

from models.db import session_scope
from models.records import Extraction, Item
from pipeline.search import search_items, stems
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
