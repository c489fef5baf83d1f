"""Read a file's pages: the PDF text layer (pdfplumber), text files, and which pages need OCR."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.psparser import PSEOF
from PIL import Image, UnidentifiedImageError

from models.records import FileKind, PageMethod, PageText
from pipeline.detect import detect_kind
from pipeline.errors import (
    CorruptImageError,
    CorruptPdfError,
    DecodeError,
    EmptyFileError,
    EncryptedPdfError,
    NoPagesError,
    OcrError,
    ProtokollError,
    TooLargeError,
    TruncatedPdfError,
    UnreadableFileError,
)
from pipeline.settings import Settings

_CHUNK = 1 << 20
_CID = re.compile(r"\(cid:\d+\)")
_WORDLIKE = re.compile(r"[A-Za-zÅÄÖåäöÉéÜü]{2,}")
_VOWEL = re.compile(r"[aeiouyåäöéAEIOUYÅÄÖÉ]")
_TABLE_RULES = frozenset("|-+=_:")


@dataclass(slots=True)
class PreparedDocument:
    """A file read as far as it can be without OCR: identity, text-layer pages, pages left to OCR."""

    path: str
    sha256: str
    size: int
    kind: FileKind
    page_count: int
    pages: list[PageText] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)
    encoding: str | None = None


def file_identity(path: Path) -> tuple[str, int, bytes]:
    """SHA-256, size and first bytes of a file, streaming so huge files are not held in memory."""
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                if not head:
                    head = chunk[:8192]
                digest.update(chunk)
                size += len(chunk)
    except OSError as e:
        raise UnreadableFileError(f"cannot read file: {e.strerror or e}") from e
    return digest.hexdigest(), size, head


def text_layer_quality(text: str, min_chars: int) -> str:
    """'ok', 'empty' or 'garbage' for a page's text layer.

    Garbage is a layer that exists but does not read as language: unmapped glyphs
    ("(cid:12)"), or mostly symbols / vowel-less letter runs from a broken font map.
    """
    if _CID.search(text) and len(_CID.findall(text)) * 6 > len(text) * 0.2:
        return "garbage"
    # Table rules ("|---|---|") are layout, not glyphs: a page of names under a table footer is text.
    visible = [c for c in text if not c.isspace() and c not in _TABLE_RULES]
    if len(visible) < min_chars:
        return "empty"
    letters = sum(1 for c in visible if c.isalnum())
    if letters < len(visible) * 0.6:
        return "garbage"
    words = _WORDLIKE.findall(text)
    if words:
        voweled = sum(1 for w in words if _VOWEL.search(w))
        if voweled < len(words) * 0.6:
            return "garbage"
    elif letters < min_chars:
        return "garbage"
    return "ok"


def _pdf_error(path: Path, size: int, error: Exception) -> ProtokollError:
    cause = error.__cause__ or error.__context__ or error
    if isinstance(error, PdfminerExceptionTypes) and error.args and isinstance(error.args[0], Exception):
        cause = error.args[0]
    if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
        return EncryptedPdfError()
    tail = _tail(path)
    if isinstance(cause, PSEOF) or b"%%EOF" not in tail:
        return TruncatedPdfError(f"truncated PDF: no end-of-file marker, the file stops after {size} bytes")
    return CorruptPdfError(f"corrupt PDF: {type(cause).__name__}: {cause}")


try:
    from pdfplumber.utils.exceptions import PdfminerException as _PdfminerException

    PdfminerExceptionTypes: tuple[type[Exception], ...] = (_PdfminerException,)
except ImportError:  # older pdfplumber raises pdfminer's exceptions directly
    PdfminerExceptionTypes = ()


def _tail(path: Path) -> bytes:
    with path.open("rb") as handle:
        handle.seek(0, 2)
        handle.seek(max(0, handle.tell() - 2048))
        return handle.read()


def load_pdf(path: Path, sha256: str, size: int, settings: Settings) -> PreparedDocument:
    """Text layer of every page; pages with no or garbage text are listed for OCR."""
    doc = PreparedDocument(str(path), sha256, size, FileKind.PDF, 0)
    try:
        with pdfplumber.open(path) as pdf:
            count = len(pdf.pages)
            if count == 0:
                raise NoPagesError()
            if count > settings.max_pages:
                raise TooLargeError(f"PDF has {count} pages, more than the limit of {settings.max_pages}")
            doc.page_count = count
            for index, page in enumerate(pdf.pages, start=1):
                text = page.extract_text() or ""
                quality = text_layer_quality(text, settings.min_text_chars)
                if quality == "ok":
                    doc.pages.append(PageText(number=index, text=text, method=PageMethod.TEXT))
                else:
                    doc.ocr_pages.append(index)
                page.close()
    except ProtokollError:
        raise
    except Exception as e:
        raise _pdf_error(path, size, e) from e
    return doc


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode a text file: UTF-8 (with or without BOM) or UTF-16 with BOM, else cp1252, else latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as e:
            raise DecodeError(f"text file starts with a UTF-16 mark but is not UTF-16: {e}") from e
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def load_text(path: Path, sha256: str, size: int, settings: Settings) -> PreparedDocument:
    """A text file as pages (form feeds separate pages), with the encoding that was used."""
    text, encoding = decode_text(path.read_bytes())
    text = text.replace("\r\n", "\n")
    parts = text.split("\f")
    pages = [PageText(number=i, text=part, method=PageMethod.TEXT) for i, part in enumerate(parts, start=1)]
    return PreparedDocument(str(path), sha256, size, FileKind.TEXT, len(pages), pages=pages, encoding=encoding)


def load_image(path: Path, sha256: str, size: int, kind: FileKind, settings: Settings) -> PreparedDocument:
    """An image file: every frame (multi-page TIFF) is a page to OCR."""
    try:
        with Image.open(path) as image:
            frames = getattr(image, "n_frames", 1)
    except (UnidentifiedImageError, OSError) as e:
        raise CorruptImageError(f"corrupt image: {e}") from e
    if frames > settings.max_pages:
        raise TooLargeError(f"image has {frames} frames, more than the limit of {settings.max_pages}")
    return PreparedDocument(str(path), sha256, size, kind, frames, ocr_pages=list(range(1, frames + 1)))


def prepare(path: Path, settings: Settings, identity: tuple[str, int, bytes] | None = None) -> PreparedDocument:
    """Identify a file and read what needs no OCR. Raises a ProtokollError subclass on bad input."""
    sha256, size, head = identity or file_identity(path)
    if size == 0:
        raise EmptyFileError()
    if size > settings.max_file_bytes:
        raise TooLargeError(f"file is {size} bytes, more than the limit of {settings.max_file_bytes}")
    kind = detect_kind(head, path.name)
    if kind is FileKind.PDF:
        return load_pdf(path, sha256, size, settings)
    if kind is FileKind.TEXT:
        return load_text(path, sha256, size, settings)
    return load_image(path, sha256, size, kind, settings)


def ocr_page(path: str, kind: FileKind, number: int, settings: Settings) -> PageText:
    """OCR one page of a PDF or image file; a failure is returned on the page, not raised."""
    from pipeline import ocr

    # On one machine `workers` Tesseract processes at once; a Dask cluster's workers set their own concurrency.
    slots = None if settings.dask_address else ocr.tesseract_slots(max(1, settings.workers))
    try:
        if kind is FileKind.PDF:
            # Rendered in memory: a PNG round trip costs more than the rendering itself.
            image = ocr.render_pdf_page(Path(path), number - 1, dpi=settings.ocr_dpi)
            result = ocr.ocr_image(image, settings.ocr_language, dpi=image.info["dpi"][0], slots=slots)
        else:
            result = ocr.ocr_image(
                Path(path), settings.ocr_language, dpi=settings.ocr_dpi, frame=number - 1, slots=slots
            )
    except OcrError as e:
        return PageText(number=number, text="", method=PageMethod.OCR, error=f"{e.code}: {e.message}")
    return PageText(
        number=number,
        text=result.text,
        method=PageMethod.OCR,
        confidence=round(result.mean_conf, 2),
        words=result.words,
        rotation=result.rotation,
        skew=result.skew,
    )
