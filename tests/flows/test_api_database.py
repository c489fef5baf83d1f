"""The temporary API's database: a new Prefect home starts from a migrated template, and a home known to be
migrated by the installed Prefect skips the migration check and the block registration at start.

The servers run in interpreters of their own (see tests/flows/test_api.py); the settings are read in this one.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from flows.api import _READY_DATABASE_ENV, _Database, prefect_release
from tests.fixtures import SESSION

REPO = Path(__file__).resolve().parents[2]
SKIPPED = {"PREFECT_SERVER_DATABASE_MIGRATE_ON_START": "false", "PREFECT_API_BLOCKS_REGISTER_ON_START": "false"}


def _revision(db: Path) -> str:
    with closing(sqlite3.connect(db)) as connection:
        return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]


@pytest.fixture
def homes(tmp_path, monkeypatch) -> Path:
    """An empty cache and no Prefect setting that names a database; the caller sets PREFECT_HOME."""
    SESSION.prefect_home_template()  # made (or found) in the real cache before the cache moves
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for name in list(os.environ):
        if name.startswith("PREFECT_") and "DATABASE" in name:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _cache_template(root: Path) -> Path:
    """The session's migrated Prefect database as the cached template under `root`'s cache."""
    folder = root / "cache" / "protokoll" / "prefect-home" / prefect_release()
    folder.mkdir(parents=True)
    shutil.copyfile(SESSION.prefect_home_template() / "prefect.db", folder / "prefect.db")
    return folder / "prefect.db"


def test_the_settings_that_skip_the_start_up_work_are_the_ones_named():
    assert _READY_DATABASE_ENV == SKIPPED


def test_a_new_home_starts_from_the_template_and_is_ready(homes, monkeypatch):
    template = _cache_template(homes)
    monkeypatch.setenv("PREFECT_HOME", str(homes / "new"))
    database = _Database.of_home()
    assert database is not None
    assert database.server_env() == SKIPPED
    assert (homes / "new" / "prefect.db").read_bytes() == template.read_bytes()
    mark = json.loads((homes / "new" / _Database.MARK).read_text())
    assert mark == {"release": prefect_release(), "revision": _revision(template)}


def test_a_home_migrated_by_another_revision_is_migrated_again(homes, monkeypatch):
    _cache_template(homes)
    monkeypatch.setenv("PREFECT_HOME", str(homes / "home"))
    _Database.of_home().server_env()
    mark = homes / "home" / _Database.MARK
    mark.write_text(json.dumps({**json.loads(mark.read_text()), "revision": "0123456789ab"}))
    assert _Database.of_home().server_env() == {}
    mark.write_text(json.dumps({**json.loads(mark.read_text()), "release": "2.0.0-000000000000"}))
    assert _Database.of_home().server_env() == {}


def test_a_home_without_a_template_is_left_to_prefect(homes, monkeypatch):
    monkeypatch.setenv("PREFECT_HOME", str(homes / "home"))
    database = _Database.of_home()
    assert database.server_env() == {}
    assert database.created and not (homes / "home" / "prefect.db").exists()


@pytest.mark.parametrize("setting", ["environment", "profile", "prefect.toml"])
def test_a_database_named_in_prefects_settings_is_left_alone(homes, monkeypatch, setting):
    _cache_template(homes)
    monkeypatch.setenv("PREFECT_HOME", str(homes / "home"))
    if setting == "environment":
        monkeypatch.setenv("PREFECT_API_DATABASE_CONNECTION_URL", "postgresql+asyncpg://prefect@127.0.0.1/prefect")
    elif setting == "profile":
        (homes / "home").mkdir()
        (homes / "home" / "profiles.toml").write_text(
            'active = "site"\n[profiles.site]\nPREFECT_API_DATABASE_CONNECTION_URL = "sqlite+aiosqlite:////elsewhere.db"\n')
    else:
        (homes / "prefect.toml").write_text('[server.database]\nconnection_url = "sqlite+aiosqlite:////elsewhere.db"\n')
    assert _Database.of_home() is None
    assert not (homes / "home" / "prefect.db").exists()


# One interpreter: a server on a new home with nothing cached (it migrates, and its database becomes the
# template), then a server on a second new home, seeded from that template, that skips the start-up work and
# runs a flow.
_TWO_HOMES = """
import json, os, sys
from pathlib import Path
import flows.api as api
found = {}
for name in ("first", "second"):
    os.environ["PREFECT_HOME"] = str(Path(sys.argv[1]) / name)
    server = api.launch()
    problem = server.wait(300)
    assert problem is None, problem
    environ = dict(v.split("=", 1) for v in Path(f"/proc/{server.process.pid}/environ").read_text().split("\\0") if "=" in v)
    found[name] = {k: environ.get(k) for k in ("PREFECT_SERVER_DATABASE_MIGRATE_ON_START", "PREFECT_API_BLOCKS_REGISTER_ON_START")}
    if name == "second":
        from prefect import flow
        @flow
        def answer() -> int:
            return 42
        with api.api_settings(server.url):
            found["flow"] = answer()
    server.stop()
print(json.dumps(found))
"""


def test_the_first_new_home_makes_the_template_the_next_starts_from(tmp_path):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API") and "DATABASE" not in k}
    environ.update(XDG_CACHE_HOME=str(tmp_path / "cache"), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    done = subprocess.run([sys.executable, "-c", _TWO_HOMES, str(tmp_path)], cwd=REPO, env=environ,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    # The first home's database was made by its server: migrated there, and kept.
    assert found["first"] == {"PREFECT_SERVER_DATABASE_MIGRATE_ON_START": None, "PREFECT_API_BLOCKS_REGISTER_ON_START": None}
    template = tmp_path / "cache" / "protokoll" / "prefect-home" / prefect_release() / "prefect.db"
    assert _revision(template) == _revision(tmp_path / "first" / "prefect.db")
    # The second started from it, skipped the work, and serves a flow run.
    assert found["second"] == SKIPPED
    assert found["flow"] == 42
    assert json.loads((tmp_path / "second" / _Database.MARK).read_text())["revision"] == _revision(template)
