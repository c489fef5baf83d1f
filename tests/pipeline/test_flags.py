"""Flags in the database: stable ids across re-runs, reviews kept, filters, and flags in the export.

The three seeds are ingested and checked once per backend for the module (`seeded`); the tests that
only read share that database, the one that reviews and re-runs gets a copy of it (`seeded_copy`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import steps

from pipeline.research.export import iter_export
from pipeline.consistency.run import run_checks
from pipeline.store.flags import list_flags, review_flag
from pipeline.settings import Settings
from tests.fixtures import copy_database, release_database

SEEDS = Path(__file__).parents[2] / "samples" / "seeds"


def ingest_plain(url: str, paths: list[Path]) -> list[int]:
    """Ingest text files through the pipeline's functions, without Prefect."""
    settings = Settings(database_url=url)
    versions = []
    for path in paths:
        doc = steps.start_document(str(path), settings)
        outcome = steps.finish_document(doc, [], settings)
        steps.extract_version(url, outcome.version_id)
        versions.append(outcome.version_id)
    return versions


@pytest.fixture(scope="module")
def seeded(module_database_url):
    versions = ingest_plain(module_database_url, [SEEDS / "000_a22a12a289bbcf3c.txt", SEEDS / "001_5b71f28849db2a5a.txt", SEEDS / "003_0325c0e894bc0825.txt"])
    run_checks(module_database_url, set(versions))
    return module_database_url


@pytest.fixture
def seeded_copy(seeded, tmp_path):
    """The seeded database copied, for a test that changes it."""
    url = copy_database(seeded, tmp_path)
    yield url
    release_database(url)


def test_seed_flags_are_stored_with_their_evidence(seeded):
    kinds = {f.kind for f in list_flags(seeded)}
    assert {"conflicting_period", "conflicting_deadline", "deadline_before_document", "duration_mismatch", "arithmetic_mismatch", "erratum", "amended_later"} <= kinds
    assert "late_notice" not in kinds
    for flag in list_flags(seeded):
        assert flag.evidence, flag.kind
        for e in flag.evidence:
            assert e["quote"] and e["page"] >= 1 and e["end"] > e["start"]
        assert all("2017-2018" not in str(v) for v in flag.values)


def test_rerun_keeps_ids_and_reviews(seeded_copy):
    before = {f.identity: f.kind for f in list_flags(seeded_copy)}
    deadline = next(f for f in list_flags(seeded_copy) if f.kind == "conflicting_deadline")
    review_flag(seeded_copy, deadline.identity, "accepted", note="SKL skrev fel år i meddelandet", reviewer="qa")
    run_checks(seeded_copy, None)
    after = {f.identity: f for f in list_flags(seeded_copy)}
    assert {k: v.kind for k, v in after.items()} == before
    assert (after[deadline.identity].review, after[deadline.identity].review_note) == ("accepted", "SKL skrev fel år i meddelandet")


def test_review_survives_when_a_new_document_joins_the_matter(database_url, tmp_path):
    """A later batch adds a document that renames the matter and adds quotes: the finding keeps its id and review."""
    ingest_plain(database_url, [SEEDS / "001_5b71f28849db2a5a.txt"])
    run_checks(database_url, None)
    conflict = next(f for f in list_flags(database_url) if f.kind == "conflicting_period")
    review_flag(database_url, conflict.identity, "accepted", note="felskrivning i SKL:s meddelande", reviewer="qa")
    # Sorts before the bundle, so the matter is now named after it, and it states 2020-2024 once more.
    early = tmp_path / "000_skr_2022.txt"
    early.write_text((SEEDS / "003_0325c0e894bc0825.txt").read_text(encoding="utf-8"), encoding="utf-8")
    versions = ingest_plain(database_url, [early])
    run_checks(database_url, set(versions))
    again = [f for f in list_flags(database_url) if f.kind == "conflicting_period"]
    assert [(f.identity, f.review, f.review_note) for f in again] == [(conflict.identity, "accepted", "felskrivning i SKL:s meddelande")]
    assert any(e["document"].endswith("000_skr_2022.txt") for e in again[0].evidence)


def test_filters(seeded):
    assert {f.severity for f in list_flags(seeded, severity="error")} == {"error"}
    assert {f.kind for f in list_flags(seeded, kind="erratum")} == {"erratum"}
    tyreso = list_flags(seeded, municipality="TYRESO")
    assert tyreso and all(any("001_" in e["document"] for e in f.evidence) for f in tyreso)


def test_cross_document_flags_appear_on_every_cited_document(seeded):
    exported = {Path(o["source"]["path"]).name: o for o in iter_export(seeded)}
    deadline_ids = {f["id"] for name in ("001_5b71f28849db2a5a.txt", "003_0325c0e894bc0825.txt") for f in exported[name]["flags"] if f["kind"] == "conflicting_deadline"}
    assert len(deadline_ids) == 1
    arithmetic = [f for f in exported["000_a22a12a289bbcf3c.txt"]["flags"] if f["kind"] == "arithmetic_mismatch"]
    assert sorted(f["values"][0] for f in arithmetic) == ["5 000 × 1,95 = 9 750", "50 000 × 1,95 = 97 500"]


def test_unknown_review_decision_is_refused(seeded):
    flag = list_flags(seeded)[0]
    with pytest.raises(ValueError):
        review_flag(seeded, flag.identity, "maybe")
