"""Generate the sample corpus (text PDFs, scans with ground truth, broken files) from the seed texts.

Everything is derived from `samples/seeds/*.txt` with fixed random seeds, so two runs give
the same bytes and the generated tree never needs to be committed.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ByteStringObject
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

SEEDS_DIR = Path(__file__).resolve().parent / "seeds"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILE = FONT_DIR / "DejaVuSans.ttf"
PDF_FONT = "DejaVuSans"

#: Readable output names for the seed files, keyed by their numeric prefix.
SEED_NAMES = {
    "000": "000_skl_letter_2018",
    "001": "001_tyreso_bundle",
    "002": "002_skl_report_2012",
    "003": "003_skr_ocr_2022",
    "004": "004_dalarna_minutes_2025",
}

# Text-layer PDF layout, in points.
PDF_FONT_SIZE = 10
PDF_LEADING = 13
PDF_MARGIN = 56

# Scan layout, in pixels at 300 dpi: DejaVuSans at 10 pt.
SCAN_DPI = 300
SCAN_SIZE = (2480, 3508)
SCAN_FONT_PX = 42
SCAN_LEADING = 50
SCAN_MARGIN_X = 170
SCAN_MARGIN_Y = 150

# Pillow stamps PDFs with the current time unless given one.
FIXED_DATE = time.struct_time((2025, 1, 1, 0, 0, 0, 2, 1, 0))

GARBAGE_GLYPHS = "¤§¶†‡•◊¬µ∂∆∑√∞≈≠±÷×ØøÞþðßŁłŒœ¿¡«»"


@dataclass(frozen=True, slots=True)
class ScanSpec:
    """One image-only PDF to produce: which seed, how many scan pages, which RNG seed."""

    name: str
    seed_prefix: str
    max_pages: int | None
    rng_seed: int


SCANS = (
    ScanSpec("001_tyreso_bundle_scan", "001", 3, 101),
    ScanSpec("004_dalarna_minutes_scan", "004", None, 104),
)


def seed_text(prefix: str) -> str:
    """The seed text whose file name starts with `prefix`."""
    (path,) = sorted(SEEDS_DIR.glob(f"{prefix}_*.txt"))
    return path.read_text(encoding="utf-8")


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write `data` unless the file already holds exactly these bytes; True when written."""
    if path.exists() and path.stat().st_size == len(data) and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    # A per-process temporary name lets parallel test workers generate side by side.
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return True


# --- text-layer PDFs -----------------------------------------------------


def _register_font() -> None:
    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(PDF_FONT, str(FONT_FILE)))


def _pdf_lines(text: str, width: float) -> list[str]:
    lines: list[str] = []
    for raw in text.expandtabs(4).splitlines():
        line = raw.rstrip()
        if not line:
            lines.append("")
            continue
        lines.extend(simpleSplit(line, PDF_FONT, PDF_FONT_SIZE, width) or [""])
    return lines


