"""Prefect's temporary local API, started before a run needs it.

With no `PREFECT_API_URL`, Prefect starts a server subprocess on a random port
the first time a flow talks to its API, and gives up for good if that server
does not answer in time. On a loaded machine one start now and then never
answers; a registrar's batch should not fail for it, so the start is retried
on a fresh process and port.
"""

from __future__ import annotations

import contextvars
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor

#: Seconds to wait for each start: a healthy start takes about 10 s on two cores.
START_TIMEOUTS: tuple[float, ...] = (60, 60, 120)


class LocalApiError(RuntimeError):
    """Prefect's temporary local API did not answer after every attempt."""


def ensure_local_api(timeouts: Sequence[float] = START_TIMEOUTS) -> str | None:
    """Start the temporary API unless a server is configured; return its URL (None when `PREFECT_API_URL` is set)."""
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    if PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        return None
    errors: list[str] = []
    for timeout in timeouts:
        # Prefect's client looks the server up by this same key, so the flow reuses the one started here.
        server = SubprocessASGIServer()
        try:
            server.start(timeout=timeout)  # type: ignore[arg-type]  # a float works: it bounds a sum of 0.1 s steps
        except RuntimeError as e:
            errors.append(f"{server.address} after {timeout:g} s: {e}")
            server.stop()  # ends the process and forgets the instance: the next attempt gets a new port
            continue
        return server.api_url
    raise LocalApiError(
        "Prefect's temporary local API did not start: " + "; ".join(errors)
        + ". Set PREFECT_API_URL to a running Prefect server (prefect server start) to avoid it."
    )


def start_local_api_soon(timeouts: Sequence[float] = START_TIMEOUTS) -> Future[str | None]:
    """`ensure_local_api` on a background thread, so the server boots while the caller loads the pipeline.

    Wait on the result before running a flow.
    """
    # Imported here, on the caller's thread, so that two threads never import Prefect's server at once.
    from prefect.server.api.server import SubprocessASGIServer  # noqa: F401

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prefect-api")
    try:
        # The caller's context carries Prefect's settings (a configured server, a test harness) to the thread.
        return pool.submit(contextvars.copy_context().run, ensure_local_api, timeouts)
    finally:
        pool.shutdown(wait=False)
