"""Whole-command throughput on text-layer PDFs, beside the reading libraries' own speed in the same run.

Builds at least 400 text-layer pages (the sample PDFs under samples/generated/pdf, copied with distinct bytes),
then prints, each timed in this run on the same files:

- `pdftotext` (poppler-utils), pdfplumber `extract_text` and pypdfium2 `get_text_range`, one process each;
- the whole `protokoll ingest --workers 2` command into a fresh SQLite database: pages/s, wall time, CPU and
  peak RSS of the command and every process it started (its temporary Prefect API included), and the same for
  any other `protokoll` given with `--also` (another checkout's, to compare before and after);
- the cost per page of each stage (read, segment, extract, store, flags), run one after the other in this
  process through pipeline.steps, in CPU time (what a core spends) and wall time (what a busy machine adds),
  so the next bottleneck is visible.

Asserts nothing.

    .venv/bin/python benchmarks/throughput_bench.py [--copies 4] [--also OTHER/.venv/bin/protokoll] [--skip-command]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from ingest_bench import WORKERS, copies_of, pdf_page_count  # noqa: E402
from reading_bench import read_pdfium_plain, read_pdfplumber  # noqa: E402

SAMPLES = ROOT / "samples" / "generated" / "pdf"
TARGET = 40.0
MIN_PAGES = 400
STAGES = ("read", "segment", "extract", "store", "flags")


def timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def pdftotext(pdfs: list[Path]) -> float | None:
    exe = shutil.which("pdftotext")
    if exe is None:
        return None
    return timed(lambda: [subprocess.run([exe, "-layout", str(p), "-"], check=True, capture_output=True) for p in pdfs])


#: Measures the command and all its descendants: RUSAGE_CHILDREN of a throwaway parent holds the CPU of every
#: process it waited for (the command waits for its worker processes and its temporary API), ru_maxrss the
#: largest of them; the peak of their sum is sampled from /proc every 50 ms.
_PROBE = r"""
import os, resource, subprocess, sys, threading, time
def tree(pid):
    kids = {}
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            try:
                with open(f'/proc/{entry}/stat') as f:
                    fields = f.read().rsplit(')', 1)[1].split()
                kids.setdefault(int(fields[1]), []).append(int(entry))
            except OSError:
                pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += kids.get(p, [])
    return out
def rss(pid):
    try:
        with open(f'/proc/{pid}/statm') as f:
            return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')
    except OSError:
        return 0
peak = [0]
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
def sample():
    while p.poll() is None:
        peak[0] = max(peak[0], sum(rss(q) for q in tree(p.pid)))
        time.sleep(0.05)
threading.Thread(target=sample, daemon=True).start()
err = p.communicate()[1]
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(r.ru_utime + r.ru_stime, r.ru_maxrss * 1024, peak[0])
sys.stderr.write(err.decode(errors='replace')[-2000:])
sys.exit(p.returncode)
"""


def whole_command(folder: Path, work: Path, exe: Path) -> tuple[float, float, float, float, int]:
    """(wall s, CPU s, largest process MB, sum of the tree's RSS at its peak MB, exit status) of one ingest."""
    db = work / f"bench-{time.monotonic_ns()}.db"
    command = [str(exe), "ingest", str(folder), "--db", f"sqlite:///{db}", "--workers", str(WORKERS)]
    env = {**os.environ, "PREFECT_HOME": str(work / "prefect")}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _PROBE, *command], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    cpu, largest, tree = (float(v) for v in done.stdout.split())
    if done.returncode not in (0, 1):
        print(done.stderr, file=sys.stderr)
    return wall, cpu, largest / 2**20, tree / 2**20, done.returncode


