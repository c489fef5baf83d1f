"""A batch killed with SIGKILL at five moments and run again ends exactly as one uninterrupted run.

The moments are read from the database the run writes: a few documents stored, more stored, about half
extracted (then `protokoll check` finishes what is stored, without ingesting), most extracted, and every
document extracted but the consistency check not yet committed (the run that once lost every flag for
good). Each rerun finishes what the killed run left.
"""

from __future__ import annotations

import pytest

from tests.ingest_runs import (
    EXTRACTED,
    STORED,
    UNCHECKED,
    build_batch,
    cli_env,
    kill_when,
    api_url,  # noqa: F401 - a fixture
    new_database,
    run_cli,
    scalar,
    snapshot,
    start_cli,
)

BATCH = 30


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_killed_five_times_then_rerun_equals_one_uninterrupted_run(backend, api_url, tmp_path):
    folder = tmp_path / "batch"
    build_batch(folder, BATCH)
    env = cli_env(tmp_path / "prefect", api_url)
    with new_database(backend, tmp_path, "whole") as whole, new_database(backend, tmp_path, "killed") as killed:
        done = run_cli(["ingest", str(folder), "--db", whole, "--workers", "2"], env)
        assert done.returncode == 0, done.stdout + done.stderr
        assert f"ingested {BATCH}, unchanged 0, partial 0, failed 0" in done.stdout
        expected_export, expected_flags = snapshot(whole)
        assert len(expected_export) == BATCH and len(expected_flags) >= 10

        moments = [
            lambda: scalar(killed, STORED) >= 3,
            lambda: scalar(killed, STORED) >= 10,
            lambda: scalar(killed, EXTRACTED) >= 16,
            lambda: scalar(killed, EXTRACTED) >= 25,
            lambda: scalar(killed, EXTRACTED) >= BATCH,
        ]
        left: list[tuple[int, int, int]] = []
        for number, moment in enumerate(moments):
            process = start_cli(["ingest", str(folder), "--db", killed, "--workers", "2"], env)
            assert kill_when(process, moment), f"run {number + 1} ended before the moment to kill it"
            left.append((scalar(killed, STORED), scalar(killed, EXTRACTED), scalar(killed, UNCHECKED)))
            if number == 2:
                # `protokoll check` finishes what was stored, without ingesting: flags of part of the batch,
                # which the later runs must bring to exactly those of the whole batch.
                done = run_cli(["check", "--db", killed], env)
                assert done.returncode == 0, done.stdout + done.stderr
                stored, extracted, unchecked = left[-1]
                assert f"extracted {stored - extracted}, failed 0; checked {unchecked + stored - extracted} documents" in done.stdout
                assert (scalar(killed, EXTRACTED), scalar(killed, UNCHECKED)) == (stored, 0)
        # Work was left in each state a rerun must finish: stored but not extracted, extracted but not checked.
        assert any(stored > extracted for stored, extracted, _ in left), left
        assert left[-1][1] == BATCH and left[-1][2] > 0, left

        status = run_cli(["status", "--db", killed], env)
        assert status.returncode == 0, status.stderr
        assert f"extracted but not checked: {left[-1][2]}" in status.stdout

        rerun = run_cli(["ingest", str(folder), "--db", killed, "--workers", "2"], env)
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr
        assert f"ingested 0, unchanged {BATCH}, partial 0, failed 0" in rerun.stdout
        assert f"checked {left[-1][2]} documents" in rerun.stdout
        assert "Traceback" not in rerun.stderr and "ERROR" not in rerun.stderr

        assert snapshot(killed) == (expected_export, expected_flags)
        assert scalar(killed, UNCHECKED) == 0
