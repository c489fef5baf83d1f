"""Cost per page of reading a PDF's text layer: pdfplumber's extract_text, pypdfium2's plain text, and the
layout reading load_pdf uses (pypdfium2 characters through pipeline.intake.layout, running headers included).

The same pages are read by each reader in one run, the readers taking turns per round so a busy machine
slows them alike.  Prints milliseconds per page (median over rounds) and pages per second for the sample
PDFs under samples/generated/pdf (built when missing) and the real PDFs under ../shared/real when present;
asserts nothing.

    .venv/bin/python benchmarks/reading_bench.py [--rounds 3] [PDF ...]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402

from pipeline.intake.load import load_pdf  # noqa: E402
from pipeline.settings import Settings  # noqa: E402

SAMPLES = ROOT / "samples" / "generated" / "pdf"
REAL = ROOT.parent / "shared" / "real"


def read_pdfplumber(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.close()
        return len(pdf.pages)


def read_pdfium_plain(path: Path) -> int:
    pdf = pdfium.PdfDocument(str(path))
    try:
        for page in pdf:
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
        return len(pdf)
    finally:
        pdf.close()


def read_layout(path: Path) -> int:
    # load_pdf as ingest calls it: every page laid out, judged for OCR, running lines marked
    return load_pdf(path, "0" * 64, path.stat().st_size, Settings()).page_count


READERS = {"pdfplumber extract_text": read_pdfplumber, "pypdfium2 get_text_range": read_pdfium_plain, "layout (load_pdf)": read_layout}


def pdfs(paths: list[str]) -> list[Path]:
    if paths:
        return [Path(p) for p in paths]
    if not any(SAMPLES.glob("*.pdf")):
        subprocess.run([sys.executable, str(ROOT / "samples" / "make_samples.py"), "--out", str(SAMPLES.parent)], check=True)
    found = sorted(SAMPLES.glob("*.pdf"))
    if REAL.is_dir():
        found += sorted(REAL.glob("*.pdf"))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", nargs="*", help="PDF files (default: the samples and ../shared/real)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    files = pdfs(args.pdf)
    times: dict[str, dict[Path, list[float]]] = {name: {f: [] for f in files} for name in READERS}
    pages: dict[Path, int] = {}
    for _ in range(args.rounds):
        for f in files:
            for name, read in READERS.items():
                start = time.perf_counter()
                pages[f] = read(f)
                times[name][f].append(time.perf_counter() - start)
    width = max(len(f.name) for f in files)
    header = f"{'file':<{width}} {'pages':>5} " + " ".join(f"{name:>26}" for name in READERS)
    print("ms per page (median of %d rounds)" % args.rounds)
    print(header)
    for f in files:
        cells = " ".join(f"{1000 * statistics.median(times[name][f]) / max(1, pages[f]):>26.2f}" for name in READERS)
        print(f"{f.name:<{width}} {pages[f]:>5} {cells}")
    total_pages = sum(pages.values())
    print(f"{'all':<{width}} {total_pages:>5} " + " ".join(
        f"{1000 * sum(statistics.median(times[name][f]) for f in files) / total_pages:>26.2f}" for name in READERS
    ))
    print("pages/s: " + ", ".join(
        f"{name} {total_pages / sum(statistics.median(times[name][f]) for f in files):.0f}" for name in READERS
    ))


if __name__ == "__main__":
    main()
