"""Read a file's pages: the PDF text layer (pdfplumber), text files, and which pages need OCR."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.psparser import PSEOF
from PIL import Image, UnidentifiedImageError

from extractors.page_context import mark_running_lines
from models.records import FileKind, PageMethod, PageText, PreparedDocument, Word
from pipeline.errors import (
    BrokenSymlinkError,
    CorruptImageError,
    CorruptPdfError,
    DecodeError,
    EmptyFileError,
    EncryptedPdfError,
    FileTimeoutError,
    ImageTooLargeError,
    ImageTooSmallError,
    NoPagesError,
    NotARegularFileError,
    OcrError,
    PermissionDeniedError,
    ProtokollError,
    TooLargeError,
    TruncatedPdfError,
    UnreadableFileError,
)
from pipeline.intake.detect import detect_kind, utf16_byte_order
from pipeline.intake.layout import Box, layout_page
from pipeline.intake.pdfium_lock import PDFIUM, serialised
from pipeline.settings import Settings

# Pixel counts are checked against Settings.max_image_megapixels from the image header, before any pixel is
# decoded, with an error a registrar can read; PIL's own guard would raise DecompressionBombError instead.
Image.MAX_IMAGE_PIXELS = None

_T = TypeVar("_T")

log = logging.getLogger(__name__)

_CHUNK = 1 << 20
_CID = re.compile(r"\(cid:\d+\)")
_WORDLIKE = re.compile(r"[A-Za-zÅÄÖåäöÉéÜü]{2,}")
_VOWEL = re.compile(r"[aeiouyåäöéAEIOUYÅÄÖÉ]")
_TABLE_RULES = frozenset("|-+=_:")


_FILE_TYPES = (
    (stat.S_ISFIFO, "FIFO"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISDIR, "directory"),
)


def _file_type(mode: int) -> str:
    return next((name for test, name in _FILE_TYPES if test(mode)), "special file")


def check_regular(path: Path) -> None:
    """Raise unless `path` is (a symlink to) a regular file this process may read; never opens it.

    A FIFO blocks the reader until someone writes, a device such as /dev/zero never ends: both would hold the batch.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError as e:
        if os.path.islink(path):
            raise BrokenSymlinkError(os.fsdecode(os.readlink(path))) from e
        raise UnreadableFileError(f"cannot read file: {e.strerror}") from e
    except PermissionError as e:
        raise PermissionDeniedError() from e
    except OSError as e:
        raise UnreadableFileError(f"cannot read file: {e.strerror or e}") from e
    if stat.S_ISDIR(info.st_mode) and not os.access(path, os.R_OK | os.X_OK):
        raise PermissionDeniedError("permission denied: the folder cannot be listed")
    if not stat.S_ISREG(info.st_mode):
        kind = _file_type(info.st_mode)
        raise NotARegularFileError(f"symlink to a {kind}" if os.path.islink(path) else kind)
    if not os.access(path, os.R_OK):
        raise PermissionDeniedError()


def file_identity(path: Path) -> tuple[str, int, bytes]:
    """SHA-256, size and first bytes of a file, streaming so huge files are not held in memory."""
    check_regular(path)
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        # O_NONBLOCK: should the path have become a FIFO since it was checked, opening it does not wait for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise NotARegularFileError(_file_type(os.fstat(fd).st_mode))
            while chunk := handle.read(_CHUNK):
                if not head:
                    head = chunk[:8192]
                digest.update(chunk)
                size += len(chunk)
    except PermissionError as e:
        raise PermissionDeniedError() from e
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
    """Text layer of every page read in layout order; pages with no or garbage text are listed for OCR.

    Characters and their boxes come from pypdfium2 (two orders of magnitude faster than pdfminer) and are laid
    out by `pipeline.intake.layout`; each page keeps its word boxes in pixels at `settings.ocr_dpi` (PDF points x
    dpi / 72, the unit of OCR pages) and its regions, running headers and footers among them.  A file pdfium
    cannot open, or without an end-of-file marker, is read (or refused with the right error) by pdfplumber.
    """
    if b"%%EOF" not in _tail(path):
        return _load_pdf_pdfplumber(path, sha256, size, settings)
    try:
        with PDFIUM:
            pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        return _load_pdf_pdfplumber(path, sha256, size, settings)
    doc = PreparedDocument(str(path), sha256, size, FileKind.PDF, 0)
    try:
        count = _checked_page_count(len(pdf), settings)
        doc.page_count = count
        plumber = None
        try:
            for index in range(1, count + 1):
                try:
                    page = _pdfium_page(pdf, index, settings)
                except Exception as e:
                    # one page pdfium cannot read, or its layout failed: pdfminer reads it as the whole file once
                    # was, in its own order, and the log says so
                    log.warning("%s page %d read with pdfplumber: %s: %s", path.name, index, type(e).__name__, e)
                    plumber = plumber or pdfplumber.open(path)
                    text = plumber.pages[index - 1].extract_text() or ""
                    page = PageText(number=index, text=text, method=PageMethod.TEXT)
                if text_layer_quality(page.text, settings.min_text_chars) == "ok":
                    doc.pages.append(page)
                else:
                    doc.ocr_pages.append(index)
        finally:
            if plumber is not None:
                plumber.close()
    except ProtokollError:
        raise
    except Exception as e:
        raise _pdf_error(path, size, e) from e
    finally:
        with PDFIUM:
            pdf.close()
    mark_running_lines(doc.pages)
    return doc


