"""page layout regions

Why: a page's text now comes from a layout reading (lines, columns, tables,
rotated margin text), and extractors need to know which stretches of it are
running headers and footers, tables, a § index or rotated margin text without
reading the layout again: each page keeps them as [[kind, start, end], ...].

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 12:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('regions', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.drop_column('regions')
