"""The `protokoll` command line: the registrars' commands (pipeline.cli.registrar) and the researchers' and
reviewers' (pipeline.cli.research), registered on one Typer app."""

from __future__ import annotations

import atexit
import os
import sys

from pipeline.cli import registrar, research  # noqa: F401 - their commands register themselves on `app`
from pipeline.cli.base import app, err_console

__all__ = ["app", "main"]


def main() -> None:
    """The console command: run it, run the exit handlers (Prefect's event flush, the temporary API's stop,
    logging), then leave without tearing the interpreter down, which takes over a second with spaCy, Prefect
    and SQLAlchemy loaded and does nothing a finished command needs."""
    try:
        app()
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if not isinstance(e.code, int) and e.code is not None:
            err_console.print(str(e.code))
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
