"""The ingest flow on real files: bad input, idempotent re-runs, new versions, OCR pages, Dask.

The flow runs on threads against the session's Prefect harness. Stored rows go through dialect-specific
upserts: the re-run, new-version and copy cases run on both backends, the others on SQLite. OCR pages
get Tesseract's recorded answers (tests/ocr_replay.py) except in the scanned-PDF case, which runs the
real program, and on the Dask workers, which are processes of their own.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from flows.ingest import run_ingest
from models.db import session_scope
from models.schema import Document, DocumentVersion, IngestError, Page
from pipeline.settings import Settings
from pipeline.store.documents import open_failures

pytestmark = pytest.mark.usefixtures("prefect_harness")

SEEDS = Path(__file__).parents[2] / "samples" / "seeds"


def by_name(outcomes):
    return {Path(o.path).name: o for o in outcomes}


def counts(url):
    with session_scope(url) as s:
        return (
            s.scalar(select(func.count()).select_from(Document)),
            s.scalar(select(func.count()).select_from(DocumentVersion)),
            s.scalar(select(func.count()).select_from(Page)),
        )


@pytest.fixture
def batch(tmp_path, generated_samples) -> Path:
    """The bad-file set plus two good text files and an unreadable path."""
    folder = tmp_path / "batch"
    shutil.copytree(generated_samples / "bad", folder)
    shutil.copy(SEEDS / "004_6d18d82d7c7ab236.txt", folder / "minnesanteckningar.txt")
    shutil.copy(SEEDS / "000_a22a12a289bbcf3c.txt", folder / "skl_brev.txt")
    (folder / "gone.pdf").symlink_to("does-not-exist.pdf")
    return folder


EXPECTED_FAILURES = {
    "empty.pdf": ("empty", "empty file: 0 bytes"),
    "encrypted.pdf": ("encrypted", "encrypted PDF: password required"),
    "png_named.pdf": ("not_pdf", "not a PDF: PNG image data"),
    "zero_pages.pdf": ("no_pages", "PDF has no pages"),
    "gone.pdf": ("broken_symlink", "broken symlink: points to does-not-exist.pdf"),
}


@pytest.mark.sqlite_only
def test_every_bad_file_gets_its_own_error_and_the_batch_goes_on(batch, database_url):
    settings = Settings(database_url=database_url, workers=2)
    outcomes = by_name(run_ingest([str(batch)], settings))
    for name, (code, message) in EXPECTED_FAILURES.items():
        assert (outcomes[name].status, outcomes[name].error_code, outcomes[name].message) == ("failed", code, message)
    assert outcomes["truncated.pdf"].error_code == "truncated"
    assert outcomes["truncated.pdf"].message.startswith("truncated PDF: ")
    for good in ("minnesanteckningar.txt", "skl_brev.txt", "notes.md", "latin1.txt"):
        assert outcomes[good].status == "ingested", outcomes[good]
    failures = {Path(f.path).name: (f.code, f.message) for f in open_failures(database_url)}
    assert {k: failures[k] for k in EXPECTED_FAILURES} == EXPECTED_FAILURES


def test_rerun_changes_nothing_and_retries_only_what_failed(batch, database_url):
    settings = Settings(database_url=database_url, workers=2)
    first = by_name(run_ingest([str(batch)], settings))
    before = counts(database_url)
    second = by_name(run_ingest([str(batch)], settings))
    assert counts(database_url) == before
    for name, outcome in second.items():
        expected = "unchanged" if first[name].status == "ingested" else first[name].status
        assert outcome.status == expected, name
    with session_scope(database_url) as s:
        # Each failing file keeps exactly one open error, the older one is resolved, not duplicated.
        open_errors = s.scalars(select(IngestError).where(IngestError.resolved_at.is_(None))).all()
    assert len(open_errors) == sum(1 for o in first.values() if o.status == "failed")


def test_changed_bytes_become_a_new_version_and_a_later_failure_keeps_what_was_stored(tmp_path, database_url):
    settings = Settings(database_url=database_url, workers=1)
    path = tmp_path / "utdrag.txt"
    path.write_text("§ 12\nKommunstyrelsen beslutar att godkänna redovisningen.\n", encoding="utf-8")
    assert run_ingest([str(path)], settings)[0].status == "ingested"
    path.write_text("§ 12\nKommunstyrelsen beslutar att återremittera ärendet.\n", encoding="utf-8")
    second = run_ingest([str(path)], settings)[0]
    assert second.status == "ingested"
    path.write_bytes(b"\x00\x01\x02 overwritten by a broken copy \x00")
    third = run_ingest([str(path)], settings)[0]
    assert (third.status, third.message) == ("failed", "not a text file: 2 NUL bytes among the first 34 bytes, in no text encoding's pattern")
    with session_scope(database_url) as s:
        document = s.scalars(select(Document)).one()
        versions = s.scalars(select(DocumentVersion).order_by(DocumentVersion.version)).all()
        assert [v.version for v in versions] == [1, 2]
        assert document.current_version_id == second.version_id
        assert document.status == "failed"
        page = s.scalars(select(Page).where(Page.version_id == second.version_id)).one()
        assert "återremittera" in page.text


@pytest.mark.real_tesseract
@pytest.mark.sqlite_only
def test_scanned_pdf_pages_are_ocred_with_words_and_confidence(tmp_path, database_url, generated_samples):
    settings = Settings(database_url=database_url, workers=2)
    half = generated_samples / "bad" / "half_scanned.pdf"
    outcome = run_ingest([str(half)], settings)[0]
    assert (outcome.status, outcome.pages, outcome.ocr_pages) == ("ingested", 2, 1)
    with session_scope(database_url) as s:
        pages = s.scalars(select(Page).order_by(Page.number)).all()
        assert [p.method for p in pages] == ["text", "ocr"]
        assert pages[0].confidence is None
        assert pages[1].confidence > 70
        assert len(pages[1].words) > 20
        text, left, top, width, height, conf, line = pages[1].words[0]
        assert width > 0 and height > 0 and 0 <= conf <= 100


def _pdf_with_a_page_tesseract_refuses(path: Path) -> Path:
    """Page 1 has a text layer; page 2 is a 110-inch image-only banner: at 300 dpi it is 33 000 pixels wide,
    more than Tesseract accepts ("Image too large")."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawString(72, 760, "Kommunfullmäktige beslutar att anta budgeten för år 2025 enligt förslaget.")
    c.showPage()
    c.setPageSize((7920, 30))
    c.rect(10, 10, 7900, 10, fill=1)
    c.showPage()
    c.save()
    return path


