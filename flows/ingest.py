"""The ingest flow: orchestration only. The work lives in pipeline.ingest and pipeline.extract.

A task per document (hash, text layer), a task per OCR page, a task to store
each document and one to extract it. Concurrency is bounded by the task
runner: threads on one machine (`--workers`), or a Dask cluster (`--dask`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from flows.api import api_settings, ensure_local_api
from models.records import PageText
from pipeline import extract, ingest
from pipeline.errors import ProtokollError
from pipeline.load import PreparedDocument
from pipeline.settings import Settings
from pipeline.store import Outcome


class Progress(Protocol):
    """Where the flow reports progress (the CLI's progress bar; None in tests)."""

    def add_documents(self, count: int) -> None: ...
    def add_pages(self, count: int) -> None: ...
    def page_done(self) -> None: ...
    def document_done(self, outcome: Outcome) -> None: ...


def _transient(_task, _run, state) -> bool:
    """Retry only failures that may pass (missing OCR engine mid-install, a dropped database link)."""
    error = state.result(raise_on_failure=False)
    if isinstance(error, ProtokollError):
        return error.transient
    return isinstance(error, (ConnectionError, TimeoutError, OSError))


# The store is the cache: bytes already ingested are skipped by SHA-256 in start_document.
@task(retries=2, retry_delay_seconds=1, retry_condition_fn=_transient, cache_policy=NO_CACHE)
def start_document(path: str, settings: Settings) -> PreparedDocument | Outcome:
    return ingest.start_document(path, settings)


@task(retries=2, retry_delay_seconds=2, retry_condition_fn=_transient, cache_policy=NO_CACHE)
def ocr_page(doc: PreparedDocument, number: int, settings: Settings) -> PageText:
    return ingest.read_page(doc.path, doc.kind, number, settings)


@task(retries=2, retry_delay_seconds=1, retry_condition_fn=_transient, cache_policy=NO_CACHE)
def finish_document(doc: PreparedDocument, pages: list[PageText], settings: Settings) -> Outcome:
    return ingest.finish_document(doc, pages, settings)


@task(retries=1, retry_condition_fn=_transient, cache_policy=NO_CACHE)
def extract_document(version_id: int, settings: Settings) -> bool:
    return extract.extract_or_record(settings.database_url, version_id)


@task(retries=1, retry_condition_fn=_transient, cache_policy=NO_CACHE)
def extract_stored(outcome: Outcome, settings: Settings) -> bool:
    return extract.extract_outcome(settings.database_url, outcome)


@task(cache_policy=NO_CACHE)
def check_documents(version_ids: list[int], settings: Settings) -> int:
    return extract.check_versions(settings.database_url, version_ids)


@flow(name="ingest", validate_parameters=False, log_prints=False)
def ingest_flow(paths: list[str], settings: Settings, progress: Any = None) -> list[Outcome]:
    """Ingest every file under `paths`; `progress` is a Progress (typed Any: Prefect builds a schema from the signature)."""
    files = [str(p) for p in ingest.discover(paths)]
    if progress:
        progress.add_documents(len(files))
    batch = _Batch(progress)
    while files:
        # Copies of one file (same bytes) are read once; the others are looked at again once it is stored.
        files = _ingest_round(files, settings, batch)
    for future in batch.extracting:
        future.wait()
    if batch.stored:
        check_documents.submit(batch.stored, settings).wait()
    return batch.outcomes


@dataclass
class _Batch:
    """What a run has gathered so far: its outcomes, the versions to check, the extractions under way."""

    progress: Progress | None
    outcomes: list[Outcome] = field(default_factory=list)
    stored: list[int] = field(default_factory=list)
    extracting: list[PrefectFuture] = field(default_factory=list)

    def done(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)
        if self.progress:
            self.progress.document_done(outcome)


def _ingest_round(files: list[str], settings: Settings, batch: _Batch) -> list[str]:
    """Read, OCR, store and extract `files`; return those deferred as copies of a file read in this round."""
    progress = batch.progress
    pending: dict[str, tuple[PreparedDocument, list[PrefectFuture]]] = {}
    page_futures: dict[PrefectFuture, str] = {}
    first_path: dict[str, str] = {}
    deferred: list[str] = []

    for future, path in _completed({start_document.submit(p, settings): p for p in files}):
        result = _result_or_failure(future, path, settings)
        if isinstance(result, Outcome):
            batch.done(result)
            if result.needs_extraction and result.version_id is not None:
                batch.stored.append(result.version_id)
                batch.extracting.append(extract_document.submit(result.version_id, settings))
            continue
        if result.sha256 in first_path:
            deferred.append(result.path)
            continue
        first_path[result.sha256] = result.path
        futures = [ocr_page.submit(result, n, settings) for n in result.ocr_pages]
        pending[result.path] = (result, futures)
        page_futures.update({f: result.path for f in futures})
        if progress:
            progress.add_pages(len(result.pages) + len(futures))
            for _ in result.pages:
                progress.page_done()

    # Each document is stored and extracted as soon as its last page is read, while other pages are still
    # in OCR: the batch ends with the last page, not with every extraction queued behind it.
    finishing: dict[PrefectFuture, str] = {}

    def finish(doc: PreparedDocument, pages: list[PageText]) -> None:
        future = finish_document.submit(doc, pages, settings)
        finishing[future] = doc.path
        batch.extracting.append(extract_stored.submit(future, settings))

    results: dict[str, list[PageText]] = {}
    for path, (doc, futures) in pending.items():
        if not futures:
            finish(doc, [])
    failed_paths: set[str] = set()
    for future, path in _completed(page_futures):
        if progress:
            progress.page_done()
        page = future.result(raise_on_failure=False)
        if isinstance(page, BaseException):
            if path not in failed_paths:
                failed_paths.add(path)
                batch.done(ingest.fail_document(path, page, settings, pending[path][0].sha256))
            continue
        results.setdefault(path, []).append(page)
        if len(results[path]) == len(pending[path][1]) and path not in failed_paths:
            finish(pending[path][0], results[path])

    for future, path in _completed(finishing):
        outcome = _result_or_failure(future, path, settings)
        batch.done(outcome)
        if outcome.version_id is not None and outcome.status in extract.EXTRACTABLE:
            batch.stored.append(outcome.version_id)
    return deferred


def _completed(futures: dict[PrefectFuture, str]) -> Iterable[tuple[PrefectFuture, str]]:
    for future in as_completed(list(futures)):
        yield future, futures[future]


def _result_or_failure(future: PrefectFuture, path: str, settings: Settings):
    result = future.result(raise_on_failure=False)
    if isinstance(result, BaseException):
        return ingest.fail_document(path, result, settings)
    return result


def run_ingest(paths: list[str], settings: Settings, progress: Progress | None = None) -> list[Outcome]:
    """Run the flow on threads (`settings.workers`) or on the Dask scheduler at `settings.dask_address`."""
    api_url = ensure_local_api()
    if settings.dask_address:
        from prefect_dask import DaskTaskRunner

        runner = DaskTaskRunner(address=settings.dask_address)
    else:
        runner = ThreadPoolTaskRunner(max_workers=max(1, settings.workers))
    with api_settings(api_url):
        return ingest_flow.with_options(task_runner=runner)(paths, settings, progress)
