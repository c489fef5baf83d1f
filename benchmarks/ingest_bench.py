"""Benchmark: OCR quality, OCR speed against raw Tesseract, text-layer speed and peak memory.

Run with `make bench` (generates the samples first). Prints figures; asserts nothing.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import argparse  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from collections.abc import Iterator, Sequence  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from dataclasses import dataclass, field, replace  # noqa: E402
from pathlib import Path  # noqa: E402

import pdfplumber  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402
from PIL import Image  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

from pipeline.errors import ProtokollError  # noqa: E402
from pipeline.intake.ocr import ocr_image, render_pdf_page  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples" / "generated"
WORKERS = 2


@dataclass(frozen=True, slots=True)
class Run:
    """One timed `protokoll ingest` run."""

    ok: bool
    seconds: float
    peak_rss_mb: float
    detail: str = ""
    first_page: float | None = None
    """Seconds from the command's start to its first Tesseract page."""
    ocr_span: float | None = None
    """Seconds from the first Tesseract page's start to the last one's end."""
    cpu: float | None = None
    """CPU seconds of the command and every process it waited for (Tesseract, a temporary API)."""
    tesseract_cpu: float | None = None
    """CPU seconds of the Tesseract processes alone."""
    idle: float | None = None
    """Worker-seconds of the OCR phase in which fewer than `WORKERS` Tesseract processes ran."""
    server_cpu: float | None = None
    """CPU seconds a running Prefect server spent during the run (None with a temporary API)."""

    @property
    def beside(self) -> float | None:
        """CPU seconds spent outside Tesseract: the pipeline's own work and Prefect's."""
        if self.cpu is None or self.tesseract_cpu is None:
            return None
        return self.cpu - self.tesseract_cpu + (self.server_cpu or 0.0)


# Logs when each Tesseract recognition starts and ends, and its CPU time: the second line of `times`, the
# shell's children's user and system time, run in this shell (a pipe or $(...) would ask a subshell).
# The `--version` probes are not pages.
_WRAPPER = """#!/bin/sh
case "$1" in --version|--list-langs) exec {real} "$@";; esac
start=$(date +%s.%N)
{real} "$@"
status=$?
end=$(date +%s.%N)
times > {log}.$$
{{ read -r _ _; read -r user system; }} < {log}.$$
rm -f {log}.$$
echo "$start $end $user $system" >> {log}
exit $status
"""
_TIMES = re.compile(r"(?:(\d+)m)?([\d.]+)s")


def _shell_seconds(text: str) -> float:
    """`times` output ("0m4.170000s") in seconds."""
    m = _TIMES.fullmatch(text)
    return 60 * int(m.group(1) or 0) + float(m.group(2)) if m else 0.0


@dataclass(frozen=True, slots=True)
class PageSpan:
    start: float
    end: float
    cpu: float


def read_pages_log(log: Path) -> list[PageSpan]:
    spans = []
    for line in log.read_text().splitlines():
        fields = line.split()
        if len(fields) >= 2:
            cpu = sum(_shell_seconds(f) for f in fields[2:4])
            spans.append(PageSpan(float(fields[0]), float(fields[1]), cpu))
    return spans


def idle_worker_seconds(spans: Sequence[PageSpan], workers: int = WORKERS) -> float:
    """Worker-seconds between the first page's start and the last one's end in which a worker ran no Tesseract."""
    events = sorted([(s.start, 1) for s in spans] + [(s.end, -1) for s in spans])
    idle, running, last = 0.0, 0, events[0][0] if events else 0.0
    for moment, change in events:
        idle += max(0, workers - running) * (moment - last)
        running, last = running + change, moment
    return idle


@contextmanager
def timed_tesseract(work: Path) -> Iterator[tuple[dict[str, str], Path]]:
    """An environment whose `tesseract` is the real one behind a wrapper that logs each page's start and end."""
    real = shutil.which("tesseract")
    folder = work / "tesseract-wrapper"
    folder.mkdir(exist_ok=True)
    log = folder / "pages.log"
    wrapper = folder / "tesseract"
    wrapper.write_text(_WRAPPER.format(real=real, log=log))
    wrapper.chmod(0o755)
    yield {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ.get('PATH', '')}"}, log


