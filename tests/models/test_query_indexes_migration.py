"""Migration 0008 (query indexes) applies, downgrades and applies again, with data, on both databases."""

from __future__ import annotations

from sqlalchemy import inspect, select

from models import db
from models.schema import Case, CaseAlias

NEW = {("case_aliases", "ix_case_aliases_normalised", ("normalised",)), ("cases", "ix_cases_year_serial", ("year", "serial"))}


def query_indexes(url: str) -> set[tuple[str, str, tuple[str, ...]]]:
    inspector = inspect(db.get_engine(url))
    return {(t, i["name"], tuple(i["column_names"])) for t in ("case_aliases", "cases") for i in inspector.get_indexes(t)} & NEW


def test_query_indexes_upgrade_downgrade_upgrade(database_url):
    with db.session_scope(database_url) as s:
        s.add(Case(scope="0138", normalised="2019/KS 0042", year=2019, register="KS", serial="42"))
        s.flush()
        s.add(CaseAlias(case_id=s.scalar(select(Case.id)), scope="0138", normalised="2019/KS 0042", raw="Dnr 2019/KS 0042"))
    assert db.current_revision(database_url) == db.head_revision()
    assert query_indexes(database_url) == NEW
    db.downgrade(database_url, "0007")
    assert query_indexes(database_url) == set()
    db.upgrade(database_url)
    assert query_indexes(database_url) == NEW
    with db.session_scope(database_url) as s:
        assert s.scalars(select(CaseAlias.raw).where(CaseAlias.normalised == "2019/KS 0042")).all() == ["Dnr 2019/KS 0042"]
