"""Extraction accuracy on scans of the gold documents: each printed in several fonts, scanned and read back.

    .venv/bin/python benchmarks/scan_accuracy.py [--quick] [--jobs N] [--docs NAME...] [--no-real]

Every gold document of benchmarks/accuracy.py (benchmarks/gold and benchmarks/gold/variants) is printed as
pages in serif, sans and condensed fonts (DejaVu Serif/Sans/Sans Condensed, Liberation Serif/Sans/Sans
Narrow) at 200 and 300 dpi, and each page is made to look scanned: a skew of 0.3-1.5 degrees either way,
blur, sensor noise and specks, grey paper and toner, JPEG compression. The pages become an image-only PDF
that is read the way `protokoll ingest` reads one (`pipeline.intake.load.prepare`, then `ocr_page` per page: the
embedded scan, orientation and skew, Tesseract, page text), then extracted and scored with accuracy.py's
scoring against the same gold as the text. Where ../shared/real exists its PDFs are rasterised (pypdfium2,
200 and 300 dpi), degraded the same way and scored with ../shared/tools/score_real.py beside their own
text layer: a scan of a real layout.

Everything is seeded: a rerun prints the same figures. Tesseract's output is cached by the hash of the
image it was handed (~/.cache/protokoll/scan-accuracy), so a rerun only costs the extraction, and a change
to how page text is built from Tesseract's words is measured without OCRing again. Always exits 0.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import numpy as np  # noqa: E402
from PIL import Image, ImageDraw, ImageFilter, ImageFont  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from accuracy import Tally, gold_documents, score, text_pages  # noqa: E402
from extractors.document import extract_document  # noqa: E402
from extractors.text import fold  # noqa: E402
from models.records import Extraction, PageText  # noqa: E402
from samples.make_samples import wrap_to_width  # noqa: E402

#: The real PDFs and their scorer, beside the checkout unless PROTOKOLL_REAL_DIR names the folder of PDFs.
REAL = Path(os.environ.get("PROTOKOLL_REAL_DIR", ROOT.parent / "shared" / "real"))
SCORE_REAL = REAL.parent / "tools" / "score_real.py"
CACHE = Path(os.environ.get("PROTOKOLL_SCAN_CACHE", Path.home() / ".cache/protokoll/scan-accuracy"))
FONT_ROOT = Path("/usr/share/fonts/truetype")

#: name -> (regular, bold) font files. Serif, sans and condensed faces of two families, so that a rule that
#: only holds for one typeface's OCR errors shows up as a gap between columns.
FONTS: dict[str, tuple[str, str]] = {
    "dejavu-serif": ("dejavu/DejaVuSerif.ttf", "dejavu/DejaVuSerif-Bold.ttf"),
    "dejavu-sans": ("dejavu/DejaVuSans.ttf", "dejavu/DejaVuSans-Bold.ttf"),
    "dejavu-condensed": ("dejavu/DejaVuSansCondensed.ttf", "dejavu/DejaVuSansCondensed-Bold.ttf"),
    "liberation-serif": ("liberation2/LiberationSerif-Regular.ttf", "liberation2/LiberationSerif-Bold.ttf"),
    "liberation-sans": ("liberation2/LiberationSans-Regular.ttf", "liberation2/LiberationSans-Bold.ttf"),
    "liberation-narrow": ("liberation/LiberationSansNarrow-Regular.ttf", "liberation/LiberationSansNarrow-Bold.ttf"),
}
QUICK_FONT = "liberation-serif"
DPIS = (200, 300)

# Page geometry in points (A4), so that every resolution prints the same page.
PAGE_PT = (595.0, 842.0)
MARGIN_PT = (60.0, 56.0)
FONT_PT = 10.5
LEADING = 1.3
#: Gap between table columns, in spaces of the font.
COLUMN_GAP = 4

_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


# --- printing -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """One printed line: its cells (one for running text, several for a table row) and whether it is bold."""

    cells: tuple[str, ...]
    bold: bool = False

    @property
    def blank(self) -> bool:
        return not any(self.cells)


def _plain(line: str) -> tuple[str, bool]:
    """A markdown line as printed: markup dropped; a heading or a wholly starred line is bold."""
    heading = bool(re.match(r"^#+\s", line))
    starred = line.startswith("**") and line.endswith("**") and len(line) > 4
    line = re.sub(r"^#+\s*", "", line)
    line = _LINK.sub(r"\1", line).replace("**", "").replace("__", "")
    return " ".join(line.split()), heading or starred


def source_rows(page: str) -> list[Row]:
    """The rows one page of source text prints as: markdown and tab tables become cells, runs of blank lines one."""
    rows: list[Row] = []
    for raw in page.splitlines():
        line = raw.strip()
        if line.startswith("|") and _TABLE_RULE.match(line.strip("|").strip()) or re.fullmatch(r"[|\-: ]{3,}", line):
            continue
        if line.startswith("|") or "\t" in line:
            parts = line.strip("|").split("|") if line.startswith("|") else line.split("\t")
            cells = tuple(_plain(c.strip())[0] for c in parts)
            rows.append(Row(cells) if any(cells) else Row(("",)))
        else:
            text, bold = _plain(line)
            rows.append(Row((text,), bold))
        if rows[-1].blank and len(rows) > 1 and rows[-2].blank:
            rows.pop()
    return rows


@dataclass(slots=True)
class Typeface:
    regular: ImageFont.FreeTypeFont
    bold: ImageFont.FreeTypeFont

    def of(self, row: Row) -> ImageFont.FreeTypeFont:
        return self.bold if row.bold else self.regular


def typeface(name: str, dpi: int) -> Typeface | None:
    regular, bold = (FONT_ROOT / f for f in FONTS[name])
    if not regular.exists() or not bold.exists():
        return None
    size = round(FONT_PT * dpi / 72)
    return Typeface(ImageFont.truetype(str(regular), size), ImageFont.truetype(str(bold), size))


@dataclass(slots=True)
class Placed:
    """A row laid out: each cell's x offset, in pixels from the left margin."""

    row: Row
    xs: tuple[float, ...]


