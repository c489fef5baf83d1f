"""Reading the text layer, text files in odd encodings, and judging a text layer's quality."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from models.records import FileKind, PageMethod
from pipeline.errors import EncryptedPdfError, NoPagesError, TooLargeError, TruncatedPdfError
from pipeline.intake.load import decode_text, file_identity, prepare, text_layer_quality
from pipeline.settings import Settings

SWEDISH = "Äldre- och omsorgsnämnden beslutar att godkänna förvaltningens förslag."


def make_pdf(path: Path, pages: list[str]) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    for text in pages:
        if text:
            c.drawString(72, 760, text)
        c.showPage()
    c.save()
    return path


@pytest.mark.parametrize(
    ("text", "quality"),
    [
        (SWEDISH, "ok"),
        ("", "empty"),
        ("  12  ", "empty"),
        ("(cid:12)(cid:44)(cid:3)(cid:19)(cid:88)(cid:7)(cid:12)(cid:44)(cid:3)", "garbage"),
        ("#$%&/()=?#$%&/()=?#$%&/()=?#$%&/()=?", "garbage"),
        ("xkcd bcdfg hjklm npqrs tvwxz bcdfg hjklm", "garbage"),
        ("Forslag till beslut: att rekommendera kommunerna", "ok"),
        # the last page of a närvarolista: three names under a markdown table footer
        ("Christoffer Holmström (S)\nPeter Freij (M)\nFredrik Bergkuist (M)\n| | | | |\n|---|---|--|--------------------|\n"
         "| Justerandes sign | | | Utdragsbestyrkande |\n|---|---|--|--------------------|", "ok"),
        ("|---|---|--|--------------------|\n| | | |\n|---|---|", "empty"),
    ],
)
def test_text_layer_quality(text, quality):
    assert text_layer_quality(text, min_chars=20) == quality


UTF8_LINES = "Vård och omsorg\nÄldrenämnden § 4\nBeslut: att godkänna\nSärskilt yttrande\n"


@pytest.mark.parametrize(
    ("data", "text", "encoding", "note"),
    [
        ("Tyresö kommun".encode("utf-8"), "Tyresö kommun", "utf-8", None),
        (b"\xef\xbb\xbf" + "Säter".encode("utf-8"), "Säter", "utf-8-sig", None),
        ("Älvdalen – möte".encode("cp1252"), "Älvdalen – möte", "cp1252", None),
        ("Åre".encode("utf-16"), "Åre", "utf-16", None),
        (b"caf\x81", "caf\x81", "latin-1", None),
        # A UTF-8 file with four broken bytes stays UTF-8: Vård is not read as VÃ¥rd.
        (UTF8_LINES.encode() + b"Sida \xff\xfe 2 \x80\x81\n", UTF8_LINES + "Sida \ufffd\ufffd 2 \ufffd\ufffd\n", "utf-8",
         "UTF-8, 4 invalid bytes replaced"),
        # Mostly cp1252 lines with one line of UTF-8 pasted in: the file is cp1252.
        ("Vård\nÄldre\nmöte\n".encode("cp1252") + "på\n".encode(), "Vård\nÄldre\nmöte\npÃ¥\n", "cp1252", None),
        ("Vård och omsorg".encode("utf-16-le"), "Vård och omsorg", "utf-16-le", "UTF-16 LE without byte-order mark"),
        ("Vård och omsorg".encode("utf-16-be"), "Vård och omsorg", "utf-16-be", "UTF-16 BE without byte-order mark"),
        ("Vård\x00 och\x00 omsorg".encode(), "Vård och omsorg", "utf-8", "2 NUL bytes removed"),
        ("Vård\x00 och omsorg".encode() + b"\xff", "Vård och omsorg\ufffd", "utf-8", "UTF-8, 1 invalid byte replaced, 1 NUL byte removed"),
    ],
)
def test_decode_text(data, text, encoding, note):
    decoded = decode_text(data)
    assert (decoded.text, decoded.encoding, decoded.note) == (text, encoding, note)


def test_text_layer_pdf_reads_pages_and_lists_blank_ones_for_ocr(tmp_path):
    pdf = make_pdf(tmp_path / "mixed.pdf", [SWEDISH, "", SWEDISH.upper()])
    doc = prepare(pdf, Settings())
    assert doc.kind is FileKind.PDF
    assert doc.page_count == 3
    assert [p.number for p in doc.pages] == [1, 3]
    assert doc.pages[0].text == SWEDISH
    assert doc.pages[0].method is PageMethod.TEXT
    assert doc.ocr_pages == [2]
    assert doc.sha256 == file_identity(pdf)[0]


def test_encrypted_pdf(tmp_path):
    from pypdf import PdfWriter

    plain = make_pdf(tmp_path / "plain.pdf", [SWEDISH])
    writer = PdfWriter(clone_from=str(plain))
    writer.encrypt("hemligt")
    writer.write(str(tmp_path / "locked.pdf"))
    with pytest.raises(EncryptedPdfError, match=r"^encrypted PDF: password required$"):
        prepare(tmp_path / "locked.pdf", Settings())


def test_truncated_pdf(tmp_path):
    data = make_pdf(tmp_path / "full.pdf", [SWEDISH, SWEDISH]).read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) * 6 // 10])
    with pytest.raises(TruncatedPdfError, match=rf"^truncated PDF: no end-of-file marker, the file stops after {len(data) * 6 // 10} bytes$"):
        prepare(cut, Settings())


def test_zero_page_pdf(tmp_path):
    body = [b"%PDF-1.4\n", b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n", b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"]
    offsets, pos = [], 0
    for part in body:
        offsets.append(pos)
        pos += len(part)
    xref = b"xref\n0 3\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets[1:])
    trailer = b"trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % pos
    path = tmp_path / "zero.pdf"
    path.write_bytes(b"".join(body) + xref + trailer)
    with pytest.raises(NoPagesError, match="^PDF has no pages$"):
        prepare(path, Settings())


def test_file_over_the_size_limit(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("x" * 2048)
    with pytest.raises(TooLargeError, match="file is 2048 bytes, more than the limit of 1024"):
        prepare(path, Settings(max_file_bytes=1024))


def test_text_file_pages_split_on_form_feed(tmp_path):
    path = tmp_path / "utdrag.txt"
    path.write_bytes("§ 1\nFörsta sidan\f§ 2\r\nAndra sidan".encode("cp1252"))
    doc = prepare(path, Settings())
    assert doc.kind is FileKind.TEXT
    assert doc.encoding == "cp1252"
    assert [p.text for p in doc.pages] == ["§ 1\nFörsta sidan", "§ 2\nAndra sidan"]
    assert doc.ocr_pages == []


def _png_header(path: Path, width: int, height: int) -> Path:
    """A PNG that only claims its size: nothing is ever decoded."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))
    return path


