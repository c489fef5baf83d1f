"""The export streams (EXPORT_CHUNK documents at a time, flags fetched per chunk) and writes exactly the bytes
the whole-database export wrote: every row read at once, every document's flags from one query."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from models.db import session_scope
from models.schema import Document, DocumentVersion
from pipeline.research import export
from pipeline import steps
from pipeline.research.export import document_object, write_jsonl
from pipeline.consistency.run import run_checks
from pipeline.store.flags import flags_by_version
from pipeline.store.repository import load_extractions
from pipeline.settings import Settings

SEEDS = Path(__file__).parents[2] / "samples" / "seeds"


@pytest.fixture(scope="module")
def seeded(module_database_url) -> str:
    """The seeds with the most flags, ingested and checked."""
    settings = Settings(database_url=module_database_url)
    versions = set()
    for name in ("000_a22a12a289bbcf3c.txt", "003_0325c0e894bc0825.txt", "004_6d18d82d7c7ab236.txt"):
        outcome = steps.finish_document(steps.start_document(str(SEEDS / name), settings), [], settings)
        steps.extract_version(module_database_url, outcome.version_id)
        versions.add(outcome.version_id)
    run_checks(module_database_url, versions)
    return module_database_url


def whole_export(url: str) -> str:
    """The export as written before it streamed: all rows and extractions loaded, then the flags of every version."""
    with session_scope(url) as session:
        rows = session.execute(
            select(Document.path, DocumentVersion.id, DocumentVersion.sha256, DocumentVersion.page_count, DocumentVersion.ocr)
            .join(DocumentVersion, DocumentVersion.id == Document.current_version_id)
            .order_by(Document.path)
        ).all()
        extractions = load_extractions(session, [row[1] for row in rows])
    flags = flags_by_version(url)
    return "".join(
        json.dumps(document_object(path, sha256, pages, ocr, extractions.get(version_id), flags.get(version_id, [])), ensure_ascii=False) + "\n"
        for path, version_id, sha256, pages, ocr in rows
    )


@pytest.mark.parametrize("chunk", [1, 2, export.EXPORT_CHUNK])
def test_streamed_export_is_byte_identical_to_the_whole_database_export(seeded, monkeypatch, chunk):
    monkeypatch.setattr(export, "EXPORT_CHUNK", chunk)
    out = io.StringIO()
    assert write_jsonl(seeded, out) == 3
    expected = whole_export(seeded)
    assert out.getvalue() == expected
    lines = [json.loads(line) for line in expected.splitlines()]
    assert [Path(o["source"]["path"]).name[:3] for o in lines] == ["000", "003", "004"]
    assert sum(len(o["flags"]) for o in lines) > 0, "the seeds should carry flags, or the per-chunk flags go untested"


def test_the_line_from_the_rows_is_the_line_from_the_typed_records_in_every_field(database_url):
    """Every field the rows hold, with printed forms that differ from resolved ones (tests.pipeline.test_repository):
    the export's lines from the rows are document_object's lines from the records they are read back as."""
    from pipeline.research.export import _source, line, lines_of
    from pipeline.store import extractions
    from pipeline.store.repository import read_batch
    from tests.pipeline.test_repository import every_field, stored_version

    version_id = stored_version(database_url)
    with session_scope(database_url) as session:
        extractions.store_extraction(session, version_id, every_field())
    with session_scope(database_url) as session:
        typed = load_extractions(session, [version_id], with_sections=False)[version_id]
        parts = lines_of(read_batch(session, [version_id], with_sections=False))[version_id]
    flags = [{"id": "f", "kind": "k", "severity": "error", "message": "m", "values": [], "evidence": []}]
    from_rows = line(_source("p", "0" * 64, 2, True), parts, flags)
    from_records = document_object("p", "0" * 64, 2, True, typed, flags)
    assert json.dumps(from_rows, ensure_ascii=False) == json.dumps(from_records, ensure_ascii=False)
    assert from_rows["items"][0]["votes"][0]["yes_names"] == ["Anna Lund (S)", "Bo Ek (S)"]
    assert from_rows["amounts"][0]["approximate"] is True and from_rows["items"][0]["immediate_adjustment"] is True
    assert from_rows["meetings"][0]["attendance"][0]["name"] == "Anna Lund Anna Lund"
    assert from_rows["items"][1]["case_number"] is None and from_rows["items"][0]["reservations"] == ["Jörgen Fogelklou (SD)"]
