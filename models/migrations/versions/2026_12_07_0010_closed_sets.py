"""closed sets: kinds, roles, statuses and severities as enums, document dates as dates

Why: the closed vocabularies (document and version status, file kind, page method,
doc type, flag severity and status, review decision, attendance role, decision kind,
date role) were free strings, so a misspelt value was stored without complaint and
only surfaced as a row no query matched. The models now type them as enums stored
as the same strings in the same VARCHAR columns: no DDL changes for them, but the
ORM refuses to read a string outside its set, so this revision maps the strays an
older database may hold. A stray differing only in case or surrounding spaces
becomes its member; any other becomes the fallback below (for a review, the note
keeps the decision it replaces). The mapping is one way: a downgrade keeps them.
extractions.document_date was the ISO text of a date, parsed back by the code
that read it; it is now a DATE (text that is no date becomes NULL). SQLite's
CAST to DATE would keep only the year, so the dates are copied into a new column.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 16:30:00.000000
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

_DOCUMENT_STATUS = ('pending', 'ok', 'partial', 'failed')

# (table, column, the set as of this revision, what a string outside it becomes). Copied rather than imported
# from models/: a migration describes the schema of its revision, whatever the models say later.
CLOSED_SETS = (
    # Unfinished: the next ingest of the file reads and stores it again.
    ('documents', 'status', _DOCUMENT_STATUS, 'pending'),
    ('document_versions', 'status', _DOCUMENT_STATUS, 'pending'),
    ('document_versions', 'kind', ('pdf', 'png', 'jpeg', 'tiff', 'text'), None),
    # The less sure reading.
    ('pages', 'method', ('text', 'ocr'), 'ocr'),
    ('extractions', 'doc_type', ('protocol', 'protocol_extract', 'protocol_bundle', 'letter', 'minutes', 'agenda', 'report', 'other'), 'other'),
    # Neither hidden among the infos nor raised to an error.
    ('flags', 'severity', ('error', 'warning', 'info'), 'warning'),
    # Back in the reviewers' queue; the next check of its documents makes it stale if it is not raised again.
    ('flags', 'status', ('open', 'stale'), 'open'),
    ('reviews', 'decision', ('accepted', 'dismissed'), 'accepted'),
    ('attendance', 'role', ('member', 'substitute', 'other', 'absent'), 'other'),
    ('decisions', 'kind', ('decision', 'proposal', 'information'), None),
    ('date_facts', 'role', ('document', 'meeting', 'adjusted', 'notice_posted', 'notice_removed', 'deadline', 'decision', 'event', 'other'), 'other'),
)


def _map_strays(connection: sa.Connection) -> None:
    for name, column, members, fallback in CLOSED_SETS:
        table = sa.table(name, sa.column(column, sa.String()), *([sa.column('note', sa.Text())] if name == 'reviews' else []))
        found = connection.execute(sa.select(table.c[column]).distinct()).scalars().all()
        for stray in [v for v in found if v is not None and v not in members]:
            cleaned = stray.strip().lower()
            value = cleaned if cleaned in members else fallback
            changes: dict[str, object] = {column: value}
            if name == 'reviews' and value != cleaned:
                changes['note'] = sa.literal(f'[decision stored as {stray!r}] ', sa.Text()) + table.c.note
            connection.execute(table.update().where(table.c[column] == stray).values(changes))


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _retype_document_date(old_type: sa.types.TypeEngine, new_type: sa.types.TypeEngine, convert: Callable[[Any], Any]) -> None:
    """Copy extractions.document_date, converted, into a column of `new_type` that then takes its name."""
    op.add_column('extractions', sa.Column('document_date_new', new_type, nullable=True))
    extractions = sa.table('extractions', sa.column('document_date', old_type), sa.column('document_date_new', new_type))
    connection = op.get_bind()
    # One update per distinct date: extractions are many, the dates they fall on few.
    for value in connection.execute(sa.select(extractions.c.document_date).distinct()).scalars().all():
        converted = None if value is None else convert(value)
        if converted is not None:
            connection.execute(extractions.update().where(extractions.c.document_date == value).values(document_date_new=converted))
    with op.batch_alter_table('extractions', schema=None) as batch_op:
        batch_op.drop_column('document_date')
        batch_op.alter_column('document_date_new', new_column_name='document_date', existing_type=new_type, existing_nullable=True)


def upgrade() -> None:
    _map_strays(op.get_bind())
    _retype_document_date(sa.String(length=10), sa.Date(), _day)


def downgrade() -> None:
    _retype_document_date(sa.Date(), sa.String(length=10), date.isoformat)
