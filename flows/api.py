"""Prefect's temporary local API, started as early as a run can start it.

With no `PREFECT_API_URL`, Prefect would start a server subprocess the first
time a flow talks to its API: only after this process has imported Prefect's
whole server package (about 2.5 s on two cores) just to launch it, and it gives
up for good if that server does not answer in time.

Here the same server (uvicorn serving `prefect.server.api.server:create_app`,
Prefect's own ephemeral-server command) is launched before Prefect is even
imported, so it boots on the other core while this process loads the pipeline,
and a start that never answers is retried on a fresh process and port. The
flow is then pointed at it with `PREFECT_API_URL` for the run (`api_settings`).
"""

from __future__ import annotations

import atexit
import contextvars
import ctypes
import importlib.metadata
import importlib.util
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing, contextmanager
from pathlib import Path

#: Seconds to wait for each start: a healthy start takes about 4 s on two cores.
START_TIMEOUTS: tuple[float, ...] = (60, 60, 120)
#: Environment Prefect gives its own ephemeral server: no UI, ephemeral services only.
_SERVER_ENV = {
    "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1",
    # Nobody reads a temporary API's event feed; stored, its events were most of what its database grew by.
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED": "false",
    # No automations live in a temporary API: the services that would run them only cost its start.
    "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false", "PREFECT_SERVER_SERVICES_ACTIONS_ENABLED": "false",
}
#: What a server on a database already migrated (and its blocks registered) by this Prefect release skips:
#: the migration check and the block registration cost about a second of CPU at every start.
_READY_DATABASE_ENV = {"PREFECT_SERVER_DATABASE_MIGRATE_ON_START": "false", "PREFECT_API_BLOCKS_REGISTER_ON_START": "false"}
#: Flow runs the temporary API's database keeps (in PREFECT_HOME); older ones are deleted after each run.
KEEP_FLOW_RUNS = 20
_PR_SET_PDEATHSIG = 1


class LocalApiError(RuntimeError):
    """Prefect's temporary local API did not answer after every attempt."""


