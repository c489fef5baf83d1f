"""Three `protokoll ingest` processes given the same new documents and a new database at once end with
exactly what one process would have stored: same export, same flag ids, no duplicates, no error anywhere."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from models.db import session_scope
from models.schema import Case, CaseAlias, Document, DocumentVersion, Person
from tests.ingest_runs import api_url, build_batch, cli_env, new_database, run_cli, snapshot, start_cli  # noqa: F401

BATCH = 16
PROCESSES = 3


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_three_processes_store_what_one_would(backend, api_url, tmp_path):
    folder = tmp_path / "batch"
    build_batch(folder, BATCH)
    with new_database(backend, tmp_path, "one") as one, new_database(backend, tmp_path, "three") as three:
        single = run_cli(["ingest", str(folder), "--db", one, "--workers", "2"], cli_env(tmp_path / "p0", api_url))
        assert single.returncode == 0, single.stdout + single.stderr

        # The database is new: the three also race to create its schema.
        processes = [
            start_cli(["ingest", str(folder), "--db", three, "--workers", "2"], cli_env(tmp_path / f"p{i + 1}", api_url))
            for i in range(PROCESSES)
        ]
        results = [(p, *p.communicate(timeout=900)) for p in processes]
        ingested = 0
        for process, out, err in results:
            assert process.returncode == 0, out + err
            assert err.strip() == "", err
            counts = re.search(r"ingested (\d+), unchanged (\d+), partial 0, failed 0", out)
            assert counts, out
            assert int(counts[1]) + int(counts[2]) == BATCH
            ingested += int(counts[1])
        assert ingested == BATCH  # each document stored by exactly one of them

        assert snapshot(three) == snapshot(one)
        with session_scope(three) as s:
            def dupes(*cols):
                return s.execute(select(*cols, func.count()).group_by(*cols).having(func.count() > 1)).all()

            assert s.scalar(select(func.count()).select_from(Document)) == BATCH
            assert s.scalar(select(func.count()).select_from(DocumentVersion)) == BATCH
            assert dupes(DocumentVersion.sha256) == []
            assert dupes(Person.scope, Person.key) == []
            assert dupes(Case.scope, Case.normalised) == []
            assert dupes(CaseAlias.scope, CaseAlias.normalised) == []


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_commands_opening_a_new_database_at_once_all_succeed(backend, tmp_path):
    """Every command creates the schema on first use; four at once on a new database: all exit 0."""
    with new_database(backend, tmp_path, "fresh") as url:
        env = cli_env(tmp_path / "prefect", None)
        processes = [start_cli(["status", "--db", url], env) for _ in range(4)]
        for process in processes:
            out, err = process.communicate(timeout=300)
            assert process.returncode == 0, out + err
            assert "no failed documents" in out
