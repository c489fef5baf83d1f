"""A registrar's worst folder in one batch: every odd kind of input gets its own result and message, nothing hangs,
nothing is an internal error, and the good files beside them are stored exactly as when ingested alone.

The corpus is built here from constructed inputs (reportlab PDFs, PIL scans, text written for the test); the
real `protokoll ingest` runs on it in a subprocess, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import socket
import struct
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from models.db import session_scope
from models.paths import display_path, original_path
from models.records import PageMethod
from models.schema import Document, DocumentVersion, Page
from tests.fixtures import SESSION
from tests.ingest_runs import ingest_directly

REPO = Path(__file__).resolve().parents[2]
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#: The whole batch, both databases' runs included, must end well within this (a hang fails the test).
BATCH_TIMEOUT = 150

SWEDISH = "Kommunstyrelsen beslutar att godkänna förvaltningens förslag till yttrande."
UTF8_TEXT = "§ 4 Vård och omsorg\nÄldrenämnden beslutar att anta planen.\nSärskilt yttrande lämnas.\n"
SCAN_LINES = ["Protokoll från sammanträdet", "Kommunfullmäktige beslutar", "att anta budgeten för år 2026."]


@dataclass(frozen=True)
class Expected:
    """What the database must say about one input: the document's status, error code and message (or its notes)."""

    status: str
    code: str | None
    message: str | None


# --- inputs ----------------------------------------------------------------


def text_pdf(path: Path, pages: list[str], size: tuple[float, float] = (420, 200)) -> Path:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=size)
    for text in pages:
        if text:
            c.drawString(20, size[1] - 40, text)
        c.showPage()
    c.save()
    return path


def scan_image(lines: list[str], size: tuple[int, int] = (1100, 260)) -> Image.Image:
    """A small clean 'scan' of a few lines at about 300 dpi (12 pt text), fast for Tesseract."""
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 44)
    for i, line in enumerate(lines):
        draw.text((40, 30 + 70 * i), line, fill=0, font=font)
    return image


