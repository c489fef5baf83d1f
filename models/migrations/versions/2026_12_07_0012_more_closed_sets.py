"""more closed sets: section kinds, entity labels, item list kinds and vote choices as enums

Why: sections.kind, entities.label, item_entries.kind and vote_choices.choice were
still free strings, though each takes one of a few values the code defines. The
models now type them as enums stored as the same strings in the same VARCHAR
columns, as 0010 did for the others: no DDL, but the ORM refuses to read a string
outside the set, so this revision maps the strays an older database may hold. A
stray differing only in case or surrounding spaces becomes its member; a Swedish
vote word becomes its choice; any other section kind becomes 'other', entity
label 'organisation' and item list kind 'note'. A vote choice that is none of
these cannot be guessed (yes or no is the record itself): the upgrade stops and
names it, and nothing is changed. The mapping is one way: a downgrade keeps it.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 23:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

# The words a roll call prints, for a choice stored as printed.
SWEDISH_CHOICES = {'ja': 'yes', 'nej': 'no', 'avstår': 'abstain', 'avstar': 'abstain', 'avstod': 'abstain', 'avstått': 'abstain'}

# (table, column, the set as of this revision, other strings read as members, what any other string becomes; None:
# the upgrade stops). Copied rather than imported from models/: a migration describes the schema of its revision,
# whatever the models say later.
CLOSED_SETS = (
    ('sections', 'kind', ('protocol_cover', 'notice', 'attendance', 'paragraph_extract', 'minutes_item', 'letter', 'email',
                          'board_message', 'tjansteskrivelse', 'table', 'report_body', 'other'), {}, 'other'),
    ('entities', 'label', ('municipality', 'body', 'organisation'), {}, 'organisation'),
    ('item_entries', 'kind', ('motion', 'reservation', 'conflict_of_interest', 'note', 'statement', 'distribution'), {}, 'note'),
    ('vote_choices', 'choice', ('yes', 'no', 'abstain'), SWEDISH_CHOICES, None),
)


def upgrade() -> None:
    connection = op.get_bind()
    changes: list[tuple[sa.TableClause, str, str, str]] = []
    for name, column, members, aliases, fallback in CLOSED_SETS:
        table = sa.table(name, sa.column(column, sa.String()))
        found = connection.execute(sa.select(table.c[column]).distinct()).scalars().all()
        for stray in [v for v in found if v is not None and v not in members]:
            cleaned = stray.strip().lower()
            value = cleaned if cleaned in members else aliases.get(cleaned, fallback)
            if value is None:
                raise RuntimeError(f'{name}.{column} holds {stray!r}, which is none of {", ".join(members)}: '
                                   f'correct those rows by hand, then upgrade again')
            changes.append((table, column, stray, value))
    for table, column, stray, value in changes:
        connection.execute(table.update().where(table.c[column] == stray).values({column: value}))


def downgrade() -> None:
    pass  # the columns and their strings are as they were
