"""progress: which extractions the consistency check has covered

Why: a run killed between its last extraction and its consistency check left
the documents extracted but never checked, and nothing could tell; the next run
saw every file unchanged and the flags were lost. Each extraction now records
when a check covered it (`checked_at`, NULL until then), so a rerun or
`protokoll check` finishes the work and `protokoll status` shows what is left.
Extractions stored before this revision start unchecked: nothing recorded
whether their run's check finished, so the next run checks them once more.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 12:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('extractions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_extractions_checked_at'), ['checked_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('extractions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_extractions_checked_at'))
        batch_op.drop_column('checked_at')
