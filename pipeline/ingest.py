"""The per-document steps of ingestion, as plain functions the flow calls in order.

Every failure is caught here, at the document boundary, and stored against the
document: a bad file never stops the batch.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from models.records import FileKind, PageText
from pipeline import store
from pipeline.errors import ProtokollError
from pipeline.load import PreparedDocument, file_identity, ocr_page, prepare
from pipeline.settings import Settings
from pipeline.store import Outcome

log = logging.getLogger(__name__)


class InternalError(ProtokollError):
    """A bug met on this document: stored like any failure so the batch goes on."""

    code = "internal"


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Files named and files under folders named (recursively), sorted, hidden ones skipped."""
    found: dict[Path, None] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path).parts
                # A dangling link is listed too: it is reported as unreadable, not silently skipped.
                if (child.is_file() or child.is_symlink()) and not any(part.startswith(".") for part in rel):
                    found[child] = None
        else:
            found[path] = None
    return list(found)


def start_document(path: str, settings: Settings) -> PreparedDocument | Outcome:
    """Hash the file; skip it when these bytes are stored; else read its text layer.

    Returns an Outcome when the document is finished here (unchanged or failed),
    otherwise the PreparedDocument whose `ocr_pages` still need OCR.
    """
    sha256 = None
    try:
        identity = file_identity(Path(path))
        sha256 = identity[0]
        unchanged = store.find_unchanged(settings.database_url, path, sha256)
        if unchanged is not None:
            return unchanged
        return prepare(Path(path), settings, identity)
    except ProtokollError as e:
        if e.transient:
            raise
        return store.save_failure(settings.database_url, path, e, sha256)
    except Exception as e:  # noqa: BLE001 - the document boundary: record, never stop the batch
        log.exception("unexpected error on %s", path)
        return store.save_failure(settings.database_url, path, InternalError(f"internal error: {type(e).__name__}: {e}"), sha256)


def read_page(path: str, kind: FileKind, number: int, settings: Settings) -> PageText:
    """OCR one page; failures come back on the page (`error`), except missing Tesseract, which is raised."""
    return ocr_page(path, kind, number, settings)


def finish_document(doc: PreparedDocument, ocr_results: list[PageText], settings: Settings) -> Outcome:
    """Store the document with all its pages in one transaction."""
    try:
        return store.save_document(settings.database_url, doc, ocr_results)
    except ProtokollError as e:
        return store.save_failure(settings.database_url, doc.path, e, doc.sha256)
    except Exception as e:  # noqa: BLE001
        log.exception("cannot store %s", doc.path)
        return store.save_failure(settings.database_url, doc.path, InternalError(f"internal error while storing: {type(e).__name__}: {e}"), doc.sha256)


def fail_document(path: str, error: BaseException, settings: Settings, sha256: str | None = None) -> Outcome:
    """Record a failure that escaped the steps above (e.g. retries exhausted on a transient error)."""
    if not isinstance(error, ProtokollError):
        error = InternalError(f"internal error: {type(error).__name__}: {error}")
    return store.save_failure(settings.database_url, path, error, sha256)
