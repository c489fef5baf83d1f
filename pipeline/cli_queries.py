"""Researcher commands: `decisions`, `person`, `case` (registered on pipeline.cli.app)."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date, datetime
from typing import Annotated, Any, Optional

import typer
from rich.table import Table

from pipeline.cli import DbOption, _settings, app, console, err_console
from pipeline.errors import ExitCode

FORMATS = ("table", "json", "csv")

FormatOption = Annotated[str, typer.Option("--format", help="table, json or csv")]


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as e:
        err_console.print(f"[red]{option} wants a date as YYYY-MM-DD, not {value!r}[/red]")
        raise typer.Exit(ExitCode.USAGE) from e


def _check_format(format: str) -> None:
    if format not in FORMATS:
        err_console.print(f"[red]unknown format {format!r}; use {', '.join(FORMATS)}[/red]")
        raise typer.Exit(ExitCode.USAGE)


def _flat(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " | ".join(_flat(v) for v in value)
    return str(value)


def _write(rows: list[dict[str, Any]], columns: list[str], format: str, title: str) -> None:
    if format == "json":
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows({c: _flat(r.get(c)) for c in columns} for r in rows)
    else:
        table = Table(title=title, show_lines=True)
        for column in columns:
            table.add_column(column, overflow="fold")
        for r in rows:
            table.add_row(*(_flat(r.get(c)) for c in columns))
        console.print(table)


@app.command()
def decisions(
    municipality: Annotated[Optional[str], typer.Option(help="Municipality name or code (Tyresö, TYRESO, 0138).")] = None,
    body: Annotated[Optional[str], typer.Option(help="Body (organ), any inflection: Kommunstyrelsen, kommunstyrelsens.")] = None,
    date_from: Annotated[Optional[str], typer.Option("--from", help="Meetings on or after YYYY-MM-DD.")] = None,
    date_to: Annotated[Optional[str], typer.Option("--to", help="Meetings on or before YYYY-MM-DD.")] = None,
    case: Annotated[Optional[str], typer.Option("--case", help="Case number (diarienummer), e.g. '2019/KS 0222'.")] = None,
    text: Annotated[Optional[str], typer.Option("--text", help="Words in the title or decision (Swedish stemming).")] = None,
    limit: Annotated[Optional[int], typer.Option(help="At most this many rows.")] = None,
    format: FormatOption = "table",
    db: DbOption = None,
) -> None:
    """One row per item: municipality, body, meeting date, §, case number, title, decision, document and page."""
    _check_format(format)
    settings = _settings(db)
    from pipeline.queries import DecisionFilters, UnknownMunicipalityError
    from pipeline.queries import decisions as query

    filters = DecisionFilters(municipality, body, _date(date_from, "--from"), _date(date_to, "--to"), case, text, limit)
    try:
        rows = query(settings.database_url, filters)
    except UnknownMunicipalityError as e:
        err_console.print(f"[red]{e}[/red]")
        raise typer.Exit(ExitCode.USAGE) from e
    columns = ["municipality", "body", "meeting_date", "paragraph", "number", "case_number", "title", "decision_kind", "decisions", "document", "page"]
    _write([r.as_dict() for r in rows], columns, format, f"{len(rows)} items")


@app.command()
def person(
    name: Annotated[str, typer.Argument(help="The person's name; small spelling and OCR differences are tolerated.")],
    format: FormatOption = "table",
    db: DbOption = None,
) -> None:
    """Meetings a person attended, with role and party, and the votes they cast."""
    _check_format(format)
    settings = _settings(db)
    from pipeline.queries import person as query

    report = query(settings.database_url, name).as_dict()
    if format == "json":
        _write([report], [], "json", "")
        return
    rows = []
    for p in report["persons"]:
        for m in p["meetings"]:
            rows.append({"person": p["name"], "what": "meeting", **m, "date": m["meeting_date"]})
        for v in p["votes"]:
            rows.append({"person": p["name"], "what": f"vote {v['choice']}", **v, "date": v["meeting_date"]})
    columns = ["person", "what", "date", "municipality", "body", "role", "function", "party", "paragraphs", "serving_for", "paragraph", "title", "document"]
    if not rows:
        err_console.print(f"no person matches {name!r}")
    _write(rows, columns, format, f"{len(report['persons'])} persons matching {name!r}")


@app.command("case")
def case_command(
    dnr: Annotated[str, typer.Argument(help="Case number (diarienummer / ärendenummer) as printed.")],
    format: FormatOption = "table",
    db: DbOption = None,
) -> None:
    """Every item, body and document about a case, in date order."""
    _check_format(format)
    settings = _settings(db)
    from pipeline.queries import case as query

    rows = [r.as_dict() for r in query(settings.database_url, dnr)]
    if not rows:
        err_console.print(f"no case matches {dnr!r}")
    columns = ["kind", "date", "municipality", "body", "paragraph", "case_number", "title", "decisions", "document", "page"]
    _write(rows, columns, format, f"case {dnr}")