def _checked_page_count(count: int, settings: Settings) -> int:
    if count == 0:
        raise NoPagesError()
    if count > settings.max_pages:
        raise TooLargeError(f"PDF has {count} pages, more than the limit of {settings.max_pages}")
    return count


def _load_pdf_pdfplumber(path: Path, sha256: str, size: int, settings: Settings) -> PreparedDocument:
    """pdfminer's reading, for files pdfium refuses: it either reads them or names what is wrong."""
    doc = PreparedDocument(str(path), sha256, size, FileKind.PDF, 0)
    try:
        with pdfplumber.open(path) as pdf:
            doc.page_count = _checked_page_count(len(pdf.pages), settings)
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
    mark_running_lines(doc.pages)
    return doc


# pdfium marks a hyphen that ends a line inside a word with these code points.
_PDFIUM_HYPHENS = {"\ufffe": "-", "\x02": "-"}


def pdf_page_words(textpage, page_height: float) -> list[Box]:
    """The words of a pypdfium2 text page in content order, as layout boxes (PDF points, y downwards).

    The same cuts as `layout.words_from_chars`, written out over pdfium's arrays because this loop runs for
    every character of every page: loose boxes (the font's full height, so a line's glyphs share one
    height), and the writing angle read once per word, at its first character.
    """
    raw = textpage.raw
    count = textpage.count_chars()
    text = textpage.get_text_range()
    if len(text) != count:  # characters outside the BMP break the one-to-one mapping
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(raw, i)) for i in range(count))
    rect = pdfium_c.FS_RECTF()
    loose_box, char_angle = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetCharAngle
    words: list[Box] = []
    chars: list[str] = []
    x0 = top = x1 = bottom = 0.0  # the word so far
    lx0 = ltop = lx1 = lbottom = 0.0  # its last glyph
    upright = True
    for i, ch in enumerate(text):
        if ch.isspace():
            if chars:
                words.append(Box("".join(chars), x0, top, x1, bottom, upright))
                chars = []
            continue
        loose_box(raw, i, rect)
        cx0, cx1, ctop, cbottom = rect.left, rect.right, page_height - rect.top, page_height - rect.bottom
        if chars:
            # (comparisons written out: min()/max() calls cost more than the rest of this loop)
            if upright:
                last_h, this_h = lbottom - ltop, cbottom - ctop
                height, size = (last_h, this_h) if last_h < this_h else (this_h, last_h)
                overlap = (lbottom if lbottom < cbottom else cbottom) - (ltop if ltop > ctop else ctop)
                beside = overlap >= 0.5 * height and -0.25 * size <= cx0 - lx1 <= 0.25 * size
            else:
                slack = 0.3 * max(lx1 - lx0, lbottom - ltop, cx1 - cx0, cbottom - ctop)
                beside = not (cx0 > lx1 + slack or cx1 < lx0 - slack or ctop > lbottom + slack or cbottom < ltop - slack)
            if beside:
                if cx0 < x0:
                    x0 = cx0
                if ctop < top:
                    top = ctop
                if cx1 > x1:
                    x1 = cx1
                if cbottom > bottom:
                    bottom = cbottom
            else:
                words.append(Box("".join(chars), x0, top, x1, bottom, upright))
                chars = []
        if not chars:
            angle = char_angle(raw, i)
            upright = angle < 0.05 or angle > 6.23  # radians; -1 (unknown) counts as upright
            x0, top, x1, bottom = cx0, ctop, cx1, cbottom
        chars.append(_PDFIUM_HYPHENS.get(ch, ch))
        lx0, ltop, lx1, lbottom = cx0, ctop, cx1, cbottom
    if chars:
        words.append(Box("".join(chars), x0, top, x1, bottom, upright))
    return words


