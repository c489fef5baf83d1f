"""The verbs of the pipeline: the only door the flows use. Each is a plain function with typed input and output,
no Prefect; the flows schedule them, these decide.

Reading: `discover` -> `start_document` (hash, text layer) -> `read_page` (OCR) -> `finish_document` (store).
Extraction: `extract_outcome` / `extract_or_record` (pages -> records -> rows). Consistency: `check_pending`.
Every failure is caught here, at the document boundary, and stored against the document: a bad file never stops
the batch.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from extractors.document import extract_document
from models.claims import CheckReport
from models.records import Extraction, FileKind, Outcome, PageMethod, PageText, PreparedDocument
from pipeline.consistency import run as consistency
from pipeline.errors import InternalError, ProtokollError
from pipeline.intake import discover as _discover
from pipeline.intake.load import file_identity, ocr_page, prepare
from pipeline.settings import Settings
from pipeline.store import documents, extractions

log = logging.getLogger(__name__)

#: Outcomes whose pages were just stored and need extracting.
EXTRACTABLE = ("ingested", "partial")


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Every file of the batch, once each, under its resolved path (pipeline.intake.discover)."""
    return _discover.discover(paths)


def start_document(path: str, settings: Settings) -> PreparedDocument | Outcome:
    """Hash the file; skip it when these bytes are stored; else read its text layer.

    Returns an Outcome when the document is finished here (unchanged or failed),
    otherwise the PreparedDocument whose `ocr_pages` still need OCR.
    """
    sha256 = None
    try:
        # file_identity looks (os.stat) before it opens: a FIFO or a device is recorded with its reason, never read.
        identity = file_identity(Path(path))
        sha256 = identity[0]
        unchanged = documents.find_unchanged(settings.database_url, path, sha256)
        if unchanged is not None:
            return unchanged
        return prepare(Path(path), settings, identity)
    except ProtokollError as e:
        if e.transient:
            raise
        return documents.save_failure(settings.database_url, path, e, sha256)
    except Exception as e:  # noqa: BLE001 - the document boundary: record, never stop the batch
        # Handled: the stored error says what happened; the traceback only for whoever turns debug logging on.
        log.debug("unexpected error on %s", path, exc_info=True)
        return documents.save_failure(settings.database_url, path, InternalError(f"internal error: {type(e).__name__}: {e}"), sha256)


def read_page(path: str, kind: FileKind, number: int, settings: Settings, deadline: float | None = None) -> PageText:
    """OCR one page; failures come back on the page (`error`), except missing Tesseract, which is raised.

    `deadline` is the document's (PreparedDocument.deadline): past it the page is recorded as not read.
    """
    try:
        return ocr_page(path, kind, number, settings, deadline)
    except ProtokollError:
        raise
    except Exception as e:  # noqa: BLE001 - a bug met on one page: the page is recorded, the document's others are kept
        log.debug("unexpected error on page %s of %s", number, path, exc_info=True)
        return PageText(number=number, text="", method=PageMethod.OCR, error=f"ocr_failed: internal error: {type(e).__name__}: {e}")


def finish_document(doc: PreparedDocument, ocr_results: list[PageText], settings: Settings) -> Outcome:
    """Store the document with all its pages in one transaction."""
    try:
        return documents.save_document(settings.database_url, doc, ocr_results)
    except ProtokollError as e:
        return documents.save_failure(settings.database_url, doc.path, e, doc.sha256)
    except Exception as e:  # noqa: BLE001
        log.debug("cannot store %s", doc.path, exc_info=True)
        return documents.save_failure(settings.database_url, doc.path, InternalError(f"internal error while storing: {type(e).__name__}: {e}"), doc.sha256)


def fail_document(path: str, error: BaseException, settings: Settings, sha256: str | None = None) -> Outcome:
    """Record a failure that escaped the steps above (e.g. retries exhausted on a transient error)."""
    if not isinstance(error, ProtokollError):
        error = InternalError(f"internal error: {type(error).__name__}: {error}")
    return documents.save_failure(settings.database_url, path, error, sha256)


def first_reading(doc: PreparedDocument, read: dict[str, str]) -> bool:
    """Whether `doc` is the first file of this round with its bytes (`read`: sha256 -> path, updated here).
    Copies (the same bytes under another name) wait until the first is stored, and are then found unchanged."""
    if doc.sha256 in read:
        return False
    read[doc.sha256] = doc.path
    return True


def version_to_extract(outcome: Outcome) -> int | None:
    """The stored version an outcome leaves to extract: an unchanged file whose extraction is missing for the
    running extractors (new rules, or it failed before)."""
    if outcome.needs_extraction and outcome.version_id is not None:
        return outcome.version_id
    return None


def warm_up() -> None:
    """Load the extractors (spaCy's pipeline, dateparser's Swedish data) now, as a run does while it waits for its
    orchestrator: otherwise the first document's extraction pays for them (about 1.5 s) while other pages are in OCR.
    """
    extract_document([PageText(number=1, text="Protokoll\nDatum: den 3 mars 2024\n§ 1 Mötets öppnande\n", method=PageMethod.TEXT)])


def extract_version(url: str, version_id: int, replace: bool = True) -> Extraction | None:
    """Extract one stored version (from its pages, never re-OCRing) and store the extraction, committed at once.

    With `replace=False` a version already extracted by this extractor version (by another process that stored
    or met the same bytes) is left as it is and None is returned: two processes never extract one version twice.
    """
    if not replace and extractions.is_extracted(url, version_id):
        return None
    pages = [p for p in documents.pages_of(url, version_id) if not p.error]
    extraction = extract_document(pages)
    if not extractions.save_extraction(url, version_id, extraction, replace=replace):
        return None
    return extraction


def extract_or_record(url: str, version_id: int) -> bool:
    """Extract a version unless it is extracted already; a failure is stored against its document
    (code `extract_failed`, the reason in its message), never raised and never printed."""
    try:
        extract_version(url, version_id, replace=False)
        return True
    except Exception as e:  # noqa: BLE001 - the document boundary
        log.debug("extraction failed for version %s", version_id, exc_info=True)
        extractions.save_extraction_failure(url, version_id, e)
        return False


def extract_outcome(url: str, outcome: Outcome) -> bool:
    """Extract what an ingest step just stored; nothing for a failed or unchanged file."""
    if outcome.version_id is None or outcome.status not in EXTRACTABLE:
        return False
    return extract_or_record(url, outcome.version_id)


def extract_unextracted(url: str) -> tuple[int, int]:
    """Extract every stored-but-unextracted current version; (extracted, failed)."""
    results = [extract_or_record(url, version_id) for version_id in extractions.unextracted_versions(url)]
    return results.count(True), results.count(False)


def check_pending(url: str) -> CheckReport:
    """Check every extraction no check has covered yet (this run's, and any a stopped or killed run left)."""
    return consistency.check_pending(url)
