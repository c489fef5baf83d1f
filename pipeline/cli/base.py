"""What every command shares: the Typer app, the consoles, the --db option and opening the settings."""

from __future__ import annotations

import os
from typing import Annotated, Optional

import typer
from rich.console import Console

from pipeline.cli.output import OneLineErrors, one_line
from pipeline.errors import ExitCode

# Prefect reads these at import: no telemetry from a registrar's machine, quiet logs under the progress bar.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
# The temporary local API's UI is never used (flows.api starts that API, with its own timeouts).
os.environ.setdefault("PREFECT_UI_ENABLED", "false")

from pipeline.settings import Settings  # noqa: E402 - after the environment Prefect reads at import

app = typer.Typer(cls=OneLineErrors, add_completion=False, pretty_exceptions_show_locals=False, no_args_is_help=True, help="Swedish municipal protocols into a database.")
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
app.add_typer(db_app, name="db")
console = Console()
err_console = Console(stderr=True)

WideOption = Annotated[bool, typer.Option("--wide", help="Every field in full, however long the lines.")]
DbOption = Annotated[Optional[str], typer.Option("--db", help="Database URL (default sqlite:///protokoll.db or $PROTOKOLL_DATABASE_URL).")]


def from_env() -> Settings:
    """The settings of the environment; a bad PROTOKOLL_* value is a usage error."""
    from pipeline.settings import SettingsError

    try:
        return Settings.from_env()
    except SettingsError as e:
        raise typer.BadParameter(str(e)) from e


def database_failed(url: str, error: Exception) -> typer.Exit:
    """Report a database that cannot be opened or upgraded, in one line without its password: exit 3."""
    from models.db import mask_secrets, masked_url

    err_console.print(f"cannot open database {masked_url(url)}: {one_line(mask_secrets(str(error), url))}", style="red", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(ExitCode.DATABASE)


def open_settings(db: str | None, **changes: object) -> Settings:
    settings = from_env().with_(database_url=db, **changes)
    from models.db import ensure_schema

    try:
        ensure_schema(settings.database_url)
    except Exception as e:  # noqa: BLE001 - any connection problem is reported the same way
        raise database_failed(settings.database_url, e) from e
    return settings
