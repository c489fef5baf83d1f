"""Two `protokoll ingest` processes writing the same new documents to one PostgreSQL database at once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from models.db import session_scope
from models.schema import Case, CaseAlias, Document, DocumentVersion, ItemRecord, Person
from tests.fixtures import postgres_url, prefect_harness  # noqa: F401

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "samples" / "seeds"


def _ingest(folder: Path, url: str, home: Path) -> subprocess.Popen:
    from prefect.settings import get_current_settings

    # Both processes talk to the session's test API server: two ephemeral servers starting at once
    # on a small machine time out, which would test Prefect rather than the database.
    api_url = get_current_settings().api.url or ""
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_API_URL": api_url, "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180"}
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "ingest", str(folder), "--db", url, "--workers", "2"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def test_two_processes_same_new_documents_no_duplicates_no_deadlock(postgres_url, prefect_harness, tmp_path):  # noqa: F811
    folder = tmp_path / "in"
    folder.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy(seed, folder / seed.name)
    # The same Tyresö bundle under a second name: a second document whose people and cases already exist.
    shutil.copy(next(SEEDS.glob("001_*.txt")), folder / "001_copy.txt")
    (folder / "001_copy.txt").write_text((folder / "001_copy.txt").read_text(encoding="utf-8") + "\n", encoding="utf-8")

    processes = [_ingest(folder, postgres_url, tmp_path / f"prefect{i}") for i in range(2)]
    outputs = [p.communicate(timeout=900)[0] for p in processes]
    for p, out in zip(processes, outputs):
        assert p.returncode == 0, out
        assert "deadlock" not in out.lower()

    with session_scope(postgres_url) as s:
        def dupes(*cols):
            return s.execute(select(*cols, func.count()).group_by(*cols).having(func.count() > 1)).all()

        assert s.scalar(select(func.count()).select_from(Document)) == 6
        assert s.scalar(select(func.count()).select_from(DocumentVersion)) == 6
        assert dupes(DocumentVersion.sha256) == []
        assert dupes(Person.scope, Person.key) == []
        assert dupes(Case.scope, Case.normalised) == []
        assert dupes(CaseAlias.scope, CaseAlias.normalised) == []
        assert s.scalar(select(func.count()).select_from(Person).where(Person.name == "Tony Thorén")) == 1
        # Both Tyresö bundles were stored relationally, sharing their cases.
        assert s.scalar(select(func.count(func.distinct(ItemRecord.document_id))).where(ItemRecord.case_number == "Dnr 2019/KS 0222 12")) == 2
        assert s.scalar(select(func.count(func.distinct(ItemRecord.case_id))).where(ItemRecord.case_number == "Dnr 2019/KS 0222 12")) == 1
