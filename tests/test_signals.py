"""Nothing hangs, nothing leaks: Ctrl-C and SIGTERM stop an ingest within 5 s with its summary, the temporary
Prefect API never outlives the command (not even kill -9), the database password reaches neither the terminal
nor Prefect's database, and Prefect's run history stays bounded."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import psutil
import pytest

from tests.ingest_runs import STORED, build_batch, cli_env, new_database, prefect_api, run_cli, scalar, start_cli


def _server_of(process) -> psutil.Process:
    """The temporary API server the command started (its child running uvicorn), once it is there."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for child in psutil.Process(process.pid).children():
            if "uvicorn" in " ".join(child.cmdline()):
                return child
        time.sleep(0.1)
    raise AssertionError("no API server started")


def _wait_for(condition, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _gone(pid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize(
    ("name", "send", "code"),
    [
        # Ctrl-C at a terminal: SIGINT to the command's whole process group.
        ("ctrl-c", lambda p: os.killpg(p.pid, signal.SIGINT), 130),
        ("sigterm", lambda p: p.send_signal(signal.SIGTERM), 143),
    ],
)
def test_a_signal_stops_the_run_with_its_summary(name, send, code, tmp_path):
    folder = tmp_path / "batch"
    build_batch(folder, 30)
    url = f"sqlite:///{tmp_path / 'signals.db'}"
    process = start_cli(["ingest", str(folder), "--db", url, "--workers", "2"], cli_env(tmp_path / "prefect", None), start_new_session=True)
    server = _server_of(process)
    _wait_for(lambda: scalar(url, STORED) >= 2)
    sent = time.monotonic()
    send(process)
    out, err = process.communicate(timeout=60)
    took = time.monotonic() - sent
    assert process.returncode == code, out + err
    assert took < 5, f"{name}: {took:.1f} s"
    counts = re.search(r"ingested (\d+), unchanged 0, partial 0, failed 0", out)
    assert counts and 1 <= int(counts[1]) <= scalar(url, STORED) < 30, out
    assert "stopped before the end" in out
    assert "Traceback" not in err and "ERROR" not in err, err
    assert _gone(server.pid, 5)


def test_the_api_server_dies_with_a_killed_command(tmp_path):
    folder = tmp_path / "batch"
    build_batch(folder, 6)
    process = start_cli(["ingest", str(folder), "--db", f"sqlite:///{tmp_path / 'k.db'}"], cli_env(tmp_path / "prefect", None))
    server = _server_of(process)
    process.kill()
    process.communicate()
    assert _gone(server.pid, 5)


def _flow_runs(home: Path) -> int:
    with closing(sqlite3.connect(home / "prefect.db")) as db:
        return db.execute("SELECT count(*) FROM flow_run").fetchone()[0]


def _processes_with_home(home: Path) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get("PREFECT_HOME") == str(home) and process.status() != psutil.STATUS_ZOMBIE:
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def test_no_api_server_is_left_after_the_database_cannot_be_opened(tmp_path):
    """Exit 3 comes while the early-started API server may still be booting: it is stopped all the same."""
    home = tmp_path / "prefect"
    folder = tmp_path / "batch"
    build_batch(folder, 1)
    done = run_cli(["ingest", str(folder), "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none"], cli_env(home, None))
    assert done.returncode == 3, done.stdout + done.stderr
    deadline = time.monotonic() + 5
    while _processes_with_home(home) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_with_home(home) == []


def test_the_password_is_never_shown_nor_given_to_prefect(tmp_path):
    secret = "Sesam-Oppna-7731"
    with new_database("postgresql", tmp_path, "secret") as url:
        # The test server trusts local connections, so any password opens it; the point is where it ends up.
        with_password = url.replace("postgres@", f"postgres:{secret}@", 1)
        folder = tmp_path / "batch"
        build_batch(folder, 3)
        home = tmp_path / "prefect"
        done = run_cli(["ingest", str(folder), "--db", with_password], cli_env(home, None))
        assert done.returncode == 0, done.stdout + done.stderr
        assert secret not in done.stdout + done.stderr
        stored = [p for p in home.rglob("*") if p.is_file()]
        assert any(p.name.startswith("prefect.db") for p in stored)
        assert [p for p in stored if secret.encode() in p.read_bytes()] == []
        assert _flow_runs(home) >= 1  # the home starts with a migrated, empty database: this run stored its own there

    unreachable = f"postgresql+psycopg://postgres:{secret}@127.0.0.1:1/none"
    failed = run_cli(["status", "--db", unreachable], cli_env(tmp_path / "prefect2", None))
    assert failed.returncode == 3
    assert "cannot open database postgresql+psycopg://postgres:***@127.0.0.1:1/none" in failed.stderr
    assert secret not in failed.stdout + failed.stderr


def test_prefect_keeps_a_bounded_run_history(tmp_path):
    """After a run on the temporary API, all but the newest flow runs are deleted (flows.api.prune_flow_runs)."""
    from prefect import flow
    from prefect.client.orchestration import get_client

    from flows.api import api_settings, prune_flow_runs

    @flow
    def tiny() -> int:
        return 1

    with prefect_api(tmp_path / "prefect") as url, api_settings(url):
        for _ in range(4):
            tiny()
        assert prune_flow_runs(keep=2) == 2
        with get_client(sync_client=True) as client:
            assert len(client.read_flow_runs()) == 2