def text_pdf(text: str, title: str) -> bytes:
    """An A4 PDF with `text` as its text layer: long lines wrapped, blank lines kept."""
    _register_font()
    buf = io.BytesIO()
    # invariant=1 drops the timestamp and random document id, so the bytes are reproducible.
    pdf = canvas.Canvas(buf, pagesize=A4, invariant=1)
    pdf.setTitle(title)
    page_w, page_h = A4
    per_page = int((page_h - 2 * PDF_MARGIN) // PDF_LEADING)
    lines = _pdf_lines(text, page_w - 2 * PDF_MARGIN)
    for start in range(0, max(len(lines), 1), per_page):
        body = pdf.beginText(PDF_MARGIN, page_h - PDF_MARGIN - PDF_FONT_SIZE)
        body.setFont(PDF_FONT, PDF_FONT_SIZE, leading=PDF_LEADING)
        for line in lines[start : start + per_page]:
            body.textLine(line)
        pdf.drawText(body)
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


# --- scans ---------------------------------------------------------------

_TABLE_RULE = re.compile(r"^\|?[\s|:-]*\|[\s|:-]*$")


def printed_lines(text: str) -> list[str]:
    """The seed's markdown rendered as a printer would show it: no markup, table cells spaced out.

    Blank lines are dropped except where the seed has a run of several, which becomes one
    blank line, so pages stay dense like a real printed protocol.
    """
    out: list[str] = []
    blanks = 0
    for raw in text.expandtabs(4).splitlines():
        line = raw.strip()
        if line.startswith("|") and _TABLE_RULE.match(line):
            continue
        if line.startswith("|"):
            line = "  ".join(cell.strip() for cell in line.strip("|").split("|") if cell.strip())
        line = re.sub(r"^#+\s*", "", line)
        line = line.replace("**", "").replace("*", "")
        line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
        line = re.sub(r"\s+", " ", line).strip()
        if not line:
            blanks += 1
            continue
        if blanks >= 4 and out and out[-1]:
            out.append("")
        blanks = 0
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


def wrap_to_width(line: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """A line broken at spaces into rows no wider than `width` pixels in `font` (a single long word stays whole)."""
    words = line.split(" ")
    rows: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if current and font.getlength(candidate) > width:
            rows.append(current)
            current = word
        else:
            current = candidate
    rows.append(current)
    return rows


def scan_pages(text: str, font: ImageFont.FreeTypeFont) -> list[list[str]]:
    """Split printed text into scan pages of wrapped lines, as drawn."""
    width = SCAN_SIZE[0] - 2 * SCAN_MARGIN_X
    per_page = (SCAN_SIZE[1] - 2 * SCAN_MARGIN_Y) // SCAN_LEADING
    rows: list[str] = []
    for line in printed_lines(text):
        rows.extend(wrap_to_width(line, font, width) if line else [""])
    pages: list[list[str]] = []
    for start in range(0, len(rows), per_page):
        page = rows[start : start + per_page]
        while page and not page[0]:
            page.pop(0)
        if page:
            pages.append(page)
    return pages


def draw_page(lines: list[str], font: ImageFont.FreeTypeFont) -> Image.Image:
    """A clean 300-dpi grayscale page with `lines` drawn black on white."""
    image = Image.new("L", SCAN_SIZE, 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((SCAN_MARGIN_X, SCAN_MARGIN_Y + i * SCAN_LEADING), line, font=font, fill=0)
    return image


def degrade(image: Image.Image, rng: np.random.Generator, skew: float) -> Image.Image:
    """Make a clean page look scanned: rotate by `skew` degrees, soften, add sensor noise and specks."""
    page = image.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=255)
    page = page.filter(ImageFilter.GaussianBlur(0.7))
    pixels = np.asarray(page, dtype=np.int32)
    pixels = pixels + rng.normal(0.0, 6.0, pixels.shape).astype(np.int32)
    specks = rng.random(pixels.shape) < 0.0002
    pixels[specks] = rng.integers(0, 120, int(specks.sum()))
    # Paper is never quite white nor toner quite black.
    pixels = 18 + pixels * (235 - 18) // 255
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L")


def random_skew(rng: np.random.Generator) -> float:
    """A small scanner skew of 0.4-1.2 degrees, either direction."""
    return round(float(rng.uniform(0.4, 1.2)) * (1 if rng.random() < 0.5 else -1), 2)


def image_pdf(pages: list[Image.Image]) -> bytes:
    """An image-only PDF, one 300-dpi page per image."""
    buf = io.BytesIO()
    pages[0].save(
        buf,
        "PDF",
        resolution=SCAN_DPI,
        save_all=True,
        append_images=pages[1:],
        quality=80,
        creationDate=FIXED_DATE,
        modDate=FIXED_DATE,
    )
    return buf.getvalue()


def ground_truth(out_dir: Path, pages: list[list[str]]) -> None:
    """Write `page-NNN.txt` files holding exactly the lines drawn on each page."""
    for number, lines in enumerate(pages, start=1):
        data = ("\n".join(lines) + "\n").encode("utf-8")
        write_if_changed(out_dir / f"page-{number:03d}.txt", data)
    for stale in out_dir.glob("page-*.txt"):
        if int(stale.stem.split("-")[1]) > len(pages):
            stale.unlink()


def make_scan(spec: ScanSpec, out: Path, font: ImageFont.FreeTypeFont) -> None:
    rng = np.random.default_rng(spec.rng_seed)
    pages = scan_pages(seed_text(spec.seed_prefix), font)[: spec.max_pages]
    images = [degrade(draw_page(lines, font), rng, random_skew(rng)) for lines in pages]
    write_if_changed(out / "scanned" / f"{spec.name}.pdf", image_pdf(images))
    ground_truth(out / "truth" / f"{spec.name}.gt", pages)


def make_scans(out: Path, font: ImageFont.FreeTypeFont, specs: Iterable[ScanSpec]) -> None:
    for spec in specs:
        make_scan(spec, out, font)


def make_rotated_png(out: Path, font: ImageFont.FreeTypeFont) -> None:
    """Page 1 of seed 004 turned 90 degrees, as from a scanner fed sideways."""
    rng = np.random.default_rng(204)
    lines = scan_pages(seed_text("004"), font)[0]
    page = degrade(draw_page(lines, font), rng, random_skew(rng)).transpose(Image.Transpose.ROTATE_90)
    buf = io.BytesIO()
    page.save(buf, "PNG", dpi=(SCAN_DPI, SCAN_DPI))
    write_if_changed(out / "scanned" / "004_page1_rotated.png", buf.getvalue())
    ground_truth(out / "truth" / "004_page1_rotated.gt", [lines])


def make_tiff(out: Path, font: ImageFont.FreeTypeFont) -> None:
    """Two bilevel CCITT G4 pages of seed 000, like a fax-era archive scan."""
    rng = np.random.default_rng(300)
    pages = scan_pages(seed_text("000"), font)[:2]
    images = [
        degrade(draw_page(lines, font), rng, random_skew(rng)).point(lambda v: 255 if v > 140 else 0).convert("1")
        for lines in pages
    ]
    buf = io.BytesIO()
    images[0].save(
        buf,
        "TIFF",
        save_all=True,
        append_images=images[1:],
        compression="group4",
        dpi=(SCAN_DPI, SCAN_DPI),
    )
    write_if_changed(out / "scanned" / "multipage.tiff", buf.getvalue())
    ground_truth(out / "truth" / "multipage.gt", pages)


# --- broken and awkward files -----------------------------------------------


def zero_pages_pdf() -> bytes:
    """A well-formed PDF whose page tree is empty (/Count 0, no /Kids entries)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def encrypted_pdf(source: bytes) -> bytes:
    """`source` encrypted with the user password "secret"."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(source)))
    # pypdf draws random file identifiers; fixed ones keep the encrypted bytes reproducible.
    file_id = ByteStringObject(b"protokoll-sample")
    writer._ID = ArrayObject((file_id, file_id))  # noqa: SLF001
    writer.encrypt(user_password="secret", owner_password="protokoll-owner", algorithm="RC4-128")
    writer._ID = ArrayObject((file_id, file_id))  # noqa: SLF001
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _page_image_pdf(pdf: canvas.Canvas, image: Image.Image) -> None:
    page_w, page_h = A4
    pdf.drawImage(ImageReader(image), 0, 0, width=page_w, height=page_h)


def half_scanned_pdf(font: ImageFont.FreeTypeFont) -> bytes:
    """Page 1 has a text layer; page 2 is only an image (a rescanned signature page, say)."""
    _register_font()
    pages = scan_pages(seed_text("004"), font)
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, invariant=1)
    page_w, page_h = A4
    body = pdf.beginText(PDF_MARGIN, page_h - PDF_MARGIN - PDF_FONT_SIZE)
    body.setFont(PDF_FONT, PDF_FONT_SIZE, leading=PDF_LEADING)
    for line in pages[0]:
        for row in simpleSplit(line, PDF_FONT, PDF_FONT_SIZE, page_w - 2 * PDF_MARGIN) or [""]:
            body.textLine(row)
    pdf.drawText(body)
    pdf.showPage()
    _page_image_pdf(pdf, draw_page(pages[1], font))
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def garbage_layer_pdf(font: ImageFont.FreeTypeFont) -> bytes:
    """A readable page image under an invisible text layer of nonsense symbols (a bad earlier OCR)."""
    _register_font()
    rng = np.random.default_rng(404)
    lines = scan_pages(seed_text("004"), font)[0]
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, invariant=1)
    _page_image_pdf(pdf, draw_page(lines, font))
    page_h = A4[1]
    layer = pdf.beginText(PDF_MARGIN, page_h - PDF_MARGIN - PDF_FONT_SIZE)
    layer.setFont(PDF_FONT, PDF_FONT_SIZE, leading=SCAN_LEADING * 72 / SCAN_DPI)
    layer.setTextRenderMode(3)
    for line in lines:
        glyphs = rng.choice(list(GARBAGE_GLYPHS), size=len(line))
        layer.textLine("".join(" " if ch == " " else g for ch, g in zip(line, glyphs, strict=True)))
    pdf.drawText(layer)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def png_bytes(font: ImageFont.FreeTypeFont) -> bytes:
    """A small PNG of the top of a page, to be saved under a .pdf name."""
    page = draw_page(scan_pages(seed_text("000"), font)[0][:12], font).resize((620, 877))
    buf = io.BytesIO()
    page.save(buf, "PNG")
    return buf.getvalue()


