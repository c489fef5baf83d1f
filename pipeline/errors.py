"""One exception per failure a registrar can act on, each with its own exit code.

Errors are caught at the document boundary (`pipeline.ingest`), stored against
the document with `code` and `message`, and never stop the batch.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    SOME_FAILED = 1
    USAGE = 2
    DATABASE = 3
    ORCHESTRATOR = 4


class ProtokollError(Exception):
    """Base class: `code` is the stable machine name stored in the database."""

    code = "error"
    transient = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnreadableFileError(ProtokollError):
    code = "unreadable"


class EmptyFileError(ProtokollError):
    code = "empty"

    def __init__(self, message: str = "empty file: 0 bytes") -> None:
        super().__init__(message)


class UnsupportedFileError(ProtokollError):
    """Bytes that are none of the kinds we read (PDF, PNG, JPEG, TIFF, text)."""

    code = "unsupported"


class NotAPdfError(ProtokollError):
    """A file named .pdf whose bytes are something else."""

    code = "not_pdf"


class EncryptedPdfError(ProtokollError):
    code = "encrypted"

    def __init__(self, message: str = "encrypted PDF: password required") -> None:
        super().__init__(message)


class TruncatedPdfError(ProtokollError):
    code = "truncated"


class CorruptPdfError(ProtokollError):
    code = "corrupt"


class CorruptImageError(ProtokollError):
    code = "corrupt_image"


class NoPagesError(ProtokollError):
    code = "no_pages"

    def __init__(self, message: str = "PDF has no pages") -> None:
        super().__init__(message)


class TooLargeError(ProtokollError):
    code = "too_large"


class OcrError(ProtokollError):
    """Tesseract failed on a page (the page is recorded, the others go on)."""

    code = "ocr_failed"


class OcrUnavailableError(ProtokollError):
    """Tesseract or its language data is missing: nothing scanned can be read until it is installed."""

    code = "ocr_unavailable"
    transient = True


class DecodeError(ProtokollError):
    code = "decode"
