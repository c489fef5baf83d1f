"""Migration 0011 (rows are the truth): the blob's values move into the rows and back, with data, on both databases."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from models import db
from pipeline.store import extractions, repository
from tests.ingest_runs import ingest_directly

SEEDS = Path(__file__).parents[2] / "samples" / "seeds"




def loaded(url: str, versions: list[int]) -> dict:
    with db.session_scope(url) as session:
        return repository.load_extractions(session, versions)


def test_downgrade_writes_the_blob_and_upgrade_reads_it_back(database_url):
    versions = [o.version_id for o in ingest_directly(sorted(SEEDS.glob("*.txt")), database_url)]
    before = loaded(database_url, versions)
    db.downgrade(database_url, "0010")
    engine = db.get_engine(database_url)
    with engine.begin() as conn:
        blobs = conn.execute(text("SELECT version_id, data FROM extractions")).all()
        assert len(blobs) == len(versions)
        # A document whose rows no longer match its blob, and a header left over a version whose rows are gone.
        broken, stale = versions[0], versions[1]
        conn.execute(text("DELETE FROM date_facts WHERE id = (SELECT min(id) FROM date_facts WHERE version_id = :v)"), {"v": broken})
        document = conn.execute(text("SELECT document_id FROM document_versions WHERE id = :v"), {"v": stale}).scalar_one()
        conn.execute(text("INSERT INTO document_versions (document_id, version, sha256, size, status, page_count, ocr, ingested_at) "
                          "VALUES (:d, 2, :s, 1, 'ok', 0, false, CURRENT_TIMESTAMP)"), {"d": document, "s": "f" * 64})
        old = conn.execute(text("SELECT id FROM document_versions WHERE sha256 = :s"), {"s": "f" * 64}).scalar_one()
        conn.execute(text("INSERT INTO extractions (version_id, extractor_version, doc_type, data, created_at) "
                          "SELECT :old, extractor_version, doc_type, data, created_at FROM extractions WHERE version_id = :v"), {"old": old, "v": stale})
    db.upgrade(database_url)
    after = loaded(database_url, versions)
    assert broken not in after, "rows that no longer match their blob: the document is extracted again"
    assert {v: after[v] for v in versions if v != broken} == {v: before[v] for v in versions if v != broken}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM extractions WHERE version_id = :old"), {"old": old}).scalar_one() == 0
    assert broken in extractions.unextracted_versions(database_url)