def lay_out(rows: list[Row], face: Typeface, width: float) -> list[Placed]:
    """Rows placed across the text width: running text wrapped, each run of table rows on shared columns."""
    out: list[Placed] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        if len(row.cells) == 1:
            out += [Placed(Row((part,), row.bold), (0.0,)) for part in wrap_to_width(row.cells[0], face.of(row), width)]
            i += 1
            continue
        j = i
        while j < len(rows) and len(rows[j].cells) > 1:
            j += 1
        table = rows[i:j]
        columns = max(len(r.cells) for r in table)
        gap = face.regular.getlength(" ") * COLUMN_GAP
        widths = [max((face.regular.getlength(r.cells[c]) for r in table if c < len(r.cells)), default=0) for c in range(columns)]
        if sum(widths) + gap * (columns - 1) <= width:
            xs = tuple(float(sum(widths[:c]) + gap * c) for c in range(columns))
            out += [Placed(r, xs[: len(r.cells)]) for r in table]
        else:  # too wide to print as columns: each row as one line of its cells
            for r in table:
                joined = "  ".join(c for c in r.cells if c)
                out += [Placed(Row((part,)), (0.0,)) for part in wrap_to_width(joined, face.regular, width)]
        i = j
    return out


def print_pages(text: str, face: Typeface, dpi: int) -> list[list[Placed]]:
    """The document as printed pages of placed rows; a form feed starts a new page."""
    width = (PAGE_PT[0] - 2 * MARGIN_PT[0]) * dpi / 72
    per_page = int((PAGE_PT[1] - 2 * MARGIN_PT[1]) / (FONT_PT * LEADING))
    pages: list[list[Placed]] = []
    for source in text.split("\f"):
        placed = lay_out(source_rows(source), face, width)
        for start in range(0, len(placed), per_page):
            page = placed[start : start + per_page]
            while page and page[0].row.blank:
                page.pop(0)
            if any(not p.row.blank for p in page):
                pages.append(page)
    return pages


def draw(page: list[Placed], face: Typeface, dpi: int) -> Image.Image:
    size = (round(PAGE_PT[0] * dpi / 72), round(PAGE_PT[1] * dpi / 72))
    image = Image.new("L", size, 255)
    pen = ImageDraw.Draw(image)
    left, top = MARGIN_PT[0] * dpi / 72, MARGIN_PT[1] * dpi / 72
    step = FONT_PT * LEADING * dpi / 72
    for n, placed in enumerate(page):
        for x, cell in zip(placed.xs, placed.row.cells, strict=False):
            pen.text((left + x, top + n * step), cell, font=face.of(placed.row), fill=0)
    return image


