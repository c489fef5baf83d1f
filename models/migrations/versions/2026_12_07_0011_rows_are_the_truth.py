"""rows are the truth: what an extraction holds is in its relational rows; extractions.data goes

Why: one extraction was stored twice, as a JSON blob (extractions.data, read by the
export and the consistency check) and as relational rows (read by the queries),
and the two could say different things. The rows now hold everything the blob
held: the printed forms beside the resolved ones (a meeting's and an item's body,
an attendee's name, party and municipality, a vote's names), the parts of each
printed case number, where minutes are adjusted and kept, attendance times, an
item's references, proposer and lists (motions, reservations, jäv, notes,
statements, distribution), the entities a document names and its sections (their
text is not stored again: it is cut from the version's pages), and the
municipality's name on the extraction's header. pipeline.store.repository reads
the records back.

Rows are a document's, of one version; a header (extractions row) is kept only
over the rows it describes: the newest header of a document's current version
whose blob matches its rows (same meetings, attendance, items, case numbers,
dates, periods and amounts) fills the new columns, and every other header goes,
so that version, or a document whose rows match no blob, is extracted again from
its stored pages. The downgrade writes the blob again from the rows.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 18:00:00.000000
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
# Item field -> item_entries.kind.
LISTS = (
    ('motions', 'motion'), ('reservations', 'reservation'), ('conflicts_of_interest', 'conflict_of_interest'),
    ('notes', 'note'), ('statements', 'statement'), ('distribution', 'distribution'),
)
CHOICES = ('yes', 'no', 'abstain')
# Documents migrated per round of statements.
CHUNK = 200

_m = sa.MetaData()
documents = sa.Table('documents', _m, sa.Column('id', sa.Integer), sa.Column('current_version_id', sa.Integer))
versions = sa.Table('document_versions', _m, sa.Column('id', sa.Integer), sa.Column('document_id', sa.Integer))
pages = sa.Table('pages', _m, sa.Column('version_id', sa.Integer), sa.Column('number', sa.Integer), sa.Column('text', sa.Text),
                 sa.Column('error', sa.Text))
extractions = sa.Table(
    'extractions', _m, sa.Column('id', sa.Integer), sa.Column('version_id', sa.Integer), sa.Column('extractor_version', sa.String),
    sa.Column('doc_type', sa.String), sa.Column('municipality', sa.Text), sa.Column('municipality_code', sa.String),
    sa.Column('document_date', sa.String), sa.Column('data', JSON),
)
spans = sa.Table(
    'spans', _m, sa.Column('id', sa.Integer), sa.Column('document_id', sa.Integer), sa.Column('version_id', sa.Integer),
    sa.Column('page', sa.Integer), sa.Column('start', sa.Integer), sa.Column('end', sa.Integer), sa.Column('box', JSON),
    sa.Column('confidence', sa.Float),
)
meetings = sa.Table(
    'meetings', _m, *(sa.Column(c, sa.Integer) for c in ('id', 'document_id', 'version_id', 'paragraph_first', 'paragraph_last', 'span_id')),
    *(sa.Column(c, sa.Text) for c in ('body', 'time', 'place', 'chair', 'secretary', 'adjustment_place', 'storage_place', 'rule')),
    *(sa.Column(c, sa.Date) for c in ('date', 'adjusted_on', 'notice_posted', 'notice_removed')),
    sa.Column('adjusters', JSON), sa.Column('confidence', sa.Float),
)
attendance = sa.Table(
    'attendance', _m, sa.Column('id', sa.Integer), sa.Column('meeting_id', sa.Integer), sa.Column('span_id', sa.Integer),
    *(sa.Column(c, sa.Text) for c in ('name', 'printed_name', 'role', 'party', 'function', 'title', 'department', 'serving_for',
                                      'municipality', 'rule')),
    sa.Column('paragraphs', JSON), sa.Column('times', JSON), sa.Column('confidence', sa.Float),
)
items = sa.Table(
    'items', _m, *(sa.Column(c, sa.Integer) for c in ('id', 'document_id', 'version_id', 'paragraph', 'span_id', 'case_year', 'case_span_id')),
    *(sa.Column(c, sa.Text) for c in ('number', 'title', 'body', 'rule', 'proposed_by', 'case_number', 'case_normalised', 'case_register',
                                      'case_serial', 'case_classification', 'case_rule')),
    sa.Column('meeting_date', sa.Date), sa.Column('confidence', sa.Float), sa.Column('case_number_confidence', sa.Float),
)
decisions = sa.Table('decisions', _m, sa.Column('item_id', sa.Integer), sa.Column('kind', sa.String), sa.Column('clauses', JSON),
                     sa.Column('immediate_adjustment', sa.Boolean))
votes = sa.Table(
    'votes', _m, *(sa.Column(c, sa.Integer) for c in ('id', 'item_id', 'yes', 'no', 'abstain', 'span_id')),
    sa.Column('proposition', sa.Text), sa.Column('rule', sa.Text), sa.Column('confidence', sa.Float),
)
vote_choices = sa.Table('vote_choices', _m, sa.Column('id', sa.Integer), sa.Column('vote_id', sa.Integer), sa.Column('name', sa.Text),
                        sa.Column('choice', sa.String), sa.Column('printed', sa.Text))
case_mentions = sa.Table(
    'case_mentions', _m, *(sa.Column(c, sa.Integer) for c in ('id', 'document_id', 'version_id', 'span_id', 'year')),
    *(sa.Column(c, sa.Text) for c in ('raw', 'normalised', 'register', 'serial', 'classification', 'rule')), sa.Column('confidence', sa.Float),
)
date_facts = sa.Table(
    'date_facts', _m, *(sa.Column(c, sa.Integer) for c in ('id', 'document_id', 'version_id', 'span_id')),
    *(sa.Column(c, sa.Text) for c in ('role', 'text', 'time', 'rule')), sa.Column('value', sa.Date),
)
periods = sa.Table(
    'periods', _m, *(sa.Column(c, sa.Integer) for c in ('id', 'document_id', 'version_id', 'span_id', 'start', 'end', 'stated_years')),
    sa.Column('text', sa.Text), sa.Column('rule', sa.Text),
)
amounts = sa.Table(
    'amounts', _m, *(sa.Column(c, sa.Integer) for c in ('id', 'document_id', 'version_id', 'span_id')),
    sa.Column('value', sa.Float), sa.Column('approximate', sa.Boolean), *(sa.Column(c, sa.Text) for c in ('unit', 'per', 'text', 'rule')),
)
item_entries = sa.Table('item_entries', _m, sa.Column('id', sa.Integer), sa.Column('item_id', sa.Integer), sa.Column('kind', sa.String), sa.Column('text', sa.Text))
item_references = sa.Table(
    'item_references', _m, *(sa.Column(c, sa.Integer) for c in ('id', 'item_id', 'paragraph', 'span_id')),
    sa.Column('text', sa.Text), sa.Column('body', sa.Text), sa.Column('date', sa.Date), sa.Column('rule', sa.Text),
)
entities = sa.Table(
    'entities', _m, *(sa.Column(c, sa.Integer) for c in ('id', 'document_id', 'version_id', 'span_id')),
    *(sa.Column(c, sa.Text) for c in ('label', 'text', 'value', 'rule')),
)
sections = sa.Table(
    'sections', _m, *(sa.Column(c, sa.Integer) for c in ('id', 'document_id', 'version_id', 'start', 'end', 'page_start', 'page_end')),
    *(sa.Column(c, sa.Text) for c in ('kind', 'rule', 'label')),
)


def upgrade() -> None:
    # Plain ADD COLUMN (SQLite has it), no batch copy: a copy of a table that reaches `persons` warns about its
    # expression index (0009), and a copy of a table others refer to, made with foreign keys on (as a downgrade
    # runs), deletes their rows. So items.case_span_id has no foreign key, which SQLite could add only by a copy:
    # the span is one of the item's document's, deleted with its rows.
    op.add_column('extractions', sa.Column('municipality', sa.Text(), nullable=True))
    for column in ('body', 'adjustment_place', 'storage_place'):
        op.add_column('meetings', sa.Column(column, sa.Text(), nullable=True))
    for column in ('printed_name', 'party', 'municipality'):
        op.add_column('attendance', sa.Column(column, sa.Text(), nullable=True))
    op.add_column('attendance', sa.Column('times', JSON, nullable=False, server_default=sa.text("'[]'")))
    op.add_column('vote_choices', sa.Column('printed', sa.Text(), nullable=False, server_default=''))
    op.add_column('case_mentions', sa.Column('normalised', sa.String(length=128), nullable=False, server_default=''))
    op.add_column('case_mentions', sa.Column('year', sa.Integer(), nullable=True))
    for column in ('register', 'serial', 'classification'):
        op.add_column('case_mentions', sa.Column(column, sa.String(length=32), nullable=True))
    op.add_column('case_mentions', sa.Column('rule', sa.String(length=64), nullable=False, server_default=''))
    op.add_column('case_mentions', sa.Column('confidence', sa.Float(), nullable=False, server_default=sa.text('1.0')))
    op.add_column('items', sa.Column('case_normalised', sa.String(length=128), nullable=True))
    op.add_column('items', sa.Column('case_year', sa.Integer(), nullable=True))
    for column in ('case_register', 'case_serial', 'case_classification'):
        op.add_column('items', sa.Column(column, sa.String(length=32), nullable=True))
    op.add_column('items', sa.Column('case_rule', sa.String(length=64), nullable=True))
    op.add_column('items', sa.Column('case_span_id', sa.Integer(), nullable=True))
    op.add_column('items', sa.Column('body', sa.Text(), nullable=True))
    op.add_column('items', sa.Column('proposed_by', sa.Text(), nullable=True))

    op.create_table('item_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_item_entries_item_id_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_entries'))
    )
    op.create_index(op.f('ix_item_entries_item_id'), 'item_entries', ['item_id'], unique=False)
    op.create_table('item_references',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('date', sa.Date(), nullable=True),
    sa.Column('paragraph', sa.Integer(), nullable=True),
    sa.Column('rule', sa.String(length=64), nullable=False),
    sa.Column('span_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_item_references_item_id_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['span_id'], ['spans.id'], name=op.f('fk_item_references_span_id_spans'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_references'))
    )
    op.create_index(op.f('ix_item_references_item_id'), 'item_references', ['item_id'], unique=False)
    op.create_table('entities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('rule', sa.String(length=64), nullable=False),
    sa.Column('span_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_entities_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['document_versions.id'], name=op.f('fk_entities_version_id_document_versions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['span_id'], ['spans.id'], name=op.f('fk_entities_span_id_spans'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entities'))
    )
    op.create_index(op.f('ix_entities_document_id'), 'entities', ['document_id'], unique=False)
    op.create_table('sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('page_start', sa.Integer(), nullable=False),
    sa.Column('page_end', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_sections_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['document_versions.id'], name=op.f('fk_sections_version_id_document_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sections'))
    )
    op.create_index(op.f('ix_sections_document_id'), 'sections', ['document_id'], unique=False)

    _rows_from_blobs(op.get_bind())

    with op.batch_alter_table('extractions', schema=None) as batch_op:
        batch_op.drop_column('data')


def downgrade() -> None:
    with op.batch_alter_table('extractions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('data', JSON, nullable=True))
    _blobs_from_rows(op.get_bind())
    with op.batch_alter_table('extractions', schema=None) as batch_op:
        batch_op.alter_column('data', existing_type=JSON, nullable=False)
        batch_op.drop_column('municipality')
    _drop_spans_of(op.get_bind(), (('entities', 'span_id'), ('item_references', 'span_id'), ('items', 'case_span_id')))
    for table in ('sections', 'entities', 'item_references', 'item_entries'):
        op.drop_table(table)
    # Plain DROP COLUMN (SQLite 3.35 has it), for the reasons the upgrade adds them plainly.
    for table, columns in (
        ('items', ('proposed_by', 'body', 'case_span_id', 'case_rule', 'case_classification', 'case_serial', 'case_register',
                   'case_year', 'case_normalised')),
        ('case_mentions', ('confidence', 'rule', 'classification', 'serial', 'register', 'year', 'normalised')),
        ('vote_choices', ('printed',)),
        ('attendance', ('times', 'municipality', 'party', 'printed_name')),
        ('meetings', ('storage_place', 'adjustment_place', 'body')),
    ):
        for column in columns:
            op.drop_column(table, column)


def _drop_spans_of(conn: sa.Connection, going: tuple[tuple[str, str], ...]) -> None:
    """Delete the spans only the columns in `going` refer to: once those go, nothing would (and an upgrade makes
    them anew)."""
    inspector = sa.inspect(conn)
    pointers = {(table, column['name']) for table in inspector.get_table_names() for column in inspector.get_columns(table)
                if column['name'].endswith('span_id')}
    spans = sa.table('spans', sa.column('id', sa.Integer))

    def referred(pairs) -> sa.CompoundSelect:
        tables = [(sa.table(table, sa.column(column)), column) for table, column in sorted(pairs)]
        return sa.union(*(sa.select(t.c[column]).where(t.c[column].isnot(None)) for t, column in tables))

    conn.execute(spans.delete().where(spans.c.id.in_(referred(going)), spans.c.id.notin_(referred(pointers - set(going)))))


# --- upgrade: the blob's values into the rows -----------------------------------------------------------------


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _grouped(conn: sa.Connection, stmt: sa.Select, key: int = 0) -> dict[Any, list[Any]]:
    found: dict[Any, list[Any]] = defaultdict(list)
    for row in conn.execute(stmt):
        found[row[key]].append(row)
    return found


def _counts(conn: sa.Connection, table: sa.Table, documents_ids: list[int]) -> dict[int, int]:
    return dict(conn.execute(
        sa.select(table.c.document_id, sa.func.count()).where(table.c.document_id.in_(documents_ids)).group_by(table.c.document_id)
    ).all())


def _rows_from_blobs(conn: sa.Connection) -> None:
    targets = conn.execute(
        sa.select(documents.c.id, documents.c.current_version_id)
        .where(documents.c.id.in_(sa.select(versions.c.document_id).join(extractions, extractions.c.version_id == versions.c.id)))
        .order_by(documents.c.id)
    ).all()
    next_span = [(conn.execute(sa.select(sa.func.max(spans.c.id))).scalar() or 0) + 1]
    for start in range(0, len(targets), CHUNK):
        _fill_chunk(conn, dict(targets[start : start + CHUNK]), next_span)
    if conn.dialect.name == 'postgresql':
        conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('spans', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM spans), false)"))


def _fill_chunk(conn: sa.Connection, current: dict[int, int | None], next_span: list[int]) -> None:
    ids = list(current)
    headers = _grouped(conn, sa.select(versions.c.document_id, extractions.c.id, extractions.c.version_id, extractions.c.data)
                       .join(versions, versions.c.id == extractions.c.version_id)
                       .where(versions.c.document_id.in_(ids)).order_by(extractions.c.id.desc()))
    meeting_rows = _grouped(conn, sa.select(meetings.c.document_id, meetings.c.id, meetings.c.version_id)
                            .where(meetings.c.document_id.in_(ids)).order_by(meetings.c.id))
    attendance_rows = _grouped(conn, sa.select(attendance.c.meeting_id, attendance.c.id, attendance.c.name)
                               .join(meetings, meetings.c.id == attendance.c.meeting_id)
                               .where(meetings.c.document_id.in_(ids)).order_by(attendance.c.id))
    item_rows = _grouped(conn, sa.select(items.c.document_id, items.c.id, items.c.version_id, items.c.number)
                         .where(items.c.document_id.in_(ids)).order_by(items.c.id))
    vote_rows = _grouped(conn, sa.select(votes.c.item_id, votes.c.id).join(items, items.c.id == votes.c.item_id)
                         .where(items.c.document_id.in_(ids)).order_by(votes.c.id))
    choice_rows = _grouped(conn, sa.select(vote_choices.c.vote_id, vote_choices.c.id).join(votes, votes.c.id == vote_choices.c.vote_id)
                           .join(items, items.c.id == votes.c.item_id).where(items.c.document_id.in_(ids)).order_by(vote_choices.c.id))
    mention_rows = _grouped(conn, sa.select(case_mentions.c.document_id, case_mentions.c.id)
                            .where(case_mentions.c.document_id.in_(ids)).order_by(case_mentions.c.id))
    counts = {name: _counts(conn, table, ids) for name, table in (('dates', date_facts), ('periods', periods), ('amounts', amounts))}

    drop: list[int] = []
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)

    def span(document_id: int, version_id: int, value: dict[str, Any] | None) -> int | None:
        if not value:
            return None
        span_id = next_span[0]
        next_span[0] += 1
        out['spans'].append({'id': span_id, 'document_id': document_id, 'version_id': version_id, 'page': value['page'],
                             'start': value['start'], 'end': value['end'], 'box': value.get('box'), 'confidence': value.get('confidence')})
        return span_id

    for document_id, version_id in current.items():
        found = headers.get(document_id, [])
        chosen = next((h for h in found if h.version_id == version_id and _matches(
            h.data, meeting_rows[document_id], attendance_rows, item_rows[document_id], mention_rows[document_id],
            {name: c.get(document_id, 0) for name, c in counts.items()}, version_id)), None)
        drop += [h.id for h in found if h is not chosen]
        if chosen is None:
            continue
        data = chosen.data
        out['extractions'].append({'row_id': chosen.id, 'municipality': data.get('municipality')})
        for section in data.get('sections') or []:
            out['sections'].append({'document_id': document_id, 'version_id': version_id, 'kind': section['kind'], 'start': section['start'],
                                    'end': section['end'], 'page_start': section['page_start'], 'page_end': section['page_end'],
                                    'rule': section.get('rule') or '', 'label': section.get('label')})
        for entity in data.get('entities') or []:
            out['entities'].append({'document_id': document_id, 'version_id': version_id, 'label': entity['label'], 'text': entity['text'],
                                    'value': entity['value'], 'rule': entity.get('rule') or '',
                                    'span_id': span(document_id, version_id, entity.get('span'))})
        for row, meeting in zip(meeting_rows[document_id], data.get('meetings') or []):
            out['meetings'].append({'row_id': row.id, 'body': meeting.get('body'), 'adjustment_place': meeting.get('adjustment_place'),
                                    'storage_place': meeting.get('storage_place')})
            for person, entry in zip(attendance_rows[row.id], meeting.get('attendance') or []):
                out['attendance'].append({'row_id': person.id, 'printed_name': entry['name'] if entry['name'] != person.name else None,
                                          'party': entry.get('party'), 'municipality': entry.get('municipality'),
                                          'times': [list(t) for t in entry.get('times') or []]})
        for row, item in zip(item_rows[document_id], data.get('items') or []):
            case = item.get('case_number') or {}
            out['items'].append({
                'row_id': row.id, 'body': item.get('body'), 'proposed_by': item.get('proposed_by'),
                'case_normalised': case.get('normalised'), 'case_year': case.get('year'), 'case_register': case.get('register'),
                'case_serial': case.get('serial'), 'case_classification': case.get('classification'),
                'case_rule': case.get('rule') if case else None, 'case_span_id': span(document_id, version_id, case.get('span')),
            })
            for reference in item.get('references') or []:
                out['item_references'].append({'item_id': row.id, 'text': reference['text'], 'body': reference.get('body'),
                                               'date': _day(reference.get('date')), 'paragraph': reference.get('paragraph'),
                                               'rule': reference.get('rule') or '', 'span_id': span(document_id, version_id, reference.get('span'))})
            for field, kind in LISTS:
                out['item_entries'] += [{'item_id': row.id, 'kind': kind, 'text': line} for line in item.get(field) or []]
            stored_votes = vote_rows.get(row.id, [])
            if len(stored_votes) == len(item.get('votes') or []):
                for vote_row, vote in zip(stored_votes, item.get('votes') or []):
                    printed = [name for choice in CHOICES for name in vote.get(f'{choice}_names') or []]
                    stored = choice_rows.get(vote_row.id, [])
                    # A vote whose names differ from the blob's (not written from it) keeps its cleaned names.
                    if len(stored) == len(printed):
                        out['vote_choices'] += [{'row_id': c.id, 'printed': p} for c, p in zip(stored, printed)]
        for row, number in zip(mention_rows[document_id], data.get('case_numbers') or []):
            out['case_mentions'].append({
                'row_id': row.id, 'normalised': number.get('normalised') or '', 'year': number.get('year'), 'register': number.get('register'),
                'serial': number.get('serial'), 'classification': number.get('classification'), 'rule': number.get('rule') or '',
                'confidence': number.get('confidence', 1.0),
            })

    if drop:
        conn.execute(extractions.delete().where(extractions.c.id.in_(drop)))
    for name, table in (('spans', spans), ('sections', sections), ('entities', entities), ('item_references', item_references),
                        ('item_entries', item_entries)):
        if out[name]:
            conn.execute(table.insert(), out[name])
    for name, table in (('extractions', extractions), ('meetings', meetings), ('attendance', attendance), ('items', items),
                        ('vote_choices', vote_choices), ('case_mentions', case_mentions)):
        if out[name]:
            conn.execute(table.update().where(table.c.id == sa.bindparam('row_id')), out[name])


def _matches(data: dict[str, Any], meeting_rows: list[Any], attendance_rows: dict[int, list[Any]], item_rows: list[Any],
             mention_rows: list[Any], counts: dict[str, int], version_id: int) -> bool:
    """Whether a blob is the extraction these rows were written from: the same records, in the same order."""
    blob_meetings, blob_items = data.get('meetings') or [], data.get('items') or []
    return (
        all(r.version_id == version_id for r in (*meeting_rows, *item_rows))
        and len(meeting_rows) == len(blob_meetings)
        and all(len(attendance_rows.get(r.id, [])) == len(m.get('attendance') or []) for r, m in zip(meeting_rows, blob_meetings))
        and [r.number for r in item_rows] == [i.get('number') for i in blob_items]
        and len(mention_rows) == len(data.get('case_numbers') or [])
        and all(counts[name] == len(data.get(name) or []) for name in ('dates', 'periods', 'amounts'))
    )


# --- downgrade: the blob again, from the rows -------------------------------------------------------------------


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


def _blobs_from_rows(conn: sa.Connection) -> None:
    headers = conn.execute(
        sa.select(extractions, versions.c.document_id).join(versions, versions.c.id == extractions.c.version_id).order_by(extractions.c.id)
    ).all()
    for start in range(0, len(headers), CHUNK):
        chunk = headers[start : start + CHUNK]
        blobs = _blobs(conn, chunk)
        conn.execute(extractions.update().where(extractions.c.id == sa.bindparam('row_id')),
                     [{'row_id': h.id, 'data': blobs[h.id]} for h in chunk])


def _blobs(conn: sa.Connection, headers: list[Any]) -> dict[int, dict[str, Any]]:
    docs = sorted({h.document_id for h in headers})
    vids = sorted({h.version_id for h in headers})

    def mine(table: sa.Table) -> list[Any]:
        return [table.c.document_id.in_(docs), table.c.version_id.in_(vids)]

    span_of = {r.id: {'page': r.page, 'start': r.start, 'end': r.end, 'box': r.box, 'confidence': r.confidence}
               for r in conn.execute(sa.select(spans).where(*mine(spans)))}
    texts: dict[int, list[str]] = defaultdict(list)
    for r in conn.execute(sa.select(pages.c.version_id, pages.c.text).where(pages.c.version_id.in_(vids), sa.or_(pages.c.error.is_(None), pages.c.error == ''))
                          .order_by(pages.c.version_id, pages.c.number)):
        texts[r.version_id].append(r.text)
    joined = {v: '\f'.join(t) for v, t in texts.items()}
    found: dict[int, dict[str, Any]] = {}
    for h in headers:
        found[h.version_id] = {
            'doc_type': h.doc_type, 'municipality': h.municipality, 'municipality_code': h.municipality_code, 'date': _iso(h.document_date),
            'sections': [], 'meetings': [], 'items': [], 'case_numbers': [], 'dates': [], 'periods': [], 'amounts': [], 'entities': [],
            'extractor_version': h.extractor_version,
        }

    def add(version_id: int, key: str, value: dict[str, Any]) -> None:
        if version_id in found:
            found[version_id][key].append(value)

    for r in conn.execute(sa.select(sections).where(*mine(sections)).order_by(sections.c.id)):
        add(r.version_id, 'sections', {'kind': r.kind, 'start': r.start, 'end': r.end, 'page_start': r.page_start, 'page_end': r.page_end,
                                       'text': joined.get(r.version_id, '')[r.start:r.end], 'rule': r.rule, 'label': r.label})
    by_meeting: dict[int, dict[str, Any]] = {}
    for r in conn.execute(sa.select(meetings).where(*mine(meetings)).order_by(meetings.c.id)):
        by_meeting[r.id] = meeting = {
            'body': r.body, 'date': _iso(r.date), 'time': r.time, 'place': r.place,
            'paragraph_range': [r.paragraph_first, r.paragraph_last] if r.paragraph_first is not None and r.paragraph_last is not None else None,
            'chair': r.chair, 'secretary': r.secretary, 'adjusters': list(r.adjusters or []), 'adjusted_on': _iso(r.adjusted_on),
            'adjustment_place': r.adjustment_place, 'notice_posted': _iso(r.notice_posted), 'notice_removed': _iso(r.notice_removed),
            'storage_place': r.storage_place, 'attendance': [], 'span': span_of.get(r.span_id), 'rule': r.rule, 'confidence': r.confidence,
        }
        add(r.version_id, 'meetings', meeting)
    for r in conn.execute(sa.select(attendance).join(meetings, meetings.c.id == attendance.c.meeting_id).where(*mine(meetings)).order_by(attendance.c.id)):
        by_meeting[r.meeting_id]['attendance'].append({
            'name': r.printed_name if r.printed_name is not None else r.name, 'role': r.role, 'party': r.party, 'function': r.function,
            'title': r.title, 'department': r.department, 'paragraphs': list(r.paragraphs or []), 'serving_for': r.serving_for,
            'times': [list(t) for t in r.times or []], 'municipality': r.municipality, 'span': span_of.get(r.span_id), 'rule': r.rule,
            'confidence': r.confidence,
        })
    by_item: dict[int, dict[str, Any]] = {}
    for r in conn.execute(sa.select(items, decisions.c.kind, decisions.c.clauses, decisions.c.immediate_adjustment)
                          .outerjoin(decisions, decisions.c.item_id == items.c.id).where(*mine(items)).order_by(items.c.id)):
        case = None
        if r.case_number is not None:
            case = {'raw': r.case_number, 'normalised': r.case_normalised or '', 'year': r.case_year, 'register': r.case_register,
                    'serial': r.case_serial, 'classification': r.case_classification, 'span': span_of.get(r.case_span_id),
                    'rule': r.case_rule or '', 'confidence': r.case_number_confidence if r.case_number_confidence is not None else 1.0}
        by_item[r.id] = item = {
            'number': r.number, 'paragraph': r.paragraph, 'title': r.title, 'case_number': case, 'body': r.body,
            'meeting_date': _iso(r.meeting_date), 'decision_kind': r.kind, 'decisions': list(r.clauses or []),
            'immediate_adjustment': bool(r.immediate_adjustment), 'references': [], 'votes': [],
            **{field: [] for field, _ in LISTS}, 'span': span_of.get(r.span_id), 'rule': r.rule, 'proposed_by': r.proposed_by,
            'confidence': r.confidence,
        }
        add(r.version_id, 'items', item)
    in_items = [items.c.document_id.in_(docs), items.c.version_id.in_(vids)]
    for r in conn.execute(sa.select(item_references).join(items, items.c.id == item_references.c.item_id).where(*in_items).order_by(item_references.c.id)):
        by_item[r.item_id]['references'].append({'text': r.text, 'body': r.body, 'date': _iso(r.date), 'paragraph': r.paragraph,
                                                 'span': span_of.get(r.span_id), 'rule': r.rule})
    fields = {kind: field for field, kind in LISTS}
    for r in conn.execute(sa.select(item_entries).join(items, items.c.id == item_entries.c.item_id).where(*in_items).order_by(item_entries.c.id)):
        by_item[r.item_id][fields[r.kind]].append(r.text)
    by_vote: dict[int, dict[str, Any]] = {}
    for r in conn.execute(sa.select(votes).join(items, items.c.id == votes.c.item_id).where(*in_items).order_by(votes.c.id)):
        by_vote[r.id] = vote = {'yes': r.yes, 'no': r.no, 'abstain': r.abstain, 'proposition': r.proposition,
                                **{f'{c}_names': [] for c in CHOICES}, 'span': span_of.get(r.span_id), 'rule': r.rule, 'confidence': r.confidence}
        by_item[r.item_id]['votes'].append(vote)
    for r in conn.execute(sa.select(vote_choices).join(votes, votes.c.id == vote_choices.c.vote_id).join(items, items.c.id == votes.c.item_id)
                          .where(*in_items).order_by(vote_choices.c.id)):
        by_vote[r.vote_id][f'{r.choice}_names'].append(r.printed or r.name)
    for r in conn.execute(sa.select(case_mentions).where(*mine(case_mentions)).order_by(case_mentions.c.id)):
        add(r.version_id, 'case_numbers', {'raw': r.raw, 'normalised': r.normalised, 'year': r.year, 'register': r.register, 'serial': r.serial,
                                           'classification': r.classification, 'span': span_of.get(r.span_id), 'rule': r.rule,
                                           'confidence': r.confidence})
    for r in conn.execute(sa.select(date_facts).where(*mine(date_facts)).order_by(date_facts.c.id)):
        add(r.version_id, 'dates', {'text': r.text, 'value': _iso(r.value), 'role': r.role, 'span': span_of.get(r.span_id), 'rule': r.rule,
                                    'time': r.time})
    for r in conn.execute(sa.select(periods).where(*mine(periods)).order_by(periods.c.id)):
        add(r.version_id, 'periods', {'text': r.text, 'start': r.start, 'end': r.end, 'stated_years': r.stated_years,
                                      'span': span_of.get(r.span_id), 'rule': r.rule})
    for r in conn.execute(sa.select(amounts).where(*mine(amounts)).order_by(amounts.c.id)):
        add(r.version_id, 'amounts', {'text': r.text, 'value': r.value, 'unit': r.unit, 'approximate': bool(r.approximate), 'per': r.per,
                                      'span': span_of.get(r.span_id), 'rule': r.rule})
    for r in conn.execute(sa.select(entities).where(*mine(entities)).order_by(entities.c.id)):
        add(r.version_id, 'entities', {'label': r.label, 'text': r.text, 'value': r.value, 'rule': r.rule, 'span': span_of.get(r.span_id)})
    return {h.id: found[h.version_id] for h in headers}