def pdf_with_scans(path: Path, text: str, scans: list[Image.Image]) -> Path:
    """A text page, then one page per image, each image covering its page at 300 dpi (as a scanner writes them)."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=(420, 200))
    c.drawString(20, 160, text)
    c.showPage()
    for scan in scans:
        width, height = scan.width * 72 / 300, scan.height * 72 / 300
        c.setPageSize((width, height))
        c.drawImage(ImageReader(scan), 0, 0, width, height)
        c.showPage()
    c.save()
    return path


def png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG whose IHDR claims width x height, with one empty IDAT: the size is read, no pixel is ever allocated."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))
    return path


def zero_page_pdf(path: Path) -> Path:
    body = [b"%PDF-1.4\n", b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n", b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"]
    offsets, pos = [], 0
    for part in body:
        offsets.append(pos)
        pos += len(part)
    xref = b"xref\n0 3\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets[1:])
    path.write_bytes(b"".join(body) + xref + b"trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % pos)
    return path


def build_good(folder: Path) -> dict[str, Expected]:
    """The good files: each must be stored exactly as when ingested on its own."""
    folder.mkdir(parents=True, exist_ok=True)
    text_pdf(folder / "good.pdf", [SWEDISH, SWEDISH.upper()])
    (folder / "good.txt").write_text(UTF8_TEXT, encoding="utf-8")
    (folder / "good.md").write_text("# Minnesanteckningar\n\n" + UTF8_TEXT, encoding="utf-8")
    scan_image(SCAN_LINES).save(folder / "scan.png")
    ok = Expected("ok", None, None)
    return {"good.pdf": ok, "good.txt": ok, "good.md": ok, "scan.png": ok}


def build_hostile(folder: Path) -> tuple[dict[str, Expected], list[str]]:
    """Odd inputs of every kind, with what each must give; and the kinds that cannot be built here, with why."""
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, Expected] = {}
    skipped: list[str] = []

    def fail(name: str, code: str, message: str) -> None:
        expected[name] = Expected("failed", code, message)

    def ok(name: str, notes: str | None = None) -> None:
        expected[name] = Expected("ok", None, notes)

    # PDFs that cannot be read
    (folder / "empty.pdf").write_bytes(b"")
    fail("empty.pdf", "empty", "empty file: 0 bytes")
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=str(text_pdf(folder / "plain.tmp", [SWEDISH])))
    writer.encrypt("hemligt")
    writer.write(str(folder / "encrypted.pdf"))
    (folder / "plain.tmp").unlink()
    fail("encrypted.pdf", "encrypted", "encrypted PDF: password required")
    whole = text_pdf(folder / "whole.tmp", [SWEDISH, SWEDISH]).read_bytes()
    (folder / "whole.tmp").unlink()
    (folder / "truncated.pdf").write_bytes(whole[: len(whole) // 2])
    fail("truncated.pdf", "truncated", f"truncated PDF: no end-of-file marker, the file stops after {len(whole) // 2} bytes")
    zero_page_pdf(folder / "no_pages.pdf")
    fail("no_pages.pdf", "no_pages", "PDF has no pages")
    scan_image(["x"], (64, 64)).save(folder / "png_named.pdf", "PNG")
    fail("png_named.pdf", "not_pdf", "not a PDF: PNG image data")
    (folder / "text_named.pdf").write_text("Det här är ingen PDF utan vanlig text.\n", encoding="utf-8")
    fail("text_named.pdf", "not_pdf", "not a PDF: text")
    (folder / "header_only.pdf").write_bytes(b"%PDF-1.7\n%%EOF\n")
    fail("header_only.pdf", "corrupt", "corrupt PDF: PDFSyntaxError: No /Root object! - Is this really a PDF?")

    # PDFs that are read despite their defects
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(folder / "garbage_layer.pdf"), pagesize=(420, 200))
    c.drawString(20, 160, "#$%&/()=?#$%&/()=?#$%&/()=?#$%&/()=?")
    c.showPage()
    c.save()
    ok("garbage_layer.pdf")  # the layer is refused and the page OCRed (checked below)
    pdf_with_scans(folder / "half_scanned.pdf", SWEDISH, [scan_image(SCAN_LINES)])
    ok("half_scanned.pdf")
    pdf_with_scans(folder / "blank_scan.pdf", SWEDISH, [Image.new("L", (1100, 260), 255)])
    ok("blank_scan.pdf", "page 2: blank page")
    text_pdf(folder / "blank_pages.pdf", ["", ""])
    ok("blank_pages.pdf", "page 1: blank page; page 2: blank page; no text found")
    text_pdf(folder / "poster.pdf", [SWEDISH], size=(14400, 14400))
    ok("poster.pdf")

    # images
    Image.new("L", (600, 300), 255).save(folder / "white.png")
    ok("white.png", "page 1: blank page; no text found")
    Image.new("L", (600, 300), 0).save(folder / "black.png")
    ok("black.png", "page 1: blank page; no text found")
    Image.new("L", (1, 1), 255).save(folder / "one_pixel.png")
    fail("one_pixel.png", "image_too_small", "image too small: 1x1 pixels, a page needs at least 16 on each side")
    png_header_only(folder / "huge.png", 20000, 20000)
    fail("huge.png", "image_too_large", "image too large: 400 megapixels, limit 180")
    import numpy as np

    noise = np.random.default_rng(7).integers(0, 256, (150, 200), dtype=np.uint8)
    Image.fromarray(noise).save(folder / "noise.png")
    ok("noise.png", "page 1: blank page; no text found")
    buffer = (folder / "scan.tmp")
    scan_image(SCAN_LINES).save(buffer, "PNG")
    data = buffer.read_bytes()
    buffer.unlink()
    (folder / "cut.png").write_bytes(data[: len(data) // 3])
    expected["cut.png"] = Expected("partial", "ocr_failed", None)  # the message quotes PIL; checked on its own
    (folder / "fake.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 8)
    expected["fake.jpg"] = Expected("failed", "corrupt_image", None)
    Image.new("L", (8, 8), 255).save(folder / "thumb.tif")
    fail("thumb.tif", "image_too_small", "image too small: 8x8 pixels, a page needs at least 16 on each side")
    (folder / "zero_width.png").write_bytes(png_header_only(folder / "zw.tmp", 0, 10).read_bytes())
    (folder / "zw.tmp").unlink()
    expected["zero_width.png"] = Expected("failed", "corrupt_image", None)

    # text files
    (folder / "whitespace.txt").write_text("  \n\t\n   \n", encoding="utf-8")
    ok("whitespace.txt", "no text found")
    (folder / "invalid_utf8.txt").write_bytes(UTF8_TEXT.encode() + b"Sida \xff\xfe av \x80\x81\n")
    ok("invalid_utf8.txt", "UTF-8, 4 invalid bytes replaced")
    (folder / "nul_bytes.txt").write_bytes(UTF8_TEXT.encode().replace(b"\n", b"\x00\n", 2))
    ok("nul_bytes.txt", "2 NUL bytes removed")
    (folder / "utf16le.txt").write_bytes(UTF8_TEXT.encode("utf-16-le"))
    ok("utf16le.txt", "UTF-16 LE without byte-order mark")
    (folder / "utf16be.txt").write_bytes(UTF8_TEXT.encode("utf-16-be"))
    ok("utf16be.txt", "UTF-16 BE without byte-order mark")
    (folder / "utf16_bom.txt").write_bytes(UTF8_TEXT.encode("utf-16"))
    ok("utf16_bom.txt")
    (folder / "cp1252.txt").write_bytes(UTF8_TEXT.replace("§", "–").encode("cp1252"))
    ok("cp1252.txt")
    (folder / "latin1.txt").write_bytes(UTF8_TEXT.encode("latin-1") + b"\x81\n")
    ok("latin1.txt")
    (folder / "bom.txt").write_bytes(b"\xef\xbb\xbf" + UTF8_TEXT.encode())
    ok("bom.txt")
    (folder / "crlf.txt").write_bytes(UTF8_TEXT.replace("\n", "\r\n").encode())
    ok("crlf.txt")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    fail("binary.txt", "binary_text", "not a text file: 4 NUL bytes among the first 1024 bytes, in no text encoding's pattern")
    (folder / "empty.txt").write_bytes(b"")
    fail("empty.txt", "empty", "empty file: 0 bytes")
    (folder / "table.csv").write_text("namn;parti\nAnna;S\n", encoding="utf-8")
    fail("table.csv", "unsupported", "unsupported file type: text file with suffix 'csv' (use .txt or .md)")
    (folder / "page.html").write_text("<html><body><p>Protokoll</p></body></html>\n", encoding="utf-8")
    fail("page.html", "unsupported", "unsupported file type: text file with suffix 'html' (use .txt or .md)")

    # other formats
    import zipfile

    with zipfile.ZipFile(folder / "bundle.zip", "w") as archive:
        archive.writestr("protokoll.txt", UTF8_TEXT)
    fail("bundle.zip", "unsupported", "unsupported file type: Zip archive data (e.g. DOCX, XLSX or ODT)")
    shutil.copy(folder / "bundle.zip", folder / "report.docx")
    fail("report.docx", "unsupported", "unsupported file type: Zip archive data (e.g. DOCX, XLSX or ODT)")
    Image.new("L", (64, 64), 255).save(folder / "logo.gif")
    fail("logo.gif", "unsupported", "unsupported file type: GIF image data")
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    fail("old.doc", "unsupported", "unsupported file type: Microsoft Office 97 document")
    (folder / "letter.rtf").write_bytes(b"{\\rtf1\\ansi Protokoll}")
    fail("letter.rtf", "unsupported", "unsupported file type: Rich Text Format data")
    (folder / "text.gz").write_bytes(b"\x1f\x8b\x08\x00" + bytes(20))
    fail("text.gz", "unsupported", "unsupported file type: gzip compressed data")
    (folder / "blob").write_bytes(b"\x01\x02\x03\x04" * 64)
    fail("blob", "unsupported", "unsupported file type: data")

    # names and places
    odd_name = os.fsdecode(b"\xff\xfe protokoll.txt")
    (folder / odd_name).write_text(UTF8_TEXT + "Namn som inte är UTF-8.\n", encoding="utf-8")
    ok(odd_name)
    long_name = "p" * 240 + ".txt"
    (folder / long_name).write_text(UTF8_TEXT + "Långt namn.\n", encoding="utf-8")
    ok(long_name)
    deep = Path(*["mapp_" + "d" * 195] * 6) / "djup.txt"
    (folder / deep).parent.mkdir(parents=True)
    (folder / deep).write_text(UTF8_TEXT + "Djupt ner.\n", encoding="utf-8")
    ok(str(deep))
    (folder / "mapp.pdf").mkdir()
    (folder / "mapp.pdf" / "inuti.txt").write_text(UTF8_TEXT + "I en mapp som heter .pdf.\n", encoding="utf-8")
    ok("mapp.pdf/inuti.txt")
    (folder / ".dold.txt").write_text("hidden files are not read\n", encoding="utf-8")

    # entries that must never be opened
    os.mkfifo(folder / "pipe.pdf")
    fail("pipe.pdf", "not_regular", "not a regular file: FIFO")
    (folder / "zero.pdf").symlink_to("/dev/zero")
    fail("zero.pdf", "not_regular", "not a regular file: symlink to a character device")
    (folder / "gone.pdf").symlink_to("nowhere.pdf")
    fail("gone.pdf", "broken_symlink", "broken symlink: points to nowhere.pdf")
    (folder / "loop.pdf").symlink_to("loop.pdf")
    fail("loop.pdf", "unreadable", "cannot read file: Too many levels of symbolic links")
    here = os.getcwd()
    os.chdir(folder)  # AF_UNIX paths are limited to about 100 bytes: bind by a relative name
    try:
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind("sock.pdf")
        server.close()
    finally:
        os.chdir(here)
    fail("sock.pdf", "not_regular", "not a regular file: socket")
    (folder / "link_to_good.txt").symlink_to(folder / "invalid_utf8.txt")  # a link to a regular file is read
    if os.geteuid() == 0:
        skipped.append("unreadable file (chmod 000): root reads it anyway")
    else:
        (folder / "locked.txt").write_text(UTF8_TEXT, encoding="utf-8")
        (folder / "locked.txt").chmod(0)
        fail("locked.txt", "permission_denied", "permission denied")
    return expected, skipped



# --- running ---------------------------------------------------------------


def run_cli(paths: list[Path], url: str, home: Path, api_url: str) -> subprocess.CompletedProcess[str]:
    """`protokoll ingest` in a process of its own, its flow run on the running Prefect API at `api_url`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(OMP_THREAD_LIMIT="1", PREFECT_HOME=str(home), PREFECT_API_URL=api_url, PREFECT_LOGGING_LEVEL="WARNING", COLUMNS="400")
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.app", "ingest", *map(os.fsdecode, paths), "--db", url, "--workers", "2"],
        cwd=REPO, env=env, capture_output=True, text=True, errors="backslashreplace", timeout=BATCH_TIMEOUT,
    )


