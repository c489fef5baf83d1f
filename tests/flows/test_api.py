"""Prefect's temporary local API: started before the flow, a start that does not answer is retried.

Each case runs in its own interpreter: the session's test harness registers its server as Prefect's
default in this process, which would hide the real start. A server start takes 5-15 s on a busy
two-core machine, so one interpreter (`early_start_then_flow`) serves the three cases that follow one
server through its life: an early start whose first attempt times out, the flow run against it, its
stop at exit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures import seed_prefect_home

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
import httpx
from flows.api import LocalApiError, ensure_local_api
try:
    url = ensure_local_api(json.loads(sys.argv[1]))
except LocalApiError as e:
    print(json.dumps({"error": str(e)}))
else:
    health = httpx.get(f"{url}/health").status_code if url else None
    print(json.dumps({"url": url, "health": health}))
"""


def _probe(timeouts: list[float], tmp_path: Path, **env: str) -> dict:
    environ = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    environ.update(PREFECT_HOME=str(seed_prefect_home(tmp_path / "prefect")), PREFECT_SERVER_ANALYTICS_ENABLED="false", **env)
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(timeouts)], cwd=REPO, env=environ,
                          capture_output=True, text=True, timeout=400)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_start_that_does_not_answer_is_retried_on_a_new_server(early_start_then_flow):
    # 0.1 s is far too short for any start: the first attempt fails, the second must serve.
    found = early_start_then_flow
    assert found["health"] == 200
    assert found["url"].startswith("http://127.0.0.1:") and found["url"].endswith("/api")


def test_every_attempt_failing_is_one_clear_error(tmp_path):
    found = _probe([0.1, 0.1], tmp_path)
    assert found["error"].startswith("Prefect's temporary local API did not start: http://127.0.0.1:")
    assert found["error"].count("after 0.1 s") == 2
    assert "PREFECT_API_URL" in found["error"]


def test_a_configured_server_is_used_as_it_is(tmp_path):
    assert _probe([0.1], tmp_path, PREFECT_API_URL="http://127.0.0.1:9/api") == {"url": None, "health": None}


def test_background_start_sees_the_callers_prefect_settings(tmp_path):
    """A server configured in the caller's context (as the test harness does) is not replaced by a new one."""
    code = (
        "from prefect.settings import PREFECT_API_URL, temporary_settings\n"
        "from flows.api import start_local_api_soon\n"
        "with temporary_settings(updates={PREFECT_API_URL: 'http://127.0.0.1:9/api'}):\n"
        "    print(repr(start_local_api_soon([0.1]).result(timeout=60)))\n"
    )
    environ = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    environ["PREFECT_HOME"] = str(tmp_path / "prefect")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=environ, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "None"


def _run(code: str, tmp_path: Path, **env: str) -> str:
    """`code` in an interpreter of its own, whose temporary API starts from a migrated copy of Prefect's database
    (tests/test_cli.py's end-to-end run starts on a new Prefect home)."""
    environ = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    environ.update(PREFECT_HOME=str(seed_prefect_home(tmp_path / "prefect")), PREFECT_SERVER_ANALYTICS_ENABLED="false", **env)
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=environ, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def early_start_then_flow(tmp_path_factory) -> dict:
    """One interpreter: an early start whose first attempt cannot answer in 0.1 s, looked at before Prefect
    is imported; then the settled call and a flow run against that server; then exit."""
    code = (
        "import json, sys, httpx\n"
        "from flows.api import start_local_api_soon\n"
        "early = start_local_api_soon([0.1, 200]).result(timeout=400)\n"
        "found = {'url': early, 'health': httpx.get(early + '/health').status_code,\n"
        "         'prefect_loaded': 'prefect' in sys.modules, 'server_loaded': 'prefect.server.api.server' in sys.modules}\n"
        "from prefect import flow\n"
        "from prefect.settings import PREFECT_API_URL, get_current_settings\n"
        "from flows.api import api_settings, ensure_local_api\n"
        "url = ensure_local_api()\n"
        "@flow\n"
        "def seen() -> list:\n"
        "    return [PREFECT_API_URL.value(), get_current_settings().flows.heartbeat_frequency]\n"
        "with api_settings(url):\n"
        "    inside, heartbeat = seen()\n"
        "import flows.api as api\n"
        "found.update(early=early, settled=url, inside=inside, heartbeat=heartbeat, pid=api._running.process.pid)\n"
        "print(json.dumps(found))\n"
    )
    return json.loads(_run(code, tmp_path_factory.mktemp("early")))


def test_the_early_start_does_not_load_prefects_server_in_this_process(early_start_then_flow):
    """The server boots in its own process while this one loads the pipeline: importing Prefect's server here costs 2.5 s."""
    found = early_start_then_flow
    assert found["health"] == 200
    assert found["prefect_loaded"] is False and found["server_loaded"] is False


def test_a_flow_runs_against_the_early_server_and_it_stops_at_exit(early_start_then_flow):
    found = early_start_then_flow
    assert found["early"] == found["settled"] == found["inside"]
    assert found["heartbeat"] is None  # nobody watches a temporary API for crashed runs
    # The process is gone once the interpreter has exited (atexit stop).
    assert not Path(f"/proc/{found['pid']}").exists() or "zombie" in Path(f"/proc/{found['pid']}/status").read_text().lower()


def test_a_server_named_in_the_prefect_profile_replaces_the_early_one(tmp_path):
    """The early start cannot read Prefect's profile; the settled call does, and stops the server it need not have started."""
    profiles = tmp_path / "profiles.toml"
    profiles.write_text('active = "site"\n[profiles.site]\nPREFECT_API_URL = "http://127.0.0.1:9/api"\n', encoding="utf-8")
    code = (
        "import json\n"
        "import flows.api as api\n"
        "early = api.start_local_api_soon().result(timeout=200)\n"
        "process = api._running.process\n"
        "settled = api.ensure_local_api()\n"
        "print(json.dumps({'early': early, 'settled': settled, 'exit': process.poll()}))\n"
    )
    found = json.loads(_run(code, tmp_path, PREFECT_PROFILES_PATH=str(profiles)))
    assert found["early"].startswith("http://127.0.0.1:")
    assert found["settled"] is None
    assert found["exit"] is not None
