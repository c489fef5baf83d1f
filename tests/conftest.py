"""Shared fixtures and hooks: the generated sample corpus, Tesseract replay, backends per test, the session's
Prefect harness started early and everything the session holds released at its end."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
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
    generator = load_generator()
    out = REPO / "samples" / "generated"
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


def pytest_collection_finish(session: pytest.Session) -> None:
    from tests.fixtures import start_prefect_harness_soon

    start_prefect_harness_soon(session.items)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop the session's PostgreSQL databases and stop the Prefect harness."""
    from tests.fixtures import close_session_resources

    close_session_resources()


def pytest_terminal_summary(terminalreporter) -> None:
    from tests import ocr_replay

    replay = ocr_replay.REPLAY
    if replay.replayed or replay.ran:
        terminalreporter.write_line(f"Tesseract replay: {replay.replayed} answers replayed, {replay.ran} run and recorded ({replay.folders[-1]})")
