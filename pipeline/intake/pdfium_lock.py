"""One lock around pdfium in this process.

PDFium is not thread-safe, not even across documents (pypdfium2's documentation: calls must never run at the
same time on two threads), and ingest reads text layers and renders pages for OCR on threads.  Everything
that calls pdfium holds this lock for the call; pure-Python work on what it returned (layout) runs outside it.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

PDFIUM = threading.RLock()

_P = ParamSpec("_P")
_R = TypeVar("_R")


def serialised(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """`fn` runs holding the pdfium lock (for functions that call pdfium from start to end)."""

    @functools.wraps(fn)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with PDFIUM:
            return fn(*args, **kwargs)

    return wrapper