def stored(url: str, root: Path) -> dict[str, Expected]:
    """Every document under `root`, by its path relative to `root`: status, error code, and the error or the notes."""
    with session_scope(url) as s:
        rows = s.execute(
            select(Document.path, Document.status, Document.error_code, Document.error_message, DocumentVersion.notes)
            .outerjoin(DocumentVersion, DocumentVersion.id == Document.current_version_id)
        ).all()
    prefix = display_path(str(root)) + "/"
    return {
        path.removeprefix(prefix): Expected(status, code, message if status != "ok" else notes)
        for path, status, code, message, notes in rows
        if path.startswith(prefix)
    }


def page_texts(url: str, path: Path) -> list[tuple[int, str, str, str | None]]:
    """The current version's pages of the document at `path`: number, method, text, error."""
    with session_scope(url) as s:
        version_id = s.scalar(select(Document.current_version_id).where(Document.path == display_path(str(path))))
        return [tuple(r) for r in s.execute(select(Page.number, Page.method, Page.text, Page.error).where(Page.version_id == version_id).order_by(Page.number))]


def summary(outcomes: list) -> str:
    """The CLI's closing line for these outcomes."""
    count = {status: sum(1 for o in outcomes if o.status == status) for status in ("ingested", "unchanged", "partial", "failed")}
    return f"ingested {count['ingested']}, unchanged {count['unchanged']}, partial {count['partial']}, failed {count['failed']}"


