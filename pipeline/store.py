"""Write ingestion results to the database: one transaction per document, idempotent by SHA-256."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models.db import session_scope
from models.records import EXTRACTOR_VERSION, PageText
from models.schema import Document, DocumentVersion, ExtractionRecord, IngestError, Page
from pipeline.errors import ProtokollError
from pipeline.load import PreparedDocument


@dataclass(slots=True)
class Outcome:
    """What happened to one file in a batch."""

    path: str
    status: str  # ingested, unchanged, partial, failed
    sha256: str | None = None
    pages: int = 0
    ocr_pages: int = 0
    version_id: int | None = None
    error_code: str | None = None
    message: str | None = None
    # Stored bytes whose extraction is missing for the current extractor version (new rules, or it failed).
    needs_extraction: bool = False

    @property
    def ok(self) -> bool:
        return self.status in ("ingested", "unchanged")


def _insert(session: Session):
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def _document_id(session: Session, path: str) -> int:
    """The id of the document at `path`, created if new; safe when two processes race."""
    session.execute(_insert(session)(Document).values(path=path, status="pending").on_conflict_do_nothing(index_elements=["path"]))
    return session.execute(select(Document.id).where(Document.path == path)).scalar_one()


def find_unchanged(url: str, path: str, sha256: str) -> Outcome | None:
    """An 'unchanged' outcome when these exact bytes were already ingested successfully."""
    with session_scope(url) as session:
        row = session.execute(
            select(DocumentVersion.id, DocumentVersion.page_count, DocumentVersion.ocr, Document.path)
            .join(Document, Document.id == DocumentVersion.document_id)
            .where(DocumentVersion.sha256 == sha256, DocumentVersion.status == "ok")
        ).first()
        if row is None:
            return None
        extracted = session.scalar(
            select(ExtractionRecord.id).where(ExtractionRecord.version_id == row.id, ExtractionRecord.extractor_version == EXTRACTOR_VERSION)
        )
        if row.path == path:
            # The path holds stored bytes again (e.g. a broken copy was replaced by the original): it is current and fine.
            document = session.scalars(select(Document).where(Document.path == path)).one()
            if document.status != "ok" or document.current_version_id != row.id:
                now = datetime.now(timezone.utc)
                document.status, document.error_code, document.error_message = "ok", None, None
                document.current_version_id = row.id
                _resolve_errors(session, document.id, now)
    message = None if row.path == path else f"same content as {row.path}"
    return Outcome(path, "unchanged", sha256, row.page_count, 0, row.id, message=message, needs_extraction=extracted is None)


def save_document(url: str, doc: PreparedDocument, ocr_results: list[PageText]) -> Outcome:
    """Store a document's pages as a version of its path; a page that failed OCR makes it 'partial'."""
    pages = sorted([*doc.pages, *ocr_results], key=lambda p: p.number)
    failed_pages = [p for p in pages if p.error]
    status = "partial" if failed_pages else "ok"
    now = datetime.now(timezone.utc)
    with session_scope(url) as session:
        document_id = _document_id(session, doc.path)
        session.execute(
            _insert(session)(DocumentVersion)
            .values(
                document_id=document_id,
                version=_next_version(session, document_id),
                sha256=doc.sha256,
                size=doc.size,
                status="pending",
            )
            .on_conflict_do_nothing(index_elements=["sha256"])
        )
        version = session.execute(select(DocumentVersion).where(DocumentVersion.sha256 == doc.sha256)).scalar_one()
        if version.status == "ok":
            # Another process stored these bytes while we were reading them.
            return Outcome(doc.path, "unchanged", doc.sha256, version.page_count, 0, version.id)
        session.query(Page).filter(Page.version_id == version.id).delete(synchronize_session=False)
        version.kind = doc.kind.value
        version.status = status
        version.page_count = doc.page_count
        version.ocr = bool(ocr_results)
        version.encoding = doc.encoding
        version.error_code = "ocr_failed" if failed_pages else None
        version.error_message = _page_summary(failed_pages)
        version.ingested_at = now
        session.add_all(
            Page(
                version_id=version.id,
                number=p.number,
                method=p.method.value,
                confidence=p.confidence,
                text=p.text,
                words=[[w.text, w.left, w.top, w.width, w.height, round(w.conf, 1), w.line] for w in p.words] or None,
                rotation=p.rotation,
                skew=p.skew,
                error=p.error,
                regions=[[r.kind.value, r.start, r.end] for r in p.regions] or None,
            )
            for p in pages
        )
        _resolve_errors(session, document_id, now)
        for p in failed_pages:
            code, _, message = (p.error or "").partition(": ")
            session.add(IngestError(document_id=document_id, version_id=version.id, page=p.number, code=code or "ocr_failed", message=message or p.error or ""))
        session.execute(
            update(Document)
            .where(Document.id == document_id)
            .values(
                status=status,
                error_code=version.error_code,
                error_message=version.error_message,
                current_version_id=version.id,
                updated_at=now,
            )
        )
        return Outcome(
            doc.path,
            "partial" if failed_pages else "ingested",
            doc.sha256,
            len(pages),
            len(ocr_results),
            version.id,
            error_code=version.error_code,
            message=version.error_message,
        )


