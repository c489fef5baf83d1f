"""Shared fixtures: databases (SQLite and the real PostgreSQL server) and the Prefect test harness.

Migrating a database costs about a second (two on PostgreSQL), so each session migrates one template per
backend and every test gets a copy of it: a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on
PostgreSQL, where the next test's copy is made on a background thread while a test runs. A PostgreSQL
DROP DATABASE waits for a checkpoint (about 3 s on a busy disk), and drops under way at once share one:
they run on a pool of background threads while the next tests run. Prefect's test harness is started
once, in the background as soon as collection shows a test that needs it (under pytest-xdist: when the
worker is handed one). A temporary Prefect API on a new home spends about 13 s of CPU creating and
migrating its database before it answers, so the run migrates one Prefect home once and the harness
and the tests' own temporary APIs start from copies of it (`seed_prefect_home`). What the session
holds (databases, the harness, the shared API) is released by `close_session_resources`, called from
tests/conftest.py.

`database_url` runs a test on both backends. Tests whose code issues no dialect-specific SQL worth a
second run are marked `@pytest.mark.sqlite_only` (see tests/conftest.py); dialect-specific behaviour
(full-text search, upserts, advisory locks, migrations, concurrency) stays on both.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

REPO = Path(__file__).resolve().parents[1]
POSTGRES_ADMIN_URL = os.environ.get("PROTOKOLL_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
BACKENDS = ["sqlite", "postgresql"]


def _postgres_or_fail() -> None:
    """Fail (CI: PROTOKOLL_REQUIRE_POSTGRES=1) or skip when the PostgreSQL server cannot be reached."""
    try:
        engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as e:  # noqa: BLE001
        message = f"PostgreSQL unreachable at {POSTGRES_ADMIN_URL}: {e}"
        if os.environ.get("PROTOKOLL_REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)


def _postgres_url(name: str) -> str:
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def forget_engine(url: str) -> None:
    """Close the pooled connections `models.db` holds for `url` (a database with connections cannot be dropped or copied)."""
    from models import db

    engine = db._engines.pop(db.normalise_url(url), None)
    if engine is not None:
        engine.dispose()


class _PostgresDatabases:
    """This session's databases on the PostgreSQL server: created, cloned and dropped through one admin engine.

    Names carry a per-session prefix: other sessions share the server, and a template cannot be copied
    while anyone else is connected to it.
    """

    def __init__(self) -> None:
        # A connection per statement: the drops at the end run many at once.
        self.admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self.prefix = f"protokoll_test_{uuid.uuid4().hex[:8]}"
        # The next copy is made off the test's own thread.
        self.background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="postgres-test-copies")
        self.template: str | None = None
        self.spare: Future[str] | None = None
        self.dropping = ThreadPoolExecutor(max_workers=8, thread_name_prefix="postgres-test-drops")
        self.drops: list[Future[None]] = []
        self.lock = threading.Lock()

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(sql))

    def create(self, template: str | None = None) -> str:
        name = f"{self.prefix}_{uuid.uuid4().hex[:8]}"
        self._execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return name

    def drop_later(self, url: str) -> None:
        """Close this process's connections to the database now, and drop it in the background."""
        forget_engine(url)
        name = url.rsplit("/", 1)[1]
        self.drops.append(self.dropping.submit(self._execute, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def migrated(self) -> str:
        """URL of a new database at the head revision, copied from the session's template."""
        with self.lock:
            if self.template is None:
                from models.db import upgrade

                template = self.create()
                upgrade(_postgres_url(template))
                forget_engine(_postgres_url(template))
                self.template = template
            spare = self.spare if self.spare is not None else self.background.submit(self.create, self.template)
            # The next test's copy is made while this one runs.
            self.spare = self.background.submit(self.create, self.template)
        return _postgres_url(spare.result())

    def copy(self, url: str) -> str:
        """A new database holding what the one at `url` holds now."""
        forget_engine(url)
        return _postgres_url(self.create(url.rsplit("/", 1)[1]))

    def close(self) -> None:
        if self.spare is not None:
            self.drop_later(_postgres_url(self.spare.result()))
        if self.template is not None:
            self.drop_later(_postgres_url(self.template))
        self.background.shutdown()
        self.dropping.shutdown()
        for drop in self.drops:
            drop.result()
        self.admin.dispose()


@contextmanager
def exclusive(lock: Path) -> Iterator[None]:
    """Held by one process at a time: the workers of a pytest-xdist run share what is made under the run's root."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_root(config: pytest.Config) -> Path:
    """The temporary folder of the whole run: the session's own, or under pytest-xdist the one its workers share."""
    base = config._tmp_path_factory.getbasetemp()  # what the tmp_path_factory fixture hands out
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


# Run with a Prefect home of its own: the server migrates its database and registers its blocks, then stops.
_MIGRATE_PREFECT_HOME = """
from flows.api import launch
server = launch()
problem = server.wait(300)
server.stop()
assert problem is None, problem
"""


def _migrate_prefect_home(folder: Path) -> None:
    """A temporary API started once on a new home migrates its database, and flows.api keeps a copy of it as
    the template of new homes (`folder`)."""
    home = folder.with_name(f"{folder.name}.home-{uuid.uuid4().hex[:8]}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PREFECT_HOME"] = str(home)
    try:
        subprocess.run([sys.executable, "-c", _MIGRATE_PREFECT_HOME], cwd=REPO, env=env, check=True, capture_output=True, timeout=600)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    if not (folder / "prefect.db").is_file():
        raise RuntimeError(f"the temporary API kept no migrated Prefect database in {folder}")


class _SessionResources:
    """Whatever the session starts once and releases at its end."""

    def __init__(self) -> None:
        self.postgres: _PostgresDatabases | None = None
        self.sqlite_template: Path | None = None
        self.root: Path | None = None
        self.prefect_home: Path | None = None
        self.prefect_home_lock = threading.Lock()
        self.api: object | None = None  # tests.ingest_runs' shared temporary API, a flows.api.LocalApi
        self.harness: threading.Thread | None = None
        self.harness_ready = threading.Event()
        self.harness_stop = threading.Event()
        self.harness_error: BaseException | None = None

    def prefect_home_template(self) -> Path:
        """A Prefect home whose database is migrated, kept under ~/.cache/protokoll per Prefect release and made
        by the first session that needs it (one at a time: workers and other sessions wait for it)."""
        with self.prefect_home_lock:
            if self.prefect_home is None:
                from flows.api import prefect_release, template_cache

                folder = template_cache() / prefect_release()
                with exclusive(folder.with_name(folder.name + ".lock")):
                    if not (folder / "prefect.db").is_file():
                        shutil.rmtree(folder, ignore_errors=True)  # what an interrupted build may have left
                        _migrate_prefect_home(folder)
                self.prefect_home = folder
            return self.prefect_home

    def shared_api_url(self) -> str:
        """One temporary Prefect API for the `protokoll` processes of every test that passes `api_url`."""
        if self.api is None:
            server = launch_api(self.root / f"shared-api-{uuid.uuid4().hex[:8]}")
            problem = server.wait(180)
            if problem is not None:
                server.stop()
                raise RuntimeError(f"the shared Prefect API did not start: {problem}")
            self.api = server
        return self.api.url

    def postgres_databases(self) -> _PostgresDatabases:
        _postgres_or_fail()
        if self.postgres is None:
            self.postgres = _PostgresDatabases()
        return self.postgres

    def sqlite_head(self, folder: Path) -> Path:
        """A SQLite file migrated to the head revision, made once per session."""
        if self.sqlite_template is None:
            from models.db import upgrade

            path = folder / "head.db"
            upgrade(f"sqlite:///{path}")
            forget_engine(f"sqlite:///{path}")  # the last connection to close checkpoints the WAL into the file
            self.sqlite_template = path
        return self.sqlite_template

    def start_harness_soon(self) -> None:
        """Boot Prefect's test harness on a thread of its own: its server takes 5-60 s to answer, time the
        tests before the first flow can use. The harness publishes its settings process-wide."""
        if self.harness is None:
            # Imported here, not on the thread: modules loading (and warning) on two threads at once trip up
            # whatever the test on this thread iterates meanwhile.
            import prefect.server.database.dependencies  # noqa: F401
            import prefect.testing.utilities  # noqa: F401

            self.harness = threading.Thread(target=self._run_harness, name="prefect-test-harness", daemon=True)
            self.harness.start()

    def _run_harness(self) -> None:
        try:
            import prefect.testing.utilities as harness_module

            with pytest.MonkeyPatch.context() as patch:
                # The harness keeps its database in a new folder of its own (`mkdtemp()`): one holding a copy of
                # the migrated database instead.
                patch.setattr(harness_module, "mkdtemp", self._seeded_harness_folder)
                with harness_module.prefect_test_harness(server_startup_timeout=300):
                    self.harness_ready.set()
                    self.harness_stop.wait()
        except BaseException as e:  # noqa: BLE001 - handed to the test that waits for the harness
            self.harness_error = e
            self.harness_ready.set()

    def _seeded_harness_folder(self) -> str:
        import tempfile

        folder = tempfile.mkdtemp()
        shutil.copyfile(self.prefect_home_template() / "prefect.db", Path(folder) / "prefect-test.db")
        return folder

    def wait_for_harness(self) -> None:
        self.start_harness_soon()
        self.harness_ready.wait()
        if self.harness_error is not None:
            raise RuntimeError("Prefect's test harness did not start") from self.harness_error

    def close(self) -> None:
        if self.harness is not None:
            self.harness_stop.set()
            self.harness.join(timeout=60)
            self.harness = None
        if self.api is not None:
            self.api.stop()
            self.api = None
        if self.postgres is not None:
            self.postgres.close()
            self.postgres = None


SESSION = _SessionResources()


def close_session_resources() -> None:
    SESSION.close()


def launch_api(home: Path):
    """Start flows.api's own temporary Prefect API on a migrated copy of Prefect's database in `home`; the caller
    waits for it (`.wait`) and stops it (`.stop`)."""
    from flows.api import launch

    seed_prefect_home(home)
    previous = os.environ.get("PREFECT_HOME")
    os.environ["PREFECT_HOME"] = str(home)
    try:
        return launch()
    finally:
        if previous is None:
            os.environ.pop("PREFECT_HOME", None)
        else:
            os.environ["PREFECT_HOME"] = previous


def seed_prefect_home(home: Path) -> Path:
    """`home` as a Prefect home whose database is already migrated, for a temporary API to start from
    (a home that exists already is left as it is)."""
    if not home.exists():
        shutil.copytree(SESSION.prefect_home_template(), home)
    return home


def _sqlite_copy(request: pytest.FixtureRequest, folder: Path) -> str:
    template = SESSION.sqlite_head(request.getfixturevalue("tmp_path_factory").mktemp("sqlite-head"))
    path = folder / "protokoll.db"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


def copy_database(url: str, folder: Path) -> str:
    """A second database holding what the one at `url` holds now (SQLite: a file in `folder`)."""
    if url.startswith("sqlite"):
        forget_engine(url)
        source = Path(url.removeprefix("sqlite:///"))
        path = folder / f"copy-{uuid.uuid4().hex[:8]}.db"
        for suffix in ("", "-wal"):  # a write-ahead log still open elsewhere holds the latest pages
            if Path(f"{source}{suffix}").exists():
                shutil.copyfile(f"{source}{suffix}", f"{path}{suffix}")
        return f"sqlite:///{path}"
    return SESSION.postgres_databases().copy(url)


def release_database(url: str) -> None:
    """Drop a PostgreSQL database made by these fixtures (in the background); SQLite files go with tmp_path."""
    if url.startswith("sqlite"):
        forget_engine(url)
    else:
        SESSION.postgres_databases().drop_later(url)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    databases = SESSION.postgres_databases()
    url = _postgres_url(databases.create())
    yield url
    databases.drop_later(url)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'protokoll.db'}"


def _migrated(request: pytest.FixtureRequest, backend: str, folder: Path) -> str:
    if backend == "sqlite":
        return _sqlite_copy(request, folder)
    return SESSION.postgres_databases().migrated()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> Iterator[str]:
    """The same test on the embedded SQLite default and on PostgreSQL, schema upgraded."""
    url = _migrated(request, request.param, tmp_path)
    yield url
    release_database(url)


@pytest.fixture(scope="module", params=BACKENDS)
def module_database_url(request, tmp_path_factory) -> Iterator[str]:
    """`database_url` shared by the tests of one module: for data that is stored once and only read."""
    url = _migrated(request, request.param, tmp_path_factory.mktemp("module-db"))
    yield url
    release_database(url)


def needs_prefect_harness(item: pytest.Item) -> bool:
    return "prefect_harness" in getattr(item, "fixturenames", ())


def start_prefect_harness_soon(items: list[pytest.Item]) -> None:
    """Start the harness in the background when one of `items` will need it (tests/conftest.py calls this)."""
    if any(needs_prefect_harness(item) for item in items):
        SESSION.start_harness_soon()


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect API for the whole session (flows run against it).

    Modules that import this fixture by name get a fixture of their own; they all share the one harness.
    """
    SESSION.wait_for_harness()
    yield
