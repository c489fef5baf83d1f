"""Stored extractions: a header per version (doc type, municipality, date) over the relational rows, written
together in one transaction. A document's rows are those of one extraction, so it has one header: the others'
rows are gone, and a version whose header is gone must be extracted again (from its stored pages) to be current."""

from __future__ import annotations

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from extractors.version import EXTRACTOR_VERSION
from models.db import session_scope, write_session
from models.records import Extraction
from models.schema import Document, DocumentVersion, ExtractionRecord, IngestError
from pipeline.store import repository, rows

#: Version statuses whose pages are stored (a page that failed OCR leaves the others readable).
STORED = ("ok", "partial")


def is_extracted(url: str, version_id: int) -> bool:
    """Whether this version is extracted by the running extractors."""
    with session_scope(url) as session:
        return session.scalar(_current(version_id)) is not None


def _current(version_id: int):
    return select(ExtractionRecord.id).where(
        ExtractionRecord.version_id == version_id, ExtractionRecord.extractor_version == EXTRACTOR_VERSION
    )


def save_extraction(url: str, version_id: int, extraction: Extraction, replace: bool = True) -> bool:
    """Store a version's extraction and its rows, committed at once; False (nothing written) when `replace` is
    off and another process stored one for this extractor version first."""
    with write_session(url) as session:
        if session.get_bind().dialect.name == "postgresql":
            # The lock store_records takes anyway, taken first so the look below sees every committed extraction.
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": rows.ENTITY_LOCK})
        if not replace and session.scalar(_current(version_id)) is not None:
            return False
        store_extraction(session, version_id, extraction)
    return True


def store_extraction(session: Session, version_id: int, extraction: Extraction) -> None:
    """Write a version's extraction in the caller's transaction: its header, in place of every header of its
    document (their rows are replaced), and its rows."""
    document_id = session.execute(select(DocumentVersion.document_id).where(DocumentVersion.id == version_id)).scalar_one()
    session.execute(
        delete(ExtractionRecord).where(ExtractionRecord.version_id.in_(select(DocumentVersion.id).where(DocumentVersion.document_id == document_id)))
    )
    session.add(
        ExtractionRecord(
            version_id=version_id,
            extractor_version=EXTRACTOR_VERSION,
            doc_type=extraction.doc_type,
            municipality=extraction.municipality,
            municipality_code=extraction.municipality_code,
            document_date=extraction.date,
        )
    )
    rows.store_records(session, version_id, document_id, extraction)


def save_extraction_failure(url: str, version_id: int, error: BaseException) -> None:
    """Record against its document that a version could not be extracted (code `extract_failed`)."""
    with write_session(url) as session:
        document_id = session.scalar(select(DocumentVersion.document_id).where(DocumentVersion.id == version_id))
        session.add(
            IngestError(
                document_id=document_id, version_id=version_id, code="extract_failed",
                message=f"extraction failed: {type(error).__name__}: {error}",
            )
        )


def unextracted_versions(url: str) -> list[int]:
    """Current versions whose pages are stored but not extracted by this extractor version (a run stopped
    between the two, or the rules changed), oldest first."""
    with session_scope(url) as session:
        extracted = select(ExtractionRecord.version_id).where(ExtractionRecord.extractor_version == EXTRACTOR_VERSION)
        return list(
            session.scalars(
                select(DocumentVersion.id)
                .join(Document, Document.current_version_id == DocumentVersion.id)
                .where(DocumentVersion.status.in_(STORED), DocumentVersion.id.not_in(extracted))
                .order_by(DocumentVersion.id)
            )
        )


def stored_extraction(url: str, version_id: int) -> Extraction | None:
    """A version's extraction by the running extractors, read back from its rows, if it has one."""
    with session_scope(url) as session:
        return repository.load_extractions(session, [version_id]).get(version_id)