@serialised
def _pdfium_words(pdf, number: int) -> tuple[list[Box], float, float]:
    page = pdf[number - 1]
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            return pdf_page_words(textpage, height), width, height
        finally:
            textpage.close()
    finally:
        page.close()


def _pdfium_page(pdf, number: int, settings: Settings) -> PageText:
    words, width, height = _pdfium_words(pdf, number)
    laid = layout_page(words, width, height)
    scale = settings.ocr_dpi / 72
    boxes = [
        Word(w.text, round(w.x0 * scale), round(w.top * scale), round((w.x1 - w.x0) * scale), round((w.bottom - w.top) * scale), 100.0, w.line)
        for w in laid.words
    ]
    return PageText(number=number, text=laid.text, method=PageMethod.TEXT, words=boxes, regions=laid.regions)


@dataclass(frozen=True, slots=True)
class DecodedText:
    """A text file's content, the encoding it was read with, and what a registrar should know about it."""

    text: str
    encoding: str
    note: str | None = None


_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def decode_text(data: bytes) -> DecodedText:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 (with a BOM or recognised without), cp1252, latin-1.

    A UTF-8 file with a few broken bytes stays UTF-8 with those bytes replaced (and said so): only a file whose
    non-ASCII lines mostly are not UTF-8 is read as cp1252 (or latin-1 when cp1252 leaves bytes undefined).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return _utf8(data[3:], "utf-8-sig")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return DecodedText(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError as e:
            raise DecodeError(f"text file starts with a UTF-16 mark but is not UTF-16: {e}") from e
    order = utf16_byte_order(data)
    if order is not None:
        text = data[: len(data) // 2 * 2].decode(order, errors="replace")
        return DecodedText(text, order, f"UTF-16 {order[-2:].upper()} without byte-order mark")
    nuls = data.count(0)
    if nuls:
        decoded = decode_text(data.replace(b"\x00", b""))
        removed = f"{nuls} NUL byte{'s' if nuls > 1 else ''} removed"
        return DecodedText(decoded.text, decoded.encoding, f"{decoded.note}, {removed}" if decoded.note else removed)
    return _utf8(data, "utf-8")


def _utf8(data: bytes, encoding: str) -> DecodedText:
    escaped = data.decode("utf-8", errors="surrogateescape")
    invalid = len(_ESCAPED_BYTE.findall(escaped))
    if not invalid:
        return DecodedText(escaped, encoding)
    if _mostly_not_utf8(escaped):
        try:
            return DecodedText(data.decode("cp1252"), "cp1252")
        except UnicodeDecodeError:
            return DecodedText(data.decode("latin-1"), "latin-1")
    text = _ESCAPED_BYTE.sub("\ufffd", escaped)
    return DecodedText(text, encoding, f"UTF-8, {invalid} invalid byte{'s' if invalid > 1 else ''} replaced")


def _mostly_not_utf8(escaped: str) -> bool:
    """True when most lines with non-ASCII content hold no valid UTF-8 sequence, only bytes UTF-8 rejects."""
    foreign = mixed = 0
    for line in escaped.split("\n"):
        if line.isascii():
            continue
        has_escape = bool(_ESCAPED_BYTE.search(line))
        has_utf8 = any(ord(c) > 127 and not 0xDC80 <= ord(c) <= 0xDCFF for c in line)
        if has_escape and not has_utf8:
            foreign += 1
        else:
            mixed += 1
    return foreign > mixed


def load_text(path: Path, sha256: str, size: int, settings: Settings) -> PreparedDocument:
    """A text file as pages (form feeds separate pages), with the encoding that was used."""
    decoded = decode_text(path.read_bytes())
    text = decoded.text.replace("\r\n", "\n")
    parts = text.split("\f")
    pages = [PageText(number=i, text=part, method=PageMethod.TEXT) for i, part in enumerate(parts, start=1)]
    doc = PreparedDocument(str(path), sha256, size, FileKind.TEXT, len(pages), pages=pages, encoding=decoded.encoding)
    if decoded.note:
        doc.notes.append(decoded.note)
    return doc


def check_image_size(width: int, height: int, settings: Settings) -> None:
    """Raise ImageTooLargeError / ImageTooSmallError for an image no page of text can be."""
    megapixels = width * height / 1_000_000
    if megapixels > settings.max_image_megapixels:
        raise ImageTooLargeError(megapixels, settings.max_image_megapixels)
    if min(width, height) < settings.min_image_side:
        raise ImageTooSmallError(width, height, settings.min_image_side)


def load_image(path: Path, sha256: str, size: int, kind: FileKind, settings: Settings) -> PreparedDocument:
    """An image file: every frame (multi-page TIFF) is a page to OCR. Sizes come from the headers; no pixel is decoded."""
    try:
        with Image.open(path) as image:
            frames = getattr(image, "n_frames", 1)
            if frames > settings.max_pages:
                raise TooLargeError(f"image has {frames} frames, more than the limit of {settings.max_pages}")
            for index in range(frames):
                image.seek(index)
                check_image_size(*image.size, settings)
    except (UnidentifiedImageError, OSError, EOFError, ValueError) as e:
        raise CorruptImageError(f"corrupt image: {e}") from e
    return PreparedDocument(str(path), sha256, size, kind, frames, ocr_pages=list(range(1, frames + 1)))


def within(seconds: float, stage: str, work: Callable[[], _T]) -> _T:
    """`work()`, or FileTimeoutError after `seconds`; the work goes on in a daemon thread that no exit waits for."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as e:  # noqa: BLE001 - handed to the caller's thread below
            outcome.append(e)

    worker = threading.Thread(target=run, name=f"protokoll-{stage}", daemon=True)
    worker.start()
    worker.join(seconds)
    if not outcome:
        raise FileTimeoutError(seconds, stage)
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]  # type: ignore[return-value]


def prepare(path: Path, settings: Settings, identity: tuple[str, int, bytes] | None = None) -> PreparedDocument:
    """Identify a file and read what needs no OCR. Raises a ProtokollError subclass on bad input."""
    started = time.time()
    sha256, size, head = identity or file_identity(path)
    if size == 0:
        raise EmptyFileError()
    if size > settings.max_file_bytes:
        raise TooLargeError(f"file is {size} bytes, more than the limit of {settings.max_file_bytes}")
    kind = detect_kind(head, os.fsdecode(path.name))
    if kind is FileKind.PDF:
        doc = within(settings.file_timeout, "reading the text layer", lambda: load_pdf(path, sha256, size, settings))
    elif kind is FileKind.TEXT:
        doc = load_text(path, sha256, size, settings)
    else:
        doc = load_image(path, sha256, size, kind, settings)
    doc.deadline = started + settings.file_timeout
    return doc


def ocr_page(path: str, kind: FileKind, number: int, settings: Settings, deadline: float | None = None) -> PageText:
    """OCR one page of a PDF or image file; a failure is returned on the page, not raised.

    Past the file's `deadline` the page is not read at all; before it, Tesseract gets at most the time left.
    """
    from pipeline.intake import ocr

    # On one machine `workers` Tesseract processes at once; a Dask cluster's workers set their own concurrency.
    slots = None if settings.dask_address else ocr.tesseract_slots(max(1, settings.workers))
    timeout = settings.ocr_page_timeout
    if deadline is not None:
        left = deadline - time.time()
        if left <= 0:
            error = FileTimeoutError(settings.file_timeout, f"page {number} not read")
            return PageText(number=number, text="", method=PageMethod.OCR, error=f"{error.code}: {error.message}")
        timeout = min(timeout, left)
    max_pixels = settings.max_image_megapixels * 1_000_000
    try:
        if kind is FileKind.PDF:
            # Rendered in memory: a PNG round trip costs more than the rendering itself.
            image = ocr.render_pdf_page(Path(path), number - 1, dpi=settings.ocr_dpi, max_pixels=max_pixels)
            result = ocr.ocr_image(image, settings.ocr_language, dpi=image.info["dpi"][0], slots=slots, timeout=timeout)
        else:
            result = ocr.ocr_image(
                Path(path), settings.ocr_language, dpi=settings.ocr_dpi, frame=number - 1, slots=slots, timeout=timeout
            )
    except OcrError as e:
        return PageText(number=number, text="", method=PageMethod.OCR, error=f"{e.code}: {e.message}")
    if not result.text.strip():
        return PageText(number=number, text="", method=PageMethod.OCR, rotation=result.rotation, skew=result.skew, note="blank page")
    return PageText(
        number=number,
        text=result.text,
        method=PageMethod.OCR,
        confidence=round(result.mean_conf, 2),
        words=result.words,
        rotation=result.rotation,
        skew=result.skew,
        regions=list(result.regions),
    )
