"""`protokoll ingest --dask` on a real multi-process cluster: a `dask scheduler` and two `dask worker` processes on
localhost, nothing shared with the command but the network, the input folder and the PostgreSQL database."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fixtures import postgres_url, sqlite_url  # noqa: F401
from tests.ingest_runs import SEEDS, api_url, cli_env, run_cli, snapshot  # noqa: F401 - api_url is a fixture

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_workers(address: str, count: int, timeout: float = 120) -> None:
    from distributed import Client

    with Client(address, timeout=timeout) as client:
        client.wait_for_workers(count, timeout=timeout)


@pytest.fixture
def cluster(tmp_path):
    """A scheduler and two single-threaded worker processes, each in its own working directory."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = Path(sys.executable).with_name("dask")
    env = cli_env(tmp_path / "worker-prefect", None)
    processes = [subprocess.Popen([str(dask), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                                  cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        time.sleep(1)
        processes.append(subprocess.Popen([str(dask), "worker", address, "--nworkers", "2", "--nthreads", "1", "--no-dashboard"],
                                          cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        _wait_for_workers(address, 2)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def test_a_real_cluster_stores_what_a_local_run_stores(cluster, postgres_url, sqlite_url, api_url, tmp_path):  # noqa: F811
    batch = tmp_path / "in"
    batch.mkdir()
    for source in sorted(SEEDS.glob("*.txt")):
        (batch / source.name).write_bytes(source.read_bytes())

    distributed = run_cli(["ingest", str(batch), "--dask", cluster, "--db", postgres_url], cli_env(tmp_path / "p1", None))
    assert distributed.returncode == 0, distributed.stdout + distributed.stderr
    assert "ingested 5, unchanged 0, partial 0, failed 0" in distributed.stdout
    # The reference run on threads needs no temporary API of its own: the run on the cluster has one.
    local = run_cli(["ingest", str(batch), "--db", sqlite_url, "--workers", "2"], cli_env(tmp_path / "p2", api_url))
    assert local.returncode == 0, local.stdout + local.stderr

    on_cluster, cluster_flags = snapshot(postgres_url)
    at_home, local_flags = snapshot(sqlite_url)
    assert len(on_cluster) == 5 and sum(len(d["items"]) for d in on_cluster) > 0
    assert on_cluster == at_home
    assert cluster_flags == local_flags and cluster_flags