def shown(name: str) -> str:
    return display_path(name)


# --- tests -----------------------------------------------------------------


def test_the_corpus_has_forty_kinds_of_odd_input(tmp_path):
    expected, _ = build_hostile(tmp_path / "hostile")
    assert len(expected) >= 40


def test_a_hostile_batch_through_the_cli(tmp_path, database_url):
    corpus = (tmp_path / "corpus").resolve()
    good = build_good(corpus / "good")
    hostile, skipped = build_hostile(corpus / "hostile")
    shutil.copy(corpus / "good" / "good.txt", corpus / "hostile" / "copy_of_good.txt")
    alone_url = f"sqlite:///{tmp_path / 'alone.db'}"
    from models.db import upgrade

    upgrade(alone_url)
    ingest_directly([corpus / "good"], alone_url)

    # A relative and an absolute path to the same folder: one document per file.
    if database_url.startswith("sqlite"):
        done = run_cli([corpus, Path(os.path.relpath(corpus / "hostile", REPO))], database_url, tmp_path / "prefect", SESSION.shared_api_url())
        assert done.returncode == 1, done.stdout + done.stderr
        assert "Traceback" not in done.stderr, done.stderr
        report = done.stdout
    else:  # the same steps without the CLI's start-up (a temporary Prefect API), to keep the test short
        outcomes = ingest_directly([corpus, Path(os.path.relpath(corpus / "hostile"))], database_url)
        report = summary(outcomes) + "\n" + "\n".join(f"{o.path} {o.status} {o.message}" for o in outcomes)
    expected = {f"good/{k}": v for k, v in good.items()} | {f"hostile/{shown(k)}": v for k, v in hostile.items()}
    found = stored(database_url, corpus)
    # Two messages quote PIL's own words; their codes are exact, the messages are checked for their start.
    assert found["hostile/cut.png"].message.startswith("page 1: ocr_failed: cannot read cut.png as an image: ")
    assert found["hostile/fake.jpg"].message.startswith("corrupt image: ")
    assert found["hostile/zero_width.png"].message.startswith("corrupt image: ")
    for loose in ("hostile/cut.png", "hostile/fake.jpg", "hostile/zero_width.png"):
        found[loose] = Expected(found[loose].status, found[loose].code, None)
    assert found == expected
    counts = {status: sum(1 for e in expected.values() if e.status == status) for status in ("ok", "partial", "failed")}
    assert f"ingested {counts['ok']}, unchanged 1, partial {counts['partial']}, failed {counts['failed']}" in report
    assert f"same content as {corpus / 'good' / 'good.txt'}" in report.replace("\n", "")
    assert "internal" not in report

    for name in good:
        assert page_texts(database_url, corpus / "good" / name) == page_texts(alone_url, corpus / "good" / name), name
    assert page_texts(database_url, corpus / "good" / "scan.png")[0][2] == "\n".join(SCAN_LINES)
    # Defective files keep their readable pages.
    assert page_texts(database_url, corpus / "hostile" / "blank_scan.pdf") == [(1, "text", SWEDISH, None), (2, "ocr", "", None)]
    assert page_texts(database_url, corpus / "hostile" / "half_scanned.pdf") == [(1, "text", SWEDISH, None), (2, "ocr", "\n".join(SCAN_LINES), None)]
    assert [page[1] for page in page_texts(database_url, corpus / "hostile" / "garbage_layer.pdf")] == ["ocr"]
    assert page_texts(database_url, corpus / "hostile" / "invalid_utf8.txt") == [(1, "text", UTF8_TEXT + "Sida \ufffd\ufffd av \ufffd\ufffd\n", None)]
    assert page_texts(database_url, corpus / "hostile" / "utf16be.txt") == [(1, "text", UTF8_TEXT, None)]
    assert page_texts(database_url, corpus / "hostile" / "cp1252.txt") == [(1, "text", UTF8_TEXT.replace("§", "–"), None)]

    # The name that is not UTF-8 is stored readable, and its bytes find the file again.
    odd = corpus / "hostile" / os.fsdecode(b"\xff\xfe protokoll.txt")
    with session_scope(database_url) as s:
        display, raw = s.execute(select(Document.path, Document.path_bytes).where(Document.path == display_path(str(odd)))).one()
    assert display.endswith("/\\xff\\xfe protokoll.txt")
    assert raw == os.fsencode(odd)
    assert Path(original_path(display, raw)).read_text(encoding="utf-8").endswith("Namn som inte är UTF-8.\n")
    assert len(next(k for k in found if k.endswith("djup.txt"))) > 1024
    for kind in skipped:
        print("not built here:", kind)

    # A rerun meets the same inputs the same way: nothing read again, nothing new stored.
    again = ingest_directly([corpus], database_url)
    assert summary(again) == f"ingested 0, unchanged {counts['ok'] + 1}, partial {counts['partial']}, failed {counts['failed']}"
    assert stored(database_url, corpus) | {k: found[k] for k in ("hostile/cut.png", "hostile/fake.jpg", "hostile/zero_width.png")} == found


