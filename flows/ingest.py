"""The ingest flow: orchestration only. The work lives in pipeline.steps.

A task per document (hash, text layer), a task per OCR page, a task to store
each document and one to extract it, and one consistency check at the end.
Concurrency is bounded by the task runner: threads on one machine
(`--workers`), or a Dask cluster (`--dask`).

Progress is durable: each document is committed as soon as it is read and
extracted right after, and the check covers every extraction no check has
covered yet, so a run killed at any moment leaves work the next run (or
`protokoll check`) finishes. A run told to stop (`stop`) submits nothing more
and returns what is done.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import signal
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from flows.api import api_settings, ensure_local_api, prune_flow_runs
from models.claims import CheckReport
from models.records import Outcome, PageText, PreparedDocument
from pipeline import steps
from pipeline.errors import ProtokollError
from pipeline.settings import Settings


class Progress(Protocol):
    """Where the flow reports progress (the CLI's progress bar; None in tests)."""

    def add_documents(self, count: int) -> None: ...
    def add_pages(self, count: int) -> None: ...
    def page_done(self) -> None: ...
    def document_done(self, outcome: Outcome) -> None: ...
    def checked(self, report: CheckReport) -> None: ...


def _transient(_task, _run, state) -> bool:
    """Retry only failures that may pass (missing OCR engine mid-install, a dropped database link)."""
    error = state.result(raise_on_failure=False)
    if isinstance(error, ProtokollError):
        return error.transient
    return isinstance(error, (ConnectionError, TimeoutError, OSError))


# The store is the cache: bytes already ingested are skipped by SHA-256 in start_document.
@task(retries=2, retry_delay_seconds=1, retry_condition_fn=_transient, cache_policy=NO_CACHE)
def start_document(path: str, settings: Settings) -> PreparedDocument | Outcome:
    return steps.start_document(path, settings)


@task(retries=2, retry_delay_seconds=2, retry_condition_fn=_transient, cache_policy=NO_CACHE)
def ocr_page(doc: PreparedDocument, number: int, settings: Settings) -> PageText:
    return steps.read_page(doc.path, doc.kind, number, settings, doc.deadline)


@task(retries=2, retry_delay_seconds=1, retry_condition_fn=_transient, cache_policy=NO_CACHE)
def finish_document(doc: PreparedDocument, pages: list[PageText], settings: Settings) -> Outcome:
    return steps.finish_document(doc, pages, settings)


@task(retries=1, retry_condition_fn=_transient, cache_policy=NO_CACHE)
def extract_version(version_id: int, settings: Settings) -> bool:
    return steps.extract_or_record(settings.database_url, version_id)


@task(retries=1, retry_condition_fn=_transient, cache_policy=NO_CACHE)
def extract_stored(outcome: Outcome, settings: Settings) -> bool:
    return steps.extract_outcome(settings.database_url, outcome)


@task(cache_policy=NO_CACHE)
def check_pending(settings: Settings) -> CheckReport:
    return steps.check_pending(settings.database_url)


@dataclass(frozen=True)
class _Run:
    """What a run is given besides its paths. Not flow parameters: Prefect stores those in its database,
    and the settings hold the database URL with its password."""

    settings: Settings
    progress: Progress | None
    stop: threading.Event
    on_sigterm: Any = None


#: The runs under way in this process, by the key their flow is given. Not a ContextVar: prefect-dask sends
#: the caller's whole context along with each task, and a ContextVar cannot be pickled.
_runs: dict[str, _Run] = {}


def _run_for(key: str) -> _Run:
    # A function, not `_runs[key]` in the flow: the flow's function travels to Dask by value, with the
    # module globals it names, and the runs hold locks.
    return _runs[key]


@flow(name="ingest", validate_parameters=False, log_prints=False)
def ingest_flow(paths: list[str], run_key: str) -> list[Outcome]:
    """Ingest every file under `paths` with what `run_ingest` stored under `run_key`."""
    run = _run_for(run_key)
    settings, progress = run.settings, run.progress
    _restore_sigterm(run.on_sigterm)
    files = [str(p) for p in steps.discover(paths)]
    if progress:
        progress.add_documents(len(files))
    batch = _Batch(progress, run.stop)
    while files and not batch.stopped:
        # Copies of one file (same bytes) are read once; the others are looked at again once it is stored.
        files = _ingest_round(files, settings, batch)
    for _ in batch.wait(batch.extracting):
        pass
    if not batch.stopped:
        # Every extraction no check has covered: this run's, and any a stopped or killed run left.
        report = check_pending.submit(settings).result()
        if progress:
            progress.checked(report)
    return batch.outcomes


@dataclass
class _Batch:
    """What a run has gathered so far: its outcomes, the extractions under way, whether it was told to stop."""

    progress: Progress | None
    stop: threading.Event
    outcomes: list[Outcome] = field(default_factory=list)
    extracting: list[PrefectFuture] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def stopped(self) -> bool:
        return self.stop.is_set()

    def done(self, outcome: Outcome) -> None:
        with self.lock:  # called from the task threads as documents are stored
            self.outcomes.append(outcome)
            if self.progress:
                self.progress.document_done(outcome)

    def wait(self, futures: Iterable[PrefectFuture]) -> Iterator[PrefectFuture]:
        """`futures` as they finish, in that order; the wait ends early when the run is told to stop."""
        done: queue.SimpleQueue[PrefectFuture] = queue.SimpleQueue()
        pending = 0
        for future in futures:
            future.add_done_callback(done.put)
            pending += 1
        while pending and not self.stopped:
            try:
                future = done.get(timeout=0.2)
            except queue.Empty:
                continue
            pending -= 1
            yield future


class _Window:
    """Tasks submitted at most `size` at a time (None: all at once, as on a Dask cluster), the next one as
    an earlier one finishes, yielded as (future, item) when done; nothing new is submitted once the run stops.

    A thread pool runs tasks in the order they were submitted: with every file submitted up front, the store
    and extraction of a file read early would wait behind the reading of all the others (a run killed before
    the last was read had committed nothing), and with every page submitted up front a finished document's
    store and extraction would wait behind all of them.
    """

    def __init__(self, submit: Callable[[Any], PrefectFuture], items: Iterable[Any], size: int | None, batch: _Batch) -> None:
        self.submit = submit
        self.waiting: deque[Any] = deque(items)
        self.size = size
        self.batch = batch
        self.in_flight: dict[PrefectFuture, Any] = {}
        self.done: queue.SimpleQueue[PrefectFuture] = queue.SimpleQueue()

    def add(self, items: Iterable[Any]) -> None:
        self.waiting.extend(items)
        self._top_up()

    def _top_up(self) -> None:
        while self.waiting and not self.batch.stopped and (self.size is None or len(self.in_flight) < self.size):
            item = self.waiting.popleft()
            future = self.submit(item)
            self.in_flight[future] = item
            future.add_done_callback(self.done.put)

    def completed(self) -> Iterator[tuple[PrefectFuture, Any]]:
        """(future, item) of each task as it finishes, feeding the next one in first."""
        self._top_up()
        while self.in_flight and not self.batch.stopped:
            try:
                future = self.done.get(timeout=0.2)
            except queue.Empty:
                continue
            item = self.in_flight.pop(future)
            self._top_up()
            yield future, item


def _ingest_round(files: list[str], settings: Settings, batch: _Batch) -> list[str]:
    """Read, OCR, store and extract `files`; return those deferred as copies of a file read in this round."""
    progress = batch.progress
    on_dask = bool(settings.dask_address)
    pending: dict[str, PreparedDocument] = {}
    # One page beyond the Tesseract slots (pipeline.intake.ocr.tesseract_slots) is prepared while the others are read.
    pages = _Window(
        lambda item: ocr_page.submit(_unwalked(item[0], settings), item[1], settings),
        (), None if on_dask else max(1, settings.workers) + 1, batch,
    )
    starting = _Window(
        lambda path: start_document.submit(path, settings), files, None if on_dask else max(1, settings.workers), batch
    )
    first_path: dict[str, str] = {}
    deferred: list[str] = []
    finishing: list[PrefectFuture] = []

    def finish(doc: PreparedDocument, read: list[PageText]) -> None:
        """Store the document now, in its own transaction, and extract it as soon as it is stored."""
        future = finish_document.submit(_unwalked(doc, settings), _unwalked(read, settings), settings)
        # Counted the moment it is stored, so that a run stopped early reports it.
        future.add_done_callback(lambda done: _stored(done, doc.path, settings, batch))
        finishing.append(future)
        batch.extracting.append(extract_stored.submit(future, settings))

    for future, path in starting.completed():
        result = _result_or_failure(future, path, settings)
        if isinstance(result, Outcome):
            batch.done(result)
            version_id = steps.version_to_extract(result)
            if version_id is not None:
                batch.extracting.append(extract_version.submit(version_id, settings))
            continue
        if not steps.first_reading(result, first_path):
            deferred.append(result.path)
            continue
        pending[result.path] = result
        if progress:
            progress.add_pages(len(result.pages) + len(result.ocr_pages))
            for _ in result.pages:
                progress.page_done()
        if result.ocr_pages:
            pages.add((result, number) for number in result.ocr_pages)
        else:
            finish(result, [])

    # Each document is stored and extracted as soon as its last page is read, while other pages are still in OCR.
    results: dict[str, list[PageText]] = {}
    failed_paths: set[str] = set()
    for future, (doc, _number) in pages.completed():
        path = doc.path
        if progress:
            progress.page_done()
        page = future.result(raise_on_failure=False)
        if isinstance(page, BaseException):
            if path not in failed_paths:
                failed_paths.add(path)
                batch.done(steps.fail_document(path, page, settings, pending[path].sha256))
            continue
        results.setdefault(path, []).append(page)
        if len(results[path]) == len(pending[path].ocr_pages) and path not in failed_paths:
            finish(pending[path], results[path])

    for _ in batch.wait(finishing):
        pass
    return deferred


def _unwalked(value: Any, settings: Settings) -> Any:
    """`value` marked so that Prefect does not walk it looking for futures: for a document's pages it would visit
    every word box, twice a task (about 2 s of CPU in a 36-page batch). Not on Dask: distributed rebuilds the
    marker, a tuple, as a plain tuple on its way to the worker."""
    return value if settings.dask_address else quote(value)


def _stored(future: PrefectFuture, path: str, settings: Settings, batch: _Batch) -> None:
    """Record the outcome of a store task; one cancelled by a stop never ran, and stored nothing."""
    try:
        batch.done(_result_or_failure(future, path, settings))
    except (CancelledError, asyncio.CancelledError):
        # The thread pool cancels with its own CancelledError; Prefect's task engine raises asyncio's, which is
        # neither the same class nor an Exception.
        pass


def _result_or_failure(future: PrefectFuture, path: str, settings: Settings):
    result = future.result(raise_on_failure=False)
    if isinstance(result, BaseException):
        return steps.fail_document(path, result, settings)
    return result


def run_ingest(
    paths: list[str], settings: Settings, progress: Progress | None = None, stop: threading.Event | None = None
) -> list[Outcome]:
    """Run the flow on threads (`settings.workers`) or on the Dask scheduler at `settings.dask_address`.

    Setting `stop` (the CLI does on Ctrl-C and SIGTERM) ends the run early: nothing new is started, what is
    done stays committed, and the check is left to the next run.
    """
    api_url = ensure_local_api()
    if settings.dask_address:
        from prefect_dask import DaskTaskRunner

        runner = DaskTaskRunner(address=settings.dask_address)
    else:
        # The OCR pages in hand (workers + 1), and one thread that stores and extracts finished documents meanwhile.
        runner = ThreadPoolTaskRunner(max_workers=max(1, settings.workers) + 2)
    run_key = uuid.uuid4().hex
    _runs[run_key] = _Run(settings, progress, stop or threading.Event(), _caller_sigterm())
    try:
        with api_settings(api_url), _handled_failures_quiet():
            outcomes = ingest_flow.with_options(task_runner=runner)(paths, run_key)
            if api_url is not None:
                _prune_quietly()
    finally:
        del _runs[run_key]
    return outcomes


def _caller_sigterm() -> Any:
    """The SIGTERM handler the caller installed (the CLI's, which stops the run in order), if any."""
    if threading.current_thread() is not threading.main_thread():
        return None
    handler = signal.getsignal(signal.SIGTERM)
    return handler if callable(handler) else None


def _restore_sigterm(handler: Any) -> None:
    """Prefect swaps in, for the length of a flow run, a SIGTERM handler that crashes the run (with ERROR
    lines, while the documents in hand are dropped); the caller's own handler is put back instead. Prefect
    restores the caller's handler at the end of the run either way."""
    if handler is not None and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handler)


@contextmanager
def _handled_failures_quiet() -> Iterator[None]:
    """No Prefect ERROR lines for failed task runs: the flow handles every failure of its tasks and stores it
    against its document (`protokoll status` shows it), so on the registrar's terminal it is only noise."""
    logger = logging.getLogger("prefect.task_runs")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _prune_quietly() -> None:
    """Keep the temporary API's run history bounded; a failure here must not fail the run it follows."""
    try:
        prune_flow_runs()
    except Exception:  # noqa: BLE001 - housekeeping only
        logging.getLogger(__name__).debug("pruning Prefect's run history failed", exc_info=True)
