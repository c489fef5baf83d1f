"""Terminal output that reads at the width there is: one line per row with the fields that fit, blocks of text
wrapped between words, paths shortened from the left; errors in one line; progress with rate and time left.

A table's fields are data (`Field`): which matter most, how narrow each may get, which side loses its text.
`fit` decides the widths for the width at hand; the rest of a row is for `--wide` or `--format json`.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import typer
from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, ProgressColumn, Task, TextColumn, TimeElapsedColumn
from rich.text import Text
from typer.core import TyperGroup

ELLIPSIS = "…"
GAP = 2  # spaces between two fields


@dataclass(frozen=True, slots=True)
class Field:
    """One column of a one-line-per-row listing."""

    key: str
    header: str
    # The narrowest it is cut to (narrower content stays narrower).
    min_width: int
    # None: grows into what the others leave.
    max_width: int | None = None
    # 0: always shown, cut down when the width runs short; 1, 2, …: shown in that order while there is room.
    priority: int = 0
    justify: Literal["left", "right"] = "left"
    # Where text that does not fit is cut: a title keeps its start, a path its end (the file name).
    cut: Literal["end", "start"] = "end"


def shorten(text: str, width: int, cut: Literal["end", "start"] = "end") -> str:
    """`text` in at most `width` cells, one line, with … where text was cut."""
    text = " ".join(text.split())
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    if cut == "start":
        return ELLIPSIS + set_cell_size(text[::-1], width - 1)[::-1].lstrip()
    return set_cell_size(text, width - 1).rstrip() + ELLIPSIS


def fit(fields: Sequence[Field], rows: Sequence[dict[str, str]], width: int | None) -> list[tuple[Field, int]]:
    """The fields to show and their widths for `width` cells (None: every field at its full width)."""
    natural = {f.key: max([cell_len(f.header), *(cell_len(" ".join(r.get(f.key, "").split())) for r in rows)]) for f in fields}
    if width is None:
        return [(f, natural[f.key]) for f in fields]
    floor = {f.key: min(f.min_width, natural[f.key]) for f in fields}
    wanted = {f.key: min(natural[f.key], f.max_width or natural[f.key]) for f in fields}
    # A growing field claims only its narrowest width when extras are weighed against it.
    claim = {f.key: floor[f.key] if f.max_width is None else wanted[f.key] for f in fields}
    shown = [f for f in fields if f.priority == 0]
    used = sum(claim[f.key] for f in shown) + GAP * (len(shown) - 1)
    for f in sorted((f for f in fields if f.priority > 0), key=lambda f: f.priority):
        empty = not any(r.get(f.key, "").strip() for r in rows)
        if not empty and used + GAP + claim[f.key] <= width:
            shown.append(f)
            used += GAP + claim[f.key]
    widths = {f.key: wanted[f.key] for f in shown}
    excess = sum(widths.values()) + GAP * (len(shown) - 1) - width
    if excess > 0:
        # With extras shown, the growing fields give way (the extras were let in on that condition); without,
        # the capped fields give way first, so that a title keeps what a body name or case number can spare.
        # Within a group, each gives in proportion to what it can spare above its narrowest width.
        growing = [f.key for f in shown if f.max_width is None]
        capped = [f.key for f in shown if f.max_width is not None]
        extras = any(f.priority > 0 for f in shown)
        for group in ([growing, capped] if extras else [capped, growing]):
            slack = {k: widths[k] - floor[k] for k in group}
            total = sum(slack.values())
            given = min(excess, total)
            for k in group:
                widths[k] -= min(slack[k], -(-given * slack[k] // total)) if total else 0
            excess = sum(widths.values()) + GAP * (len(shown) - 1) - width
            if excess <= 0:
                break
    else:
        # Room to spare: a capped field whose content is longer takes it back.
        for f in sorted(shown, key=lambda f: f.priority):
            take = min(-excess, natural[f.key] - widths[f.key])
            widths[f.key] += take
            excess += take
    return [(f, widths[f.key]) for f in fields if f in shown]


def _cell(text: str, width: int, justify: str) -> str:
    return set_cell_size(text, width) if justify == "left" else " " * (width - cell_len(text)) + text


def print_rows(console: Console, fields: Sequence[Field], rows: Sequence[dict[str, str]], title: str | None = None, wide: bool = False) -> None:
    """One line per row, fitted to the console's width; `wide`: every field in full, however long the lines."""
    width = None if wide else console.width
    columns = fit(fields, rows, width)
    gap = " " * GAP

    def line(cells: Iterable[str], style: str) -> Text:
        # Narrower than the fields' narrowest forms the line is cut at the edge, never wrapped.
        text = gap.join(cells).rstrip()
        if width is not None and cell_len(text) > width:
            text = set_cell_size(text, width - 1) + ELLIPSIS
        return Text(text, style=style)

    lines: list[str | Text] = [Text(shorten(title, console.width), style="bold")] if title else []
    if rows:
        lines.append(line((_cell(shorten(f.header, w), w, f.justify) for f, w in columns), "bold"))
    for r in rows:
        # A row's "style" key colours its line on a terminal (ingested green, failed red).
        lines.append(line((_cell(shorten(r.get(f.key, ""), w, f.cut), w, f.justify) for f, w in columns), r.get("style") or ""))
    print_lines(console, lines)


