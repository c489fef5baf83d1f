"""Query latency of `decisions` (by municipality, body, date range, case, free text), `case DNR` and
`person NAME` on SQLite and PostgreSQL, and the speed and memory of `protokoll export`.

Builds (or reuses) a database of at least --items items per dialect with make_big_db (10 000 by default,
1 000 000 with `make bench-scale`), then times the query functions the CLI calls.  Prints median and p95 per
query and dialect, and the query plan (EXPLAIN / EXPLAIN QUERY PLAN) of every statement of a query whose p95
is over TARGET_MS; then exports the database with the CLI and prints documents/s and peak RSS.  Asserts nothing.

    .venv/bin/python benchmarks/query_bench.py --sqlite sqlite:///big.db --postgres postgresql+psycopg://postgres@127.0.0.1:5432/protokoll_bench
    .venv/bin/python benchmarks/query_bench.py --items 1000000 --sqlite sqlite:///benchmarks/big1m.db \\
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/protokoll_bench_1m
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, event, func, select, text  # noqa: E402

from benchmarks.make_big_db import build, stamp_extractions  # noqa: E402
from models.db import get_engine, session_scope  # noqa: E402
from models.schema import Document, DocumentVersion, ItemRecord  # noqa: E402
from pipeline.research.queries import DecisionFilters, case, decisions, person  # noqa: E402

TARGET_MS = 100.0
# A researcher's page of results: `--text finansiering` matches a tenth of a national database, and
# no interactive query prints a hundred thousand rows.  Filters that match few rows are not limited.
PAGE = 100

# label -> the calls that are timed in turn (several values, so no one value's luck decides).
QUERIES: dict[str, list[Callable[[str], Any]]] = {
    "decisions --municipality": [
        lambda url, m=m: decisions(url, DecisionFilters(municipality=m, limit=PAGE)) for m in ("Tyresö", "GOTEBORG", "Kiruna kommun", "Malmö stad", "0180")
    ],
    "decisions --body": [
        lambda url, b=b: decisions(url, DecisionFilters(body=b, limit=PAGE)) for b in ("Kommunstyrelsen", "socialnämndens", "Tekniska nämnden")
    ],
    "decisions --from --to (a month)": [
        lambda url, y=y: decisions(url, DecisionFilters(date_from=date(y, 3, 1), date_to=date(y, 3, 31), limit=PAGE)) for y in (2016, 2019, 2022, 2024)
    ],
    "decisions --municipality --body --from": [
        lambda url, m=m: decisions(url, DecisionFilters(municipality=m, body="Kommunstyrelsen", date_from=date(2020, 1, 1)))
        for m in ("Tyresö", "Umeå", "Lund")
    ],
    "decisions --case": [lambda url, c=c: decisions(url, DecisionFilters(case=c)) for c in ("2019/KS 0042", "2021/SN 0007", "2017/BUN 0100")],
    "decisions --text": [
        lambda url, t=t: decisions(url, DecisionFilters(text=t, limit=PAGE))
        for t in ("kunskapsstyrningen", "nomineringsförfarande", "hedersrelaterat våld", "finansiering", "samarbetsavtal")
    ],
    "decisions --text --municipality": [
        lambda url, m=m: decisions(url, DecisionFilters(municipality=m, text="finansiering", limit=PAGE)) for m in ("Tyresö", "Umeå", "Lund")
    ],
    "case DNR": [lambda url, c=c: case(url, c) for c in ("2019/KS 0042", "2021/SN 0007", "2017/BUN 0100")],
    "person NAME": [lambda url, n=n: person(url, n) for n in ("Anna Andersson", "Erik Lindqvist", "Karin Nyström", "Per Ali")],
}


def ensure_postgres_database(url: str) -> None:
    admin_url, name = url.rsplit("/", 1)
    engine = create_engine(admin_url + "/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def _size(result: Any) -> int:
    return len(result.persons) if hasattr(result, "persons") else len(result)


def time_queries(url: str, runs: int) -> dict[str, tuple[float, float, int]]:
    results = {}
    for label, calls in QUERIES.items():
        for call in calls:
            call(url)  # warm the connection pool and the database's page cache
        timings, rows = [], 0
        for i in range(runs):
            call = calls[i % len(calls)]
            started = time.perf_counter()
            rows += _size(call(url))
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        results[label] = (statistics.median(timings), timings[max(0, int(len(timings) * 0.95) - 1)], rows // runs)
    return results


def query_plans(url: str, call: Callable[[], Any], settings: list[str] = ()) -> list[tuple[str, list[str]]]:
    """(statement, plan lines) of every SELECT that `call` sends to the database at `url`, as the database plans it
    with the parameters it was sent (EXPLAIN on PostgreSQL, EXPLAIN QUERY PLAN on SQLite); `settings` are run on
    the explaining connection first (SET enable_seqscan = off)."""
    engine = get_engine(url)
    sent: list[tuple[str, Any]] = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    sqlite = engine.dialect.name == "sqlite"
    plans = []
    with engine.connect() as conn:
        for setting in settings:
            conn.exec_driver_sql(setting)
        for statement, parameters in sent:
            rows = conn.exec_driver_sql(("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + statement, parameters).all()
            plans.append((statement, [r[3] if sqlite else r[0] for r in rows]))
    return plans


def print_plans(url: str, label: str) -> None:
    print(f"  plans of {label!r} (p95 over {TARGET_MS:.0f} ms):")
    seen = set()
    for statement, plan in query_plans(url, lambda: QUERIES[label][0](url)):
        if statement in seen:  # the same statement for another person or case: one plan is enough
            continue
        seen.add(statement)
        print("    " + " ".join(statement.split())[:160])
        for line in plan:
            print("      " + line)


def export_run(url: str) -> tuple[int, float, float]:
    """(documents, seconds, peak RSS in MB) of `protokoll export --format jsonl` of the database, in a child process."""
    documents = 0
    with session_scope(url) as s:
        documents = s.scalar(select(func.count()).select_from(Document))
    protokoll = Path(sys.executable).with_name("protokoll")
    with tempfile.TemporaryDirectory() as tmp:
        env = os.environ | {"PREFECT_HOME": str(Path(tmp) / "prefect"), "PREFECT_LOGGING_LEVEL": "WARNING"}
        started = time.perf_counter()
        child = subprocess.Popen([str(protokoll), "export", "--format", "jsonl", "--out", str(Path(tmp) / "x.jsonl"), "--db", url],
                                 env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        stderr = child.stderr.read()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise SystemExit(f"export of {url} failed with exit status {child.returncode}: {stderr.decode(errors='replace')}")
    return documents, seconds, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def export_rates(url: str, documents: int = 5_000) -> tuple[int, float, float]:
    """(documents, documents/s of the export's lines from the rows, documents/s of the same lines through typed
    records) over the first `documents` documents in path order, in this process: the rows path is what
    `protokoll export` runs, the typed path (load_extractions, then document_object) is what it ran before."""
    from pipeline.research.export import _Parts, _source, document_object, line, lines_of
    from pipeline.store.flags import flags_by_version
    from pipeline.store.repository import BATCH, load_extractions, read_batches

    with session_scope(url) as session:
        rows = session.execute(
            select(Document.path, DocumentVersion.id, DocumentVersion.sha256, DocumentVersion.page_count, DocumentVersion.ocr)
            .join(DocumentVersion, DocumentVersion.id == Document.current_version_id).order_by(Document.path).limit(documents)
        ).all()
    encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode

    def by_rows(session: Any, chunk: list[Any], flags: dict[int, list]) -> Iterator[dict[str, Any]]:
        parts: dict[int, _Parts] = {}
        for batch in read_batches(session, [r[1] for r in chunk], with_sections=False):
            parts.update(lines_of(batch))
        return (line(_source(path, sha256, pages, ocr), parts.get(v), flags.get(v, [])) for path, v, sha256, pages, ocr in chunk)

    def by_records(session: Any, chunk: list[Any], flags: dict[int, list]) -> Iterator[dict[str, Any]]:
        extractions = load_extractions(session, [r[1] for r in chunk], with_sections=False)
        return (document_object(path, sha256, pages, ocr, extractions.get(v), flags.get(v, [])) for path, v, sha256, pages, ocr in chunk)

    def written(lines_of_chunk: Callable[..., Iterator[dict[str, Any]]]) -> int:
        size = 0
        with session_scope(url) as session:
            for start in range(0, len(rows), BATCH):
                chunk = rows[start : start + BATCH]
                size += sum(len(encode(obj)) for obj in lines_of_chunk(session, chunk, flags_by_version(url, [r[1] for r in chunk])))
        return size

    timed = {}
    for name, lines_of_chunk in (("records", by_records), ("rows", by_rows)):
        started = time.perf_counter()
        size = written(lines_of_chunk)
        timed[name] = (time.perf_counter() - started, size)
    if timed["rows"][1] != timed["records"][1]:
        raise SystemExit(f"the two export paths wrote {timed['rows'][1]} and {timed['records'][1]} characters")
    return len(rows), len(rows) / timed["rows"][0], len(rows) / timed["records"][0]


def export_memory(small_url: str, big: tuple[int, float, float], documents: int = 1_000) -> None:
    """Peak RSS of the export of a database of about `documents` synthetic documents beside that of the big one
    (`big`: export_run's figures; the same synthetic protocols): streamed, the two are the same."""
    from benchmarks.make_big_db import bulk_build

    if small_url.startswith("postgresql"):
        ensure_postgres_database(small_url)
    bulk_build(small_url, documents * 20)  # a synthetic protocol has 20 § on average
    stamp_extractions(small_url)
    export_run(small_url)  # the first opening of a database may migrate it, which is not the export's memory
    small = export_run(small_url)
    print(f"{'':<21}  export peak RSS: {small[0]} documents {small[2]:.0f} MB, {big[0]} documents {big[2]:.0f} MB "
          f"(x{big[2] / small[2]:.2f} for x{big[0] / small[0]:.0f} the documents)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", default=None, help="default: sqlite:///benchmarks/big.db (big1m.db from 1 000 000 items)")
    parser.add_argument("--postgres", default=None, help="default: .../protokoll_bench (protokoll_bench_1m from 1 000 000 items)")
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--no-export", action="store_true", help="time the queries only")
    parser.add_argument("--only", choices=("sqlite", "postgresql"), help="one dialect")
    parser.add_argument("--memory", action="store_true", help="also export a database of 1 000 synthetic documents and compare peak RSS")
    args = parser.parse_args()
    scale = "_1m" if args.items >= 1_000_000 else ""
    sqlite_url = args.sqlite or f"sqlite:///benchmarks/big{scale.lstrip('_')}.db"
    postgres_url = args.postgres or f"postgresql+psycopg://postgres@127.0.0.1:5432/protokoll_bench{scale}"
    small_urls = {"sqlite": "sqlite:///benchmarks/big1k.db", "postgresql": postgres_url + "_1k"}
    dialects = [(d, u) for d, u in (("sqlite", sqlite_url), ("postgresql", postgres_url)) if args.only in (None, d)]
    if any(d == "postgresql" for d, _ in dialects):
        ensure_postgres_database(postgres_url)
    for dialect, url in dialects:
        started = time.perf_counter()
        build(url, args.items)
        built = time.perf_counter() - started
        with session_scope(url) as s:
            items = s.scalar(select(func.count()).select_from(ItemRecord))
            if dialect == "postgresql":
                s.execute(text("ANALYZE"))
        print(f"{dialect}: {items} items (build or reuse {built:.0f} s)")
        print(f"{'dialect':<11} {'items':>8}  {'query':<40} {'median ms':>9} {'p95 ms':>7} {'rows':>5}")
        over = []
        for label, (median, p95, rows) in time_queries(url, args.runs).items():
            print(f"{dialect:<11} {items:>8}  {label:<40} {median:>9.1f} {p95:>7.1f} {rows:>5}", flush=True)
            if p95 > TARGET_MS:
                over.append(label)
        for label in over:
            print_plans(url, label)
        if not args.no_export:
            stamp_extractions(url)
            documents, seconds, rss = big = export_run(url)
            print(f"{dialect:<11} {items:>8}  export --format jsonl: {documents} documents in {seconds:.1f} s = {documents / seconds:.0f} documents/s "
                  f"(the whole command), peak RSS {rss:.0f} MB", flush=True)
            sample, rows_rate, records_rate = export_rates(url)
            print(f"{dialect:<11} {items:>8}  export lines, first {sample} documents: {rows_rate:.0f} documents/s from the rows, "
                  f"{records_rate:.0f} through typed records (before), x{rows_rate / records_rate:.1f}", flush=True)
            if args.memory:
                export_memory(small_urls[dialect], big)


if __name__ == "__main__":
    main()