def save_failure(url: str, path: str, error: ProtokollError, sha256: str | None = None) -> Outcome:
    """Record that a file could not be ingested; what is already stored for it is left as it was."""
    now = datetime.now(timezone.utc)
    with session_scope(url) as session:
        document_id = _document_id(session, path)
        _resolve_errors(session, document_id, now)
        session.add(IngestError(document_id=document_id, code=error.code, message=error.message))
        session.execute(
            update(Document)
            .where(Document.id == document_id)
            .values(status="failed", error_code=error.code, error_message=error.message, updated_at=now)
        )
    return Outcome(path, "failed", sha256, error_code=error.code, message=error.message)


def _next_version(session: Session, document_id: int) -> int:
    latest = session.execute(select(func.max(DocumentVersion.version)).where(DocumentVersion.document_id == document_id)).scalar()
    return (latest or 0) + 1


def _resolve_errors(session: Session, document_id: int, now: datetime) -> None:
    session.execute(
        update(IngestError)
        .where(IngestError.document_id == document_id, IngestError.resolved_at.is_(None))
        .values(resolved_at=now)
    )


def _page_summary(failed: list[PageText]) -> str | None:
    if not failed:
        return None
    return "; ".join(f"page {p.number}: {p.error}" for p in failed)


@dataclass(slots=True)
class FailedDocument:
    path: str
    status: str
    code: str | None
    message: str | None
    page: int | None
    when: datetime


def open_failures(url: str) -> list[FailedDocument]:
    """Every unresolved error, newest first: what `protokoll status` shows."""
    with session_scope(url) as session:
        rows = session.execute(
            select(Document.path, Document.status, IngestError.code, IngestError.message, IngestError.page, IngestError.created_at)
            .join(IngestError, IngestError.document_id == Document.id)
            .where(IngestError.resolved_at.is_(None))
            .order_by(Document.path, IngestError.page)
        ).all()
    return [FailedDocument(*row) for row in rows]


def pages_of(url: str, version_id: int) -> list[PageText]:
    """The stored pages of a version, as records (for extraction and re-extraction)."""
    from models.records import PageMethod, Region, RegionKind, Word

    with session_scope(url) as session:
        rows = session.execute(select(Page).where(Page.version_id == version_id).order_by(Page.number)).scalars().all()
        return [
            PageText(
                number=r.number,
                text=r.text,
                method=PageMethod(r.method),
                confidence=r.confidence,
                words=[Word(w[0], w[1], w[2], w[3], w[4], w[5], w[6]) for w in (r.words or [])],
                rotation=r.rotation,
                skew=r.skew,
                error=r.error,
                regions=[Region(RegionKind(g[0]), g[1], g[2]) for g in (r.regions or [])],
            )
            for r in rows
        ]
