"""Benchmark: scans through `protokoll ingest --workers 2` against raw Tesseract and OCRmyPDF on the same pages.

One run prints, on the same page images and in alternating rounds (medians):
- raw Tesseract: the `tesseract` CLI with the pipeline's flags, two processes at a time (the baseline);
- `protokoll ingest --workers 2`, the whole command, each run on a new Prefect home with no server running;
- OCRmyPDF `--jobs 2` on one PDF of the same pages;
and the ratio of each to raw Tesseract. Then the time from the command to its first Tesseract page, from a
timed `tesseract` wrapper, for each way a run can find its Prefect home: new (the template of a migrated
Prefect database cached by an earlier run), new on a machine with no such template, and used before.

Run with `make bench` (generates the samples first), or alone:
`python benchmarks/scan_bench.py [--copies 4] [--rounds 3] [--protokoll PATH ...]`. Prints figures; asserts nothing.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import argparse  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import pypdfium2 as pdfium  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from ingest_bench import copies_of, pdf_page_count, read_pages_log, timed_tesseract  # noqa: E402

from pipeline.intake.ocr import render_pdf_page  # noqa: E402

SAMPLES = REPO / "samples" / "generated"
WORKERS = 2
#: The pipeline's own Tesseract flags (pipeline.intake.ocr._recognise): Swedish, automatic layout, 300 dpi, a TSV table.
TESSERACT_FLAGS = ("-l", "swe", "--psm", "3", "--dpi", "300")
#: How far over raw Tesseract the whole command may be, and how long before its first page (issue 12).
TARGET_RATIO = 1.08
TARGET_FIRST_PAGE = 3.0


@dataclass(frozen=True, slots=True)
class Timed:
    seconds: float
    first_page: float | None = None
    """Seconds from the command to its first Tesseract start (from the wrapper's log)."""
    ok: bool = True
    detail: str = ""
    cpu: float | None = None
    """CPU seconds of the command and every process it waited for (Tesseract, the temporary API, …)."""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def raw_tesseract(images: Sequence[Path]) -> Timed:
    """The `tesseract` CLI on every page image, `WORKERS` processes at a time, writing the TSV the pipeline reads."""
    def one(image: Path) -> None:
        subprocess.run(["tesseract", str(image), "stdout", *TESSERACT_FLAGS, "tsv"], check=True, capture_output=True)

    cpu = _children_cpu()
    started = time.perf_counter()
    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(one, images))
    return Timed(time.perf_counter() - started, cpu=_children_cpu() - cpu)


def _first_page(log: Path, started: float) -> float | None:
    spans = read_pages_log(log) if log.exists() else []
    return min(s.start for s in spans) - started if spans else None


def _timed(command: list[str], env: dict[str, str], log: Path, ok_codes: tuple[int, ...] = (0,)) -> Timed:
    log.unlink(missing_ok=True)
    wall = time.time()
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    ok = done.returncode in ok_codes
    detail = "" if ok else f"exit {done.returncode}: {done.stderr.strip()[-400:]}"
    return Timed(seconds, _first_page(log, wall), ok, detail, _children_cpu() - cpu)


def protokoll_ingest(exe: Path, folder: Path, work: Path, env: dict[str, str], log: Path, home: Path | None = None) -> Timed:
    """`protokoll ingest FOLDER --workers 2` into a new SQLite database; a new Prefect home unless `home` is given."""
    stamp = time.monotonic_ns()
    home = home or work / f"prefect-home-{stamp}"
    env = {**env, "PREFECT_HOME": str(home), "PREFECT_LOGGING_LEVEL": "WARNING"}
    env.pop("PREFECT_API_URL", None)  # no server running beforehand: the command starts its own
    command = [str(exe), "ingest", str(folder), "--db", f"sqlite:///{work / f'bench-{stamp}.db'}", "--workers", str(WORKERS)]
    return _timed(command, env, log)


