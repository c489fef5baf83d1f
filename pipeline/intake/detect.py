"""Decide what a file is from its first bytes (magic numbers), never from its name."""

from __future__ import annotations

from models.records import FileKind
from pipeline.errors import BinaryTextError, EmptyFileError, NotAPdfError, UnsupportedFileError

# (prefix, kind or None for "known but unsupported", human description as `file(1)` would say)
_MAGIC: list[tuple[bytes, FileKind | None, str]] = [
    (b"\x89PNG\r\n\x1a\n", FileKind.PNG, "PNG image data"),
    (b"\xff\xd8\xff", FileKind.JPEG, "JPEG image data"),
    (b"II*\x00", FileKind.TIFF, "TIFF image data"),
    (b"MM\x00*", FileKind.TIFF, "TIFF image data"),
    (b"PK\x03\x04", None, "Zip archive data (e.g. DOCX, XLSX or ODT)"),
    (b"\xd0\xcf\x11\xe0", None, "Microsoft Office 97 document"),
    (b"GIF8", None, "GIF image data"),
    (b"\x1f\x8b", None, "gzip compressed data"),
    (b"{\\rtf", None, "Rich Text Format data"),
]

_TEXT_SUFFIXES = (".txt", ".md", ".text", ".markdown")


def describe(head: bytes) -> str:
    """A short description of the bytes, for error messages ("PNG image data")."""
    if not head:
        return "empty"
    if b"%PDF-" in head[:1024]:
        return "PDF document"
    for prefix, _kind, text in _MAGIC:
        if head.startswith(prefix):
            return text
    if _looks_like_text(head):
        return "text"
    if utf16_byte_order(head):
        return "UTF-16 text without byte-order mark"
    if head[:4096].count(0) <= len(head[:4096]) * 0.05 and _looks_like_text(head.replace(b"\x00", b"")):
        return "text with NUL bytes"
    return "data"


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head or not head:
        return False
    sample = head[:4096]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls <= len(sample) * 0.01


def utf16_byte_order(head: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' for UTF-16 text saved without a byte-order mark, else None.

    Latin script in UTF-16 (å, ä, ö included) has a zero high byte in almost every character, so
    NULs fill every other position: the odd ones in little-endian, the even ones in big-endian.
    """
    sample = head[:4096]
    sample = sample[: len(sample) // 2 * 2]
    pairs = len(sample) // 2
    if pairs < 4:
        return None
    even_nuls, odd_nuls = sample[0::2].count(0), sample[1::2].count(0)
    if odd_nuls >= 0.7 * pairs and even_nuls <= 0.02 * pairs:
        encoding = "utf-16-le"
    elif even_nuls >= 0.7 * pairs and odd_nuls <= 0.02 * pairs:
        encoding = "utf-16-be"
    else:
        return None
    text = sample.decode(encoding, errors="replace")
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\n\f\r")
    return encoding if controls <= len(text) * 0.01 else None


def detect_kind(head: bytes, name: str = "") -> FileKind:
    """The kind of a file from its first bytes; `name` only sharpens the error message.

    Raises EmptyFileError, NotAPdfError (a .pdf whose bytes are something else) or
    UnsupportedFileError.
    """
    if not head:
        raise EmptyFileError()
    lower = name.lower()
    if b"%PDF-" in head[:1024]:
        return FileKind.PDF
    what = describe(head)
    if lower.endswith(".pdf"):
        raise NotAPdfError(f"not a PDF: {what}")
    for prefix, kind, text in _MAGIC:
        if head.startswith(prefix):
            if kind is None:
                raise UnsupportedFileError(f"unsupported file type: {text}")
            return kind
    readable = what == "text" or what.startswith("UTF-16 text") or what == "text with NUL bytes"
    if readable and (lower.endswith(_TEXT_SUFFIXES) or "." not in lower.rsplit("/", 1)[-1]):
        return FileKind.TEXT
    if readable:
        raise UnsupportedFileError(f"unsupported file type: text file with suffix {lower.rsplit('.', 1)[-1]!r} (use .txt or .md)")
    if lower.endswith(_TEXT_SUFFIXES) and b"\x00" in head:
        sample = head[:4096]
        raise BinaryTextError(
            f"not a text file: {sample.count(0)} NUL bytes among the first {len(sample)} bytes, in no text encoding's pattern"
        )
    raise UnsupportedFileError(f"unsupported file type: {what}")
