"""The export of the bundled samples, byte for byte: the JSON Lines contract (EXPORT.md) and everything the
extractors, the store and the consistency check put into it. The golden file is the export `protokoll ingest` and
`protokoll export` wrote before the stages were moved into their rooms; any change to it must be one someone meant.

A flag's id hashes the paths of the documents it quotes, so the batch is read from one fixed folder (a lock keeps
two test runs on one machine apart) and written back as {SAMPLES}."""

from __future__ import annotations

import fcntl
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from models.db import ensure_schema
from pipeline.consistency.run import check_pending
from pipeline.research.export import write_jsonl
from tests.fixtures import sqlite_url  # noqa: F401
from tests.ingest_runs import ingest_directly

GOLDEN = Path(__file__).parents[1] / "data" / "golden" / "samples_export.jsonl"
FOLDER = Path(tempfile.gettempdir()) / "protokoll-golden"
BATCH = ("pdf", "scanned", "bad")


@pytest.fixture
def fixed_samples(generated_samples: Path) -> Iterator[Path]:
    """The demo's batch copied to FOLDER/samples, held under a lock for the length of the test."""
    FOLDER.mkdir(exist_ok=True)
    with (FOLDER / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        samples = FOLDER / "samples"
        shutil.rmtree(samples, ignore_errors=True)
        for group in BATCH:
            shutil.copytree(generated_samples / group, samples / group)
        try:
            yield samples
        finally:
            shutil.rmtree(samples, ignore_errors=True)


def export_of_samples(samples: Path, url: str) -> str:
    """The batch ingested, checked and exported, with the samples folder written as {SAMPLES}."""
    ensure_schema(url)
    ingest_directly([samples / group for group in BATCH], url)
    check_pending(url)
    out = io.StringIO()
    write_jsonl(url, out)
    return out.getvalue().replace(str(samples), "{SAMPLES}")


def test_the_samples_export_is_the_golden_file(fixed_samples, sqlite_url):  # noqa: F811
    exported = export_of_samples(fixed_samples, sqlite_url)
    if os.environ.get("PROTOKOLL_WRITE_GOLDEN") == "1":
        GOLDEN.write_text(exported, encoding="utf-8")
    golden = GOLDEN.read_text(encoding="utf-8")
    for number, (got, want) in enumerate(zip(exported.splitlines(), golden.splitlines()), 1):
        assert got == want, f"line {number} of the export differs from {GOLDEN.name}"
    assert exported == golden
