"""Migration 0013: every column that refers to spans.id has an index (a document's rows are deleted by seeks, not
by reading every referring table whole for each span), and the migration goes down and up again."""

from __future__ import annotations

from sqlalchemy import inspect

from models import db


def referring_columns(url: str) -> dict[tuple[str, str], bool]:
    """(table, column) of every foreign key to spans -> whether an index starts with that column."""
    inspector = inspect(db.get_engine(url))
    found = {}
    for table in inspector.get_table_names():
        indexed = {tuple(ix["column_names"][:1]) for ix in inspector.get_indexes(table)}
        for fk in inspector.get_foreign_keys(table):
            if fk["referred_table"] == "spans":
                (column,) = fk["constrained_columns"]
                found[(table, column)] = (column,) in indexed
    return found


def test_every_reference_to_a_span_is_indexed_and_the_migration_round_trips(database_url):
    db.ensure_schema(database_url)
    assert db.current_revision(database_url) == db.head_revision() == "0013"
    columns = referring_columns(database_url)
    assert len(columns) >= 10 and all(columns.values()), columns
    db.downgrade(database_url, "0012")
    assert not any(referring_columns(database_url).values())
    db.upgrade(database_url)
    assert all(referring_columns(database_url).values())
