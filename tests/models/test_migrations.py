"""Alembic: one head, and downgrade/upgrade round trips keep the schema usable with data."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select

from models import db
from models.schema import Base, Document


def test_one_head():
    script = ScriptDirectory.from_config(db.alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1


def test_upgrade_creates_every_table_of_the_models(database_url):
    tables = set(inspect(db.get_engine(database_url)).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert db.current_revision(database_url) == db.head_revision()


def test_downgrade_then_upgrade_with_data(database_url):
    with db.session_scope(database_url) as s:
        s.add(Document(path="a.pdf", status="ok"))
    db.downgrade(database_url, "base")
    assert "documents" not in inspect(db.get_engine(database_url)).get_table_names()
    db.upgrade(database_url)
    with db.session_scope(database_url) as s:
        s.add(Document(path="b.pdf", status="ok"))
    with db.session_scope(database_url) as s:
        assert s.scalars(select(Document.path)).all() == ["b.pdf"]


def test_ensure_schema_upgrades_an_empty_database(sqlite_url):
    assert db.current_revision(sqlite_url) is None
    db.ensure_schema(sqlite_url)
    assert db.current_revision(sqlite_url) == db.head_revision()


@pytest.mark.parametrize("url", ["postgresql://u@h/db", "postgres://u@h/db"])
def test_plain_postgres_urls_use_psycopg3(url):
    assert db.normalise_url(url) == "postgresql+psycopg://u@h/db"
