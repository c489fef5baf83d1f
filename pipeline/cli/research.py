"""Commands for researchers and reviewers: `decisions`, `person`, `case`, `flags`, `review`, `export`, `summary`
(registered on pipeline.cli.app).

Arguments are checked before the database is opened: a bad value is a usage error (exit 2) in one line naming
the option and what it takes. Tables show one line per row with the fields that fit the terminal; `--wide`
shows every field in full and `--format json` everything there is.
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from models.claims import ReviewDecision, Severity
from pipeline.cli.base import DbOption, WideOption, app, console, err_console, open_settings
from pipeline.cli.output import Field, non_empty, print_lines, print_rows, shorten, wrapped
from pipeline.errors import ExitCode


class TableFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class FlagFormat(str, Enum):
    table = "table"
    json = "json"


class ExportFormat(str, Enum):
    jsonl = "jsonl"


class ReviewVerb(str, Enum):
    """What a reviewer types; the decision it stores is models.claims.ReviewDecision."""

    accept = "accept"
    dismiss = "dismiss"

    @property
    def stored(self) -> ReviewDecision:
        return {"accept": ReviewDecision.ACCEPTED, "dismiss": ReviewDecision.DISMISSED}[self.value]


def _municipality(value: str | None) -> str | None:
    """Callback: the municipality must be one of the 290, by name or code."""
    if value is None:
        return None
    from pipeline.research.queries import UnknownMunicipalityError, resolve_municipality

    try:
        resolve_municipality(value)
    except UnknownMunicipalityError as e:
        raise typer.BadParameter(str(e)) from e
    return value


def _search_text(value: str | None) -> str | None:
    """Callback: the query must parse and search for something (see pipeline.store.search)."""
    if value is None:
        return None
    from pipeline.store.search import SearchSyntaxError, parse

    try:
        parse(value)
    except SearchSyntaxError as e:
        raise typer.BadParameter(str(e)) from e
    return value


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


# Any larger limit means every row; past 2**63 the databases cannot take it.
MAX_LIMIT = 1_000_000_000
FormatOption = Annotated[TableFormat, typer.Option("--format", help="table, json or csv.")]
DateOption = dict(formats=["%Y-%m-%d"], metavar="YYYY-MM-DD")


def _flat(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " | ".join(_flat(v) for v in value)
    return str(value)


def _write_data(rows: list[dict[str, Any]], columns: list[str], format: TableFormat) -> None:
    """Rows as JSON (everything) or CSV (the given columns, lists joined with ' | ')."""
    if format is TableFormat.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows({c: _flat(r.get(c)) for c in columns} for r in rows)


def _where(document: str, page: int | None, wide: bool) -> str:
    """Where a value is printed: the file's name (its full path with --wide) and page."""
    name = document if wide else Path(document).name
    return f"{name} p.{page}" if page else name


def _paragraph(paragraph: int | None, number: str | None = None) -> str:
    return f"§ {paragraph}" if paragraph is not None else (number or "")


def _paragraph_ranges(paragraphs: list[int]) -> str:
    """§§ 3, 5–8 for [3, 5, 6, 7, 8]."""
    runs: list[list[int]] = []
    for p in sorted(set(paragraphs)):
        if runs and p == runs[-1][-1] + 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


# A decision on one line: §, date, body, case, title; municipality, document and the decision itself when there is room.
DECISION_FIELDS = (
    Field("paragraph", "§", 6, 8, justify="right"),
    Field("date", "date", 10, 10),
    Field("body", "body", 14, 34),
    Field("case", "case", 14, 24),
    Field("title", "title", 20),
    Field("municipality", "municipality", 8, 16, priority=1),
    Field("where", "document", 12, 40, priority=2, cut="start"),
    Field("decision", "decision", 24, 60, priority=3),
)


@app.command()
def decisions(
    municipality: Annotated[Optional[str], typer.Option(help="Municipality name or code (Tyresö, TYRESO, 0138).", callback=_municipality)] = None,
    body: Annotated[Optional[str], typer.Option(help="Body (organ), any inflection: Kommunstyrelsen, kommunstyrelsens.", callback=non_empty)] = None,
    date_from: Annotated[Optional[datetime], typer.Option("--from", help="Meetings on or after this day.", **DateOption)] = None,
    date_to: Annotated[Optional[datetime], typer.Option("--to", help="Meetings on or before this day.", **DateOption)] = None,
    case: Annotated[Optional[str], typer.Option("--case", help="Case number (diarienummer), e.g. '2019/KS 0222'.", callback=non_empty)] = None,
    text: Annotated[
        Optional[str],
        typer.Option("--text", help='Words in the title or decision, Swedish stemming: "a phrase", a OR b, -not; words joined by AND.', callback=_search_text),
    ] = None,
    limit: Annotated[Optional[int], typer.Option(min=1, max=MAX_LIMIT, help="At most this many rows.")] = None,
    format: FormatOption = TableFormat.table,
    wide: WideOption = False,
    db: DbOption = None,
) -> None:
    """One row per item: meeting date, §, body, case number, title (decision, municipality, document, page with --wide)."""
    if date_from and date_to and date_from > date_to:
        raise typer.BadParameter(f"{date_from:%Y-%m-%d} is after --to {date_to:%Y-%m-%d}", param_hint="'--from'")
    settings = open_settings(db)
    from pipeline.research.queries import DecisionFilters
    from pipeline.research.queries import decisions as query

    rows = query(settings.database_url, DecisionFilters(municipality, body, _day(date_from), _day(date_to), case, text, limit))
    if format is not TableFormat.table:
        columns = ["municipality", "body", "meeting_date", "paragraph", "number", "case_number", "title", "decision_kind", "decisions", "document", "page"]
        _write_data([r.as_dict() for r in rows], columns, format)
        return
    lines = [
        {
            "paragraph": _paragraph(r.paragraph, r.number),
            "date": r.meeting_date.isoformat() if r.meeting_date else "",
            "body": r.body or "",
            "case": r.case_number or "",
            "title": r.title or "",
            "municipality": r.municipality or "",
            "where": _where(r.document, r.page, wide),
            "decision": " ".join(r.decisions),
        }
        for r in rows
    ]
    print_rows(console, DECISION_FIELDS, lines, f"{len(rows)} items", wide=wide)