# --- scanning -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Degradation:
    """What one pass through a scanner does to a page."""

    skew: float  # degrees, counter-clockwise positive
    blur: float  # Gaussian radius at 300 dpi
    noise: float  # standard deviation of sensor noise, grey levels
    quality: int  # JPEG quality


def degradation(rng: np.random.Generator) -> Degradation:
    sign = 1 if rng.random() < 0.5 else -1
    return Degradation(
        skew=round(sign * float(rng.uniform(0.3, 1.5)), 2),
        blur=round(float(rng.uniform(0.4, 1.0)), 2),
        noise=round(float(rng.uniform(4.0, 12.0)), 1),
        quality=int(rng.integers(35, 80)),
    )


def scan(image: Image.Image, dpi: int, how: Degradation, rng: np.random.Generator) -> Image.Image:
    """The page as a cheap office scanner returns it: turned, soft, noisy, grey on grey, JPEG-compressed."""
    page = image.convert("L").rotate(how.skew, resample=Image.Resampling.BICUBIC, fillcolor=255)
    page = page.filter(ImageFilter.GaussianBlur(how.blur * dpi / 300))
    pixels = np.asarray(page, dtype=np.float32)
    pixels = pixels + rng.normal(0.0, how.noise, pixels.shape).astype(np.float32)
    specks = rng.random(pixels.shape) < 0.0003
    pixels[specks] = rng.integers(0, 140, int(specks.sum()))
    pixels = 20 + pixels * (232 - 20) / 255
    page = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L")
    buffer = io.BytesIO()
    page.save(buffer, "JPEG", quality=how.quality)
    buffer.seek(0)
    return Image.open(buffer).convert("L")


def image_pdf(pages: list[Image.Image], dpi: int) -> bytes:
    """An image-only PDF, one scan per page at `dpi` (JPEG inside, as scanners write them)."""
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", resolution=dpi, save_all=True, append_images=pages[1:], quality=90)
    return buffer.getvalue()


