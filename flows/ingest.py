"""The ingest flow: orchestration only. The work lives in pipeline.steps.

Per document: a task that hashes it (bytes already stored are skipped), one that reads its text layer and, when
no page needs OCR, stores it where it was read, handing back only its Outcome, and one that extracts the stored
version. A document with pages to OCR has a task per page and one to store it. One consistency check at the end.
On one machine the CPU-bound tasks (reading, storing, extracting) run in `--workers` worker processes (Prefect's
ProcessPoolTaskRunner) and the others in threads; on a Dask cluster (`--dask`) all run on its workers. Tasks are
given paths and version ids, never pages: a worker needs only the database URL and the input files.

Progress is durable: each document is committed as soon as it is read and
extracted right after, and the check covers every extraction no check has
covered yet, so a run killed at any moment leaves work the next run (or
`protokoll check`) finishes. A run told to stop (`stop`) submits nothing more
and returns what is done.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any, Protocol

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.futures import wait as prefect_wait
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from flows.api import api_settings, ensure_local_api, prune_flow_runs
from models.claims import CheckReport
from models.records import FileKind, Outcome, PageText, PreparedDocument
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


# The store is the cache: bytes already ingested are skipped by SHA-256 in identify_document.
@task(retries=2, retry_delay_seconds=1, retry_condition_fn=_transient, cache_policy=NO_CACHE)
def identify_document(path: str, settings: Settings) -> steps.Identity | Outcome:
    return steps.identify_document(path, settings)


@task(retries=2, retry_delay_seconds=1, retry_condition_fn=_transient, cache_policy=NO_CACHE)
def read_document(path: str, identity: steps.Identity, settings: Settings) -> PreparedDocument | Outcome:
    return steps.read_document(path, identity, settings)


@task(retries=2, retry_delay_seconds=2, retry_condition_fn=_transient, cache_policy=NO_CACHE)
def ocr_page(path: str, kind: FileKind, number: int, deadline: float | None, settings: Settings) -> PageText:
    return steps.read_page(path, kind, number, settings, deadline)


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
    #: The worker processes that read, store and extract on one machine (None on a Dask cluster).
    pool: ProcessPoolTaskRunner | None = None


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
    cpu = _submitter(run.pool)
    while files and not batch.stopped:
        # Copies of one file (same bytes) are read once; the others are looked at again once it is stored.
        files = _ingest_round(files, settings, batch, cpu)
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
    an earlier one finishes; nothing new is submitted once the run stops. Windows that share a `done` queue are
    waited on together (`_completed`).

    A task runner runs tasks in the order they were submitted: with every file submitted up front, the store
    and extraction of a file read early would wait behind the reading of all the others (a run killed before
    the last was read had committed nothing), and with every page submitted up front a finished document's
    store and extraction would wait behind all of them.
    """

    def __init__(
        self, submit: Callable[[Any], PrefectFuture], items: Iterable[Any], size: int | None, batch: _Batch,
        done: queue.SimpleQueue[PrefectFuture],
    ) -> None:
        self.submit = submit
        self.waiting: deque[Any] = deque(items)
        self.size = size
        self.batch = batch
        self.in_flight: dict[PrefectFuture, Any] = {}
        self.done = done

    def add(self, items: Iterable[Any]) -> None:
        self.waiting.extend(items)
        self._top_up()

    def _top_up(self) -> None:
        while self.waiting and not self.batch.stopped and (self.size is None or len(self.in_flight) < self.size):
            item = self.waiting.popleft()
            future = self.submit(item)
            self.in_flight[future] = item
            future.add_done_callback(self.done.put)


def _completed(windows: list[_Window], batch: _Batch) -> Iterator[tuple[_Window, PrefectFuture, Any]]:
    """(window, future, item) of each task of `windows` (sharing one `done` queue) as it finishes, feeding the
    next one of its window in first; until none is in flight, or the run stops."""
    done = windows[0].done
    for window in windows:
        window._top_up()
    while any(w.in_flight for w in windows) and not batch.stopped:
        try:
            future = done.get(timeout=0.2)
        except queue.Empty:
            continue
        window = next(w for w in windows if future in w.in_flight)
        item = window.in_flight.pop(future)
        window._top_up()
        yield window, future, item


