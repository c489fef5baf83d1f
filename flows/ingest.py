"""The ingest flow: orchestration only. The work lives in pipeline.ingest and pipeline.extract.

A task per document (hash, text layer), a task per OCR page, a task to store
each document and one to extract it. Concurrency is bounded by the task
runner: threads on one machine (`--workers`), or a Dask cluster (`--dask`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, as_completed
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

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


class _PageQueue:
    """OCR pages waiting for a worker, at most `window` in flight (None: all at once, as on a Dask cluster).

    A thread pool runs tasks in the order they were submitted: with every page submitted up front, a finished
    document's store and extraction would wait behind all of them and the batch would end with every
    extraction in a row. With the pages fed in as workers free up, they run while OCR goes on.
    """

    def __init__(self, settings: Settings, window: int | None) -> None:
        self.settings = settings
        self.window = window
        self.waiting: deque[tuple[PreparedDocument, int]] = deque()
        self.in_flight: dict[PrefectFuture, str] = {}

    def add(self, doc: PreparedDocument) -> None:
        self.waiting.extend((doc, number) for number in doc.ocr_pages)
        self._top_up()

    def _top_up(self) -> None:
        while self.waiting and (self.window is None or len(self.in_flight) < self.window):
            doc, number = self.waiting.popleft()
            self.in_flight[ocr_page.submit(_unwalked(doc, self.settings), number, self.settings)] = doc.path

    def completed(self) -> Iterator[tuple[PrefectFuture, str]]:
        """(future, document path) of each page as it is read, feeding the next page in first."""
        while self.in_flight:
            future = next(as_completed(list(self.in_flight)))
            path = self.in_flight.pop(future)
            self._top_up()
            yield future, path


def _ingest_round(files: list[str], settings: Settings, batch: _Batch) -> list[str]:
    """Read, OCR, store and extract `files`; return those deferred as copies of a file read in this round."""
    progress = batch.progress
    pending: dict[str, PreparedDocument] = {}
    # One page beyond the Tesseract slots (pipeline.ocr.tesseract_slots) is prepared while the others are read.
    pages = _PageQueue(settings, None if settings.dask_address else max(1, settings.workers) + 1)
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
        pending[result.path] = result
        pages.add(result)
        if progress:
            progress.add_pages(len(result.pages) + len(result.ocr_pages))
            for _ in result.pages:
                progress.page_done()

    # Each document is stored and extracted as soon as its last page is read, while other pages are still in OCR.
    finishing: dict[PrefectFuture, str] = {}

    def finish(doc: PreparedDocument, read: list[PageText]) -> None:
        future = finish_document.submit(_unwalked(doc, settings), _unwalked(read, settings), settings)
        finishing[future] = doc.path
        batch.extracting.append(extract_stored.submit(future, settings))

    results: dict[str, list[PageText]] = {}
    for doc in pending.values():
        if not doc.ocr_pages:
            finish(doc, [])
    failed_paths: set[str] = set()
    for future, path in pages.completed():
        if progress:
            progress.page_done()
        page = future.result(raise_on_failure=False)
        if isinstance(page, BaseException):
            if path not in failed_paths:
                failed_paths.add(path)
                batch.done(ingest.fail_document(path, page, settings, pending[path].sha256))
            continue
        results.setdefault(path, []).append(page)
        if len(results[path]) == len(pending[path].ocr_pages) and path not in failed_paths:
            finish(pending[path], results[path])

    for future, path in _completed(finishing):
        outcome = _result_or_failure(future, path, settings)
        batch.done(outcome)
        if outcome.version_id is not None and outcome.status in extract.EXTRACTABLE:
            batch.stored.append(outcome.version_id)
    return deferred


def _unwalked(value: Any, settings: Settings) -> Any:
    """`value` marked so that Prefect does not walk it looking for futures: for a document's pages it would visit
    every word box, twice a task (about 2 s of CPU in a 36-page batch). Not on Dask: distributed rebuilds the
    marker, a tuple, as a plain tuple on its way to the worker."""
    return value if settings.dask_address else quote(value)


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
        # The OCR pages in hand (workers + 1), and one thread that stores and extracts finished documents meanwhile.
        runner = ThreadPoolTaskRunner(max_workers=max(1, settings.workers) + 2)
    with api_settings(api_url):
        return ingest_flow.with_options(task_runner=runner)(paths, settings, progress)