def wrapped(text: str, width: int, indent: str = "") -> list[str]:
    """`text` wrapped between words to `width` cells, each line starting with `indent`; a word longer than a line
    (a path) is shortened from the left rather than cut in two."""
    room = max(width - len(indent), 8)
    words = [w if len(w) <= room else shorten(w, room, "start") for w in text.split()]
    return textwrap.wrap(" ".join(words), width=room + len(indent), initial_indent=indent, subsequent_indent=indent,
                         break_on_hyphens=False, break_long_words=False) or [indent.rstrip()]


def print_lines(console: Console, lines: Iterable[str | Text]) -> None:
    """Lines already fitted to the width: printed as they are, never wrapped again."""
    for line in lines:
        console.print(line if isinstance(line, Text) else Text(line), soft_wrap=True, overflow="ignore", crop=False)


def non_empty(value: str | None) -> str | None:
    """Option callback: an option given must say something (an empty --text would match everything)."""
    if value is not None and not value.strip():
        raise typer.BadParameter("must not be empty")
    return value


def one_line(message: str) -> str:
    """The first line of an error message (drivers add hints and links on the lines below)."""
    lines = [line.strip() for line in str(message).splitlines() if line.strip()]
    return lines[0] if lines else ""


def usage_error_line(error: typer.TyperException) -> str:
    """`protokoll decisions: Invalid value for '--limit': -1 is not in the range x>=1.`"""
    # typer's pydantic coercion prefixes its messages with "Value error, ".
    message = " ".join(error.format_message().replace("Value error, ", "").split())
    ctx = getattr(error, "ctx", None)
    return f"{ctx.command_path}: {message}" if ctx is not None else message


class OneLineErrors(TyperGroup):
    """The command group whose usage errors are one line on standard error (exit 2), where typer prints the
    usage, a hint and a framed panel; every other exit is typer's own."""

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except typer.TyperException as e:  # typer's own click: BadParameter, UsageError, NoArgsIsHelpError, …
            if type(e).__name__ == "NoArgsIsHelpError":
                sys.exit(e.exit_code)  # the help is the message, and typer has printed it
            typer.echo(usage_error_line(e), err=True)
            sys.exit(e.exit_code)
        except typer.Abort:
            typer.echo("Aborted!", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


class RateColumn(ProgressColumn):
    """How many a second (a minute when under one), from the last samples; blank until there are some."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        if not speed:
            return Text("")
        return Text(f"{speed:.1f}/s" if speed >= 1 else f"{speed * 60:.1f}/min", style="progress.data.speed")


class TimeLeftColumn(ProgressColumn):
    """The time left at the present rate, while there is some and a rate to tell it by."""

    max_refresh = 0.5

    def render(self, task: Task) -> Text:
        remaining = task.time_remaining
        if task.finished or remaining is None:
            return Text("")
        minutes, seconds = divmod(int(remaining), 60)
        hours, minutes = divmod(minutes, 60)
        return Text(f"{hours}:{minutes:02d}:{seconds:02d} left", style="progress.remaining")


def progress_columns() -> tuple[ProgressColumn, ...]:
    """documents ━━━━━━━━━━━━━━━━━━━━ 12/36 2.1/min 0:05:40 0:11:20 left"""
    return (
        TextColumn("{task.description:>9}"),
        BarColumn(bar_width=20),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TimeLeftColumn(),
    )
