"""One exception per failure a registrar can act on, each with its own exit code.

Errors are caught at the document boundary (`pipeline.steps`), stored against
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


class NotARegularFileError(ProtokollError):
    """A FIFO, device or socket: reading it could block the batch or never end, so it is never opened."""

    code = "not_regular"

    def __init__(self, what: str) -> None:
        super().__init__(f"not a regular file: {what}")


class BrokenSymlinkError(ProtokollError):
    """A symbolic link whose target does not exist."""

    code = "broken_symlink"

    def __init__(self, target: str) -> None:
        super().__init__(f"broken symlink: points to {target}")


class PermissionDeniedError(ProtokollError):
    """The file exists but this user may not read it (fix the permissions and run again)."""

    code = "permission_denied"

    def __init__(self, message: str = "permission denied") -> None:
        super().__init__(message)


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


class ImageTooLargeError(ProtokollError):
    """More pixels than `Settings.max_image_megapixels`: decoding it would take gigabytes (a decompression bomb)."""

    code = "image_too_large"

    def __init__(self, megapixels: float, limit: int) -> None:
        super().__init__(f"image too large: {megapixels:.0f} megapixels, limit {limit}")


class ImageTooSmallError(ProtokollError):
    """Fewer pixels than any page of text needs (a thumbnail, a tracking pixel)."""

    code = "image_too_small"

    def __init__(self, width: int, height: int, minimum: int) -> None:
        super().__init__(f"image too small: {width}x{height} pixels, a page needs at least {minimum} on each side")


class FileTimeoutError(ProtokollError):
    """Reading one file took longer than `Settings.file_timeout`: it is given up so the batch goes on."""

    code = "file_timeout"

    def __init__(self, seconds: float, stage: str) -> None:
        super().__init__(f"file timeout after {seconds:g} s ({stage})")


class OcrError(ProtokollError):
    """Tesseract failed on a page (the page is recorded, the others go on)."""

    code = "ocr_failed"


class OcrTimeoutError(OcrError):
    """Tesseract took longer than `Settings.ocr_page_timeout` on one page and was stopped."""

    code = "ocr_timeout"

    def __init__(self, seconds: float) -> None:
        super().__init__(f"ocr timeout after {seconds:g} s")


class OcrUnavailableError(ProtokollError):
    """Tesseract or its language data is missing: nothing scanned can be read until it is installed."""

    code = "ocr_unavailable"
    transient = True


class DecodeError(ProtokollError):
    code = "decode"


class BinaryTextError(ProtokollError):
    """A file that starts like text but is full of NUL bytes in no text encoding's pattern."""

    code = "binary_text"


class InternalError(ProtokollError):
    """A bug met on this document: stored like any failure so the batch goes on."""

    code = "internal"
