"""Run the extractors over a stored version's pages and store the result, keyed by extractor version."""

from __future__ import annotations

import dataclasses
import logging
from datetime import date
from enum import Enum
from typing import Any

from sqlalchemy import delete, select, text

from models.db import session_scope, write_session
from models.records import EXTRACTOR_VERSION, Extraction
from models.schema import Document, DocumentVersion, ExtractionRecord
from pipeline import normalise, store
from pipeline.store import Outcome

log = logging.getLogger(__name__)

#: Outcomes whose pages were just stored and need extracting.
EXTRACTABLE = ("ingested", "partial")
#: Version statuses whose pages are stored (a page that failed OCR leaves the others readable).
STORED = ("ok", "partial")


def to_jsonable(value: Any) -> Any:
    """Records -> JSON-ready values (dates as ISO strings, enums as values, tuples as lists)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


def warm_up() -> None:
    """Load the extractors (spaCy's pipeline, dateparser's Swedish data) now, as a run does while it waits for its
    orchestrator: otherwise the first document's extraction pays for them (about 1.5 s) while other pages are in OCR.
    """
    from extractors.document import extract_document
    from models.records import PageMethod, PageText

    extract_document([PageText(number=1, text="Protokoll\nDatum: den 3 mars 2024\n§ 1 Mötets öppnande\n", method=PageMethod.TEXT)])


def extract_version(url: str, version_id: int, replace: bool = True) -> Extraction | None:
    """Extract one stored version (from its pages, never re-OCRing) and store the extraction, committed at once.

    With `replace=False` a version already extracted by this extractor version (by another process that stored
    or met the same bytes) is left as it is and None is returned: two processes never extract one version twice.
    """
    from extractors.document import extract_document

    if not replace and _extracted(url, version_id):
        return None
    pages = [p for p in store.pages_of(url, version_id) if not p.error]
    extraction = extract_document(pages)
    with write_session(url) as session:
        if session.get_bind().dialect.name == "postgresql":
            # The lock store_records takes anyway, taken first so the look below sees every committed extraction.
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": normalise.ENTITY_LOCK})
        current = select(ExtractionRecord.id).where(
            ExtractionRecord.version_id == version_id, ExtractionRecord.extractor_version == EXTRACTOR_VERSION
        )
        if not replace and session.scalar(current) is not None:
            return None
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
        normalise.store_records(session, version_id, document_id, extraction)
    return extraction


def _extracted(url: str, version_id: int) -> bool:
    with session_scope(url) as session:
        return session.scalar(
            select(ExtractionRecord.id).where(
                ExtractionRecord.version_id == version_id, ExtractionRecord.extractor_version == EXTRACTOR_VERSION
            )
        ) is not None


def extract_or_record(url: str, version_id: int) -> bool:
    """Extract a version unless it is extracted already; a failure is stored against its document
    (code `extract_failed`, the reason in its message), never raised and never printed."""
    try:
        extract_version(url, version_id, replace=False)
        return True
    except Exception as e:  # noqa: BLE001 - the document boundary
        log.debug("extraction failed for version %s", version_id, exc_info=True)
        from models.schema import DocumentVersion, IngestError

        with write_session(url) as session:
            document_id = session.scalar(select(DocumentVersion.document_id).where(DocumentVersion.id == version_id))
            session.add(IngestError(document_id=document_id, version_id=version_id, code="extract_failed", message=f"extraction failed: {type(e).__name__}: {e}"))
        return False


def extract_outcome(url: str, outcome: Outcome) -> bool:
    """Extract what an ingest step just stored; nothing for a failed or unchanged file."""
    if outcome.version_id is None or outcome.status not in EXTRACTABLE:
        return False
    return extract_or_record(url, outcome.version_id)


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


def extract_unextracted(url: str) -> tuple[int, int]:
    """Extract every stored-but-unextracted current version; (extracted, failed)."""
    results = [extract_or_record(url, version_id) for version_id in unextracted_versions(url)]
    return results.count(True), results.count(False)


def stored_extraction(url: str, version_id: int) -> dict[str, Any] | None:
    with session_scope(url) as session:
        return session.execute(
            select(ExtractionRecord.data).where(
                ExtractionRecord.version_id == version_id,
                ExtractionRecord.extractor_version == EXTRACTOR_VERSION,
            )
        ).scalar_one_or_none()


def from_jsonable(cls: type, data: Any) -> Any:
    """The inverse of `to_jsonable` for record dataclasses (stored JSON -> typed records)."""
    import types
    import typing

    def convert(tp: Any, value: Any) -> Any:
        if value is None:
            return None
        origin = typing.get_origin(tp)
        if origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(tp) if a is not type(None)]
            return convert(options[0], value) if len(options) == 1 else value
        if origin is list:
            (inner,) = typing.get_args(tp) or (Any,)
            return [convert(inner, v) for v in value]
        if origin is tuple:
            args = typing.get_args(tp)
            if len(args) == 2 and args[1] is Ellipsis:
                return tuple(convert(args[0], v) for v in value)
            return tuple(convert(a, v) for a, v in zip(args, value)) if args else tuple(value)
        if origin is dict:
            return dict(value)
        if tp is date:
            return date.fromisoformat(value)
        if isinstance(tp, type) and issubclass(tp, Enum):
            return tp(value)
        if dataclasses.is_dataclass(tp):
            return from_jsonable(tp, value)
        return value

    hints = typing.get_type_hints(cls)
    kwargs = {f.name: convert(hints[f.name], data[f.name]) for f in dataclasses.fields(cls) if f.name in data}
    return cls(**kwargs)
