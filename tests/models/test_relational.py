"""The relational schema (migration 0003) on SQLite and PostgreSQL: seeded registry, constraints, search index, round trip."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from models import db
from models.schema import Body, Case, MunicipalityRecord, Party


def test_all_290_municipalities_are_seeded_with_code_and_county(database_url):
    with db.session_scope(database_url) as s:
        assert s.scalar(select(MunicipalityRecord.id).order_by(MunicipalityRecord.id.desc()).limit(1)) == 290
        tyreso = s.scalars(select(MunicipalityRecord).where(MunicipalityRecord.code == "0138")).one()
        assert (tyreso.name, tyreso.county_code, tyreso.county_name) == ("Tyresö", "01", "Stockholms län")


@pytest.mark.parametrize(
    ("model", "values"),
    [
        (Body, {"scope": "0138", "name": "Kommunstyrelsen", "key": "kommunstyrelsen"}),
        (Party, {"abbreviation": "KD"}),
        (Case, {"scope": "0138", "normalised": "2019/KS 0222 12"}),
    ],
)
def test_shared_entities_are_unique(database_url, model, values):
    with db.session_scope(database_url) as s:
        s.add(model(**values))
    with pytest.raises(IntegrityError):
        with db.session_scope(database_url) as s:
            s.add(model(**values))


def test_full_text_index_exists_per_dialect(database_url):
    engine = db.get_engine(database_url)
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            indexdef = conn.execute(text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_items_search'")).scalar_one()
            assert "gin" in indexdef and "'swedish'" in indexdef
        else:
            assert conn.execute(text("SELECT name FROM sqlite_master WHERE name = 'items_fts'")).scalar_one() == "items_fts"


def test_downgrade_to_0002_and_upgrade_again(database_url):
    with db.session_scope(database_url) as s:
        s.add(Party(abbreviation="S"))
    db.downgrade(database_url, "0002")
    tables = set(inspect(db.get_engine(database_url)).get_table_names())
    assert not {"municipalities", "items", "persons", "cases", "items_fts"} & tables
    assert "flags" in tables
    db.upgrade(database_url)
    with db.session_scope(database_url) as s:
        assert s.scalar(select(MunicipalityRecord.name).where(MunicipalityRecord.code == "1480")) == "Göteborg"
        assert s.scalars(select(Party)).all() == []