def _ingest_round(files: list[str], settings: Settings, batch: _Batch, cpu: _Submit) -> list[str]:
    """Read, OCR, store and extract `files`; return those deferred as copies of a file read in this round.

    A file is hashed first (a thread: bytes already stored are skipped), then read by `cpu` (a worker process on
    one machine) which, when no page needs OCR, stores it there: only its Outcome comes back. A file with pages to
    OCR has them read one by one and is stored when the last is. Extraction is given the stored version, never
    its pages.
    """
    progress = batch.progress
    on_dask = bool(settings.dask_address)
    slots = None if on_dask else max(1, settings.workers)
    done: queue.SimpleQueue[PrefectFuture] = queue.SimpleQueue()
    identifying = _Window(lambda path: identify_document.submit(path, settings), files, None if on_dask else slots + 1, batch, done)
    # One more than the worker processes: each takes its next file the moment it is done with one.
    reading = _Window(lambda item: cpu(read_document, path=item[0], identity=item[1], settings=settings), (),
                      None if on_dask else slots + 1, batch, done)
    # One page beyond the Tesseract slots (pipeline.intake.ocr.tesseract_slots) is prepared while the others are read.
    ocr = _Window(lambda item: ocr_page.submit(item[0].path, item[0].kind, item[1], item[0].deadline, settings), (),
                  None if on_dask else slots + 1, batch, done)
    first_path: dict[str, str] = {}
    deferred: list[str] = []
    finishing: list[PrefectFuture] = []
    pending: dict[str, PreparedDocument] = {}
    results: dict[str, list[PageText]] = {}
    failed_paths: set[str] = set()

    def extract(version_id: int | None) -> None:
        batch.extracting.append(cpu(extract_version, version_id=version_id, settings=settings))

    def finish(doc: PreparedDocument, read: list[PageText]) -> None:
        """Store the document now, in its own transaction, and extract it as soon as it is stored."""
        future = finish_document.submit(_unwalked(doc, settings), _unwalked(read, settings), settings)
        # Counted the moment it is stored, so that a run stopped early reports it.
        future.add_done_callback(lambda done: _stored(done, doc.path, settings, batch))
        finishing.append(future)
        batch.extracting.append(cpu(extract_stored, outcome=future, settings=settings))

    for window, future, item in _completed([identifying, reading, ocr], batch):
        if window is identifying:
            result = _result_or_failure(future, item, settings)
            if isinstance(result, Outcome):
                batch.done(result)
                version_id = steps.version_to_extract(result)
                if version_id is not None:
                    extract(version_id)
            elif steps.first_reading(result[0], item, first_path):
                reading.add([(item, result)])
            else:
                deferred.append(item)
        elif window is reading:
            result = _result_or_failure(future, item[0], settings, item[1][0])
            if isinstance(result, Outcome):
                _read_and_stored(result, batch)
                if result.status in steps.EXTRACTABLE:
                    extract(result.version_id)
                continue
            pending[result.path] = result
            if progress:
                progress.add_pages(len(result.pages) + len(result.ocr_pages))
                for _ in result.pages:
                    progress.page_done()
            ocr.add((result, number) for number in result.ocr_pages)
        else:
            # Each document is stored and extracted as soon as its last page is read, while other pages are in OCR.
            doc, _number = item
            path = doc.path
            if progress:
                progress.page_done()
            page = future.result(raise_on_failure=False)
            if isinstance(page, BaseException):
                if path not in failed_paths:
                    failed_paths.add(path)
                    batch.done(steps.fail_document(path, page, settings, doc.sha256))
                continue
            results.setdefault(path, []).append(page)
            if len(results[path]) == len(doc.ocr_pages) and path not in failed_paths:
                finish(doc, results[path])

    if batch.stopped:
        # Told to stop: documents a worker is storing are waited for a moment, so that what is stored is reported.
        for future in prefect_wait(list(reading.in_flight), timeout=_SETTLE_SECONDS).done:
            result = future.result(raise_on_failure=False)
            if isinstance(result, Outcome):
                _read_and_stored(result, batch)
    for _ in batch.wait(finishing):
        pass
    return deferred


#: How long a stopped run waits for the documents its workers are reading and storing (the CLI's grace is 3.5 s).
_SETTLE_SECONDS = 1.0


def _read_and_stored(outcome: Outcome, batch: _Batch) -> None:
    """Record a document read and stored (or failed) by one task, its pages with it."""
    if batch.progress and outcome.pages:
        batch.progress.add_pages(outcome.pages)
        for _ in range(outcome.pages):
            batch.progress.page_done()
    batch.done(outcome)


