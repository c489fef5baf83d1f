"""Prefect's temporary local API: started before the flow, a start that does not answer is retried.

Each case runs in its own interpreter: the session's test harness registers its
server as Prefect's default in this process, which would hide the real start.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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
    environ.update(PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_SERVER_ANALYTICS_ENABLED="false", **env)
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(timeouts)], cwd=REPO, env=environ,
                          capture_output=True, text=True, timeout=400)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_start_that_does_not_answer_is_retried_on_a_new_server(tmp_path):
    # 0.1 s is far too short for any start: the first attempt fails, the second must serve.
    found = _probe([0.1, 120], tmp_path)
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
