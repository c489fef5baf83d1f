"""Benchmark: the consistency check of ONE new document, in databases of 10, 100 and 1 000 documents, by a check of
every document (`check_all`, what every ingest ran before) and by the incremental check (`check_pending`).

    .venv/bin/python benchmarks/check_bench.py                      # SQLite files in a temporary folder
    .venv/bin/python benchmarks/check_bench.py --sizes 10 100 --repeat 5
    .venv/bin/python benchmarks/check_bench.py --db postgresql://postgres@127.0.0.1:5432/postgres

Each database holds generated protocols (samples/protocol_generator.py), ingested and checked; then a new
protocol is ingested and the database copied, so that both checks start from the same state; each check is timed
on its own copy, and the flags they store are compared. With --db, databases are created (and dropped) on that
PostgreSQL server, copied with CREATE DATABASE … TEMPLATE. Prints figures; asserts nothing but the equality.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "samples"))

from sqlalchemy import create_engine, select, text  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from models import db  # noqa: E402
from models.schema import Document, FlagDocument, FlagRecord  # noqa: E402
from pipeline import steps  # noqa: E402
from pipeline.consistency import run  # noqa: E402
from pipeline.settings import Settings  # noqa: E402
from pipeline.store import flags  # noqa: E402
from protocol_generator import generate  # noqa: E402

#: Seeds of the new documents: far from those of the databases' protocols.
NEW_SEEDS = 900_000


class Databases:
    """Where the benchmark's databases live: SQLite files in a folder, or a PostgreSQL server."""

    def __init__(self, folder: Path, server: str | None):
        self.folder = folder
        self.server = db.normalise_url(server) if server else None
        self.admin = create_engine(self.server, isolation_level="AUTOCOMMIT", poolclass=NullPool) if self.server else None
        self.made: list[str] = []

    def new(self) -> str:
        name = f"check_bench_{uuid.uuid4().hex[:8]}"
        if self.admin is None:
            return f"sqlite:///{self.folder / name}.db"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.made.append(name)
        return self.server.rsplit("/", 1)[0] + f"/{name}"

    def copy(self, url: str) -> str:
        _forget(url)
        if self.admin is None:
            source = Path(url.removeprefix("sqlite:///"))
            target = self.folder / f"copy_{uuid.uuid4().hex[:8]}.db"
            for suffix in ("", "-wal"):
                if Path(f"{source}{suffix}").exists():
                    shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
            return f"sqlite:///{target}"
        name = f"check_bench_{uuid.uuid4().hex[:8]}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{url.rsplit("/", 1)[1]}"'))
        self.made.append(name)
        return self.server.rsplit("/", 1)[0] + f"/{name}"

    def drop(self, url: str) -> None:
        _forget(url)
        if self.admin is None:
            for suffix in ("", "-wal", "-shm", ".check.lock"):
                Path(f"{url.removeprefix('sqlite:///')}{suffix}").unlink(missing_ok=True)
            return
        name = url.rsplit("/", 1)[1]
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.made.remove(name)

    def close(self) -> None:
        for name in list(self.made):
            self.drop(self.server.rsplit("/", 1)[0] + f"/{name}")
        if self.admin is not None:
            self.admin.dispose()


def _forget(url: str) -> None:
    engine = db._engines.pop(db.normalise_url(url), None)
    if engine is not None:
        engine.dispose()


def ingest(url: str, path: Path) -> None:
    settings = Settings(database_url=url)
    outcome = steps.finish_document(steps.start_document(str(path), settings), [], settings)
    steps.extract_version(url, outcome.version_id)


def stored(url: str) -> dict[str, tuple]:
    with db.session_scope(url) as session:
        cited: dict[int, list[str]] = {}
        for flag_id, path in session.execute(select(FlagDocument.flag_id, Document.path).join(Document, Document.id == FlagDocument.document_id)):
            cited.setdefault(flag_id, []).append(path)
        return {r.identity: (str(r.status), r.message, r.evidence, sorted(cited.get(r.id, []))) for r in session.scalars(select(FlagRecord))}


@contextmanager
def counting_loads() -> Iterator[list[int]]:
    """How many documents' full facts each load_facts call reads, while inside."""
    counts: list[int] = []
    real = flags.load_facts

    def counted(url, documents=None):
        result = real(url, documents)
        counts.append(len(result[0]))
        return result

    flags.load_facts = counted
    try:
        yield counts
    finally:
        flags.load_facts = real


def timed(check, url: str) -> tuple[float, int]:
    with counting_loads() as counts:
        start = time.perf_counter()
        check(url)
        elapsed = time.perf_counter() - start
    return elapsed * 1000, sum(counts)


def bench(size: int, repeat: int, databases: Databases, folder: Path) -> dict[str, list[float]]:
    docs = folder / f"docs_{size}"
    docs.mkdir()
    base = databases.new()
    db.upgrade(base)
    start = time.perf_counter()
    for n in range(size):
        path = docs / f"p{n:05d}.txt"
        path.write_text(generate(n).text, encoding="utf-8")
        ingest(base, path)
    built = time.perf_counter() - start
    run.check_all(base)
    print(f"  {size} documents ingested in {built:.0f} s and checked", flush=True)
    figures: dict[str, list[float]] = {"full": [], "incremental": [], "loaded": []}
    for r in range(repeat):
        state = databases.copy(base)
        path = docs / f"p{size + r:05d}.txt"
        path.write_text(generate(NEW_SEEDS + size * 10 + r).text, encoding="utf-8")
        ingest(state, path)
        full, incremental = databases.copy(state), databases.copy(state)
        databases.drop(state)
        figures["full"].append(timed(run.check_all, full)[0])
        ms, loaded = timed(run.check_pending, incremental)
        figures["incremental"].append(ms)
        figures["loaded"].append(loaded)
        if stored(full) != stored(incremental):
            raise AssertionError(f"{size} documents, new document {r}: the checks stored different flags")
        databases.drop(full)
        databases.drop(incremental)
    databases.drop(base)
    return figures


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="a PostgreSQL server URL (any database on it); SQLite files when left out")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--repeat", type=int, default=3, help="new documents per size, each checked from the same state")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="check_bench_"))
    databases = Databases(folder, args.db)
    rows = []
    try:
        for size in args.sizes:
            figures = bench(size, args.repeat, databases, folder)
            rows.append((size, statistics.median(figures["full"]), statistics.median(figures["incremental"]), statistics.median(figures["loaded"])))
    finally:
        databases.close()
        shutil.rmtree(folder, ignore_errors=True)
    backend = "PostgreSQL" if args.db else "SQLite"
    print(f"\nms to check one new document ({backend}, median of {args.repeat}; same flags stored by both)")
    print(f"{'documents':>10} {'check_all':>12} {'incremental':>12} {'facts loaded':>13}")
    for size, full, incremental, loaded in rows:
        print(f"{size:>10} {full:>12.0f} {incremental:>12.0f} {loaded:>13.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