MEETING_FIELDS = (
    Field("date", "date", 10, 10),
    Field("body", "body", 14, 34),
    Field("role", "role", 8, 14),
    Field("party", "party", 3, 6),
    Field("paragraphs", "§§", 6, 24, priority=1),
    Field("serving_for", "serving for", 10, 24, priority=2),
    Field("function", "function", 8, 16, priority=3),
    Field("where", "document", 12, 40, priority=4, cut="start"),
)

VOTE_FIELDS = (
    Field("date", "date", 10, 10),
    Field("body", "body", 14, 34),
    Field("paragraph", "§", 6, 8, justify="right"),
    Field("choice", "vote", 4, 10),
    Field("title", "title", 16),
    Field("where", "document", 12, 40, priority=1, cut="start"),
)


def _party_history(parties: list[list[Any]]) -> str:
    return ", ".join(f"{party} {first or '?'}–{last or '?'}" if first != last else f"{party} {first or ''}".strip() for party, first, last in parties)


@app.command()
def person(
    name: Annotated[str, typer.Argument(help="The person's name; small spelling and OCR differences are tolerated.", callback=non_empty)],
    format: FormatOption = TableFormat.table,
    wide: WideOption = False,
    db: DbOption = None,
) -> None:
    """Meetings a person attended, with role and party, and the votes they cast: one line each."""
    settings = open_settings(db)
    from pipeline.research.queries import person as query

    report = query(settings.database_url, name).as_dict()
    if not report["persons"]:
        err_console.print(f"no person matches {name!r}", markup=False, highlight=False)
    if format is TableFormat.json:
        _write_data([report], [], format)
        return
    if format is TableFormat.csv:
        rows = []
        for p in report["persons"]:
            rows += [{"person": p["name"], "what": "meeting", **m, "date": m["meeting_date"]} for m in p["meetings"]]
            rows += [{"person": p["name"], "what": f"vote {v['choice']}", **v, "date": v["meeting_date"]} for v in p["votes"]]
        columns = ["person", "what", "date", "municipality", "body", "role", "function", "party", "paragraphs", "serving_for", "paragraph", "title", "document"]
        _write_data(rows, columns, format)
        return
    for p in report["persons"]:
        heading = " · ".join(x for x in (p["name"], p["municipality"], _party_history(p["parties"])) if x)
        print_lines(console, [shorten(heading, console.width)])
        meetings = [
            {
                "date": m["meeting_date"] or "", "body": m["body"] or "", "role": m["role"], "party": m["party"] or "",
                "paragraphs": _paragraph_ranges(m["paragraphs"]), "serving_for": m["serving_for"] or "", "function": m["function"] or "",
                "where": _where(m["document"], None, wide),
            }
            for m in p["meetings"]
        ]
        print_rows(console, MEETING_FIELDS, meetings, f"{len(meetings)} meetings", wide=wide)
        if p["votes"]:
            votes = [
                {"date": v["meeting_date"] or "", "body": v["body"] or "", "paragraph": _paragraph(v["paragraph"]), "choice": v["choice"],
                 "title": v["title"] or "", "where": _where(v["document"], None, wide)}
                for v in p["votes"]
            ]
            print_rows(console, VOTE_FIELDS, votes, f"{len(votes)} votes", wide=wide)
        print_lines(console, [""])


CASE_FIELDS = (
    Field("date", "date", 10, 10),
    Field("kind", "kind", 4, 7),
    Field("body", "body", 14, 34),
    Field("paragraph", "§", 6, 8, justify="right"),
    Field("title", "title", 16),
    Field("case", "case", 14, 24, priority=1),
    Field("municipality", "municipality", 8, 16, priority=2),
    Field("where", "document", 12, 40, priority=3, cut="start"),
)


