"""§ headings (paragrafer): which lines start a § item, read against the document's running § sequence.

The forms are data (`patterns/headings.jsonl`): headings printed with their § sign (with a body prefix "KS § 2",
a letter "§ 7 a", the number first "188 §"), headings whose § OCR misread ("$:213", "S 43", "8214 Diarienummer"),
continuation headings on later pages ("§ 71 forts") and § index tables, whose rows list items but never start one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.patternfile import Rule, fragment, load_rules
from extractors.text import fold

# Lines between two rows of a § index (a title wrapped over lines); real headings stand further apart.
_INDEX_ROW_GAP = 2
_INDEX_MIN_ROWS = 3
# How far below an OCR heading its case-number label or title may stand.
_CONFIRM_WINDOW = 3
_RANGE = re.compile(r"^[ \t]*paragrafer[ \t]*:?[ \t]*§*[ \t]*(?P<a>\d{1,4})[ \t]*-[ \t]*(?P<b>\d{1,4})", re.M)
_TITLE_LINE = re.compile(r"^[ \t]*[A-ZÅÄÖÉ][^\n]{2,}$")


@dataclass(frozen=True, slots=True)
class HeadingMatch:
    """A line read as a § heading: its rule and kind, the number as printed ("114", letter "a"), where the text
    after the heading starts on the line, and how sure the reading is."""

    rule: str
    kind: str  # heading | ocr | continuation
    number: int
    letter: str = ""
    rest_start: int = 0
    confidence: float = 1.0

    @property
    def label(self) -> str:
        return f"{self.number}{self.letter}"


def _rules(kind: str | None = None) -> tuple[Rule, ...]:
    return tuple(r for r in load_rules("headings") if kind is None or r.get("kind") == kind)


def _heading_rules() -> tuple[Rule, ...]:
    return tuple(r for r in load_rules("headings") if r.get("kind") in ("continuation", "heading", "ocr"))


def _prefix_ok(m: re.Match[str], original: str) -> bool:
    """A body abbreviation before the sign is printed in capitals ("KS § 2"); "och § 5" is prose."""
    if "prefix" not in m.re.groupindex or m.group("prefix") is None:
        return True
    return original[m.start("prefix") : m.end("prefix")].isupper()


def _rest_ok(rule: Rule, m: re.Match[str], original: str) -> bool:
    """What follows a number-first or OCR heading opens a title (a capital) or a case-number label, never prose."""
    if rule.get("kind") == "heading" and "prefix" in m.re.groupindex:
        return True
    rest = original[m.start("rest") : m.end("rest")].strip() if "rest" in m.re.groupindex else ""
    return not rest or rest[:1].isupper() or bool(re.match(fragment("case_label_line"), fold(rest)))


def match_heading(line: str, folded: str | None = None) -> HeadingMatch | None:
    """The heading reading of one line (continuations first), or None."""
    folded = fold(line) if folded is None else folded
    for rule in _heading_rules():
        m = rule.regex.match(folded)
        if not m or not _prefix_ok(m, line) or not _rest_ok(rule, m, line):
            continue
        letter = (m.groupdict().get("letter") or "") if "letter" in m.re.groupindex else ""
        rest = m.start("rest") if "rest" in m.re.groupindex else m.end()
        return HeadingMatch(rule.id, rule.get("kind"), int(m.group("label")), letter, rest, rule.get("confidence", 1.0))
    return None


def is_continuation(line: str) -> bool:
    found = match_heading(line)
    return found is not None and found.kind == "continuation"


def cover_range(folded_text: str) -> tuple[int, int] | None:
    """The § range a protocol cover declares ("Paragrafer 12-31")."""
    m = _RANGE.search(folded_text)
    return (int(m.group("a")), int(m.group("b"))) if m else None


def _index_rows(lines: list[str], folded: list[str], candidates: dict[int, HeadingMatch]) -> set[int]:
    """Line indexes of § index rows: candidates under an index heading, and runs of three or more candidates a
    line or two apart that end with a page number."""
    row_end = next(r for r in _rules("index_row")).regex
    index_heading = next(r for r in _rules("index")).regex
    ordered = sorted(candidates)
    rows: set[int] = set()

    def gap(a: int, b: int) -> int:
        return sum(1 for k in range(a + 1, b) if lines[k].strip())

    def ends_with_page(i: int, stop: int) -> bool:
        """The row's title, or a line it wrapped onto before the next row, ends with a page number (the number of a
        bare "§ 5" is no page number)."""
        wrapped = [folded[k] for k in range(i + 1, min(stop, i + 1 + _INDEX_ROW_GAP)) if lines[k].strip()]
        title = folded[i][candidates[i].rest_start :]
        return any(row_end.search(" " + text) for text in [title, *wrapped] if text.strip())

    # A run: candidates a line or two apart with rising numbers (the first heading after an index restarts them).
    runs: list[list[int]] = []
    for i in ordered:
        last = runs[-1][-1] if runs else None
        if last is not None and gap(last, i) <= _INDEX_ROW_GAP and candidates[i].number > candidates[last].number:
            runs[-1].append(i)
        else:
            runs.append([i])
    for run in runs:
        stops = run[1:] + [len(lines)]
        paged = [i for i, stop in zip(run, stops) if ends_with_page(i, stop)]
        above = [k for k in range(max(0, run[0] - 3), run[0]) if lines[k].strip()]
        under_heading = any(index_heading.match(folded[k]) for k in above) and not any(k in candidates for k in above)
        if under_heading:
            rows.update(run)
        elif len(paged) >= _INDEX_MIN_ROWS and len(paged) >= len(run) - 1:
            rows.update(paged)
    return rows


def _confirmed(lines: list[str], folded: list[str], i: int, found: HeadingMatch, labelled: bool = False) -> bool:
    """An OCR heading looks like one: a case-number label on its line or just below, or (unless `labelled`) a title
    line below it."""
    label = fragment("case_label_line")
    if re.match(label, folded[i][found.rest_start :].lstrip()):
        return True
    seen = 0
    for k in range(i + 1, len(lines)):
        if not lines[k].strip():
            continue
        if re.match(label, folded[k]) or (not labelled and _TITLE_LINE.match(lines[k])):
            return True
        seen += 1
        if seen >= _CONFIRM_WINDOW:
            break
    return False


def paragraph_headings(lines: list[str], excluded: set[int] = frozenset(), folded_text: str = "") -> list[tuple[int, HeadingMatch]]:
    """(line index, heading) for every line that starts a § item, in order.

    `lines` are the document's lines (noise stripped); `excluded` are line indexes a layout marked as a § index.
    A heading printed with its sign is taken; an OCR reading only where its number fits the cover's range or a
    neighbouring heading; a continuation, an index row, or a repeat of the current item's heading never."""
    rules = {r.id: r for r in _heading_rules()}
    folded = [fold(line) for line in lines]
    candidates = {i: found for i, line in enumerate(lines)
                  if line.strip() and (found := match_heading(line, folded[i])) is not None}
    index = _index_rows(lines, folded, candidates) | (set(candidates) & set(excluded))
    live = {i: c for i, c in candidates.items() if i not in index}
    declared = cover_range(folded_text) if folded_text else None
    # The sequence an OCR reading must fit: headings printed with their sign, and OCR readings with a case-number
    # label under them (readings that only have each other to lean on, like a list's "3 1", "5 2", prove nothing).
    numbers = {c.number for i, c in live.items() if c.kind == "heading"
               or (c.kind == "ocr" and _confirmed(lines, folded, i, c, labelled=True))}

    def fits(number: int) -> bool:
        in_range = declared is not None and declared[0] <= number <= declared[1]
        return in_range or number - 1 in numbers or number + 1 in numbers

    def taken(i: int, found: HeadingMatch) -> bool:
        """An OCR reading (or a form prose can take, like "10 § Lagen …") that fits the sequence and looks like a
        heading (a case-number label or a title under it).  Out of sequence (a one-§ extract, the extracts of a
        bundle) only a case-number label under it will do, and never for an "8" glued to the number, which is then
        as likely a number of its own."""
        if fits(found.number):
            return _confirmed(lines, folded, i, found, labelled=bool(rules[found.rule].get("labelled_only")))
        return not rules[found.rule].get("glued") and _confirmed(lines, folded, i, found, labelled=True)

    out: list[tuple[int, HeadingMatch]] = []
    current: str | None = None
    for i in sorted(live):
        found = live[i]
        if found.kind == "continuation":
            continue
        if (found.kind == "ocr" or rules[found.rule].get("in_sequence")) and not taken(i, found):
            continue
        if found.label == current:
            continue  # the same heading again on a later page
        current = found.label
        out.append((i, found))
    return out
