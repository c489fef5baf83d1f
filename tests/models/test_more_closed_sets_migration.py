"""Migration 0012 (section kinds, entity labels, item list kinds, vote choices as enums) with data on both databases:
the seeds' rows read back as enums, strays written at 0011 are mapped, an unreadable vote choice stops the upgrade
with nothing changed, and a downgrade and upgrade keep every row of every table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from models import db
from models.records import EntityLabel, ItemEntryKind, SectionKind, VoteChoiceKind
from models.schema import Base, EntityRecord, ItemEntry, SectionRecord, VoteChoice
from tests.ingest_runs import ingest_directly

SEEDS = Path(__file__).parents[2] / "samples" / "seeds"
TABLES = ["sections", "entities", "items", "item_entries", "votes", "vote_choices"]


def counts(url: str) -> dict[str, int]:
    with db.get_engine(url).connect() as conn:
        return {name: conn.execute(sa.text(f"SELECT count(*) FROM {name}")).scalar_one() for name in Base.metadata.tables}


def write_strays(url: str, choice: str) -> dict[Any, dict[int, Any]]:
    """Strays in each of the four columns, written with the 0011 tables; row id -> what 0012 should read."""
    expected: dict[Any, dict[int, Any]] = {SectionRecord.kind: {}, EntityRecord.label: {}, ItemEntry.kind: {}, VoteChoice.choice: {}}
    with db.get_engine(url).begin() as conn:
        meta = sa.MetaData()
        meta.reflect(conn, only=TABLES, resolve_fks=False)
        t = meta.tables

        def retag(column: Any, stray: str, member: Any) -> None:
            table = t[column.class_.__tablename__]
            row = conn.execute(sa.select(table.c.id).order_by(table.c.id.desc()).limit(1)).scalar_one()
            conn.execute(table.update().where(table.c.id == row).values({column.key: stray}))
            expected[column][row] = member

        retag(SectionRecord.kind, " Letter ", SectionKind.LETTER)
        retag(EntityRecord.label, "place", EntityLabel.ORGANISATION)
        item = conn.execute(sa.select(sa.func.min(t["items"].c.id))).scalar_one()
        for stray, member in (("Motion", ItemEntryKind.MOTION), ("remark", ItemEntryKind.NOTE)):
            row = conn.execute(t["item_entries"].insert().values(item_id=item, kind=stray, text="x").returning(t["item_entries"].c.id)).scalar_one()
            expected[ItemEntry.kind][row] = member
        person = conn.execute(sa.text("SELECT min(id) FROM persons")).scalar_one()  # not reflected: an expression index
        vote = conn.execute(t["votes"].insert().values(item_id=item, yes=1, no=1, rule="", confidence=1.0).returning(t["votes"].c.id)).scalar_one()
        for stray, member in (("JA", VoteChoiceKind.YES), (choice, VoteChoiceKind.NO)):
            row = conn.execute(t["vote_choices"].insert().values(vote_id=vote, person_id=person, name="Anna Ek", choice=stray, printed="")
                               .returning(t["vote_choices"].c.id)).scalar_one()
            expected[VoteChoice.choice][row] = member
    return expected


def read(url: str, column: Any) -> dict[int, Any]:
    with db.session_scope(url) as s:
        return dict(s.execute(sa.select(column.class_.id, column)).tuples().all())


def test_0012_reads_the_seeds_as_enums_and_maps_the_strays(database_url):
    ingest_directly(sorted(SEEDS.glob("*.txt")), database_url)
    db.downgrade(database_url, "0011")
    expected = write_strays(database_url, "nej")
    db.upgrade(database_url, "0012")
    for column, members in ((SectionRecord.kind, SectionKind), (EntityRecord.label, EntityLabel), (ItemEntry.kind, ItemEntryKind),
                            (VoteChoice.choice, VoteChoiceKind)):
        values = read(database_url, column)
        assert values, column
        assert {type(v) for v in values.values()} == {members}, column
        assert {row: values[row] for row in expected[column]} == expected[column], column
    assert set(read(database_url, SectionRecord.kind).values()) >= {SectionKind.PROTOCOL_COVER, SectionKind.PARAGRAPH_EXTRACT}


def test_a_vote_choice_that_cannot_be_read_stops_the_upgrade_and_changes_nothing(database_url):
    ingest_directly(sorted(SEEDS.glob("*.txt")), database_url)
    db.downgrade(database_url, "0011")
    write_strays(database_url, "maybe")
    with pytest.raises(RuntimeError, match=r"vote_choices\.choice holds 'maybe'"):
        db.upgrade(database_url, "0012")
    assert db.current_revision(database_url) == "0011"
    with db.get_engine(database_url).connect() as conn:
        assert sorted(conn.execute(sa.text("SELECT choice FROM vote_choices")).scalars()) == ["JA", "maybe"]
        assert conn.execute(sa.text("SELECT count(*) FROM sections WHERE kind = ' Letter '")).scalar_one() == 1


def test_a_downgrade_and_upgrade_keep_every_row_of_every_table(database_url):
    """On SQLite a batch migration copies a table and drops the original: with foreign keys on, that drop would first
    delete every row referring to it (models.db turns them off for upgrades and downgrades alike)."""
    ingest_directly(sorted(SEEDS.glob("*.txt")), database_url)
    before = counts(database_url)
    assert all(before[name] for name in ("sections", "entities", "items", "attendance", "date_facts", "case_mentions"))
    db.downgrade(database_url, "0009")  # through 0011's and 0010's batch copies of tables rows refer to
    db.upgrade(database_url)
    after = counts(database_url)
    assert {name: n for name, n in after.items() if name != "extractions"} == {n: c for n, c in before.items() if n != "extractions"}
