"""Query latency of `decisions --municipality` and `decisions --text` on SQLite and PostgreSQL.

Builds (or reuses) a database of at least 10 000 items per dialect with make_big_db, then times the
query functions the CLI calls.  Prints median and p95 per query and dialect; asserts nothing.

    .venv/bin/python benchmarks/query_bench.py --sqlite sqlite:///big.db --postgres postgresql+psycopg://postgres@127.0.0.1:5432/protokoll_bench
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, func, select, text  # noqa: E402

from benchmarks.make_big_db import build  # noqa: E402
from models.db import session_scope  # noqa: E402
from models.schema import ItemRecord  # noqa: E402
from pipeline.queries import DecisionFilters, decisions  # noqa: E402

QUERIES = {
    "decisions --municipality Tyresö": [DecisionFilters(municipality=m) for m in ("Tyresö", "GOTEBORG", "Kiruna kommun", "Malmö stad", "0180")],
    "decisions --text kunskapsstyrningen": [DecisionFilters(text=t) for t in ("kunskapsstyrningen", "nomineringsförfarande", "hedersrelaterat våld", "finansiering", "samarbetsavtal")],
}


def ensure_postgres_database(url: str) -> None:
    admin_url, name = url.rsplit("/", 1)
    engine = create_engine(admin_url + "/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def time_queries(url: str, runs: int) -> dict[str, tuple[float, float, int]]:
    results = {}
    for label, filters in QUERIES.items():
        for f in filters:
            decisions(url, f)  # warm caches and the connection pool
        timings, rows = [], 0
        for i in range(runs):
            f = filters[i % len(filters)]
            started = time.perf_counter()
            rows += len(decisions(url, f))
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        results[label] = (statistics.median(timings), timings[max(0, int(len(timings) * 0.95) - 1)], rows // runs)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sqlite", default="sqlite:///benchmarks/big.db")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/protokoll_bench")
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    ensure_postgres_database(args.postgres)
    print(f"{'dialect':<11} {'items':>6}  {'query':<38} {'median ms':>9} {'p95 ms':>7} {'rows':>5}")
    for dialect, url in (("sqlite", args.sqlite), ("postgresql", args.postgres)):
        build(url, args.items)
        with session_scope(url) as s:
            items = s.scalar(select(func.count()).select_from(ItemRecord))
            if dialect == "postgresql":
                s.execute(text("ANALYZE"))
        for label, (median, p95, rows) in time_queries(url, args.runs).items():
            print(f"{dialect:<11} {items:>6}  {label:<38} {median:>9.1f} {p95:>7.1f} {rows:>5}")


if __name__ == "__main__":
    main()