def normalise(text: str) -> str:
    return " ".join(text.split())


def scanned_pages(scanned: Path, work: Path) -> list[tuple[str, Path, str]]:
    """(label, page image, ground truth) for every scanned sample page, rendering PDFs to PNG."""
    pages: list[tuple[str, Path, str]] = []
    for truth_dir in sorted((scanned.parent / "truth").glob("*.gt")):
        stem = truth_dir.name.removesuffix(".gt")
        sources = [p for p in scanned.glob(f"{stem}.*") if p.is_file()]
        if not sources:
            continue
        source = sources[0]
        for number, truth in enumerate(sorted(truth_dir.glob("page-*.txt")), start=1):
            label = f"{source.name} p{number}"
            if source.suffix == ".pdf":
                image = work / f"{stem}-{number:03d}.png"
                render_pdf_page(source, number - 1).save(image)
            elif source.suffix in {".tif", ".tiff"}:
                image = work / f"{stem}-{number:03d}.tiff"
                with Image.open(source) as multi:
                    multi.seek(number - 1)
                    multi.save(image)
            else:
                image = source
            pages.append((label, image, truth.read_text(encoding="utf-8")))
    return pages


def ocr_quality(pages: Sequence[tuple[str, Path, str]]) -> None:
    print("(a) OCR character error rate (ocr_image vs ground truth, whitespace-normalised)")
    errors = total = 0
    for label, image, truth in pages:
        started = time.perf_counter()
        try:
            result = ocr_image(image)
        except ProtokollError as e:
            print(f"    {label:40s} failed: {e.message}")
            continue
        distance = Levenshtein.distance(normalise(result.text), normalise(truth))
        length = len(normalise(truth))
        errors, total = errors + distance, total + length
        print(
            f"    {label:40s} CER {distance / max(length, 1):6.2%}  conf {result.mean_conf:5.1f}"
            f"  rot {result.rotation:3d}  skew {result.skew:+5.2f}  {time.perf_counter() - started:5.1f} s"
        )
    if total:
        print(f"    overall CER {errors / total:.2%} over {total} characters")


def child_peak_rss_mb() -> float:
    # ru_maxrss of children is the largest single descendant, in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def protokoll_ingest(paths: Sequence[Path], db_dir: Path, env: dict[str, str] | None = None, pages_log: Path | None = None) -> Run:
    """Time `protokoll ingest PATH... --workers 2` into a fresh SQLite database (and its OCR phase, given the
    log of `timed_tesseract`)."""
    if pages_log is not None:
        pages_log.unlink(missing_ok=True)
    wall_start = time.time()
    exe = shutil.which("protokoll") or str(Path(sys.executable).with_name("protokoll"))
    if not Path(exe).exists():
        return Run(False, 0.0, 0.0, "protokoll CLI not installed")
    db = db_dir / f"bench-{time.monotonic_ns()}.db"
    command = [exe, "ingest", *map(str, paths), "--db", f"sqlite:///{db}", "--workers", str(WORKERS)]
    # A fresh, throwaway child so RUSAGE_CHILDREN reflects ingest, not earlier work in this process.
    probe = (
        "import resource, subprocess, sys;"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
        "r = resource.getrusage(resource.RUSAGE_CHILDREN); print(r.ru_utime + r.ru_stime, r.ru_maxrss);"
        "sys.stderr.write(p.stderr[-2000:]); sys.exit(p.returncode)"
    )
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    try:
        cpu_text, rss_text = done.stdout.strip().splitlines()[-1].split()
        cpu, peak = float(cpu_text), int(rss_text) / 1024
    except (IndexError, ValueError):
        cpu, peak = None, child_peak_rss_mb()
    # Exit code 1 means some documents failed, which the broken samples are there to cause.
    ok = done.returncode in (0, 1)
    first_page = ocr_span = tesseract_cpu = idle = None
    if pages_log is not None and pages_log.exists():
        spans = read_pages_log(pages_log)
        if spans:
            first_page = min(s.start for s in spans) - wall_start
            ocr_span = max(s.end for s in spans) - min(s.start for s in spans)
            tesseract_cpu = sum(s.cpu for s in spans)
            idle = idle_worker_seconds(spans)
    detail = "" if ok else f"exit {done.returncode}: {done.stderr.strip()[-400:]}"
    return Run(ok, seconds, peak, detail, first_page, ocr_span, cpu, tesseract_cpu, idle)