NOTES_MD = """# Anteckningar till provfilerna

Filerna i `bad/` är avsiktligt trasiga eller udda: tom fil, avklippt PDF, krypterad PDF
(lösenord *secret*), PNG med filändelsen .pdf, PDF utan sidor, halvskannad PDF och en sida
vars textlager är skräp medan bilden går att läsa.

- `latin1.txt` är kodad i Windows-1252, inte UTF-8: å, ä och ö ska ändå komma fram rätt.
- Justering och anslag av protokoll följer kommunallagen 8 kap. 12 §.
"""


def make_bad(out: Path, font: ImageFont.FreeTypeFont) -> None:
    bad = out / "bad"
    letter = text_pdf(seed_text("000"), SEED_NAMES["000"])
    write_if_changed(bad / "empty.pdf", b"")
    write_if_changed(bad / "truncated.pdf", letter[: len(letter) * 6 // 10])
    write_if_changed(bad / "encrypted.pdf", encrypted_pdf(letter))
    write_if_changed(bad / "png_named.pdf", png_bytes(font))
    write_if_changed(bad / "zero_pages.pdf", zero_pages_pdf())
    write_if_changed(bad / "half_scanned.pdf", half_scanned_pdf(font))
    write_if_changed(bad / "garbage_layer.pdf", garbage_layer_pdf(font))
    latin = "\n".join(seed_text("004").splitlines()[:40]) + "\n"
    write_if_changed(bad / "latin1.txt", latin.encode("cp1252", errors="replace"))
    write_if_changed(bad / "notes.md", NOTES_MD.encode("utf-8"))


def make_pdfs(out: Path, prefixes: Iterable[str]) -> None:
    for prefix in prefixes:
        name = SEED_NAMES[prefix]
        write_if_changed(out / "pdf" / f"{name}.pdf", text_pdf(seed_text(prefix), name))


def scan_font() -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_FILE), SCAN_FONT_PX)


