"""paths of any length and bytes; the same content under several documents; warnings on a version

Why: a document's path was a String(1024) with a unique index, so a deeper path
failed on PostgreSQL (StringDataRightTruncation) and a file name that is not
UTF-8 could not be stored at all. The path is now Text in a display form
(such bytes written \\xNN), with the exact bytes kept in path_bytes when they
differ, and uniqueness moves to path_key, the SHA-256 of the path's bytes.
document_versions.sha256 was unique across all documents, so a path
overwritten with another stored file's bytes could not get them as a version
of its own; it is now unique per document (and indexed for the content look-up).
notes keeps what a registrar should know about a version that was read
("UTF-8, 4 invalid bytes replaced", "page 2: blank page", "no text found").

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 12:30:00.000000
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('path_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('path_bytes', sa.LargeBinary(), nullable=True))
    documents = sa.table('documents', sa.column('id', sa.Integer()), sa.column('path', sa.Text()), sa.column('path_key', sa.String()))
    connection = op.get_bind()
    # Paths stored so far were all valid UTF-8 (others could not be stored), so their bytes are their UTF-8.
    for row_id, path in connection.execute(sa.select(documents.c.id, documents.c.path)).all():
        key = hashlib.sha256(path.encode('utf-8')).hexdigest()
        connection.execute(documents.update().where(documents.c.id == row_id).values(path_key=key))
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_constraint('uq_documents_path', type_='unique')
        batch_op.alter_column('path', existing_type=sa.String(length=1024), type_=sa.Text(), existing_nullable=False)
        batch_op.alter_column('path_key', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_documents_path_key'), ['path_key'])

    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notes', sa.Text(), nullable=True))
        batch_op.drop_constraint('uq_document_versions_sha256', type_='unique')
        batch_op.create_unique_constraint('uq_document_versions_document_sha256', ['document_id', 'sha256'])
        batch_op.create_index(batch_op.f('ix_document_versions_sha256'), ['sha256'], unique=False)


def downgrade() -> None:
    # Fails when one content is now a version of two documents, or a path is longer than 1024 characters:
    # the older schema cannot hold either.
    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_versions_sha256'))
        batch_op.drop_constraint('uq_document_versions_document_sha256', type_='unique')
        batch_op.create_unique_constraint('uq_document_versions_sha256', ['sha256'])
        batch_op.drop_column('notes')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_documents_path_key'), type_='unique')
        batch_op.alter_column('path', existing_type=sa.Text(), type_=sa.String(length=1024), existing_nullable=False)
        batch_op.create_unique_constraint('uq_documents_path', ['path'])
        batch_op.drop_column('path_bytes')
        batch_op.drop_column('path_key')
