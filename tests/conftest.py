"""Shared fixtures and hooks: the generated sample corpus, Tesseract replay, backends per test, the session's
Prefect harness started early, the tests' grouping and order on pytest-xdist workers, and everything the
session holds released at its end."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]

# A pytest-xdist worker starts with COLUMNS=80 in its environment, where a serial run has none: Rich would fix the
# CLI's consoles (pipeline.cli.base, imported while collecting) at 80 columns, deaf to the widths tests set.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.pop("COLUMNS", None)
    os.environ.pop("LINES", None)
GENERATOR = REPO / "samples" / "make_samples.py"


def load_generator() -> ModuleType:
    """Import `samples/make_samples.py`, which is a script rather than a package module."""
    if "make_samples" in sys.modules:
        return sys.modules["make_samples"]
    spec = importlib.util.spec_from_file_location("make_samples", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the file executes.
    sys.modules["make_samples"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def generated_samples() -> Path:
    """`samples/generated`, (re)generated only when missing or older than the generator and seeds."""
    from tests.fixtures import exclusive

    generator = load_generator()
    out = REPO / "samples" / "generated"
    # Workers and other sessions on this machine share the folder: one of them writes it at a time.
    with exclusive(Path("/tmp/protokoll-generated-samples.lock")):
        if not generator.is_current(out):
            generator.generate(out)
    return out


@pytest.fixture(scope="session", autouse=True)
def tesseract_replay() -> Iterator[None]:
    """Tesseract's recorded answers, for the whole session: module and session fixtures OCR pages too (tests/ocr_replay.py)."""
    from tests import ocr_replay

    with pytest.MonkeyPatch.context() as patch:
        if ocr_replay.ENABLED:
            patch.setattr(ocr_replay.engine, "run_and_get_output", ocr_replay.REPLAY)
        yield


@pytest.fixture(autouse=True)
def real_tesseract_when_marked(request: pytest.FixtureRequest) -> Iterator[None]:
    """`@pytest.mark.real_tesseract`: the test runs the real program (fixtures it shares with others may not)."""
    from tests.ocr_replay import real_tesseract

    if request.node.get_closest_marker("real_tesseract") is None:
        yield
        return
    with real_tesseract():
        yield


# Fixtures (database_url, module_database_url) that run a test on each backend.
_BACKEND_FIXTURES = {"database_url": "function", "module_database_url": "module"}


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`@pytest.mark.sqlite_only`: the test runs on the SQLite backend alone (its SQL is the same on both).

    Done as a parametrize mark, added before pytest reads the marks: a test's own parametrization of a
    fixture takes the place of the fixture's params."""
    if metafunc.definition.get_closest_marker("sqlite_only") is None:
        return
    for name, scope in _BACKEND_FIXTURES.items():
        if name in metafunc.fixturenames:
            metafunc.definition.add_marker(pytest.mark.parametrize(name, ["sqlite"], indirect=True, scope=scope))


def pytest_sessionstart(session: pytest.Session) -> None:
    from tests.fixtures import SESSION, run_root

    SESSION.root = run_root(session.config)


# Under `--dist loadgroup` (make test): tests that share the session's Prefect harness go to one worker, each
# module's tests stay together (their module fixtures are made once), except in these modules of independent
# process-level tests, whose tests are handed out one by one.
_ONE_BY_ONE = ("tests/test_crash.py", "tests/test_concurrent_ingest.py", "tests/test_signals.py",
               "tests/flows/test_dask_cluster.py", "tests/pipeline/test_hostile.py", "tests/test_cli.py")
_HARNESS_GROUP = "prefect-harness"
# Handed out first, longest first, so that no worker is left with a long test when the other has finished.
_LONGEST_FIRST = ("tests/test_crash.py", _HARNESS_GROUP, "tests/test_concurrent_ingest.py::test_three",
                  "tests/flows/test_dask_cluster.py", "tests/test_signals.py", "tests/flows/test_api.py",
                  "tests/pipeline/test_hostile.py", "tests/test_cli.py")


@pytest.hookimpl(tryfirst=True)  # before xdist reads the xdist_group marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("dist", "no") != "loadgroup":
        return
    from tests.fixtures import needs_prefect_harness

    units: dict[pytest.Item, str] = {}
    for item in items:
        module = item.nodeid.split("::", 1)[0]
        if needs_prefect_harness(item):
            units[item] = _HARNESS_GROUP
        elif module not in _ONE_BY_ONE:
            units[item] = module
        if item in units:
            item.add_marker(pytest.mark.xdist_group(units[item]))

    def rank(item: pytest.Item) -> int:
        name = units.get(item, item.nodeid)
        return next((i for i, first in enumerate(_LONGEST_FIRST) if name.startswith(first)), len(_LONGEST_FIRST))

    items.sort(key=rank)  # stable: a group's tests keep their order


def pytest_collection_finish(session: pytest.Session) -> None:
    from tests.fixtures import start_prefect_harness_soon

    # A pytest-xdist worker collects every test but runs only those it is handed (pytest_runtest_protocol).
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        start_prefect_harness_soon(session.items)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """On a pytest-xdist worker: the harness boots while the test before the first that needs it runs."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        from tests.fixtures import start_prefect_harness_soon

        start_prefect_harness_soon([item] + ([nextitem] if nextitem is not None else []))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop the session's PostgreSQL databases, stop the Prefect harness and the shared API, and on a pytest-xdist
    worker hand the Tesseract replay's counts to the controller's summary."""
    from tests.fixtures import close_session_resources

    close_session_resources()
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        from tests import ocr_replay

        workeroutput["tesseract_replay"] = (ocr_replay.REPLAY.replayed, ocr_replay.REPLAY.ran)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    from tests import ocr_replay

    replayed, ran = node.workeroutput.get("tesseract_replay", (0, 0))
    with ocr_replay.REPLAY.counts_lock:
        ocr_replay.REPLAY.replayed += replayed
        ocr_replay.REPLAY.ran += ran


def pytest_terminal_summary(terminalreporter) -> None:
    from tests import ocr_replay

    replay = ocr_replay.REPLAY
    if replay.replayed or replay.ran:
        terminalreporter.write_line(f"Tesseract replay: {replay.replayed} answers replayed, {replay.ran} run and recorded ({replay.folders[-1]})")