def ocrmypdf(pdf: Path, work: Path, env: dict[str, str], log: Path) -> Timed:
    """OCRmyPDF on one PDF of all the pages, `--jobs 2`, Swedish, a plain PDF out (no PDF/A conversion, no optimising)."""
    out = work / f"ocrmypdf-{time.monotonic_ns()}.pdf"
    command = ["ocrmypdf", "--jobs", str(WORKERS), "-l", "swe", "--output-type", "pdf", "--optimize", "0", "--quiet", str(pdf), str(out)]
    try:
        return _timed(command, env, log)
    finally:
        out.unlink(missing_ok=True)


def one_pdf(pdfs: Sequence[Path], target: Path) -> Path:
    """The pages of `pdfs` in one PDF, in order (OCRmyPDF reads one file per run, its jobs work on its pages)."""
    merged = pdfium.PdfDocument.new()
    for path in pdfs:
        source = pdfium.PdfDocument(str(path))
        merged.import_pages(source)
        source.close()
    merged.save(str(target))
    merged.close()
    return target


def page_images(pdfs: Sequence[Path], folder: Path) -> list[Path]:
    """Every page rendered as the pipeline renders it (300 dpi); the baseline reads these, their rendering untimed."""
    folder.mkdir(parents=True, exist_ok=True)
    images = []
    for pdf in pdfs:
        for i in range(pdf_page_count([pdf])):
            image = folder / f"{pdf.stem}-{i:03d}.png"
            render_pdf_page(pdf, i).save(image)
            images.append(image)
    return images


def _median(runs: Sequence[Timed]) -> float:
    return statistics.median(r.seconds for r in runs)


def _runs(runs: Sequence[Timed]) -> str:
    return ", ".join(f"{r.seconds:.1f}" for r in runs)


def _label(exe: Path) -> str:
    return f"protokoll ingest ({exe})"


def throughput(exes: Sequence[Path], scanned: Path, work: Path, copies: int, rounds: int, env: dict[str, str], log: Path) -> None:
    pdfs = copies_of(sorted(scanned.glob("*.pdf")), work / "pages", copies)
    count = pdf_page_count(pdfs)
    images = page_images(pdfs, work / "images")
    merged = one_pdf(pdfs, work / "all-pages.pdf")
    has_ocrmypdf = shutil.which("ocrmypdf") is not None
    print(f"(a) {count} scanned pages ({len(pdfs)} PDFs: the scanned samples x{copies}, distinct bytes), {WORKERS} processes each;")
    print(f"    {rounds} alternating rounds, medians; Tesseract flags {' '.join(TESSERACT_FLAGS)}")
    raw: list[Timed] = []
    ours: dict[Path, list[Timed]] = {exe: [] for exe in exes}
    theirs: list[Timed] = []
    for _ in range(rounds):
        raw.append(raw_tesseract(images))
        for exe in exes:
            run = protokoll_ingest(exe, work / "pages", work, env, log)
            if run.ok:
                ours[exe].append(run)
            else:
                print(f"    {_label(exe)} failed: {run.detail}")
        if has_ocrmypdf:
            run = ocrmypdf(merged, work, env, log)
            if run.ok:
                theirs.append(run)
            else:
                print(f"    ocrmypdf failed: {run.detail}")
    base = _median(raw)
    base_cpu = statistics.median(r.cpu for r in raw)
    print(f"    raw Tesseract x{WORKERS} processes      {base:6.1f} s = {60 * count / base:5.1f} pages/min, "
          f"{base_cpu:.1f} s CPU   (runs: {_runs(raw)})")
    for name, runs in [*((_label(exe), ours[exe]) for exe in exes), (f"OCRmyPDF --jobs {WORKERS}", theirs)]:
        if not runs:
            print(f"    {name}: not measured" + ("" if has_ocrmypdf or "OCRmyPDF" not in name else " (ocrmypdf not installed: scripts/setup_system.sh)"))
            continue
        median = _median(runs)
        firsts = [r.first_page for r in runs if r.first_page is not None]
        first = f", first page after {statistics.median(firsts):.1f} s" if firsts else ""
        verdict = f" (target <= {TARGET_RATIO:.2f}: {'met' if median / base <= TARGET_RATIO else 'not met'})" if name.startswith("protokoll") else ""
        cpu = statistics.median(r.cpu for r in runs)
        print(f"    {name}")
        print(f"      {median:6.1f} s = {60 * count / median:5.1f} pages/min, {median / base:.3f} x raw Tesseract{verdict}{first}   (runs: {_runs(runs)})")
        print(f"      CPU {cpu:.1f} s = {cpu / base_cpu:.3f} x raw Tesseract's (on a shared machine the steadier figure)")