def _rng(*key: object) -> np.random.Generator:
    digest = hashlib.sha256("|".join(map(str, key)).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


def scanned_document(name: str, text: str, font: str, dpi: int) -> bytes | None:
    face = typeface(font, dpi)
    if face is None:
        return None
    images = []
    for number, page in enumerate(print_pages(text, face, dpi), start=1):
        rng = _rng(name, font, dpi, number)
        images.append(scan(draw(page, face, dpi), dpi, degradation(rng), rng))
    return image_pdf(images, dpi) if images else None


def scanned_real(pdf: Path, dpi: int) -> bytes:
    """Every page of a real PDF rendered at `dpi`, degraded like a scan, as an image-only PDF."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    images = []
    try:
        for index in range(len(document)):
            page = document[index]
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            page.close()
            rng = _rng(pdf.name, dpi, index + 1)
            images.append(scan(image, dpi, degradation(rng), rng))
    finally:
        document.close()
    return image_pdf(images, dpi)


# --- reading through the pipeline ------------------------------------------------------


@dataclass(slots=True)
class Cost:
    """Where the time went: pages read, Tesseract calls answered from the cache or run, seconds."""

    pages: int = 0
    cached: int = 0
    ran: int = 0
    tesseract_seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


COST = Cost()


@contextmanager
def cached_tesseract(cache: Path | None, extra_config: str = "") -> Iterator[None]:
    """Answer pytesseract's image_to_data and image_to_osd from a cache keyed by the image handed over.

    The pipeline runs in full (rendering, orientation and skew, page text from Tesseract's words); only the
    Tesseract process is skipped when the same pixels were read before with the same settings.
    """
    import pytesseract

    version = str(pytesseract.get_tesseract_version())
    originals = {name: getattr(pytesseract, name) for name in ("image_to_data", "image_to_osd")}

    def wrap(name: str):
        original = originals[name]

        def call(image, lang=None, config="", nice=0, output_type=pytesseract.Output.STRING, **kwargs):
            config = f"{config} {extra_config}".strip()
            digest = hashlib.sha256(Path(image).read_bytes()).hexdigest() if isinstance(image, (str, Path)) else None
            key = f"{name}-{digest}-{hashlib.sha256(f'{version}|{lang}|{config}|{output_type}'.encode()).hexdigest()[:16]}"
            path = cache / key[:2] / f"{key}.json" if cache and digest else None
            if path and path.exists():
                with COST.lock:
                    COST.cached += 1
                return json.loads(path.read_text())
            start = time.perf_counter()
            result = original(image, lang=lang, config=config, nice=nice, output_type=output_type, **kwargs)
            with COST.lock:
                COST.ran += 1
                COST.tesseract_seconds += time.perf_counter() - start
            if path:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{threading.get_ident()}.tmp")
                tmp.write_text(json.dumps(result, ensure_ascii=False))
                tmp.replace(path)
            return result

        return call

    for name in originals:
        setattr(pytesseract, name, wrap(name))
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(pytesseract, name, original)


#: Tesseract language(s) for every page read here (`--language`): the pipeline's own default unless set.
LANGUAGE: list[str | None] = [None]


def read_pdf(pdf: Path, jobs: int) -> list[PageText]:
    """A PDF's pages as `protokoll ingest` reads them: text layer where usable, OCR for the rest."""
    from pipeline.intake.load import ocr_page, prepare
    from pipeline.settings import Settings

    settings = Settings().with_(workers=jobs, ocr_language=LANGUAGE[0])
    prepared = prepare(pdf, settings)
    with ThreadPoolExecutor(max(1, jobs)) as pool:
        ocred = list(pool.map(lambda n: ocr_page(prepared.path, prepared.kind, n, settings), prepared.ocr_pages))
    for page in ocred:
        if page.error:
            print(f"  OCR failed on {pdf.name} page {page.number}: {page.error}", file=sys.stderr)
    with COST.lock:
        COST.pages += len(ocred)
    return sorted(list(prepared.pages) + ocred, key=lambda p: p.number)


def read_scan(data: bytes, filename: str, jobs: int) -> list[PageText]:
    with tempfile.TemporaryDirectory(prefix="protokoll-scan-") as tmp:
        path = Path(tmp) / filename
        path.write_bytes(data)
        return read_pdf(path, jobs)


# --- scoring ------------------------------------------------------------------------------


@dataclass(slots=True)
class Figures:
    """A document's (or a total's) headline counts: items matched/predicted/gold, case numbers, fields."""

    items: list[int] = field(default_factory=lambda: [0, 0, 0])
    cases: list[int] = field(default_factory=lambda: [0, 0])
    fields: list[int] = field(default_factory=lambda: [0, 0])

    def add(self, other: Figures) -> None:
        for mine, theirs in ((self.items, other.items), (self.cases, other.cases), (self.fields, other.fields)):
            for k, v in enumerate(theirs):
                mine[k] += v

    def f1(self) -> float | None:
        matched, predicted, gold = self.items
        if not predicted and not gold:
            return None
        p = matched / predicted if predicted else 0.0
        r = matched / gold if gold else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0

    def cells(self) -> list[str]:
        f1 = self.f1()
        return [
            "-" if f1 is None else f"{f1:.2f}",
            f"{self.items[0]}/{self.items[1]}/{self.items[2]}",
            f"{self.cases[0]}/{self.cases[1]}",
            f"{self.fields[0]}/{self.fields[1]}",
        ]


def figures(ex: Extraction, gold: dict, name: str) -> tuple[Figures, list[str]]:
    """accuracy.py's score of one document, summed up; and its misses."""
    tally = Tally()
    score(ex, gold, tally, name)
    out = Figures(items=list(tally.items))
    predicted = {fold(i.number): i for i in ex.items}
    for g in gold.get("items", []):
        if g.get("case_number"):
            item = predicted.get(fold(g["number"]))
            got = item.case_number.normalised if item and item.case_number else None
            out.cases[0] += int(got == g["case_number"])
            out.cases[1] += 1
    buckets = [*tally.item_fields.values(), *tally.meeting_fields.values(), *tally.attendance_fields.values(), *tally.doc.values()]
    out.fields = [sum(b[0] for b in buckets) + tally.dates[0], sum(b[1] for b in buckets) + tally.dates[1]]
    return out, tally.misses


def real_scores(documents: list[tuple[str, list[PageText]]], golds: list[Path]) -> dict[str, str]:
    """score_real.py's line per document, and its PDFSCORE line under 'TOTAL', for these readings."""
    from pipeline.research.export import document_object
    from models.codec import to_jsonable

    with tempfile.TemporaryDirectory(prefix="protokoll-real-") as tmp:
        export = Path(tmp) / "export.jsonl"
        with export.open("w") as out:
            for filename, pages in documents:
                data = to_jsonable(extract_document(pages))
                out.write(json.dumps(document_object(filename, "", len(pages), True, data, []), default=str) + "\n")
        run = subprocess.run([sys.executable, str(SCORE_REAL), str(export), *map(str, golds)], capture_output=True, text=True)
    lines: dict[str, str] = {}
    for line in run.stdout.splitlines():
        if line.startswith("PDFSCORE"):
            lines["TOTAL"] = line.removeprefix("PDFSCORE ").strip()
        elif ": " in line:
            name, rest = line.split(": ", 1)
            lines[name] = rest
    if run.returncode:
        lines["TOTAL"] = f"score_real.py failed: {run.stderr.strip()[-300:]}"
    return lines


# --- report -------------------------------------------------------------------------------


def table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(r[c])) for r in [header, *rows]) for c in range(len(header))]
    for n, row in enumerate([header, *rows]):
        print("  ".join(f"{str(cell):<{w}}" if c == 0 else f"{str(cell):>{w}}" for c, (cell, w) in enumerate(zip(row, widths, strict=True))))
        if n == 0:
            print("  ".join("-" * w for w in widths))