@pytest.mark.sqlite_only
def test_a_page_tesseract_cannot_read_is_recorded_and_retried(tmp_path, database_url):
    settings = Settings(database_url=database_url, workers=1)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ok.txt").write_text("Kommunfullmäktige beslutar att anta budgeten för år 2025.\n", encoding="utf-8")
    _pdf_with_a_page_tesseract_refuses(folder / "mixed.pdf")
    outcomes = by_name(run_ingest([str(folder)], settings))
    assert outcomes["ok.txt"].status == "ingested"
    assert (outcomes["mixed.pdf"].status, outcomes["mixed.pdf"].pages, outcomes["mixed.pdf"].error_code) == ("partial", 2, "ocr_failed")
    (failure,) = [f for f in open_failures(database_url) if f.path.endswith("mixed.pdf")]
    assert (failure.status, failure.page, failure.code) == ("partial", 2, "ocr_failed")
    assert "Image too large" in failure.message
    with session_scope(database_url) as s:
        pages = s.scalars(select(Page).where(Page.version_id == outcomes["mixed.pdf"].version_id).order_by(Page.number)).all()
        # The readable page is stored; the refused one is kept with its error.
        assert [(p.number, p.method, p.error is None) for p in pages] == [(1, "text", True), (2, "ocr", False)]
    again = by_name(run_ingest([str(folder)], settings))
    assert again["ok.txt"].status == "unchanged"
    assert again["mixed.pdf"].status == "partial"
    assert len([f for f in open_failures(database_url) if f.path.endswith("mixed.pdf")]) == 1


