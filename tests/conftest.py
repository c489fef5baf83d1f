"""Shared fixtures: the generated sample corpus."""

from __future__ import annotations

import importlib.util
import sys
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