def test_entries_that_are_not_regular_files_are_refused_before_any_open(tmp_path):
    import os

    from pipeline.errors import BrokenSymlinkError, NotARegularFileError
    from pipeline.intake.load import check_regular

    os.mkfifo(tmp_path / "pipe.pdf")
    (tmp_path / "zero.pdf").symlink_to("/dev/zero")
    (tmp_path / "gone.pdf").symlink_to("nowhere.pdf")
    (tmp_path / "folder.pdf").mkdir()
    (tmp_path / "real.txt").write_text(SWEDISH, encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    with pytest.raises(NotARegularFileError, match="^not a regular file: FIFO$"):
        file_identity(tmp_path / "pipe.pdf")
    with pytest.raises(NotARegularFileError, match="^not a regular file: symlink to a character device$"):
        file_identity(tmp_path / "zero.pdf")
    with pytest.raises(BrokenSymlinkError, match="^broken symlink: points to nowhere.pdf$"):
        file_identity(tmp_path / "gone.pdf")
    with pytest.raises(NotARegularFileError, match="^not a regular file: directory$"):
        check_regular(tmp_path / "folder.pdf")
    assert file_identity(tmp_path / "link.txt") == file_identity(tmp_path / "real.txt")


@pytest.mark.parametrize(
    ("size", "message"),
    [
        ((20000, 20000), "^image too large: 400 megapixels, limit 180$"),
        ((1, 1), "^image too small: 1x1 pixels, a page needs at least 16 on each side$"),
        ((4000, 8), "^image too small: 4000x8 pixels, a page needs at least 16 on each side$"),
    ],
)
def test_image_sizes_are_checked_from_the_header(tmp_path, size, message):
    from pipeline.errors import ImageTooLargeError, ImageTooSmallError

    path = _png_header(tmp_path / "scan.png", *size)
    with pytest.raises((ImageTooLargeError, ImageTooSmallError), match=message):
        prepare(path, Settings())


def test_a_slow_step_is_given_up_with_its_own_error():
    import time

    from pipeline.errors import FileTimeoutError
    from pipeline.intake.load import within

    with pytest.raises(FileTimeoutError, match=r"^file timeout after 0.2 s \(reading the text layer\)$"):
        within(0.2, "reading the text layer", lambda: time.sleep(5))
    assert within(5, "reading the text layer", lambda: 42) == 42
    with pytest.raises(ZeroDivisionError):
        within(5, "reading the text layer", lambda: 1 / 0)


def _scan(path: Path) -> Path:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1100, 200), 255)
    ImageDraw.Draw(image).text((40, 60), "Kommunfullmäktige beslutar", fill=0, font=ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 44))
    image.save(path)
    return path


@pytest.mark.real_tesseract  # a recorded answer would come back at once, whatever the timeout
def test_ocr_pages_past_their_time_are_recorded_not_waited_for(tmp_path):
    import time

    from pipeline.intake.load import ocr_page

    scan = _scan(tmp_path / "scan.png")
    page = ocr_page(str(scan), FileKind.PNG, 1, Settings(ocr_page_timeout=0.001))
    assert (page.text, page.error) == ("", "ocr_timeout: ocr timeout after 0.001 s")
    late = ocr_page(str(scan), FileKind.PNG, 1, Settings(file_timeout=60), deadline=time.time() - 1)
    assert (late.text, late.error) == ("", "file_timeout: file timeout after 60 s (page 1 not read)")


@pytest.mark.parametrize("colour", [255, 0, 128])
def test_a_blank_scan_is_a_page_without_text_and_a_note(tmp_path, colour):
    from PIL import Image

    from pipeline.intake.load import ocr_page

    Image.new("L", (800, 400), colour).save(tmp_path / "blank.png")
    page = ocr_page(str(tmp_path / "blank.png"), FileKind.PNG, 1, Settings())
    assert (page.text, page.error, page.note) == ("", None, "blank page")


def test_a_text_file_with_broken_bytes_keeps_a_note(tmp_path):
    path = tmp_path / "utdrag.txt"
    path.write_bytes(SWEDISH.encode() + b" \xff\n")
    doc = prepare(path, Settings())
    assert (doc.encoding, doc.notes, doc.pages[0].text) == ("utf-8", ["UTF-8, 1 invalid byte replaced"], SWEDISH + " \ufffd\n")