@pytest.mark.sqlite_only
def test_an_image_that_is_not_one_fails_on_its_own(tmp_path, database_url):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x00\x00\x00\x00")
    (outcome,) = run_ingest([str(folder)], Settings(database_url=database_url, workers=1))
    assert (outcome.status, outcome.error_code) == ("failed", "corrupt_image")
    assert outcome.message.startswith("corrupt image: cannot identify image file")


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_result_as_threads(tmp_path, generated_samples):
    from distributed import LocalCluster

    from models.db import upgrade

    inputs = [str(SEEDS / "004_6d18d82d7c7ab236.txt"), str(generated_samples / "bad" / "half_scanned.pdf"), str(generated_samples / "bad" / "encrypted.pdf")]
    local_url = f"sqlite:///{tmp_path / 'threads.db'}"
    dask_url = f"sqlite:///{tmp_path / 'dask.db'}"
    upgrade(local_url)
    upgrade(dask_url)
    local = run_ingest(inputs, Settings(database_url=local_url, workers=2))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = run_ingest(inputs, Settings(database_url=dask_url, dask_address=cluster.scheduler_address))

    def summary(outcomes):
        return sorted((o.path, o.status, o.sha256, o.pages, o.ocr_pages, o.message) for o in outcomes)

    assert summary(remote) == summary(local)

    def page_texts(url):
        with session_scope(url) as s:
            return s.execute(select(Page.number, Page.method, Page.text).order_by(Page.version_id, Page.number)).all()

    assert page_texts(dask_url) == page_texts(local_url)


@pytest.mark.sqlite_only
def test_restoring_the_original_bytes_makes_the_document_current_again(tmp_path, database_url):
    settings = Settings(database_url=database_url, workers=1)
    path = tmp_path / "utdrag.txt"
    original = "§ 7\nKommunstyrelsen beslutar att anta planen.\n"
    path.write_text(original, encoding="utf-8")
    first = run_ingest([str(path)], settings)[0]
    path.write_bytes(b"")
    assert run_ingest([str(path)], settings)[0].status == "failed"
    path.write_text(original, encoding="utf-8")
    again = run_ingest([str(path)], settings)[0]
    assert (again.status, again.version_id) == ("unchanged", first.version_id)
    with session_scope(database_url) as s:
        document = s.scalars(select(Document)).one()
        assert (document.status, document.current_version_id) == ("ok", first.version_id)
    assert open_failures(database_url) == []


@pytest.mark.sqlite_only
def test_stored_bytes_without_a_current_extraction_are_extracted_again(tmp_path, database_url):
    from sqlalchemy import delete

    from models.schema import ExtractionRecord

    settings = Settings(database_url=database_url, workers=1)
    path = SEEDS / "004_6d18d82d7c7ab236.txt"
    first = run_ingest([str(path)], settings)[0]
    with session_scope(database_url) as s:
        s.execute(delete(ExtractionRecord))
    again = run_ingest([str(path)], settings)[0]
    assert (again.status, again.needs_extraction) == ("unchanged", True)
    with session_scope(database_url) as s:
        assert s.scalars(select(ExtractionRecord.version_id)).all() == [first.version_id]


def test_copies_in_one_batch_are_read_once(tmp_path, database_url, generated_samples):
    """The same scanned page under three names: OCRed once, the copies reported as the same content."""
    folder = tmp_path / "copies"
    folder.mkdir()
    for name in ("a.png", "b.png", "c.png"):
        shutil.copy(generated_samples / "scanned" / "004_page1_rotated.png", folder / name)
    outcomes = run_ingest([str(folder)], Settings(database_url=database_url, workers=2))
    (read,) = [o for o in outcomes if o.status == "ingested"]  # whichever copy was hashed first
    assert read.ocr_pages == 1
    copies = sorted((o.status, o.version_id, o.message) for o in outcomes if o is not read)
    assert copies == [("unchanged", read.version_id, f"same content as {read.path}")] * 2
    assert counts(database_url) == (1, 1, 1)
