"""Every `decisions` filter, `case` and `person` reach their rows through indexes, never a full scan of a large
table: read from the plans SQLite (EXPLAIN QUERY PLAN) and PostgreSQL (EXPLAIN) make of the statements the
query functions send, on a small synthetic database (benchmarks/make_big_db.bulk_build).

PostgreSQL plans a small table by cost and may well read it whole; with sequential scans priced out
(enable_seqscan off) it still reads a table whole when no index serves the condition, which is what is asserted.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import pytest
from sqlalchemy import func, select, update

from benchmarks.make_big_db import bulk_build
from benchmarks.query_bench import query_plans
from models.db import session_scope
from models.schema import Case, ItemRecord, MunicipalityRecord
from pipeline.research import queries
from pipeline.research.queries import DecisionFilters, case, decisions, person

# The tables that grow with the number of documents; municipalities, bodies, parties and persons stay small.
LARGE = "items|decisions|spans|documents|cases|case_aliases|case_mentions|meetings|attendance|votes|vote_choices"
FULL_SCAN = re.compile(rf"^SCAN ({LARGE})( AS \w+)?$|Seq Scan on ({LARGE})\b")
INDEXED = re.compile(r"USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY|Index Scan|Index Only Scan|Bitmap Index Scan|VIRTUAL TABLE INDEX")

# Each filter given the code of the municipality with the most items (so that every filter matches some).
FILTERS = {
    "municipality": lambda code: DecisionFilters(municipality=code, limit=100),
    "body": lambda code: DecisionFilters(body="Kommunstyrelsen", limit=100),
    "date range": lambda code: DecisionFilters(date_from=date(2019, 1, 1), date_to=date(2019, 12, 31), limit=100),
    "text": lambda code: DecisionFilters(text="finansiering", limit=100),
    "text and municipality": lambda code: DecisionFilters(text="finansiering", municipality=code, limit=100),
    "municipality and dates": lambda code: DecisionFilters(municipality=code, date_from=date(2015, 1, 1), date_to=date(2025, 12, 31)),
}


@pytest.fixture(scope="module")
def synthetic(module_database_url) -> str:
    bulk_build(module_database_url, 3_000)
    with session_scope(module_database_url) as s:
        # Some items without a meeting date: SQLite sorts them first, PostgreSQL last, and a page must too.
        s.execute(update(ItemRecord).where(ItemRecord.id % 97 == 0).values(meeting_date=None))
    return module_database_url


@pytest.fixture(scope="module")
def busiest(synthetic) -> str:
    with session_scope(synthetic) as s:
        return s.scalars(
            select(MunicipalityRecord.code).join(ItemRecord, ItemRecord.municipality_id == MunicipalityRecord.id)
            .group_by(MunicipalityRecord.code).order_by(func.count().desc(), MunicipalityRecord.code).limit(1)
        ).one()


@pytest.fixture(scope="module")
def dnr(synthetic) -> str:
    """A case number of the synthetic database that items are about."""
    with session_scope(synthetic) as s:
        return s.scalars(select(Case.normalised).join(ItemRecord, ItemRecord.case_id == Case.id).order_by(Case.id).limit(1)).one()


def plan_lines(url: str, call) -> list[str]:
    plans = query_plans(url, call, settings=["SET enable_seqscan = off"] if url.startswith("postgresql") else [])
    assert plans, "the query sent no SELECT"
    return [line.strip() for _, lines in plans for line in lines]


def assert_indexed(lines: list[str]) -> None:
    full = [line for line in lines if FULL_SCAN.search(line)]
    assert not full, "\n".join(lines)
    assert any(INDEXED.search(line) for line in lines), "\n".join(lines)


@pytest.mark.parametrize("name", FILTERS)
def test_each_decisions_filter_reads_items_through_an_index(synthetic, busiest, name):
    filters = FILTERS[name](busiest)
    assert decisions(synthetic, filters), "the filter matches no item of the synthetic database"
    lines = plan_lines(synthetic, lambda: decisions(synthetic, filters))
    assert_indexed(lines)
    assert any("items" in line and INDEXED.search(line) for line in lines), "\n".join(lines)


def test_decisions_about_a_case_read_items_through_an_index(synthetic, dnr):
    assert decisions(synthetic, DecisionFilters(case=dnr))
    lines = plan_lines(synthetic, lambda: decisions(synthetic, DecisionFilters(case=dnr)))
    assert_indexed(lines)
    assert any("items" in line and INDEXED.search(line) for line in lines), "\n".join(lines)


def test_a_case_number_is_looked_up_by_index_in_every_municipality(synthetic, dnr):
    assert case(synthetic, dnr)
    lines = plan_lines(synthetic, lambda: case(synthetic, dnr))
    assert_indexed(lines)
    assert any(re.search(r"ix_case_aliases_normalised", line) for line in lines), "\n".join(lines)
    assert any(re.search(r"ix_cases_year_serial", line) for line in lines), "\n".join(lines)


def test_a_persons_meetings_and_votes_are_read_by_index(synthetic):
    assert person(synthetic, "Anna Andersson").persons
    lines = plan_lines(synthetic, lambda: person(synthetic, "Anna Andersson"))
    assert_indexed(lines)
    assert any("attendance" in line and INDEXED.search(line) for line in lines), "\n".join(lines)


@pytest.mark.parametrize("name", FILTERS)
def test_a_limited_page_is_the_start_of_the_whole_answer(synthetic, busiest, name):
    """decisions bounds a limited query by the last meeting date of its page; the rows stay those of the whole answer."""
    whole = decisions(synthetic, dataclasses.replace(FILTERS[name](busiest), limit=None))
    assert whole
    for limit in (1, 7, 60, len(whole), len(whole) + 5):
        assert decisions(synthetic, dataclasses.replace(FILTERS[name](busiest), limit=limit)) == whole[:limit]


@pytest.mark.parametrize("probe_cost", [0, 10**9])
@pytest.mark.parametrize("name", ["text", "text and municipality"])
def test_both_ways_of_walking_dates_for_a_text_page_give_the_start_of_the_whole_answer(synthetic, busiest, name, probe_cost, monkeypatch):
    """SQLite asks FTS5 item by item (cost 0) or reads the match list once (a huge cost); PostgreSQL has one way."""
    monkeypatch.setattr(queries, "FTS_PROBE_COST", probe_cost)
    whole = decisions(synthetic, dataclasses.replace(FILTERS[name](busiest), limit=None))
    for limit in (1, 7, 60):
        assert decisions(synthetic, dataclasses.replace(FILTERS[name](busiest), limit=limit)) == whole[:limit]
    if synthetic.startswith("sqlite"):
        walk = "CORRELATED SCALAR SUBQUERY" if probe_cost == 0 else "LIST SUBQUERY"
        page = dataclasses.replace(FILTERS[name](busiest), limit=7)  # words common enough for a walk at this size
        lines = plan_lines(synthetic, lambda: decisions(synthetic, page))
        assert any(walk in line for line in lines), "\n".join(lines)
        assert any(re.search(r"ix_items_(meeting_date|municipality_date)", line) for line in lines), "\n".join(lines)
