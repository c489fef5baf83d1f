"""Migration 0008 (query indexes) applies, downgrades and applies again, with data, on both databases."""

from __future__ import annotations

from sqlalchemy import select

from models import db
from models.schema import Case, CaseAlias

NEW = {("case_aliases", "ix_case_aliases_normalised"), ("cases", "ix_cases_year_serial"), ("persons", "ix_persons_key_length")}


def query_indexes(url: str) -> set[tuple[str, str]]:
    engine = db.get_engine(url)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.exec_driver_sql("SELECT tbl_name, name FROM sqlite_master WHERE type = 'index'").all()
        else:
            rows = conn.exec_driver_sql("SELECT tablename, indexname FROM pg_indexes WHERE schemaname = current_schema()").all()
    return {tuple(r) for r in rows} & NEW


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
