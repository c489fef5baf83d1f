"""span references: an index on every column that refers to spans.id

Why: ten tables point at spans (span_id, ON DELETE SET NULL) and none of those columns
had an index, so deleting a document's rows (a new version, or an extraction by changed
extractors) made the database look for referring rows of every deleted span by reading
each of the ten tables whole: about 0.4 s per document on a 1 000-page batch in SQLite,
growing with the database. With an index each look is a seek.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 23:55:00.000000
"""

from __future__ import annotations

from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

# Copied rather than read from models/: a migration describes the schema of its revision.
TABLES = ("amounts", "attendance", "case_mentions", "date_facts", "entities", "item_references", "items", "meetings", "periods", "votes")


def upgrade() -> None:
    for table in TABLES:
        op.create_index(f"ix_{table}_span_id", table, ["span_id"])


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ix_{table}_span_id", table_name=table)
