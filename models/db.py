"""Engines, sessions and schema upgrades (Alembic) for SQLite and PostgreSQL."""

from __future__ import annotations

import fcntl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"

_engines: dict[str, Engine] = {}


def normalise_url(url: str) -> str:
    """Accept plain postgresql:// URLs and use the psycopg 3 driver for them."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def masked_url(url: str) -> str:
    """The URL as it may be shown or logged: `postgresql+psycopg://user:***@host/db`."""
    try:
        return make_url(normalise_url(url)).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable database URL>"


def mask_secrets(message: str, url: str) -> str:
    """`message` with the URL's password replaced by *** wherever it occurs (driver errors may quote it)."""
    try:
        password = make_url(normalise_url(url)).password
    except ArgumentError:
        return message
    return message.replace(str(password), "***") if password else message


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # The wait first: a new database's switch to WAL needs the lock another process may hold.
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def get_engine(url: str) -> Engine:
    """One engine per URL and process (engines hold connection pools)."""
    url = normalise_url(url)
    engine = _engines.get(url)
    if engine is None:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True)
        _engines[url] = engine
    return engine


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return cfg


def current_revision(url: str) -> str | None:
    with get_engine(url).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations up to `revision` (the CLI does this automatically before any command).

    Two processes opening one new database at once must not both create its tables: migrations run under
    a lock (an advisory lock on PostgreSQL, a file lock beside the SQLite file), and the second process
    finds the work done when it gets the lock.
    """
    with exclusive(url, "migrate"):
        _migrate(url, command.upgrade, revision)


def downgrade(url: str, revision: str) -> None:
    """Go back to `revision`, in one transaction as an upgrade runs (on SQLite with foreign keys off)."""
    _migrate(url, command.downgrade, revision)


def _migrate(url: str, step: Callable[[Config, str], None], revision: str) -> None:
    """Run one Alembic command (`step`: upgrade or downgrade) to `revision` in one transaction.

    On SQLite that transaction is BEGIN IMMEDIATE with foreign keys off: a batch migration copies a table and drops
    the original, and with foreign keys on that drop would first delete (cascade) every row referring to it."""
    engine = get_engine(url)
    cfg = alembic_config(url)
    if engine.dialect.name != "sqlite":
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            step(cfg, revision)
        return
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        try:
            _retry_locked(lambda: conn.exec_driver_sql("BEGIN IMMEDIATE"))
            cfg.attributes["connection"] = conn
            step(cfg, revision)
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")


def ensure_schema(url: str) -> None:
    """Upgrade the database when it is behind the code's head revision."""
    if current_revision(url) != head_revision():
        upgrade(url)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A session whose transaction commits on success and rolls back on error."""
    factory = sessionmaker(get_engine(url), expire_on_commit=False)
    with factory.begin() as session:
        yield session


@contextmanager
def write_session(url: str) -> Iterator[Session]:
    """A session that holds the database's write lock from its first statement (SQLite: BEGIN IMMEDIATE).

    A SQLite transaction that reads first and writes later fails at once ("database is locked", no wait) when
    another process committed in between; one that starts as a writer waits its turn (busy_timeout).
    """
    factory = sessionmaker(get_engine(url), expire_on_commit=False)
    with factory.begin() as session:
        if session.get_bind().dialect.name == "sqlite":
            connection = session.connection()
            _retry_locked(lambda: connection.exec_driver_sql("BEGIN IMMEDIATE"))
        yield session


#: Advisory lock keys (PostgreSQL) of the work that must not run twice at once.
LOCK_KEYS = {"migrate": 727001, "check": 727004}
_local_locks: dict[tuple[str, str], threading.Lock] = {}


@contextmanager
def exclusive(url: str, name: str) -> Iterator[None]:
    """Hold the lock `name` of this database, across processes, for the duration.

    PostgreSQL: a session advisory lock on a connection of its own (released by the server if this process
    dies). SQLite: an flock on a file beside the database (released by the kernel if this process dies).
    Threads of one process also take a lock of their own, as flock does not exclude them from each other.
    """
    url = normalise_url(url)
    local = _local_locks.setdefault((url, name), threading.Lock())
    with local:
        engine = get_engine(url)
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                conn.exec_driver_sql(f"SELECT pg_advisory_lock({LOCK_KEYS[name]})")
                conn.commit()
                try:
                    yield
                finally:
                    conn.exec_driver_sql(f"SELECT pg_advisory_unlock({LOCK_KEYS[name]})")
                    conn.commit()
            return
        database = make_url(url).database
        if not database or database == ":memory:":
            yield
            return
        with open(f"{database}.{name}.lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _retry_locked(begin, attempts: int = 10) -> None:
    """Run `begin` again while SQLite says the database is locked (a writer held it past busy_timeout)."""
    for attempt in range(attempts):
        try:
            begin()
            return
        except OperationalError as e:
            if "locked" not in str(e) or attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))
