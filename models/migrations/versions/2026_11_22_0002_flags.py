"""flags and reviews

Why: QA reviewers need findings that keep their identity across re-runs, so a
flag is keyed by a stable hash of (rule, matter, values, evidence); reviews are
their own rows and survive when the engine runs again.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 22:24:43.077314
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('identity', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=48), nullable=False),
    sa.Column('severity', sa.String(length=8), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('matter', sa.String(length=256), nullable=True),
    sa.Column('values', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('evidence', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flags')),
    sa.UniqueConstraint('identity', name=op.f('uq_flags_identity'))
    )
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flags_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_flags_severity'), ['severity'], unique=False)

    op.create_table('flag_documents',
    sa.Column('flag_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_flag_documents_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['flag_id'], ['flags.id'], name=op.f('fk_flag_documents_flag_id_flags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('flag_id', 'document_id', name=op.f('pk_flag_documents'))
    )
    with op.batch_alter_table('flag_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flag_documents_document_id'), ['document_id'], unique=False)

    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('flag_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('reviewer', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['flag_id'], ['flags.id'], name=op.f('fk_reviews_flag_id_flags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews'))
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviews_flag_id'), ['flag_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviews_flag_id'))

    op.drop_table('reviews')
    with op.batch_alter_table('flag_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flag_documents_document_id'))

    op.drop_table('flag_documents')
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flags_severity'))
        batch_op.drop_index(batch_op.f('ix_flags_kind'))

    op.drop_table('flags')
