"""The registrars' commands: ingest, status, check, summary and the schema upgrade."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.progress import Progress

from pipeline.cli.base import DbOption, WideOption, app, console, database_failed, db_app, err_console, from_env, open_settings
from pipeline.cli.output import Field, non_empty, one_line, print_rows, progress_columns
from pipeline.errors import ExitCode


class BarProgress:
    """Progress of an ingest, fed by the flow: on a terminal, bars over documents and pages with their rate and
    the time left (a document is done once it is stored); where standard output is not a terminal, a plain line
    per document as it is stored (path, status, pages, reason), so piped output streams."""

    def __init__(self, progress: Progress, lines: bool | None = None) -> None:
        self.progress = progress
        self.docs = progress.add_task("documents", total=0)
        self.pages = progress.add_task("pages", total=0)
        self.outcomes: list = []
        self.check = None
        self.lines = not console.is_terminal if lines is None else lines
        self._writing = threading.Lock()

    def add_documents(self, count: int) -> None:
        self.progress.update(self.docs, total=(self.progress.tasks[self.docs].total or 0) + count)

    def add_pages(self, count: int) -> None:
        self.progress.update(self.pages, total=(self.progress.tasks[self.pages].total or 0) + count)

    def page_done(self) -> None:
        self.progress.advance(self.pages)

    def document_done(self, outcome) -> None:
        self.outcomes.append(outcome)
        self.progress.advance(self.docs)
        if self.lines:
            line = "\t".join((outcome.path, outcome.status, str(outcome.pages), one_line(outcome.message or "")))
            with self._writing:
                sys.stdout.write(line + "\n")
                sys.stdout.flush()

    def checked(self, report) -> None:
        self.check = report


class StopOnSignal:
    """Ctrl-C (SIGINT) and SIGTERM stop an ingest in order: nothing new is started, the documents under way
    are finished or rolled back, the summary so far is printed and the command exits with 128 + the signal's
    number (130, 143). If that takes longer than `grace` seconds, or a second signal comes, `leave` is called
    at once from another thread; committed work is kept either way, and what was in hand is rolled back."""

    def __init__(self, leave, grace: float = 3.5) -> None:
        self.stop = threading.Event()
        self.signum: int | None = None
        self.leave = leave
        self.grace = grace
        self._previous: dict[int, object] = {}

    @property
    def exit_code(self) -> int:
        return 128 + (self.signum or signal.SIGINT)

    def __enter__(self) -> "StopOnSignal":
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._previous[signum] = signal.signal(signum, self._received)
        return self

    def __exit__(self, *_exc) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def _received(self, signum: int, _frame) -> None:
        if self.stop.is_set():
            threading.Thread(target=self.leave, args=(self.exit_code,), daemon=True).start()
            return
        self.signum = signum
        self.stop.set()
        timer = threading.Timer(self.grace, self.leave, args=(self.exit_code,))
        timer.daemon = True
        timer.start()


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders (searched recursively).")],
    db: DbOption = None,
    workers: Annotated[Optional[int], typer.Option(min=1, help="Pages/documents processed at once (one Tesseract per worker).")] = None,
    dask: Annotated[Optional[str], typer.Option("--dask", help="Dask scheduler address (tcp://host:8786) to run the tasks on.", callback=non_empty)] = None,
    language: Annotated[Optional[str], typer.Option("--language", help="Tesseract language(s), e.g. swe or swe+eng.", callback=non_empty)] = None,
) -> None:
    """Ingest PDFs, images and text files; re-running retries only what failed or changed."""
    # A broken link is a file the batch reports (`broken symlink: points to …`), not a typo in the command.
    missing = [str(p) for p in paths if not p.is_symlink() and not p.exists()]
    if missing:
        err_console.print(f"[red]no such file or folder: {', '.join(missing)}[/red]")
        raise typer.Exit(ExitCode.USAGE)
    from flows.api import LocalApiError, start_local_api_soon

    bar: Progress | None = None
    progress: BarProgress | None = None
    summary_once = threading.Lock()

    def leave_now(code: int) -> None:
        """The run did not stop within its grace time: print what is done and leave; the database rolls back
        what was in hand, and the exit handlers stop the temporary API."""
        if not summary_once.acquire(blocking=False):
            return
        if bar is not None:
            bar.stop()
        _print_summary(progress.outcomes if progress else [], progress.check if progress else None, stopped=True)
        from flows.api import stop_all

        stop_all()  # not every exit handler: Prefect's would wait for the tasks still running
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)

    with StopOnSignal(leave_now) as signals:
        # First of all: the API server boots on the other core while this process opens the database
        # and loads Prefect and the pipeline (spaCy, pdfplumber, …).
        api = start_local_api_soon()
        settings = open_settings(db, workers=workers, dask_address=dask, ocr_language=language)
        from flows.ingest import run_ingest
        from pipeline.steps import warm_up

        if not api.done():
            warm_up()  # free while the API boots; with a running server the first extraction loads them instead

        columns = progress_columns()
        outcomes = None
        with Progress(*columns, console=err_console, transient=False, disable=not err_console.is_terminal and not os.environ.get("PROTOKOLL_PROGRESS")) as bar:
            progress = BarProgress(bar)
            try:
                api.result()
                if not signals.stop.is_set():
                    outcomes = run_ingest([str(p) for p in paths], settings, progress, signals.stop)
            except LocalApiError as e:
                err_console.print(f"[red]{e}[/red]")
                raise typer.Exit(ExitCode.ORCHESTRATOR) from e
            except BaseException:
                # Prefect turns a SIGTERM during a flow into an exception of its own, then hands the signal on.
                if not signals.stop.is_set():
                    raise
        summary_once.acquire()  # kept: a grace timer firing from here on must not print a second summary
        stopped = signals.stop.is_set()
        _print_summary(progress.outcomes if outcomes is None or stopped else outcomes, progress.check, stopped=stopped)
    if stopped:
        raise typer.Exit(signals.exit_code)
    failed = [o for o in outcomes if not o.ok]
    raise typer.Exit(ExitCode.SOME_FAILED if failed else ExitCode.OK)


# The path on one line, shortened from the left; the reason gets the rest of the line.
INGEST_SUMMARY_FIELDS = (
    Field("file", "file", 20, cut="start"),
    Field("result", "result", 9, 9),
    Field("pages", "pages", 5, 5, justify="right"),
    Field("ocr", "OCR", 3, 5, justify="right"),
    Field("reason", "reason", 32),
)


def _print_summary(outcomes, check=None, stopped: bool = False) -> None:
    counts = Counter(o.status for o in outcomes)
    colours = {"ingested": "green", "unchanged": "dim", "partial": "yellow", "failed": "red"}
    rows = [
        {"file": o.path, "result": o.status, "pages": str(o.pages or ""), "ocr": str(o.ocr_pages or ""), "reason": o.message or "", "style": colours[o.status]}
        for o in sorted(outcomes, key=lambda o: (o.ok, o.path))
    ]
    print_rows(console, INGEST_SUMMARY_FIELDS, rows, "ingest summary")
    console.print(
        f"ingested {counts['ingested']}, unchanged {counts['unchanged']}, "
        f"partial {counts['partial']}, failed {counts['failed']}"
    )
    if check is not None and check.checked:
        console.print(f"checked {check.checked} documents: {check.flags} flags")
    if stopped:
        console.print("stopped before the end: what is stored is kept; run the same command again to finish")


# A failed document on one line: its path shortened from the left, the message wrapped into the rest.
FAILURE_FIELDS = (
    Field("file", "file", 24, cut="start"),
    Field("status", "status", 7, 8),
    Field("page", "page", 4, 5, justify="right"),
    Field("error", "error", 8, 16),
    Field("message", "message", 20),
)


@app.command()
def status(db: DbOption = None) -> None:
    """List documents whose last ingestion failed, with their errors, and work a stopped run left."""
    settings = open_settings(db)
    from pipeline.store.documents import open_failures
    from pipeline.store.extractions import unextracted_versions
    from pipeline.store.flags import unchecked_documents

    unextracted = unextracted_versions(settings.database_url)
    unchecked = unchecked_documents(settings.database_url)
    if unextracted or unchecked:
        console.print(
            f"stored but not extracted: {len(unextracted)}; extracted but not checked: {len(unchecked)} "
            "(`protokoll check` or the next ingest finishes them)"
        )
    failures = open_failures(settings.database_url)
    if not failures:
        console.print("no failed documents")
        return
    rows = [{"file": f.path, "status": f.status, "page": str(f.page or ""), "error": f.code or "", "message": f.message or ""} for f in failures]
    print_rows(console, FAILURE_FIELDS, rows, "failed documents")


@app.command()
def check(db: DbOption = None) -> None:
    """Finish what a stopped run left, without ingesting: extract stored documents, then run the consistency check."""
    settings = open_settings(db)
    from pipeline.steps import check_pending, extract_unextracted

    extracted, failed = extract_unextracted(settings.database_url)
    report = check_pending(settings.database_url)
    console.print(f"extracted {extracted}, failed {failed}; checked {report.checked} documents: {report.flags} flags")
    raise typer.Exit(ExitCode.SOME_FAILED if failed else ExitCode.OK)


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None, revision: str = "head") -> None:
    """Apply schema migrations (Alembic)."""
    settings = from_env().with_(database_url=db)
    from alembic.util import CommandError

    from models.db import current_revision, upgrade

    try:
        upgrade(settings.database_url, revision)
        reached = current_revision(settings.database_url)
    except CommandError as e:
        raise typer.BadParameter(one_line(str(e)), param_hint="'--revision'") from e
    except Exception as e:  # noqa: BLE001 - any connection problem is reported the same way
        raise database_failed(settings.database_url, e) from e
    console.print(f"database at revision {reached}")


SUMMARY_FIELDS = (
    Field("file", "file", 24, cut="start"),
    Field("type", "type", 5, 10),
    Field("date", "date", 10, 10),
    Field("pages", "pages", 5, 5, justify="right"),
    Field("items", "items", 5, 5, justify="right"),
    Field("flags", "flags", 5, 5, justify="right"),
    Field("municipality", "municipality", 8, 14, priority=1),
    Field("ocr", "OCR", 3, 3, priority=2),
    Field("meetings", "meetings", 8, 8, priority=3, justify="right"),
    Field("attendance", "attendance", 10, 10, priority=4, justify="right"),
)


@app.command()
def summary(wide: WideOption = False, db: DbOption = None) -> None:
    """What the database holds: documents, pages, and what was extracted from each; then the failed ones."""
    settings = open_settings(db)
    from pipeline.research.attention import reasons
    from pipeline.research.export import iter_export

    looks: list[tuple[str, list[str]]] = []

    def noted(obj: dict[str, Any]) -> dict[str, Any]:
        why = reasons(obj)
        if why:
            looks.append((obj["source"]["path"] if wide else Path(obj["source"]["path"]).name, why))
        return obj

    rows = [
        {
            "file": obj["source"]["path"] if wide else Path(obj["source"]["path"]).name,
            "type": obj["doc_type"] or "",
            "municipality": (obj["municipality"] or {}).get("name") or "",
            "date": obj["date"] or "",
            "pages": str(obj["source"]["pages"]),
            "ocr": "yes" if obj["source"]["ocr"] else "",
            "items": str(len(obj["items"])),
            "meetings": str(len(obj["meetings"])),
            "attendance": str(sum(len(m["attendance"]) for m in obj["meetings"])),
            "flags": str(len(obj["flags"])),
        }
        for obj in map(noted, iter_export(settings.database_url))
    ]
    print_rows(console, SUMMARY_FIELDS, rows, f"{len(rows)} documents", wide=wide)
    if looks:
        count = "1 document needs" if len(looks) == 1 else f"{len(looks)} documents need"
        console.print(f"\n{count} a human look:", highlight=False)
        for name, why in looks:
            console.print(f"  {name}", highlight=False, markup=False)
            for reason in why:
                console.print(f"    {reason}", highlight=False, markup=False)
    status(db=settings.database_url)
