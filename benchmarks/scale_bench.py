"""Ingest at scale: pages/s and peak memory of `protokoll ingest` from 100 to 10 000 text-layer pages, re-runs.

Generates text-layer protocols (samples/protocol_generator.py) up to each --pages count, and --scans scanned pages
(the same protocols drawn as 300-dpi scans, samples/make_samples.py), then for each dialect (a new SQLite file, a
new PostgreSQL database) and each count:

1. ingests the batch with the command, `protokoll ingest DIR --db URL --workers 2`, and prints pages/s and the peak
   RSS of the command and all its children together (its temporary API, Tesseract, worker processes), sampled from
   /proc; beside it, the same for the smallest count (memory flat as the batch grows: the ratio);
2. ingests the unchanged batch again: every file hashed, found stored, nothing read (target under 10 s for 10 000
   pages);
3. marks the stored extractions as made by other extractors (what a changed rule looks like to the store:
   extractions are keyed by extractors.version.EXTRACTOR_VERSION) and ingests again: the files are unchanged, so
   their stored pages are extracted again without reading or OCR (target at least 100 pages/s); the pages and
   versions stored are counted before and after, to show that nothing was read again.

Every run's figures are beside the command's fixed start, an ingest of an empty folder, measured first.

The scans are ingested once per dialect, as a batch of their own beside the text pages (OCR speed is
benchmarks/ingest_bench.py's subject). Asserts nothing.

    .venv/bin/python benchmarks/scale_bench.py                      # 100, 1 000 and 10 000 pages, 200 scans
    .venv/bin/python benchmarks/scale_bench.py --pages 100 1000 --scans 20 --only sqlite
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psutil  # noqa: E402
from sqlalchemy import create_engine, func, select, text, update  # noqa: E402

from models.db import session_scope  # noqa: E402
from models.schema import DocumentVersion, ExtractionRecord, Page  # noqa: E402

DATA = Path(tempfile.gettempdir()) / "protokoll-scale"
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/protokoll_scale"
STALE = "0" * 16  # an extractor version no code has: every stored extraction is out of date


def cached_batch(name: str, write: Callable[[Path], int]) -> tuple[Path, int]:
    """(folder, pages) of a generated batch: `write` fills the folder and returns its pages, once (kept between runs)."""
    folder = DATA / name
    done = folder / ".pages"
    if not done.exists():
        folder.mkdir(parents=True, exist_ok=True)
        done.write_text(str(write(folder)))
    return folder, int(done.read_text())


def text_batch(pages: int) -> tuple[Path, int]:
    """A folder of generated text-layer protocols with at least `pages` pages."""
    from samples.protocol_generator import generate, render_pdf

    def write(folder: Path) -> int:
        total, seed = 0, 0
        while total < pages:
            protocol = generate(seed)
            render_pdf(protocol, folder / f"protocol-{seed:05d}.pdf")
            total += len(protocol.pages)
            seed += 1
        return total

    return cached_batch(f"text-{pages}", write)


def scan_batch(pages: int) -> tuple[Path, int]:
    """A folder of image-only PDFs with `pages` pages: generated protocols drawn and degraded as scans."""
    import numpy as np

    from samples.make_samples import degrade, draw_page, image_pdf, random_skew, scan_font, scan_pages
    from samples.protocol_generator import generate

    def write(folder: Path) -> int:
        font, rng = scan_font(), np.random.default_rng(12)
        total, seed = 0, 100_000
        while total < pages:
            drawn = scan_pages(generate(seed).text.replace("\f", "\n\n"), font)[: pages - total]
            images = [degrade(draw_page(lines, font), rng, random_skew(rng)) for lines in drawn]
            (folder / f"scan-{seed}.pdf").write_bytes(image_pdf(images))
            total += len(images)
            seed += 1
        return total

    return cached_batch(f"scans-{pages}", write)


class PeakRss:
    """The largest sum of the RSS of a process and all its descendants, sampled every `interval` seconds."""

    def __init__(self, pid: int, interval: float = 0.05):
        self.root, self.interval, self.peak = psutil.Process(pid), interval, 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while not self.done.is_set():
            try:
                tree = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            total = 0
            for process in tree:
                try:
                    total += process.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self.done.wait(self.interval)

    def stop(self) -> float:
        self.done.set()
        self.thread.join()
        return self.peak / 2**20


def ingest(folder: Path, url: str, workers: int) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB of the command and its children, last line of its output) of one `protokoll ingest`."""
    protokoll = Path(sys.executable).with_name("protokoll")
    with tempfile.TemporaryDirectory() as tmp:
        env = os.environ | {"PREFECT_HOME": str(Path(tmp) / "prefect"), "PREFECT_LOGGING_LEVEL": "WARNING", "COLUMNS": "200"}
        started = time.perf_counter()
        child = subprocess.Popen([str(protokoll), "ingest", str(folder), "--db", url, "--workers", str(workers)], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        peak = PeakRss(child.pid)
        output = child.communicate()[0].decode(errors="replace")
        seconds = time.perf_counter() - started
        rss = peak.stop()
    if child.returncode not in (0, 1):  # 1: some documents failed, which the generated batch should not have
        raise SystemExit(f"ingest of {folder} into {url} failed with exit status {child.returncode}:\n{output[-3000:]}")
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return seconds, rss, lines[-1] if lines else ""


def stored(url: str) -> tuple[int, int, int]:
    """(versions, pages, extractions by the running extractors) in the database."""
    from extractors.version import EXTRACTOR_VERSION

    with session_scope(url) as s:
        return (
            s.scalar(select(func.count()).select_from(DocumentVersion)),
            s.scalar(select(func.count()).select_from(Page)),
            s.scalar(select(func.count()).select_from(ExtractionRecord).where(ExtractionRecord.extractor_version == EXTRACTOR_VERSION)),
        )


def make_stale(url: str) -> int:
    with session_scope(url) as s:
        return s.execute(update(ExtractionRecord).values(extractor_version=STALE)).rowcount


def fresh_database(dialect: str, label: str) -> str:
    if dialect == "sqlite":
        path = DATA / f"scale-{label}.db"
        for leftover in DATA.glob(f"scale-{label}.db*"):
            leftover.unlink()
        return f"sqlite:///{path}"
    url = f"{POSTGRES}_{label}"
    admin, name = url.rsplit("/", 1)
    engine = create_engine(admin + "/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, nargs="+", default=[100, 1_000, 10_000], help="text-layer page counts")
    parser.add_argument("--scans", type=int, default=200, help="scanned pages, ingested once per dialect (0: none)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", choices=("sqlite", "postgresql"), help="one dialect")
    args = parser.parse_args()
    counts = sorted(args.pages)
    batches = {}
    for count in counts:
        started = time.perf_counter()
        batches[count] = text_batch(count)
        print(f"batch of {count} pages: {batches[count][1]} pages in {len(list(batches[count][0].glob('*.pdf')))} files "
              f"(generated or reused in {time.perf_counter() - started:.0f} s)", flush=True)
    scans = scan_batch(args.scans) if args.scans else None
    dialects = [d for d in ("sqlite", "postgresql") if args.only in (None, d)]
    head = f"{'dialect':<11} {'pages':>6}  {'run':<34} {'seconds':>8} {'pages/s':>8} {'peak RSS MB':>11}"
    empty = DATA / "empty"
    empty.mkdir(parents=True, exist_ok=True)
    for dialect in dialects:
        print(head)
        # The command's fixed cost (imports, the temporary API, the flow's start), paid by every run below.
        seconds, rss, _ = ingest(empty, fresh_database(dialect, "empty"), args.workers)
        print(f"{dialect:<11} {0:>6}  {'ingest of an empty folder':<34} {seconds:>8.1f} {'':>8} {rss:>11.0f}  (the fixed start of every run)", flush=True)
        first_rss = None
        for count in counts:
            folder, pages = batches[count]
            url = fresh_database(dialect, str(count))
            seconds, rss, last = ingest(folder, url, args.workers)
            first_rss = first_rss or (pages, rss)
            versions, page_rows, extracted = stored(url)
            print(f"{dialect:<11} {pages:>6}  {'ingest':<34} {seconds:>8.1f} {pages / seconds:>8.1f} {rss:>11.0f}"
                  f"  (x{rss / first_rss[1]:.2f} the RSS of {first_rss[0]} pages; {versions} versions, {page_rows} pages, "
                  f"{extracted} extractions stored)", flush=True)
            seconds, rss, _ = ingest(folder, url, args.workers)
            print(f"{dialect:<11} {pages:>6}  {'again, unchanged (hash check)':<34} {seconds:>8.1f} {pages / seconds:>8.1f} {rss:>11.0f}"
                  f"  (target < 10 s at 10 000 pages)", flush=True)
            stale = make_stale(url)
            seconds, rss, _ = ingest(folder, url, args.workers)
            after = stored(url)
            print(f"{dialect:<11} {pages:>6}  {'again, extractors changed':<34} {seconds:>8.1f} {pages / seconds:>8.1f} {rss:>11.0f}"
                  f"  ({stale} stale extractions; {after[2]} extracted again; versions {versions}->{after[0]}, "
                  f"pages {page_rows}->{after[1]}: nothing read again; target >= 100 pages/s)", flush=True)
        if scans:
            url = fresh_database(dialect, "scans")
            seconds, rss, _ = ingest(scans[0], url, args.workers)
            print(f"{dialect:<11} {scans[1]:>6}  {'ingest, scanned pages (OCR)':<34} {seconds:>8.1f} {scans[1] / seconds:>8.1f} {rss:>11.0f}", flush=True)


if __name__ == "__main__":
    main()