def raw_tesseract(images: Sequence[Path], language: str = "swe") -> tuple[float, float]:
    """Seconds and CPU seconds for the `tesseract` CLI to read `images`, two processes at a time, with the
    pipeline's own flags."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(image: Path) -> None:
        subprocess.run(
            ["tesseract", str(image), "stdout", "-l", language, "--psm", "3", "--dpi", "300"],
            check=True,
            capture_output=True,
            env=env,
        )

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(one, images))
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def pdf_page_count(paths: Sequence[Path]) -> int:
    count = 0
    for path in paths:
        pdf = pdfium.PdfDocument(str(path))
        count += len(pdf)
        pdf.close()
    return count


def copies_of(pdfs: Sequence[Path], folder: Path, copies: int) -> list[Path]:
    """`copies` byte-distinct copies of each PDF (a trailing comment changes the hash, not the pages)."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for pdf in pdfs:
        data = pdf.read_bytes()
        for n in range(copies):
            target = folder / f"{pdf.stem}-copy{n}.pdf"
            target.write_bytes(data + f"\n% copy {n}\n".encode())
            made.append(target)
    return made


def startup_seconds(work: Path, env: dict[str, str] | None = None, rounds: int = 3) -> float:
    """Median wall time of `protokoll ingest` on one small text file: process, Prefect API, database, extraction."""
    folder = work / "startup"
    folder.mkdir(exist_ok=True)
    (folder / "one.txt").write_text("Protokoll\n§ 1 Mötets öppnande\n", encoding="utf-8")
    return statistics.median(protokoll_ingest([folder], work, env).seconds for _ in range(rounds))


