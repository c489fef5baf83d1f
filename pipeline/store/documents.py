"""Write ingestion results to the database: one transaction per document, idempotent by SHA-256."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from extractors.page_context import mark_running_lines
from extractors.version import EXTRACTOR_VERSION
from models.db import session_scope
from models.paths import display_path, stored_path
from models.records import Outcome, PageText, PreparedDocument
from models.schema import Document, DocumentVersion, ExtractionRecord, IngestError, Page
from pipeline.errors import ProtokollError


def _insert(session: Session):
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def _document_id(session: Session, path: str) -> int:
    """The id of the document at `path` (an absolute, resolved path), created if new; safe when two processes race."""
    stored = stored_path(path)
    session.execute(
        _insert(session)(Document)
        .values(path=stored.display, path_key=stored.key, path_bytes=stored.raw, status="pending")
        .on_conflict_do_nothing(index_elements=["path_key"])
    )
    return session.execute(select(Document.id).where(Document.path_key == stored.key)).scalar_one()


def _document_at(session: Session, path: str) -> Document | None:
    return session.scalars(select(Document).where(Document.path_key == stored_path(path).key)).one_or_none()


def _extracted(session: Session, version_id: int) -> bool:
    return session.scalar(
        select(ExtractionRecord.id).where(ExtractionRecord.version_id == version_id, ExtractionRecord.extractor_version == EXTRACTOR_VERSION)
    ) is not None


def find_unchanged(url: str, path: str, sha256: str) -> Outcome | None:
    """The outcome for bytes already stored, or None when they must be read.

    The path's own earlier version with these bytes (unchanged, or changed back) becomes current again, and
    is extracted again when it was not current, since a document's records are those of its current version.
    Bytes stored under another path are, for a new path, a copy ('same content as …', nothing stored); for a
    path that held other content, they become its current content, a version of its own with the pages copied.
    """
    now = datetime.now(timezone.utc)
    shown = display_path(path)
    with session_scope(url) as session:
        document = _document_at(session, path)
        own = None
        if document is not None:
            own = session.scalars(
                select(DocumentVersion).where(
                    DocumentVersion.document_id == document.id, DocumentVersion.sha256 == sha256, DocumentVersion.status == "ok"
                )
            ).one_or_none()
        if document is not None and own is not None:
            restored = document.current_version_id != own.id
            if document.status != "ok" or restored:
                _make_current(session, document, own, now)
            rebuilt = restored and _restore_records(session, document.id, own.id)
            message = f"back to version {own.version}" if restored else None
            return Outcome(shown, "unchanged", sha256, own.page_count, 0, own.id, message=message,
                           needs_extraction=not rebuilt and (restored or not _extracted(session, own.id)))
        source = session.execute(
            select(DocumentVersion, Document.path)
            .join(Document, Document.id == DocumentVersion.document_id)
            .where(DocumentVersion.sha256 == sha256, DocumentVersion.status == "ok")
            .order_by(DocumentVersion.id)
            .limit(1)
        ).first()
        if source is None:
            return None
        version, source_path = source
        message = f"same content as {source_path}"
        if document is None:
            return Outcome(shown, "unchanged", sha256, version.page_count, 0, version.id, message=message,
                           needs_extraction=not _extracted(session, version.id))
        copy = _copy_version(session, version, document.id, now)
        _make_current(session, document, copy, now)
        return Outcome(shown, "ingested", sha256, copy.page_count, 0, copy.id, message=message, needs_extraction=True)


def _make_current(session: Session, document: Document, version: DocumentVersion, now: datetime) -> None:
    document.status = version.status
    document.error_code, document.error_message = version.error_code, version.error_message
    document.current_version_id = version.id
    document.updated_at = now
    _resolve_errors(session, document.id, now)


def _restore_records(session: Session, document_id: int, version_id: int) -> bool:
    """Whether the document's records (items, periods, amounts, …) are those of its restored version already: then
    its extraction is left for the next consistency check. A version's rows go when another version's replace them
    (they are one shape, nothing else keeps them), so mostly they are not, and False says the version must be
    extracted again from its stored pages; its header, over rows no longer stored, is dropped for that."""
    record = session.scalars(
        select(ExtractionRecord).where(ExtractionRecord.version_id == version_id, ExtractionRecord.extractor_version == EXTRACTOR_VERSION)
    ).one_or_none()
    # One header per document (pipeline.store.extractions.store_extraction): a header of this version is over its rows.
    if record is not None and _only_header(session, document_id, record.id):
        record.checked_at = None
        return True
    session.execute(delete(ExtractionRecord).where(ExtractionRecord.version_id == version_id))
    return False


def _only_header(session: Session, document_id: int, extraction_id: int) -> bool:
    versions = select(DocumentVersion.id).where(DocumentVersion.document_id == document_id)
    return session.scalar(
        select(func.count()).select_from(ExtractionRecord).where(ExtractionRecord.version_id.in_(versions), ExtractionRecord.id != extraction_id)
    ) == 0


def _copy_version(session: Session, source: DocumentVersion, document_id: int, now: datetime) -> DocumentVersion:
    """A new version of `document_id` holding what `source` holds (the same bytes, read once): its pages, not re-read."""
    copied = {c.key: getattr(source, c.key) for c in DocumentVersion.__table__.columns if c.key not in ("id", "document_id", "version")}
    version = DocumentVersion(**copied, document_id=document_id, version=_next_version(session, document_id))
    version.ingested_at = now
    session.add(version)
    session.flush()
    columns = [c.key for c in Page.__table__.columns if c.key not in ("id", "version_id")]
    for page in session.scalars(select(Page).where(Page.version_id == source.id)).all():
        session.add(Page(**{c: getattr(page, c) for c in columns}, version_id=version.id))
    session.flush()
    return version


def save_document(url: str, doc: PreparedDocument, ocr_results: list[PageText]) -> Outcome:
    """Store a document's pages as a version of its path; a page that failed OCR makes it 'partial'."""
    pages = sorted([*doc.pages, *ocr_results], key=lambda p: p.number)
    # running headers and footers over all the pages, OCR pages and text files' pages included
    mark_running_lines(pages)
    failed_pages = [p for p in pages if p.error]
    status = "partial" if failed_pages else "ok"
    notes = _notes(doc, pages)
    now = datetime.now(timezone.utc)
    shown = display_path(doc.path)
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
            .on_conflict_do_nothing(index_elements=["document_id", "sha256"])
        )
        version = session.execute(
            select(DocumentVersion).where(DocumentVersion.document_id == document_id, DocumentVersion.sha256 == doc.sha256)
        ).scalar_one()
        if version.status == "ok":
            # Another process stored these bytes while we were reading them.
            return Outcome(shown, "unchanged", doc.sha256, version.page_count, 0, version.id)
        session.query(Page).filter(Page.version_id == version.id).delete(synchronize_session=False)
        version.kind = doc.kind.value
        version.status = status
        version.page_count = doc.page_count
        version.ocr = bool(ocr_results)
        version.encoding = doc.encoding
        version.error_code = "ocr_failed" if failed_pages else None
        version.error_message = _page_summary(failed_pages)
        version.notes = notes
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
            shown,
            "partial" if failed_pages else "ingested",
            doc.sha256,
            len(pages),
            len(ocr_results),
            version.id,
            error_code=version.error_code,
            message="; ".join(m for m in (version.error_message, notes) if m) or None,
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
    return Outcome(display_path(path), "failed", sha256, error_code=error.code, message=error.message)


def _next_version(session: Session, document_id: int) -> int:
    latest = session.execute(select(func.max(DocumentVersion.version)).where(DocumentVersion.document_id == document_id)).scalar()
    return (latest or 0) + 1


def _resolve_errors(session: Session, document_id: int, now: datetime) -> None:
    session.execute(
        update(IngestError)
        .where(IngestError.document_id == document_id, IngestError.resolved_at.is_(None))
        .values(resolved_at=now)
    )


def _notes(doc: PreparedDocument, pages: list[PageText]) -> str | None:
    """The version's warnings: the loader's, each page's ("page 2: blank page"), and "no text found" when no page has any."""
    notes = [*doc.notes, *(f"page {p.number}: {p.note}" for p in pages if p.note)]
    if not any(p.text.strip() for p in pages) and not any(p.error for p in pages):
        notes.append("no text found")
    return "; ".join(notes) or None


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