def configurations(fonts: Iterable[str], dpis: Iterable[int]) -> list[tuple[str, int]]:
    return [(font, dpi) for font in fonts for dpi in dpis]


def run_gold(args: argparse.Namespace, configs: list[tuple[str, int]]) -> None:
    documents = [d for d in gold_documents() if not args.docs or any(s in d[0] for s in args.docs)]
    by_doc: dict[str, tuple[Figures, Figures]] = {}
    by_config: dict[tuple[str, int], Figures] = {c: Figures() for c in configs}
    misses: dict[str, Counter[str]] = {}
    for name, gold, source in documents:
        text = source.read_text()
        as_text, _ = figures(extract_document(text_pages(text)), gold, name)
        as_scan = Figures()
        misses[name] = Counter()
        for font, dpi in configs:
            data = scanned_document(name, text, font, dpi)
            if data is None:
                continue
            got, missed = figures(extract_document(read_scan(data, f"{name}.pdf", args.jobs)), gold, name)
            as_scan.add(got)
            by_config[(font, dpi)].add(got)
            misses[name].update(m.split(": ", 1)[1] for m in missed)
            if args.verbose:
                print(f"  {name} {font} {dpi} dpi: items F1 {got.cells()[0]} cases {got.cells()[2]} fields {got.cells()[3]}", flush=True)
        by_doc[name] = (as_text, as_scan)
        print(f"  {name}: done ({COST.pages} pages read so far, {COST.ran} Tesseract runs, {COST.cached} cached)", file=sys.stderr, flush=True)

    n = len(configs)
    print(f"\n== gold documents as text vs printed and scanned ({n} font x dpi configurations, scan counts summed over them)")
    print("   items: F1 and matched/predicted/gold; cases: items whose case number is right / gold items with one;")
    print("   fields: every field check of benchmarks/accuracy.py (item, meeting, attendance, document fields, dates)\n")
    rows, total_text, total_scan = [], Figures(), Figures()
    for name, (as_text, as_scan) in by_doc.items():
        total_text.add(as_text)
        total_scan.add(as_scan)
        rows.append([name, *as_text.cells(), "|", *as_scan.cells()])
    rows.append(["TOTAL", *total_text.cells(), "|", *total_scan.cells()])
    table(["document", "text F1", "items", "cases", "fields", "|", "scan F1", "items", "cases", "fields"], rows)

    print("\n== scans per configuration (all documents)\n")
    table(["font", "dpi", "items F1", "items", "cases", "fields"],
          [[font, str(dpi), *by_config[(font, dpi)].cells()] for font, dpi in configs])
    if args.misses:
        print("\n== scan misses (times over the configurations)")
        for name, counter in misses.items():
            for miss, times in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])):
                print(f"  {name}: {miss}  x{times}")


