"""query indexes: the researcher queries stay fast at national scale (a million items)

Why: `case DNR` looks a typed case number up in every municipality, by its
printed form (case_aliases.normalised) and by year and serial (cases), but the
only indexes on those columns began with the municipality (scope), so at a
million items each lookup read both tables from end to end. Two indexes
without the scope make them index lookups on SQLite and PostgreSQL.
`person NAME` compares the name with every person's folded key; only keys of
about its length can be similar enough, and an index on length(key), key
gives exactly those (the index holds the keys, so the table is not read).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 13:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('case_aliases', schema=None) as batch_op:
        batch_op.create_index('ix_case_aliases_normalised', ['normalised'], unique=False)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_year_serial', ['year', 'serial'], unique=False)
    # An expression index is created in place on SQLite too (no table copy needed).
    op.create_index('ix_persons_key_length', 'persons', [sa.text('length(key)'), 'key'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_persons_key_length', table_name='persons')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_year_serial')
    with op.batch_alter_table('case_aliases', schema=None) as batch_op:
        batch_op.drop_index('ix_case_aliases_normalised')
