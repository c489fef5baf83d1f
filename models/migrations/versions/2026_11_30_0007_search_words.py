"""search words: items.search_text holds the words both databases index; SQLite's index keeps diacritics

Why: a `--text` query meant different things on SQLite and PostgreSQL. The query
is now parsed once (pipeline.store.search) and the two indexes must hold the same
tokens: `search_text` keeps only the words of the title and decision clauses
(PostgreSQL's parser read '2019/KS' as one file-name token and '-2020' as a
signed number, SQLite two words and a number), and the FTS5 table is rebuilt
with `remove_diacritics 0`, since PostgreSQL's Swedish configuration keeps å, ä
and ö ('mål' is not 'mal', 'får' is not 'far'). The stems are written again
with the Snowball rules the server uses (snowballstemmer below 3).
Downgrade restores the folding tokenizer; the texts keep their words.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 12:55:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

ITEMS = sa.table('items', sa.column('id', sa.Integer()), sa.column('search_text', sa.Text()))


def _rebuild_sqlite_index(connection, tokenizer: str) -> None:
    from models.search_words import stemmed_text

    op.execute("DROP TABLE IF EXISTS items_fts")
    op.execute(f"CREATE VIRTUAL TABLE items_fts USING fts5(stems, tokenize='{tokenizer}')")
    rows = connection.execute(sa.select(ITEMS.c.id, ITEMS.c.search_text)).all()
    if rows:
        connection.execute(
            sa.text("INSERT INTO items_fts(rowid, stems) VALUES (:id, :stems)"),
            [{"id": item_id, "stems": stemmed_text(text or "")} for item_id, text in rows],
        )


def upgrade() -> None:
    from models.search_words import item_text

    connection = op.get_bind()
    for item_id, text in connection.execute(sa.select(ITEMS.c.id, ITEMS.c.search_text)).all():
        words = item_text(text, [])
        if words != text:
            connection.execute(ITEMS.update().where(ITEMS.c.id == item_id).values(search_text=words))
    if connection.dialect.name == "sqlite":
        _rebuild_sqlite_index(connection, "unicode61 remove_diacritics 0")


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        _rebuild_sqlite_index(connection, "unicode61")