def run_real(args: argparse.Namespace, dpis: list[int]) -> None:
    golds = sorted(REAL.glob("*.gold.json"))
    if not golds or not SCORE_REAL.exists():
        print(f"\n({REAL} or {SCORE_REAL} missing: real layouts skipped)")
        return
    pdfs = [REAL / json.loads(g.read_text())["file"] for g in golds]
    pdfs = [p for p in pdfs if p.exists() and (not args.docs or any(s in p.name for s in args.docs))]
    golds = [g for g in golds if (REAL / json.loads(g.read_text())["file"]) in pdfs]
    readings = {"text layer": [(p.name, read_pdf(p, args.jobs)) for p in pdfs]}
    for dpi in dpis:
        readings[f"scan {dpi} dpi"] = []
        for pdf in pdfs:
            readings[f"scan {dpi} dpi"].append((pdf.name, read_scan(scanned_real(pdf, dpi), pdf.name, args.jobs)))
            print(f"  {pdf.name} at {dpi} dpi: done ({COST.pages} pages read so far)", file=sys.stderr, flush=True)
    scores = {how: real_scores(docs, golds) for how, docs in readings.items()}
    print("\n== real PDFs (../shared/real): their own text layer vs the same pages printed, scanned and OCRed\n")
    for pdf in pdfs:
        print(pdf.name)
        for how, lines in scores.items():
            print(f"  {how:<12}  {lines.get(pdf.name, 'not scored')}")
    print("\nPDFSCORE")
    for how, lines in scores.items():
        print(f"  {how:<12}  {lines.get('TOTAL', '-')}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"one font ({QUICK_FONT}) at 300 dpi")
    parser.add_argument("--fonts", nargs="+", choices=sorted(FONTS), help="these fonts only")
    parser.add_argument("--dpi", nargs="+", type=int, help="these resolutions only")
    parser.add_argument("--docs", nargs="+", metavar="PART", help="documents whose name contains one of these")
    parser.add_argument("--no-gold", action="store_true", help="skip the gold documents")
    parser.add_argument("--no-real", action="store_true", help="skip ../shared/real")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("PROTOKOLL_WORKERS", 2)), help="Tesseract processes at once")
    parser.add_argument("--cache", default=str(CACHE), help="Tesseract output cache ('' to disable)")
    parser.add_argument("--tesseract-config", default="", help="appended to the pipeline's Tesseract options (to measure one)")
    parser.add_argument("--language", help="Tesseract language(s) instead of the pipeline's default (to measure one, e.g. swe+eng)")
    parser.add_argument("--misses", action="store_true", help="list what the scans missed, per document")
    parser.add_argument("--verbose", action="store_true", help="a line per document and configuration")
    args = parser.parse_args(argv)
    LANGUAGE[0] = args.language

    fonts = args.fonts or ([QUICK_FONT] if args.quick else list(FONTS))
    missing = [f for f in fonts if typeface(f, 300) is None]
    if missing:
        print(f"(fonts not installed, skipped: {', '.join(missing)}; scripts/setup_system.sh installs them)")
    fonts = [f for f in fonts if f not in missing]
    dpis = args.dpi or ([300] if args.quick else list(DPIS))
    start = time.perf_counter()
    with cached_tesseract(Path(args.cache) if args.cache else None, args.tesseract_config):
        if not args.no_gold:
            run_gold(args, configurations(fonts, dpis))
        if not args.no_real:
            run_real(args, dpis)
    elapsed = time.perf_counter() - start
    print(f"\n{COST.pages} pages OCRed through the pipeline in {elapsed:.0f} s; Tesseract run {COST.ran} times "
          f"({COST.tesseract_seconds:.0f} s, {COST.tesseract_seconds / max(1, COST.ran):.1f} s each), "
          f"{COST.cached} answered from the cache ({args.cache or 'off'})")
    return 0


if __name__ == "__main__":
    main()
    sys.exit(0)