@app.command("case")
def case_command(
    dnr: Annotated[str, typer.Argument(help="Case number (diarienummer / ärendenummer) as printed.", callback=non_empty)],
    format: FormatOption = TableFormat.table,
    wide: WideOption = False,
    db: DbOption = None,
) -> None:
    """Every item, body and document about a case, in date order."""
    settings = open_settings(db)
    from pipeline.research.queries import case as query

    rows = [r.as_dict() for r in query(settings.database_url, dnr)]
    if not rows:
        err_console.print(f"no case matches {dnr!r}", markup=False, highlight=False)
    if format is not TableFormat.table:
        _write_data(rows, ["kind", "date", "municipality", "body", "paragraph", "case_number", "title", "decisions", "document", "page"], format)
        return
    lines = [
        {
            "date": r["date"] or "", "kind": r["kind"], "body": r["body"] or "", "paragraph": _paragraph(r["paragraph"]),
            "title": r["title"] or "", "case": r["case_number"], "municipality": r["municipality"] or "", "where": _where(r["document"], r["page"], wide),
        }
        for r in rows
    ]
    print_rows(console, CASE_FIELDS, lines, f"case {dnr}", wide=wide)


def _flag_block(flag: Any, width: int, wide: bool) -> list[str]:
    """A flag as a block: id, severity and rule; its values and message; each quote under its document and page."""
    lines = [shorten(f"{flag.identity}  {flag.severity}  {flag.kind}", width)]
    lines += wrapped("values: " + " vs ".join(map(str, flag.values)), width, "  ")
    message = flag.message
    if not wide:  # the documents by name, as under the quotes
        for path in {e["document"] for e in flag.evidence}:
            message = message.replace(path, Path(path).name)
    lines += wrapped(message, width, "  ")
    if wide and flag.matter:
        lines += wrapped(flag.matter, width, "  ")  # "matter:…", labelled by itself
    if flag.review:
        lines += wrapped(f"review: {flag.review}" + (f": {flag.review_note}" if flag.review_note else ""), width, "  ")
    for e in flag.evidence:
        lines.append("  " + shorten(_where(e["document"], e["page"], wide), width - 2, "start"))
        lines += wrapped(f"\u201c{e['quote']}\u201d", width, "    ")
    return lines


@app.command()
def flags(
    severity: Annotated[Optional[Severity], typer.Option(help="Only flags of this severity.")] = None,
    kind: Annotated[Optional[str], typer.Option(help="Rule name, e.g. conflicting_period.", callback=non_empty)] = None,
    municipality: Annotated[Optional[str], typer.Option(help="Municipality name or code.", callback=_municipality)] = None,
    format: Annotated[FlagFormat, typer.Option("--format", help="table or json.")] = FlagFormat.table,
    wide: WideOption = False,
    db: DbOption = None,
) -> None:
    """Consistency flags with their evidence, most severe first: a block per flag."""
    settings = open_settings(db)
    from pipeline.research.queries import resolve_municipality
    from pipeline.store.flags import list_flags

    code = resolve_municipality(municipality) if municipality else None
    found = list_flags(settings.database_url, severity.value if severity else None, kind, code)
    if format is FlagFormat.json:
        for flag in found:
            sys.stdout.write(json.dumps(flag.as_dict(), ensure_ascii=False) + "\n")
        return
    width = 1_000_000 if wide else console.width
    lines: list[str] = [f"{len(found)} flags", ""]
    for flag in found:
        lines += _flag_block(flag, width, wide) + [""]
    print_lines(console, lines)


@app.command()
def review(
    flag_id: Annotated[str, typer.Argument(help="The flag's id as shown by `protokoll flags`.", callback=non_empty)],
    decision: Annotated[ReviewVerb, typer.Argument(help="accept or dismiss.")],
    note: Annotated[str, typer.Option(help="Why; kept with the flag across re-runs.", callback=non_empty)],
    reviewer: Annotated[str, typer.Option(help="Who reviewed.")] = "",
    db: DbOption = None,
) -> None:
    """Accept or dismiss a flag with a note."""
    settings = open_settings(db)
    from pipeline.store.flags import UnknownFlagError, review_flag

    try:
        review_flag(settings.database_url, flag_id, decision.stored, note, reviewer)
    except UnknownFlagError as e:
        raise typer.BadParameter(str(e), param_hint="'FLAG_ID'") from e
    console.print(f"flag {flag_id} {decision.stored}", markup=False, highlight=False)


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", help="Output file ('-' for standard output).")],
    format: Annotated[ExportFormat, typer.Option("--format", help="jsonl")] = ExportFormat.jsonl,
    with_text: Annotated[bool, typer.Option("--with-text", help="Add each page's text, method and OCR confidence.")] = False,
    db: DbOption = None,
) -> None:
    """Export one JSON object per document (see EXPORT.md)."""
    settings = open_settings(db)
    from pipeline.research.export import write_jsonl

    if str(out) == "-":
        write_jsonl(settings.database_url, sys.stdout, with_text)
        return
    try:
        count = write_jsonl(settings.database_url, out, with_text)
    except OSError as e:
        err_console.print(f"cannot write {out}: {e.strerror or e}", style="red", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(ExitCode.SOME_FAILED) from e
    err_console.print(f"wrote {count} documents to {out}", markup=False, highlight=False, soft_wrap=True)
