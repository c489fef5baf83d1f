"""Stored extractions: one per version and extractor version, written with the version's rows in one transaction."""

from __future__ import annotations

from sqlalchemy import delete, select, text

from extractors.version import EXTRACTOR_VERSION
from models.codec import to_jsonable
from models.db import session_scope, write_session
from models.records import Extraction
from models.schema import Document, DocumentVersion, ExtractionRecord, IngestError
from pipeline.store import rows

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
        session.execute(
            delete(ExtractionRecord).where(
                ExtractionRecord.version_id == version_id,
                ExtractionRecord.extractor_version == EXTRACTOR_VERSION,
            )
        )
        session.add(
            ExtractionRecord(
                version_id=version_id,
                extractor_version=EXTRACTOR_VERSION,
                doc_type=extraction.doc_type,
                municipality_code=extraction.municipality_code,
                document_date=extraction.date.isoformat() if extraction.date else None,
                data=to_jsonable(extraction),
            )
        )
        document_id = session.execute(select(DocumentVersion.document_id).where(DocumentVersion.id == version_id)).scalar_one()
        rows.store_records(session, version_id, document_id, extraction)
    return True


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


def stored_extraction(url: str, version_id: int) -> dict | None:
    """The stored JSON of a version's extraction by the running extractors, if any."""
    with session_scope(url) as session:
        return session.execute(
            select(ExtractionRecord.data).where(
                ExtractionRecord.version_id == version_id,
                ExtractionRecord.extractor_version == EXTRACTOR_VERSION,
            )
        ).scalar_one_or_none()