class LocalApi:
    """One temporary API server process, owned (and stopped at exit) by this process."""

    def __init__(self, port: int, process: subprocess.Popen[bytes], log: Path, database: "_Database | None" = None) -> None:
        self.port = port
        self.process = process
        self.log = log
        self.database = database

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/health", timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def wait(self, timeout: float) -> str | None:
        """None once the server answers; else why it did not within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                return f"the server process exited with status {self.process.returncode}: {self._log_tail()}"
            if self.healthy():
                if self.database is not None:
                    self.database.answered()
                self._first_request()
                return None
            if time.monotonic() >= deadline:
                return f"no answer after {timeout:g} s"
            time.sleep(0.05)

    def _first_request(self) -> None:
        """Ask what a flow run asks first (the API's version): a server's first answer beyond its health takes
        it 1-2 s of CPU on two cores, spent here while the caller is still loading instead of when its run starts."""
        try:
            with urllib.request.urlopen(f"{self.url}/admin/version", timeout=30) as response:
                response.read()
        except (urllib.error.URLError, OSError):
            pass  # the run's own request will tell

    def stop(self, timeout: float = 5) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.unlink(missing_ok=True)

    def _log_tail(self) -> str:
        try:
            return " ".join(self.log.read_text(errors="replace").split()[-60:]) or "no output"
        except OSError:
            return "no output"


_lock = threading.Lock()
_running: LocalApi | None = None
_launched: list[LocalApi] = []


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prefect_release() -> str:
    """The installed Prefect's version and its SQLite migrations, without importing Prefect."""
    import hashlib

    names = sorted(p.name for p in (_prefect_package() / "server" / "database" / "_migrations").rglob("*.py"))
    return f"{importlib.metadata.version('prefect')}-{hashlib.sha256(chr(0).join(names).encode()).hexdigest()[:12]}"


def template_cache() -> Path:
    """Where a Prefect home whose database is migrated is kept, one folder per `prefect_release`."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "protokoll" / "prefect-home"


def _prefect_package() -> Path:
    spec = importlib.util.find_spec("prefect")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise LocalApiError("Prefect is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _names_a_database(home: Path) -> bool:
    """Whether a settings file Prefect reads besides the environment (profiles, prefect.toml, [tool.prefect]
    of pyproject.toml, .env) may name a database of its own: such a database is left to Prefect."""
    import tomllib

    profiles = Path(os.environ.get("PREFECT_PROFILES_PATH") or home / "profiles.toml").expanduser()
    for settings_file in (profiles, Path("prefect.toml"), Path("pyproject.toml"), Path(".env")):
        try:
            text = settings_file.read_text(errors="replace")
        except OSError:
            continue
        if settings_file.name == "pyproject.toml":
            try:
                text = json.dumps(tomllib.loads(text).get("tool", {}).get("prefect", {}))
            except tomllib.TOMLDecodeError:
                pass
        if "database" in text.lower():
            return True
    return False


class _Database:
    """The temporary API's SQLite database in the Prefect home, when it is Prefect's default one.

    A database Prefect creates in a new home is migrated (about 4 s of CPU on two cores) and has its blocks
    registered before the server answers. Once that is done, the migrated database is kept under
    `template_cache` for new homes to start from, and the home is marked as ready for this release and
    revision, so that later starts skip the migration check and the block registration as well.
    """

    MARK = "protokoll-prefect-ready.json"

    def __init__(self, home: Path) -> None:
        self.home = home
        self.path = home / "prefect.db"
        self.release = prefect_release()
        self.created = False
        """Whether the server creates it: this start migrates it from nothing."""

    @classmethod
    def of_home(cls) -> "_Database | None":
        """The default database of the Prefect home, or None when Prefect may be told to use another one."""
        home = Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()
        if any("DATABASE" in name for name in os.environ if name.startswith("PREFECT_")):
            return None
        if _names_a_database(home):
            return None
        try:
            return cls(home)
        except (LocalApiError, importlib.metadata.PackageNotFoundError, OSError):
            return None

    def server_env(self) -> dict[str, str]:
        """Seed a new home from the template; the settings that skip the work a ready database does not need."""
        if not self.path.exists():
            template = template_cache() / self.release / "prefect.db"
            if template.is_file():
                self.home.mkdir(parents=True, exist_ok=True)
                copy = self.path.with_name(f"prefect.db.{uuid.uuid4().hex[:8]}")
                shutil.copyfile(template, copy)
                try:
                    os.link(copy, self.path)  # whole, and never over a database another run has started on
                except FileExistsError:
                    pass
                finally:
                    copy.unlink()
                self._mark()
            else:
                self.created = True
        return dict(_READY_DATABASE_ENV) if self._ready() else {}

    def answered(self) -> None:
        """The server answers, so its database is migrated: mark it, and keep it as the template if it is new."""
        try:
            if not self._ready():
                self._mark()
            if self.created and not (template_cache() / self.release).exists():
                self._keep_as_template()
        except (OSError, sqlite3.Error):  # a cache only: the next new home migrates its own database
            pass

    def _revision(self) -> str | None:
        try:
            with closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=5)) as db:
                row = db.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None

    def _ready(self) -> bool:
        try:
            mark = json.loads((self.home / self.MARK).read_text())
        except (OSError, ValueError):
            return False
        return mark == {"release": self.release, "revision": self._revision()} and mark["revision"] is not None

    def _mark(self) -> None:
        mark = self.home / self.MARK
        written = mark.with_name(f"{mark.name}.{uuid.uuid4().hex[:8]}")
        written.write_text(json.dumps({"release": self.release, "revision": self._revision()}))
        written.replace(mark)

    def _keep_as_template(self) -> None:
        """A consistent copy (SQLite's backup, the write-ahead log folded in) in a folder renamed into place."""
        folder = template_cache() / self.release
        building = folder.with_name(f"{folder.name}.{uuid.uuid4().hex[:8]}")
        building.mkdir(parents=True)
        try:
            with closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=5)) as source, \
                    closing(sqlite3.connect(building / "prefect.db")) as copy:
                source.backup(copy)
                copy.execute("PRAGMA journal_mode=DELETE")
            building.rename(folder)
        finally:
            shutil.rmtree(building, ignore_errors=True)


def launch() -> LocalApi:
    """Start the server process with Prefect's own ephemeral-server command; do not wait for it.

    The server never outlives this process: it is stopped at exit, and the kernel sends it SIGTERM when this
    process dies any other way (kill -9 included). Linux sends that signal when the thread that started the
    child ends, so every server is started from one thread that lives as long as the process. The server has
    a process group of its own, so a Ctrl-C at the terminal reaches this process, which stops it in order,
    instead of killing it under a run that still needs it.
    """
    return _launcher.submit(_launch).result()


