"""municipalities, bodies, people, cases, meetings, items, decisions, votes, attendance, spans, dated facts; full-text search

Why: researchers query by municipality, body, date, case and text, and follow a
person or a case across meetings and documents.  The JSON extraction cannot be
joined, so its contents become rows with shared entities (the 290 kommuner,
seeded here from models/data/kommuner.csv; bodies, parties, persons, cases
resolved once) and a span on every value.  Full-text search needs a
dialect-specific index: an FTS5 table over Swedish-stemmed text on SQLite, a
GIN index over to_tsvector('swedish', ...) on PostgreSQL.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 22:28:52.034161
"""

from __future__ import annotations

import csv
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# A copy of the registry as it was when this migration was written would be
# safer against later edits, but the file is the official list and only grows
# by the rare municipal merger; a later migration adds rows, never edits this one.
KOMMUNER = Path(__file__).resolve().parents[2] / "data" / "kommuner.csv"

PG_SEARCH_INDEX = "CREATE INDEX ix_items_search ON items USING gin (to_tsvector('swedish', search_text))"
SQLITE_SEARCH_TABLE = "CREATE VIRTUAL TABLE items_fts USING fts5(stems, tokenize='unicode61')"


def upgrade() -> None:
    op.create_table('municipalities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=4), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('county_code', sa.String(length=2), nullable=False),
    sa.Column('county_name', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_municipalities')),
    sa.UniqueConstraint('code', name=op.f('uq_municipalities_code'))
    )
    op.create_table('parties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('abbreviation', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parties')),
    sa.UniqueConstraint('abbreviation', name=op.f('uq_parties_abbreviation'))
    )
    op.create_table('bodies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=4), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=256), nullable=False),
    sa.Column('key', sa.String(length=256), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_bodies_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bodies')),
    sa.UniqueConstraint('scope', 'key', name=op.f('uq_bodies_scope'))
    )
    with op.batch_alter_table('bodies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bodies_key'), ['key'], unique=False)
        batch_op.create_index(batch_op.f('ix_bodies_municipality_id'), ['municipality_id'], unique=False)

    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=4), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('normalised', sa.String(length=128), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('register', sa.String(length=32), nullable=True),
    sa.Column('serial', sa.String(length=32), nullable=True),
    sa.Column('classification', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_cases_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('scope', 'normalised', name=op.f('uq_cases_scope'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_scope_year_serial', ['scope', 'year', 'serial'], unique=False)

    op.create_table('persons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=4), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=256), nullable=False),
    sa.Column('key', sa.String(length=256), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_persons_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_persons'))
    )
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.create_index('ix_persons_scope_key', ['scope', 'key'], unique=False)

    op.create_table('case_aliases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=4), nullable=False),
    sa.Column('normalised', sa.String(length=128), nullable=False),
    sa.Column('raw', sa.String(length=256), nullable=False),
    sa.Column('variance', sa.String(length=256), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_aliases_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_aliases')),
    sa.UniqueConstraint('scope', 'normalised', name=op.f('uq_case_aliases_scope'))
    )
    with op.batch_alter_table('case_aliases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_aliases_case_id'), ['case_id'], unique=False)

    op.create_table('spans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('box', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_spans_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['document_versions.id'], name=op.f('fk_spans_version_id_document_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spans'))
    )
    with op.batch_alter_table('spans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spans_document_id'), ['document_id'], unique=False)

    op.create_table('amounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=8), nullable=False),
    sa.Column('approximate', sa.Boolean(), nullable=False),
    sa.Column('per', sa.String(length=64), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('rule', sa.String(length=64), nullable=False),
    sa.Column('span_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_amounts_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['span_id'], ['spans.id'], name=op.f('fk_amounts_span_id_spans'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['version_id'], ['document_versions.id'], name=op.f('fk_amounts_version_id_document_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_amounts'))
    )
    with op.batch_alter_table('amounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_amounts_document_id'), ['document_id'], unique=False)

    op.create_table('case_mentions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('raw', sa.String(length=256), nullable=False),
    sa.Column('span_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_mentions_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_case_mentions_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['span_id'], ['spans.id'], name=op.f('fk_case_mentions_span_id_spans'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['version_id'], ['document_versions.id'], name=op.f('fk_case_mentions_version_id_document_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_mentions'))
    )
    with op.batch_alter_table('case_mentions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_mentions_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_mentions_document_id'), ['document_id'], unique=False)

    op.create_table('date_facts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('value', sa.Date(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('time', sa.String(length=16), nullable=True),
    sa.Column('rule', sa.String(length=64), nullable=False),
    sa.Column('span_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_date_facts_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['span_id'], ['spans.id'], name=op.f('fk_date_facts_span_id_spans'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['version_id'], ['document_versions.id'], name=op.f('fk_date_facts_version_id_document_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_date_facts'))
    )
    with op.batch_alter_table('date_facts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_date_facts_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_date_facts_role'), ['role'], unique=False)

    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('body_id', sa.Integer(), nullable=True),
    sa.Column('date', sa.Date(), nullable=True),
    sa.Column('time', sa.String(length=32), nullable=True),
    sa.Column('place', sa.String(length=256), nullable=True),
    sa.Column('paragraph_first', sa.Integer(), nullable=True),
    sa.Column('paragraph_last', sa.Integer(), nullable=True),
    sa.Column('chair', sa.String(length=256), nullable=True),
    sa.Column('secretary', sa.String(length=256), nullable=True),
    sa.Column('adjusters', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('adjusted_on', sa.Date(), nullable=True),
    sa.Column('notice_posted', sa.Date(), nullable=True),
    sa.Column('notice_removed', sa.Date(), nullable=True),
    sa.Column('span_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], name=op.f('fk_meetings_body_id_bodies')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_meetings_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_meetings_municipality_id_municipalities')),
    sa.ForeignKeyConstraint(['span_id'], ['spans.id'], name=op.f('fk_meetings_span_id_spans'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['version_id'], ['document_versions.id'], name=op.f('fk_meetings_version_id_document_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index('ix_meetings_body_date', ['body_id', 'date'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_document_id'), ['document_id'], unique=False)

    op.create_table('periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('stated_years', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('rule', sa.String(length=64), nullable=False),
    sa.Column('span_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_periods_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['span_id'], ['spans.id'], name=op.f('fk_periods_span_id_spans'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['version_id'], ['document_versions.id'], name=op.f('fk_periods_version_id_document_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_periods'))
    )
    with op.batch_alter_table('periods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_periods_document_id'), ['document_id'], unique=False)

    op.create_table('attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=256), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('function', sa.String(length=256), nullable=True),
    sa.Column('title', sa.String(length=256), nullable=True),
    sa.Column('department', sa.String(length=256), nullable=True),
    sa.Column('paragraphs', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('serving_for_id', sa.Integer(), nullable=True),
    sa.Column('serving_for', sa.String(length=256), nullable=True),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('span_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_attendance_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_attendance_municipality_id_municipalities')),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_attendance_party_id_parties')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_attendance_person_id_persons')),
    sa.ForeignKeyConstraint(['serving_for_id'], ['persons.id'], name=op.f('fk_attendance_serving_for_id_persons')),
    sa.ForeignKeyConstraint(['span_id'], ['spans.id'], name=op.f('fk_attendance_span_id_spans'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance'))
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendance_person_id'), ['person_id'], unique=False)

    op.create_table('items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('body_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('case_number', sa.String(length=256), nullable=True),
    sa.Column('number', sa.String(length=16), nullable=False),
    sa.Column('paragraph', sa.Integer(), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('meeting_date', sa.Date(), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('span_id', sa.Integer(), nullable=True),
    sa.Column('rule', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], name=op.f('fk_items_body_id_bodies')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_items_case_id_cases')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_items_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_items_meeting_id_meetings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_items_municipality_id_municipalities')),
    sa.ForeignKeyConstraint(['span_id'], ['spans.id'], name=op.f('fk_items_span_id_spans'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['version_id'], ['document_versions.id'], name=op.f('fk_items_version_id_document_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_items'))
    )
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.create_index('ix_items_body_date', ['body_id', 'meeting_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_items_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_items_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_items_meeting_date'), ['meeting_date'], unique=False)
        batch_op.create_index('ix_items_municipality_date', ['municipality_id', 'meeting_date'], unique=False)

    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=True),
    sa.Column('clauses', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('immediate_adjustment', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_decisions_item_id_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions')),
    sa.UniqueConstraint('item_id', name=op.f('uq_decisions_item_id'))
    )
    op.create_table('votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('yes', sa.Integer(), nullable=True),
    sa.Column('no', sa.Integer(), nullable=True),
    sa.Column('abstain', sa.Integer(), nullable=True),
    sa.Column('proposition', sa.Text(), nullable=True),
    sa.Column('span_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_votes_item_id_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['span_id'], ['spans.id'], name=op.f('fk_votes_span_id_spans'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_votes'))
    )
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_votes_item_id'), ['item_id'], unique=False)

    op.create_table('vote_choices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=256), nullable=False),
    sa.Column('choice', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_vote_choices_person_id_persons')),
    sa.ForeignKeyConstraint(['vote_id'], ['votes.id'], name=op.f('fk_vote_choices_vote_id_votes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vote_choices'))
    )
    with op.batch_alter_table('vote_choices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vote_choices_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vote_choices_vote_id'), ['vote_id'], unique=False)


    _seed_municipalities()
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_SEARCH_INDEX)
    else:
        # rowid = items.id; rows are written by pipeline.store.rows with stems from pipeline.store.search.
        op.execute(SQLITE_SEARCH_TABLE)


def _seed_municipalities() -> None:
    table = sa.table(
        "municipalities",
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("county_code", sa.String),
        sa.column("county_name", sa.String),
    )
    with KOMMUNER.open(encoding="utf-8") as handle:
        rows = [
            {"code": r["municipality_code"], "name": r["municipality_name"], "county_code": r["county_code"], "county_name": r["county_name"]}
            for r in csv.DictReader(handle)
        ]
    op.bulk_insert(table, rows)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_items_search")
    else:
        op.execute("DROP TABLE IF EXISTS items_fts")
    with op.batch_alter_table('vote_choices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vote_choices_vote_id'))
        batch_op.drop_index(batch_op.f('ix_vote_choices_person_id'))

    op.drop_table('vote_choices')
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_votes_item_id'))

    op.drop_table('votes')
    op.drop_table('decisions')
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_index('ix_items_municipality_date')
        batch_op.drop_index(batch_op.f('ix_items_meeting_date'))
        batch_op.drop_index(batch_op.f('ix_items_document_id'))
        batch_op.drop_index(batch_op.f('ix_items_case_id'))
        batch_op.drop_index('ix_items_body_date')

    op.drop_table('items')
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_person_id'))
        batch_op.drop_index(batch_op.f('ix_attendance_meeting_id'))

    op.drop_table('attendance')
    with op.batch_alter_table('periods', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_periods_document_id'))

    op.drop_table('periods')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_document_id'))
        batch_op.drop_index(batch_op.f('ix_meetings_date'))
        batch_op.drop_index('ix_meetings_body_date')

    op.drop_table('meetings')
    with op.batch_alter_table('date_facts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_date_facts_role'))
        batch_op.drop_index(batch_op.f('ix_date_facts_document_id'))

    op.drop_table('date_facts')
    with op.batch_alter_table('case_mentions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_mentions_document_id'))
        batch_op.drop_index(batch_op.f('ix_case_mentions_case_id'))

    op.drop_table('case_mentions')
    with op.batch_alter_table('amounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_amounts_document_id'))

    op.drop_table('amounts')
    with op.batch_alter_table('spans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spans_document_id'))

    op.drop_table('spans')
    with op.batch_alter_table('case_aliases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_aliases_case_id'))

    op.drop_table('case_aliases')
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index('ix_persons_scope_key')

    op.drop_table('persons')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_scope_year_serial')

    op.drop_table('cases')
    with op.batch_alter_table('bodies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bodies_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_bodies_key'))

    op.drop_table('bodies')
    op.drop_table('parties')
    op.drop_table('municipalities')