def test_a_fifo_given_by_name_is_refused_without_opening_it(tmp_path, sqlite_url):
    from models.db import upgrade

    upgrade(sqlite_url)
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    outcomes = ingest_directly([tmp_path / "pipe.txt", tmp_path / "zero.txt"], sqlite_url)  # would block or never end
    assert [(Path(o.path).name, o.status, o.error_code, o.message) for o in outcomes] == [
        ("pipe.txt", "failed", "not_regular", "not a regular file: FIFO"),
        ("zero.txt", "failed", "not_regular", "not a regular file: symlink to a character device"),
    ]


def test_a_path_changed_back_and_a_path_overwritten_with_another_files_bytes(tmp_path, database_url):
    from models.schema import PeriodRecord

    first = "Avtalet gäller under perioden 1 januari 2025 – 31 december 2026.\n"
    later = "Avtalet gäller under perioden 1 juli 2027 – 30 juni 2028.\n"
    folder = tmp_path / "in"
    folder.mkdir()
    path, other = folder / "avtal.txt", folder / "annat.txt"
    path.write_text(first, encoding="utf-8")
    other.write_text(later + "Ett annat avtal.\n", encoding="utf-8")
    (v1,) = ingest_directly([path], database_url)
    (o1,) = ingest_directly([other], database_url)
    path.write_text(later, encoding="utf-8")
    (v2,) = ingest_directly([Path(os.path.relpath(path))], database_url)  # a relative path: the same document

    def current(p: Path) -> tuple[int, list[tuple[int, int]], list[int]]:
        with session_scope(database_url) as s:
            document = s.scalars(select(Document).where(Document.path == str(p))).one()
            periods = s.execute(select(PeriodRecord.start, PeriodRecord.end, PeriodRecord.version_id).where(PeriodRecord.document_id == document.id)).all()
            return document.current_version_id, [(a, b) for a, b, _ in periods], sorted({v for _, _, v in periods})

    assert current(path) == (v2.version_id, [(2027, 2028)], [v2.version_id])
    path.write_text(first, encoding="utf-8")
    (back,) = ingest_directly([path], database_url)
    assert (back.status, back.version_id, back.message) == ("unchanged", v1.version_id, "back to version 1")
    assert current(path) == (v1.version_id, [(2025, 2026)], [v1.version_id])

    shutil.copy(other, path)
    (copied,) = ingest_directly([path], database_url)
    assert (copied.status, copied.message) == ("ingested", f"same content as {other}")
    assert copied.version_id not in (v1.version_id, v2.version_id, o1.version_id)
    assert current(path) == (copied.version_id, [(2027, 2028)], [copied.version_id])
    assert page_texts(database_url, path) == page_texts(database_url, other)
    assert current(other) == (o1.version_id, [(2027, 2028)], [o1.version_id])
    with session_scope(database_url) as s:
        # The relative path named the same document as the absolute one.
        assert sorted(s.scalars(select(Document.path)).all()) == sorted([str(other), str(path)])