def _launch() -> LocalApi:
    app_dir = _prefect_package().parent
    database = _Database.of_home()
    try:
        database_env = database.server_env() if database is not None else {}
    except (OSError, sqlite3.Error):  # a home it cannot seed or read: Prefect makes its database as usual
        database, database_env = None, {}
    port = _free_port()
    handle, log_name = tempfile.mkstemp(prefix="protokoll-prefect-api-", suffix=".log")
    command = [
        sys.executable, "-m", "uvicorn", "--app-dir", str(app_dir), "--factory",
        "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port),
        "--log-level", "error", "--lifespan", "on",
    ]
    with os.fdopen(handle, "wb") as log:
        process = subprocess.Popen(
            command, env={**os.environ, **_SERVER_ENV, **database_env}, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=_die_with_parent(os.getpid()),
        )
    server = LocalApi(port, process, Path(log_name), database)
    _launched.append(server)
    atexit.register(server.stop)
    return server


def stop_all(timeout: float = 1.0) -> None:
    """Stop every server this process started, without waiting more than about `timeout` seconds for each
    (for a command leaving at once, where the exit handlers may wait on a run that will not finish)."""
    for server in _launched:
        server.stop(timeout)


def _die_with_parent(parent: int):
    """In the child, before exec: ask for SIGTERM when the parent dies, and leave if it already has."""
    def set_death_signal() -> None:
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):  # not Linux: the exit handler is all there is
            return
        if os.getppid() != parent:
            os._exit(1)

    return set_death_signal if sys.platform.startswith("linux") else None


#: The one thread every server is started from (see `launch`); it lives as long as the process.
_launcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prefect-api-launcher")


def _configured(read_profile: bool = True) -> bool:
    """True when Prefect is told to use a server of its own (environment, profile or the caller's context).

    Without `read_profile` Prefect's settings are consulted only if something has imported them already."""
    if os.environ.get("PREFECT_API_URL"):
        return True
    if not read_profile and "prefect.settings" not in sys.modules:
        return False
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    return bool(PREFECT_API_URL.value()) or not PREFECT_SERVER_EPHEMERAL_ENABLED.value()


def ensure_local_api(timeouts: Sequence[float] = START_TIMEOUTS, *, settled: bool = True) -> str | None:
    """The temporary API's URL, starting it once per process; None when Prefect is configured to use a server.

    With `settled=False` (the early start) Prefect is not imported to read its profile; a server started
    then is stopped again by the next settled call if the profile turns out to name a server.
    """
    global _running
    with _lock:
        if _configured(read_profile=settled):
            if _running is not None:
                _running.stop()
                _running = None
            return None
        if _running is not None and _running.process.poll() is None:
            return _running.url
        errors: list[str] = []
        for timeout in timeouts:
            server = launch()
            problem = server.wait(timeout)
            if problem is None:
                _running = server
                return server.url
            errors.append(f"{server.url} {problem}")
            server.stop()  # the next attempt gets a new process and port
        raise LocalApiError(
            "Prefect's temporary local API did not start: " + "; ".join(errors)
            + ". Set PREFECT_API_URL to a running Prefect server (prefect server start) to avoid it."
        )


def start_local_api_soon(timeouts: Sequence[float] = START_TIMEOUTS) -> Future[str | None]:
    """`ensure_local_api` on a background thread, so the server boots while the caller loads the pipeline.

    Wait on the result before running a flow.
    """
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prefect-api")
    try:
        # The caller's context carries Prefect's settings (a configured server, a test harness) to the thread.
        # Prefect is not imported on this thread (the caller is importing it): the profile is read later.
        return pool.submit(contextvars.copy_context().run, ensure_local_api, timeouts, settled=False)
    finally:
        pool.shutdown(wait=False)


@contextmanager
def api_settings(url: str | None) -> Iterator[None]:
    """Point Prefect at the temporary API `url` for the duration (nothing changes when it is None).

    Flow-run heartbeats are off there: they let a long-lived server mark crashed runs, and a temporary API
    dies with its run, while the heartbeat thread's one-second sleeps hold up the end of every run.
    """
    if url is None:
        yield
        return
    import prefect.settings
    from prefect.settings import PREFECT_API_URL, temporary_settings

    heartbeat = prefect.settings.PREFECT_FLOWS_HEARTBEAT_FREQUENCY
    with temporary_settings(updates={PREFECT_API_URL: url, heartbeat: None}):
        yield


def prune_flow_runs(keep: int = KEEP_FLOW_RUNS) -> int:
    """Delete all but the `keep` newest flow runs (with their task runs and states) through the API in use.

    The temporary API keeps its database in PREFECT_HOME, where nothing else would ever trim it; call this
    inside `api_settings` of that API only, never against a server someone keeps for its run history.
    """
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.sorting import FlowRunSort

    deleted = 0
    with get_client(sync_client=True) as client:
        while old := client.read_flow_runs(sort=FlowRunSort.EXPECTED_START_TIME_DESC, offset=keep, limit=100):
            for run in old:
                client.delete_flow_run(run.id)
                deleted += 1
    return deleted
