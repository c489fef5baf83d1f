"""confidence: how sure the rule that found a record is, kept with the rows queries read

Why: the extractors now say how each item, case number, meeting, attendance entry
and vote was found (`rule`) and how sure that rule is (`confidence`, 1.0 for a
full parse, lower for a heading taken only because it fits the § sequence, a case
number without its label, a roll call or list read in part). The export carried
it from the extraction; the relational rows, which queries and the coming review
pages read, did not. Rows stored before this revision were found by the older,
surer-only rules and start at 1.0 until their document is extracted again.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 13:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# (table, with a rule column of its own)
TABLES = (("items", False), ("meetings", True), ("attendance", True), ("votes", True))


def upgrade() -> None:
    # Plain ADD COLUMN (SQLite has it): a batch rebuild would reflect `persons` through the foreign keys, whose
    # expression index (0008) SQLAlchemy cannot reflect and warns about on every first use of a database.
    for table, with_rule in TABLES:
        op.add_column(table, sa.Column('confidence', sa.Float(), nullable=False, server_default=sa.text('1.0')))
        if with_rule:
            op.add_column(table, sa.Column('rule', sa.String(length=64), nullable=False, server_default=''))
    op.add_column('items', sa.Column('case_number_confidence', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_column('case_number_confidence')
    for table, with_rule in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            if with_rule:
                batch_op.drop_column('rule')
            batch_op.drop_column('confidence')
