"""File kinds come from the bytes, not the name."""

from __future__ import annotations

import pytest

from models.records import FileKind
from pipeline.intake.detect import describe, detect_kind, utf16_byte_order
from pipeline.errors import BinaryTextError, EmptyFileError, NotAPdfError, UnsupportedFileError

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


@pytest.mark.parametrize(
    ("head", "name", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3", "protokoll.pdf", FileKind.PDF),
        (b"%PDF-1.4\n", "no_suffix", FileKind.PDF),
        (b"\r\n%PDF-1.5\n", "junk_before_header.pdf", FileKind.PDF),
        (PNG, "scan.png", FileKind.PNG),
        (PNG, "scan.jpg", FileKind.PNG),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "scan.jpeg", FileKind.JPEG),
        (b"II*\x00\x08\x00", "scan.tif", FileKind.TIFF),
        (b"MM\x00*\x00\x00", "scan.tiff", FileKind.TIFF),
        ("Protokoll § 12\n".encode(), "utdrag.txt", FileKind.TEXT),
        ("# Minnesanteckningar\n".encode(), "notes.md", FileKind.TEXT),
        ("Närvarolista\n".encode("cp1252"), "latin.txt", FileKind.TEXT),
    ],
)
def test_kind_from_bytes(head, name, kind):
    assert detect_kind(head, name) is kind


def test_png_named_pdf_is_not_a_pdf():
    with pytest.raises(NotAPdfError, match=r"^not a PDF: PNG image data$"):
        detect_kind(PNG, "protokoll.pdf")


def test_text_named_pdf_is_not_a_pdf():
    with pytest.raises(NotAPdfError, match="not a PDF: text"):
        detect_kind(b"hello, this is not a pdf", "x.pdf")


def test_empty_file():
    with pytest.raises(EmptyFileError, match="empty file"):
        detect_kind(b"", "x.pdf")


@pytest.mark.parametrize(
    ("head", "message"),
    [
        (b"PK\x03\x04\x14\x00", "Zip archive"),
        (b"GIF89a", "GIF image data"),
        (b"\x00\x01\x02\x03binary\x00\x00", "data"),
    ],
)
def test_unsupported(head, message):
    with pytest.raises(UnsupportedFileError, match=message):
        detect_kind(head, "file.bin")


def test_describe_names_what_it_sees():
    assert describe(PNG) == "PNG image data"
    assert describe(b"%PDF-1.4") == "PDF document"
    assert describe(b"") == "empty"


TEXT = "§ 4 Vård och omsorg\nÄldrenämnden beslutar att anta planen.\n"


@pytest.mark.parametrize(
    ("head", "name", "description", "kind"),
    [
        (TEXT.encode("utf-16-le"), "utdrag.txt", "UTF-16 text without byte-order mark", FileKind.TEXT),
        (TEXT.encode("utf-16-be"), "utdrag.txt", "UTF-16 text without byte-order mark", FileKind.TEXT),
        (TEXT.encode().replace(b"\n", b"\x00\n"), "utdrag.txt", "text with NUL bytes", FileKind.TEXT),
    ],
)
def test_text_that_is_not_plain_utf8_is_still_text(head, name, description, kind):
    assert describe(head) == description
    assert detect_kind(head, name) is kind


def test_utf16_byte_order_needs_the_pattern_of_nuls():
    assert utf16_byte_order(TEXT.encode("utf-16-le")) == "utf-16-le"
    assert utf16_byte_order(TEXT.encode("utf-16-be")) == "utf-16-be"
    assert utf16_byte_order(TEXT.encode()) is None
    # NULs at every other byte, but the other bytes are control codes, not text.
    assert utf16_byte_order(bytes([1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0])) is None


def test_binary_bytes_named_txt_get_their_own_message():
    with pytest.raises(BinaryTextError, match=r"^not a text file: 4 NUL bytes among the first 1024 bytes, in no text encoding's pattern$"):
        detect_kind(bytes(range(256)) * 4, "utdrag.txt")