@contextmanager
def prefect_server(work: Path) -> Iterator[tuple[dict[str, str], subprocess.Popen[bytes]] | None]:
    """A `prefect server start` for the run, as a registrar would keep one for daily batches; yields the env that uses it."""
    prefect = Path(sys.executable).with_name("prefect")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "PREFECT_HOME": str(work / "prefect-server"), "PREFECT_UI_ENABLED": "false",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    server = subprocess.Popen([str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            yield None
            return
        yield {**os.environ, "PREFECT_API_URL": url}, server
    finally:
        server.terminate()
        server.wait(timeout=30)


@dataclass
class Timings:
    raw: list[float] = field(default_factory=list)
    raw_cpu: list[float] = field(default_factory=list)
    ephemeral: list[Run] = field(default_factory=list)
    server: list[Run] = field(default_factory=list)


def ocr_speed(scanned: Path, work: Path, copies: int, rounds: int) -> None:
    print(f"(b) OCR speed, {WORKERS} workers; the baseline is the tesseract CLI with the same flags on the same page images.")
    print(f"    Raw and pipeline runs alternate, {rounds} rounds each; figures are medians.")
    pdfs = sorted(scanned.glob("*.pdf"))
    with prefect_server(work) as server, timed_tesseract(work) as (wrapped_env, pages_log):
        server_env = server[0] if server else None
        startup = startup_seconds(work)
        served = startup_seconds(work, server_env) if server_env else None
        print(f"    fixed start-up of `protokoll ingest` (one small text file): {startup:.1f} s with Prefect's temporary API"
              + (f", {served:.1f} s with a running Prefect server" if served is not None else ""))
        medians: list[Timings] = []
        for label, batch in (("scanned samples", pdfs), (f"scanned samples x{copies}", copies_of(pdfs, work / f"x{copies}", copies))):
            if not batch:
                continue
            count = pdf_page_count(batch)
            # The baseline reads rendered page images; rendering is not timed.
            images = []
            for pdf in batch:
                for i in range(pdf_page_count([pdf])):
                    image = work / "raw" / f"{pdf.stem}-{i:03d}.png"
                    if not image.exists():
                        image.parent.mkdir(parents=True, exist_ok=True)
                        render_pdf_page(pdf, i).save(image)
                    images.append(image)
            folder = work / f"in-{label.replace(' ', '-')}"
            folder.mkdir(exist_ok=True)
            for pdf in batch:
                shutil.copy2(pdf, folder / pdf.name)
            timings = Timings()
            medians.append(timings)
            for _ in range(rounds):
                seconds, cpu = raw_tesseract(images)
                timings.raw.append(seconds)
                timings.raw_cpu.append(cpu)
                run = protokoll_ingest([folder], work, wrapped_env, pages_log)
                if not run.ok:
                    print(f"    {label}: protokoll ingest unavailable ({run.detail})")
                    break
                timings.ephemeral.append(run)
                if server:
                    env, process = server
                    before = process_cpu(process.pid)
                    run = protokoll_ingest([folder], work, {**env, "PATH": wrapped_env["PATH"]}, pages_log)
                    if run.ok:
                        timings.server.append(replace(run, server_cpu=process_cpu(process.pid) - before))
            if not timings.ephemeral:
                continue
            raw = statistics.median(timings.raw)
            print(f"    {label}: {count} pages")
            print(f"      raw tesseract CLI            {raw:6.1f} s = {60 * count / raw:5.1f} pages/min   (runs: {_runs(timings.raw)})")
            for name, runs, fixed in (("temporary API", timings.ephemeral, startup), ("running server", timings.server, served)):
                if not runs or fixed is None:
                    continue
                median = statistics.median(r.seconds for r in runs)
                print(f"      protokoll ingest, {name:14s} {median:6.1f} s = {60 * count / median:5.1f} pages/min   (runs: {_runs([r.seconds for r in runs])})")
                print(f"        overhead over raw Tesseract: {100 * (median - raw) / raw:+.1f} % in all, "
                      f"{100 * (median - fixed - raw) / raw:+.1f} % after the fixed start-up of {fixed:.1f} s")
                spans = [r for r in runs if r.ocr_span is not None and r.first_page is not None]
                if spans:
                    span = statistics.median(r.ocr_span for r in spans)
                    first = statistics.median(r.first_page for r in spans)
                    tail = statistics.median(r.seconds - r.first_page - r.ocr_span for r in spans)
                    print(f"        OCR phase (first page read to last): {span:6.1f} s, {100 * (span - raw) / raw:+.1f} % over raw Tesseract; "
                          f"first page starts after {first:.1f} s, the run ends {tail:.1f} s after the last")
                _cpu_line(runs, statistics.median(timings.raw_cpu))
        _marginal(medians)


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_line(runs: Sequence[Run], raw_cpu: float) -> None:
    """CPU beside Tesseract: on cores that Tesseract keeps busy, every such second delays the batch."""
    measured = [r for r in runs if r.beside is not None and r.tesseract_cpu and r.idle is not None]
    if not measured:
        return
    beside = statistics.median(r.beside for r in measured)
    tesseract = statistics.median(r.tesseract_cpu for r in measured)
    idle = statistics.median(r.idle for r in measured)
    server = [r.server_cpu for r in measured if r.server_cpu is not None]
    of_which = f" (of which the Prefect server {statistics.median(server):.1f} s)" if server else ""
    print(f"        CPU beside Tesseract: {beside:.1f} s{of_which}, {100 * beside / tesseract:.1f} % of Tesseract's "
          f"{tesseract:.1f} s (raw CLI: {raw_cpu:.1f} s); workers idle during the OCR phase: {idle:.1f} worker-seconds")


def _marginal(batches: Sequence[Timings]) -> None:
    """Per-page overhead from the difference between the two batch sizes, where every fixed cost cancels out."""
    if len(batches) != 2 or not batches[0].raw or not batches[1].raw:
        return
    small, large = batches
    extra_raw = statistics.median(large.raw) - statistics.median(small.raw)
    print("    per-page overhead (the larger batch minus the smaller: fixed costs cancel out)")
    for name, a, b in (("temporary API", small.ephemeral, large.ephemeral), ("running server", small.server, large.server)):
        if a and b and extra_raw > 0:
            extra = statistics.median(r.seconds for r in b) - statistics.median(r.seconds for r in a)
            cpu = ""
            if all(r.beside is not None and r.tesseract_cpu for r in [*a, *b]):
                beside = statistics.median(r.beside for r in b) - statistics.median(r.beside for r in a)
                tesseract = statistics.median(r.tesseract_cpu for r in b) - statistics.median(r.tesseract_cpu for r in a)
                cpu = f"; CPU beside Tesseract {100 * beside / tesseract:+.1f} % of Tesseract's"
            print(f"      {name:14s} {100 * (extra - extra_raw) / extra_raw:+.1f} %  ({extra:.1f} s for pages raw Tesseract reads in {extra_raw:.1f} s{cpu})")


def _runs(values: Sequence[float]) -> str:
    return ", ".join(f"{v:.1f}" for v in values)


def text_speed(pdf_dir: Path, work: Path) -> None:
    print("(c) text-layer speed")
    pdfs = sorted(pdf_dir.glob("*.pdf"))
    count = pdf_page_count(pdfs)
    started = time.perf_counter()
    for path in pdfs:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
    plumber = time.perf_counter() - started
    print(f"    pdfplumber extract_text  {count} pages in {plumber:6.2f} s = {count / plumber:6.1f} pages/s")
    run = protokoll_ingest([pdf_dir], work)
    if not run.ok:
        print(f"    protokoll ingest         unavailable ({run.detail})")
        return
    print(
        f"    protokoll ingest         {count} pages in {run.seconds:6.2f} s = {count / run.seconds:6.1f} pages/s"
        " (includes process start-up and database)"
    )
    print(f"    peak RSS (largest process) {run.peak_rss_mb:.0f} MB")


def peak_memory(samples: Path, work: Path) -> None:
    print("(d) peak RSS ingesting all samples (pdf/, scanned/, bad/)")
    run = protokoll_ingest([samples / "pdf", samples / "scanned", samples / "bad"], work)
    if not run.ok:
        print(f"    protokoll ingest         unavailable ({run.detail})")
        return
    print(f"    {run.seconds:.1f} s, peak RSS of the largest process {run.peak_rss_mb:.0f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, default=SAMPLES)
    parser.add_argument("--copies", type=int, default=4, help="copies of the scanned samples in the larger OCR batch")
    parser.add_argument("--rounds", type=int, default=3, help="alternating raw/pipeline runs per OCR batch (medians are reported)")
    parser.add_argument(
        "--skip", nargs="*", default=[], choices=["quality", "ocr", "text", "memory"], help="parts to leave out"
    )
    args = parser.parse_args(argv)
    samples: Path = args.samples
    if not (samples / "scanned").is_dir():
        print(f"no samples in {samples}: run `make samples` first", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="protokoll-bench-") as tmp:
        work = Path(tmp)
        if "quality" not in args.skip:
            ocr_quality(scanned_pages(samples / "scanned", work))
        if "ocr" not in args.skip:
            ocr_speed(samples / "scanned", work, args.copies, args.rounds)
        if "text" not in args.skip:
            text_speed(samples / "pdf", work)
        if "memory" not in args.skip:
            peak_memory(samples, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
