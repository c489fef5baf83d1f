"""The per-document steps of ingestion, as plain functions the flow calls in order.

Every failure is caught here, at the document boundary, and stored against the
document: a bad file never stops the batch.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from models.records import FileKind, PageMethod, PageText
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
    """Every file named, and every entry under the folders named (recursively, hidden ones skipped), once each.

    Nothing is opened here. Entries that are not regular files (FIFOs, devices, sockets, broken links) and
    folders that cannot be listed are returned too, so that `start_document` records each against its path
    with its reason instead of the batch dropping them, or hanging on them.
    Each path is absolute and resolved (`identity_path`), so a folder named twice, or by a relative and an
    absolute path, gives each file once and under one name.
    """
    found: dict[Path, None] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in _walk(path):
                found[identity_path(child)] = None
        else:
            found[identity_path(path)] = None
    return list(found)


def _walk(folder: Path) -> list[Path]:
    """Entries under `folder`, sorted; symlinked folders are not followed (a link to a parent would never end)."""
    entries: list[Path] = []

    def unlisted(error: OSError) -> None:
        # A folder that cannot be listed is an entry of its own, reported when its path is checked.
        if error.filename is not None and Path(os.fsdecode(error.filename)) != folder:
            entries.append(Path(os.fsdecode(error.filename)))

    for root, dirs, files in os.walk(folder, onerror=unlisted):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        base = Path(root)
        for name in sorted(files):
            if not name.startswith("."):
                entries.append(base / name)
        # Symlinks to folders are listed by os.walk among the folders; they are not followed, and not silent.
        entries.extend(base / d for d in dirs if (base / d).is_symlink())
    if not os.access(folder, os.R_OK | os.X_OK):
        entries.append(folder)
    return sorted(entries)


def identity_path(path: Path) -> Path:
    """The path a file is stored under: absolute with every link resolved (`Path.resolve()`).

    An entry that is not (a link to) a regular file keeps its own name, in a resolved folder: its failure is
    reported against the link or FIFO the registrar sees, not against /dev/zero.
    """
    try:
        if stat.S_ISREG(os.stat(path).st_mode):
            return path.resolve()
    except OSError:
        pass
    return path.absolute().parent.resolve() / path.name


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
        unchanged = store.find_unchanged(settings.database_url, path, sha256)
        if unchanged is not None:
            return unchanged
        return prepare(Path(path), settings, identity)
    except ProtokollError as e:
        if e.transient:
            raise
        return store.save_failure(settings.database_url, path, e, sha256)
    except Exception as e:  # noqa: BLE001 - the document boundary: record, never stop the batch
        # Handled: the stored error says what happened; the traceback only for whoever turns debug logging on.
        log.debug("unexpected error on %s", path, exc_info=True)
        return store.save_failure(settings.database_url, path, InternalError(f"internal error: {type(e).__name__}: {e}"), sha256)


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
        return store.save_document(settings.database_url, doc, ocr_results)
    except ProtokollError as e:
        return store.save_failure(settings.database_url, doc.path, e, doc.sha256)
    except Exception as e:  # noqa: BLE001
        log.debug("cannot store %s", doc.path, exc_info=True)
        return store.save_failure(settings.database_url, doc.path, InternalError(f"internal error while storing: {type(e).__name__}: {e}"), doc.sha256)


def fail_document(path: str, error: BaseException, settings: Settings, sha256: str | None = None) -> Outcome:
    """Record a failure that escaped the steps above (e.g. retries exhausted on a transient error)."""
    if not isinstance(error, ProtokollError):
        error = InternalError(f"internal error: {type(error).__name__}: {error}")
    return store.save_failure(settings.database_url, path, error, sha256)