#: Submits a task with its parameters to where CPU-bound work runs: a process pool, or the flow's task runner.
_Submit = Callable[..., PrefectFuture]


def _submitter(pool: ProcessPoolTaskRunner | None) -> _Submit:
    def submit(task: Any, **parameters: Any) -> PrefectFuture:
        # What `task.submit` does with the flow's own runner (prefect.tasks.Task.submit), on the pool.
        return task.submit(**parameters) if pool is None else pool.submit(task, parameters)

    return submit


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


def _result_or_failure(future: PrefectFuture, path: str, settings: Settings, sha256: str | None = None):
    result = future.result(raise_on_failure=False)
    if isinstance(result, BaseException):
        return steps.fail_document(path, result, settings, sha256)
    return result


def run_ingest(
    paths: list[str], settings: Settings, progress: Progress | None = None, stop: threading.Event | None = None,
    pool: ProcessPoolTaskRunner | None = None,
) -> list[Outcome]:
    """Run the flow on this machine (`settings.workers` worker processes, `pool` when the caller started them with
    `worker_pool`) or on the Dask scheduler at `settings.dask_address`.

    Setting `stop` (the CLI does on Ctrl-C and SIGTERM) ends the run early: nothing new is started, what is
    done stays committed, and the check is left to the next run.
    """
    api_url = ensure_local_api()
    stop = stop or threading.Event()
    with worker_pool(settings, stop) if pool is None else nullcontext(pool) as pool:
        if settings.dask_address:
            from prefect_dask import DaskTaskRunner

            runner = DaskTaskRunner(address=settings.dask_address)
        else:
            # Threads for what waits (hashing, Tesseract, the check), beside the processes for what computes.
            runner = ThreadPoolTaskRunner(max_workers=max(1, settings.workers) + 2)
        run_key = uuid.uuid4().hex
        _runs[run_key] = _Run(settings, progress, stop, _caller_sigterm(), pool)
        try:
            with api_settings(api_url), _handled_failures_quiet():
                outcomes = ingest_flow.with_options(task_runner=runner)(paths, run_key)
        finally:
            del _runs[run_key]
    if api_url is not None:
        with api_settings(api_url):
            _prune_quietly()
    return outcomes


@contextmanager
def worker_pool(settings: Settings, stop: threading.Event | None = None) -> Iterator[ProcessPoolTaskRunner | None]:
    """The worker processes that read text layers, store and extract on this machine (None with a Dask cluster),
    started at once: the CLI opens them while the temporary API boots, so that both load at the same time.

    Reading, storing and extracting are CPU-bound Python: in threads they would share one core (the GIL). When the
    run was told to stop (`stop`), the workers are ended at once rather than waited for: what each was storing is
    rolled back with its transaction, as after kill -9, and the next run reads it again.
    """
    if settings.dask_address:
        yield None
        return
    workers = max(1, settings.workers)
    pool = ProcessPoolTaskRunner(
        max_workers=workers, initializer=_pool_worker, initargs=(os.getpid(),),
        subprocess_message_processor_factories=[_unforwarded],
    )
    with pool:
        before = set(multiprocessing.active_children())
        # The executor starts a process when a call finds none idle: one call per worker starts them all now.
        executor = getattr(pool, "_executor", None)
        if executor is not None:
            for _ in range(workers):
                executor.submit(_ready)
        started = [p for p in multiprocessing.active_children() if p not in before]
        try:
            yield pool
        finally:
            if stop is not None and stop.is_set():
                for process in started:
                    process.kill()


def _ready() -> None:
    """Nothing: the call that starts a worker process (`worker_pool`)."""


def _unforwarded() -> Callable[[str, Any], None]:
    """The worker processes' Prefect events and log records are not handed on: the runner would send them from a
    thread of its own, outside the run's settings, which would start Prefect's own server for them (about 5 s of
    CPU). Each task run's states reach the API from its worker; what happened to a document is in the store."""
    return lambda _type, _payload: None


def _pool_worker(parent: int) -> None:
    """Set up a worker process: Ctrl-C (sent to the whole process group) is the command's to handle, which stops
    the run in order; the process ends within a second of its command, even a killed one; and the extractors are
    loaded before the first document."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)  # the command is gone: what this process was storing is rolled back with its transaction

    threading.Thread(target=watch, name="protokoll-parent-watch", daemon=True).start()
    steps.warm_up()


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