def stage_costs(pdfs: list[Path], work: Path) -> dict[str, tuple[float, float]]:
    """(CPU s, wall s) of each stage over `pdfs`, one stage after the other, in this process, through pipeline.steps."""
    from extractors.document import _index_spans
    from extractors.segment import segment, strip_noise
    from extractors.text import DocText
    from models.db import upgrade
    from models.records import Outcome
    from pipeline import steps
    from pipeline.settings import Settings
    from pipeline.store import documents

    url = f"sqlite:///{work / 'stages.db'}"
    upgrade(url)
    settings = Settings.from_env().with_(database_url=url)
    steps.warm_up()
    costs: dict[str, tuple[float, float]] = {}

    def stage(name: str, work):
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        costs[name] = (time.process_time() - cpu, time.perf_counter() - wall)
        return result

    prepared = stage("read", lambda: [steps.start_document(str(path), settings) for path in pdfs])
    outcomes = stage("store", lambda: [steps.finish_document(doc, [], settings) for doc in prepared if not isinstance(doc, Outcome)])
    versions = [o.version_id for o in outcomes if o.version_id is not None]
    page_lists = [[p for p in documents.pages_of(url, v) if not p.error] for v in versions]

    def segment_all() -> None:
        for pages in page_lists:
            doc = DocText.from_pages(pages)
            clean = strip_noise(doc.text)
            segment(doc, _index_spans(doc, pages), clean)

    stage("segment", segment_all)
    stage("extract", lambda: [steps.extract_or_record(url, version) for version in versions])
    # Extraction includes its own segmentation: shown apart, not twice.
    (cpu, wall), (seg_cpu, seg_wall) = costs["extract"], costs["segment"]
    costs["extract"] = (cpu - seg_cpu, wall - seg_wall)
    stage("flags", lambda: steps.check_pending(url))
    return {name: costs[name] for name in STAGES}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=4, help="byte-distinct copies of each sample PDF (default 4)")
    parser.add_argument("--skip-command", action="store_true", help="only the libraries and the stages")
    parser.add_argument("--also", action="append", default=[], metavar="PROTOKOLL",
                        help="another `protokoll` executable (e.g. another checkout's .venv/bin/protokoll) run on the same files")
    args = parser.parse_args(argv)
    samples = sorted(SAMPLES.glob("*.pdf"))
    if not samples:
        print(f"no sample PDFs under {SAMPLES}: run `make samples`", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="protokoll-throughput-") as tmp:
        work = Path(tmp)
        pdfs = copies_of(samples, work / "in", args.copies)
        pages = pdf_page_count(pdfs)
        short = "" if pages >= MIN_PAGES else f" (fewer than {MIN_PAGES}: raise --copies)"
        print(f"text-layer throughput: {pages} pages in {len(pdfs)} PDFs ({len(samples)} samples x {args.copies} copies), "
              f"{os.cpu_count()} cores{short}")
        base: dict[str, float] = {}
        poppler = pdftotext(pdfs)
        if poppler is None:
            print("    pdftotext                  unavailable (poppler-utils: scripts/setup_system.sh)")
        else:
            base["pdftotext -layout"] = poppler
        base["pdfplumber extract_text"] = timed(lambda: [read_pdfplumber(p) for p in pdfs])
        base["pypdfium2 get_text_range"] = timed(lambda: [read_pdfium_plain(p) for p in pdfs])
        for name, seconds in base.items():
            print(f"    {name:<26} {seconds:7.2f} s  {pages / seconds:8.1f} pages/s  (one process)")
        if not args.skip_command:
            commands = [("protokoll ingest", Path(sys.executable).with_name("protokoll"))]
            commands += [(f"  {exe}", Path(exe)) for exe in args.also]
            for label, exe in commands:
                wall, cpu, largest, tree, status = whole_command(work / "in", work, exe)
                rate = pages / wall
                print(f"    {label:<26} {wall:7.2f} s  {rate:8.1f} pages/s  (whole command, --workers {WORKERS}; exit {status}; "
                      f"CPU {cpu:.1f} s = {cpu / wall:.2f} cores, {1000 * cpu / pages:.0f} ms/page; "
                      f"peak RSS {tree:.0f} MB all processes, {largest:.0f} MB largest)")
                ratios = ", ".join(f"{rate / (pages / s):.2f}x {name.split()[0]}" for name, s in base.items())
                print(f"    {'':<26} ratio: {ratios}; target {TARGET:.0f} pages/s: {rate / TARGET:.2f}x")
        print("per-stage cost (one process, one stage after the other, through pipeline.steps; CPU is what a core "
              "spends, wall what a busy machine adds):")
        stages = stage_costs(pdfs, work)
        total_cpu = sum(cpu for cpu, _ in stages.values())
        total_wall = sum(wall for _, wall in stages.values())
        for name, (cpu, wall) in stages.items():
            print(f"    {name:<8} {1000 * cpu / pages:6.1f} ms/page CPU {100 * cpu / total_cpu:4.0f} %   "
                  f"{1000 * wall / pages:6.1f} ms/page wall")
        print(f"    {'total':<8} {1000 * total_cpu / pages:6.1f} ms/page CPU = {pages / total_cpu:.1f} pages/s on one core, "
              f"{WORKERS * pages / total_cpu:.1f} on {WORKERS} if split perfectly ({1000 * total_wall / pages:.1f} ms/page wall)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
