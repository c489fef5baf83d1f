"""Helpers for the tests that run `protokoll ingest` as a registrar does, in processes of its own:
killed (test_crash), several at once (test_concurrent_ingest), stopped by a signal (test_signals)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.fixtures import POSTGRES_ADMIN_URL, SESSION, _postgres_or_fail, launch_api, seed_prefect_home

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "samples" / "seeds"
VARIANTS = REPO / "benchmarks" / "gold" / "variants"


def build_batch(folder: Path, size: int = 30) -> list[Path]:
    """`size` distinct text documents: the seeds whose claims meet across documents (SKL letter, Tyresö bundle,
    SKR letter, minutes), the constructed protocol variants, then copies of the variants with a filing note
    added (new bytes, the same claims: their matters gain a document)."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = [SEEDS / name for name in ("000_a22a12a289bbcf3c.txt", "001_5b71f28849db2a5a.txt", "003_0325c0e894bc0825.txt", "004_6d18d82d7c7ab236.txt")]
    sources += sorted(VARIANTS.glob("*.txt"))
    written: list[Path] = []
    for source in sources[:size]:
        target = folder / source.name
        target.write_bytes(source.read_bytes())
        written.append(target)
    variants = sorted(VARIANTS.glob("*.txt"))
    for number in range(size - len(written)):
        source = variants[number % len(variants)]
        target = folder / f"{source.stem}_diarium_{number + 1:02d}.txt"
        target.write_text(source.read_text(encoding="utf-8") + f"\n\nDiarieförd kopia nr {number + 1}.\n", encoding="utf-8")
        written.append(target)
    assert len({p.read_bytes() for p in written}) == size
    return written


def cli_env(prefect_home: Path, api_url: str | None) -> dict[str, str]:
    """The environment of a `protokoll` process: its own Prefect home; `api_url` a running Prefect API, or None
    for the command's own temporary API, which starts from a migrated copy of Prefect's database (seed_prefect_home)."""
    if not api_url:
        seed_prefect_home(prefect_home)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(prefect_home), PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_LOGGING_LEVEL="WARNING",
        OMP_THREAD_LIMIT="1", COLUMNS="200",
    )
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def start_cli(args: list[str], env: dict[str, str], **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli.app", *args], cwd=REPO, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen,
    )


def run_cli(args: list[str], env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli.app", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)


@contextmanager
def prefect_api(home: Path) -> Iterator[str]:
    """One temporary Prefect API (flows.api's own launcher) on a migrated copy of Prefect's database in `home`."""
    server = launch_api(home)
    try:
        problem = server.wait(180)
        assert problem is None, problem
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def api_url() -> str:
    """One Prefect API for the `protokoll` processes of every test that asks for it (the session's, started on
    first use): several temporary servers starting at once on a small machine would time out, which would test
    Prefect rather than the database, and starting one per run is the slow part of a small ingest."""
    return SESSION.shared_api_url()


@contextmanager
def new_database(backend: str, folder: Path, name: str) -> Iterator[str]:
    """The URL of a new, empty database (no schema: the command creates it on first use)."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / f'{name}.db'}"
        return
    _postgres_or_fail()
    database = f"protokoll_test_{name}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{database}"
    try:
        yield url
    finally:
        from models import db

        engine = db._engines.pop(db.normalise_url(url), None)
        if engine is not None:
            engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


def scalar(url: str, sql: str) -> int:
    """One number from the database the processes write, 0 while its tables do not exist yet."""
    from models.db import get_engine

    try:
        with get_engine(url).connect() as conn:
            return conn.execute(text(sql)).scalar() or 0
    except Exception:  # noqa: BLE001 - the schema is created by the process under test
        return 0


def _extractions(condition: str = "") -> str:
    from extractors.version import EXTRACTOR_VERSION

    return f"SELECT count(*) FROM extractions WHERE extractor_version = '{EXTRACTOR_VERSION}'{condition}"


STORED = "SELECT count(*) FROM document_versions WHERE status IN ('ok', 'partial')"
EXTRACTED = _extractions()
UNCHECKED = _extractions(" AND checked_at IS NULL")


def kill_when(process: subprocess.Popen, ready: Callable[[], bool], timeout: float = 600) -> bool:
    """SIGKILL `process` the moment `ready()` holds (polled every 20 ms); False if it ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if ready():
            process.send_signal(signal.SIGKILL)
            process.communicate()
            return True
        time.sleep(0.02)
    process.kill()
    raise AssertionError("the moment never came")


def snapshot(url: str) -> tuple[list[dict], list[str]]:
    """What a researcher and a reviewer see: the export (as `protokoll export --format jsonl` writes it) and the
    open flags' ids."""
    import io

    from pipeline.research.export import write_jsonl
    from pipeline.store.flags import list_flags

    out = io.StringIO()
    write_jsonl(url, out)
    export = [json.loads(line) for line in out.getvalue().splitlines()]
    return export, sorted(f.identity for f in list_flags(url))


def ingest_directly(paths: list[Path], url: str) -> list:
    """The ingest steps as the flow runs them, one document after another, without Prefect."""
    from pipeline import steps
    from pipeline.settings import Settings
    from models.records import Outcome

    settings = Settings(database_url=url, workers=1)
    outcomes = []
    for path in steps.discover(paths):
        result = steps.start_document(str(path), settings)
        if isinstance(result, Outcome):
            if result.needs_extraction and result.version_id is not None:
                steps.extract_or_record(url, result.version_id)
            outcomes.append(result)
            continue
        pages = [steps.read_page(result.path, result.kind, n, settings, result.deadline) for n in result.ocr_pages]
        outcome = steps.finish_document(result, pages, settings)
        steps.extract_outcome(url, outcome)
        outcomes.append(outcome)
    return outcomes