def first_page(exes: Sequence[Path], work: Path, env: dict[str, str], log: Path, rounds: int) -> None:
    """Seconds from the command to its first Tesseract start on a one-page scan, with no server running."""
    folder = work / "one-page"
    folder.mkdir(exist_ok=True)
    image = sorted((work / "images").glob("*.png"))[0]
    shutil.copy2(image, folder / "page.png")
    print(f"(b) command to first Tesseract page, one scanned page, no server running; median of {rounds} (target <= {TARGET_FIRST_PAGE:.0f} s)")
    empty_cache = work / "empty-cache"
    for exe in exes:
        used = work / f"used-home-{time.monotonic_ns()}"
        protokoll_ingest(exe, folder, work, env, log, home=used)  # the used home's first run
        cases = {
            "new Prefect home (template cached)": {},
            "new Prefect home, nothing cached": {"XDG_CACHE_HOME": str(empty_cache)},
            "Prefect home used before": None,
        }
        print(f"    {_label(exe)}")
        for case, extra in cases.items():
            runs = []
            for _ in range(rounds):
                if extra is not None:
                    shutil.rmtree(empty_cache, ignore_errors=True)
                run = protokoll_ingest(exe, folder, work, {**env, **(extra or {})}, log, home=None if extra is not None else used)
                if run.ok and run.first_page is not None:
                    runs.append(run)
            if not runs:
                print(f"      {case:38s} not measured")
                continue
            first = statistics.median(r.first_page for r in runs)
            print(f"      {case:38s} first page {first:5.2f} s, whole command {_median(runs):5.2f} s"
                  f"   (first pages: {', '.join(f'{r.first_page:.2f}' for r in runs)})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, default=SAMPLES)
    parser.add_argument("--copies", type=int, default=4, help="copies of the scanned sample PDFs (9 pages each set)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (medians are reported)")
    parser.add_argument("--first-page-rounds", type=int, default=3, help="runs per start condition in (b)")
    parser.add_argument("--protokoll", type=Path, nargs="*", default=None,
                        help="protokoll executables to compare (default: this checkout's)")
    parser.add_argument("--skip", nargs="*", default=[], choices=["throughput", "first-page"])
    args = parser.parse_args(argv)
    scanned = args.samples / "scanned"
    if not any(scanned.glob("*.pdf")):
        print(f"no scanned samples in {scanned}: run `make samples` first", file=sys.stderr)
        return 2
    exes = [p.resolve() for p in args.protokoll] if args.protokoll else [Path(sys.executable).with_name("protokoll")]
    with tempfile.TemporaryDirectory(prefix="protokoll-scan-bench-") as tmp:
        work = Path(tmp)
        with timed_tesseract(work) as (env, log):
            env = {**env, "OMP_THREAD_LIMIT": "1"}
            if "throughput" not in args.skip:
                throughput(exes, scanned, work, args.copies, args.rounds, env, log)
            else:
                page_images(sorted(scanned.glob("*.pdf"))[:1], work / "images")
            if "first-page" not in args.skip:
                first_page(exes, work, env, log, args.first_page_rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