#: Generator steps by name, for `--only`.
STEPS: dict[str, Callable[[Path, ImageFont.FreeTypeFont], None]] = {
    "pdf": lambda out, font: make_pdfs(out, SEED_NAMES),
    "scanned": lambda out, font: make_scans(out, font, SCANS),
    "rotated": make_rotated_png,
    "tiff": make_tiff,
    "bad": make_bad,
}


STAMP = ".complete"


def fingerprint() -> str:
    """A hash of this generator and the seeds: generated files are stale when it changes."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for seed in sorted(SEEDS_DIR.glob("*.txt")):
        digest.update(seed.name.encode() + seed.read_bytes())
    return digest.hexdigest()


def is_current(out: Path) -> bool:
    """True when `out` holds a complete generation from the current generator and seeds."""
    stamp = out / STAMP
    return stamp.exists() and stamp.read_text(encoding="ascii").strip() == fingerprint()


def generate(out: Path, only: Iterable[str] | None = None) -> Path:
    """Generate the named steps (all by default) into `out` and return it."""
    font = scan_font()
    names = list(only) if only else list(STEPS)
    unknown = sorted(set(names) - set(STEPS))
    if unknown:
        raise ValueError(f"unknown sample group(s) {', '.join(unknown)}; choose from {', '.join(STEPS)}")
    for name in names:
        STEPS[name](out, font)
    if set(names) == set(STEPS):
        write_if_changed(out / STAMP, fingerprint().encode("ascii") + b"\n")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "generated")
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="NAME",
        help=f"generate only these groups: {', '.join(STEPS)}",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        generate(args.out, args.only)
    except ValueError as e:
        parser.error(str(e))
    print(f"samples written to {args.out} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
