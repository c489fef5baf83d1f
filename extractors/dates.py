"""Dates in Swedish municipal text, each with its role (meeting, adjusted, deadline, ...).

Forms are found by rules on the folded text (OCR tolerant, offsets kept) and
month-name dates are read by dateparser (languages=["sv"]).  Year-less forms
("den 26 september", "21/8") take the year their context states: a heading such
as "Förankringsprocess under 2018:" governs the list below it until the list
ends, and "under 2018"/"år 2018"/"2018:" governs the rest of its sentence.
Without one they, like compact yymmdd ("250912"), need the document's date and
take the year that puts them nearest it (so the same year unless that lands more
than six months away, e.g. "den 15 januari" in a December document means next
January).  The role comes from the words just before the date (and, for a few
forms, just after).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import dateparser

from extractors.patternfile import fragment, load_rules
from extractors.text import DocText, fold
from models.records import DateFact, Meeting, Section, SectionKind, Span

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "mars": 3, "mar": 3, "april": 4, "apr": 4,
    "maj": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augusti": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
_FULL_MONTHS = frozenset(name for name in MONTHS if len(name) > 4 or name in ("mars", "maj", "juni", "juli"))
# The forms and role rules are data: `patterns/dates.jsonl` (its "month" fragment lists the names of MONTHS).
_RULES = load_rules("dates")


@dataclass(frozen=True, slots=True)
class DateRule:
    """A date form: id (recorded on each DateFact), pattern on folded text, and how to build the value."""

    id: str
    pattern: re.Pattern[str]
    build: Callable[[re.Match[str], date | None, int | None], date | None]


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _nearest_year(month: int, day: int, doc_date: date | None, year: int | None = None) -> date | None:
    """The governing year when the context states one, else the year that puts day/month nearest the document
    date (see module docstring)."""
    if year is not None:
        return _safe(year, month, day)
    if doc_date is None:
        return None
    candidates = [d for y in (doc_date.year - 1, doc_date.year, doc_date.year + 1) if (d := _safe(y, month, day))]
    if not candidates:
        return None
    return min(candidates, key=lambda d: (abs((d - doc_date).days), d.year != doc_date.year))


@lru_cache(maxsize=4096)
def _dateparser(text: str) -> date | None:
    parsed = dateparser.parse(
        text, languages=["sv"], settings={"REQUIRE_PARTS": ["day", "month", "year"], "STRICT_PARSING": True}
    )
    return parsed.date() if parsed else None


def _iso(m: re.Match[str], _doc: date | None, _year: int | None) -> date | None:
    return _safe(int(m["y"]), int(m["m"]), int(m["d"]))


def _long(m: re.Match[str], _doc: date | None, _year: int | None) -> date | None:
    phrase = f"{int(m['d'])} {m['month']} {m['y']}"
    parsed = _dateparser(phrase)
    if parsed:
        return parsed
    return _safe(int(m["y"]), MONTHS[m["month"].rstrip(".")], int(m["d"]))


def _long_yearless(m: re.Match[str], doc: date | None, year: int | None) -> date | None:
    return _nearest_year(MONTHS[m["month"].rstrip(".")], int(m["d"]), doc, year)


def _slash(m: re.Match[str], doc: date | None, year: int | None) -> date | None:
    if m["y"]:
        return _safe(int(m["y"]), int(m["m"]), int(m["d"]))
    return _nearest_year(int(m["m"]), int(m["d"]), doc, year)


def _compact(m: re.Match[str], doc: date | None, _year: int | None) -> date | None:
    value = _safe(2000 + int(m["yy"]), int(m["m"]), int(m["d"]))
    if value is None:
        return None
    # A six-digit token is only a date when it lies near the document's own time.
    if doc is not None and abs((value - doc).days) > 3 * 366:
        return None
    return value


# How each date form of patterns/dates.jsonl (its "build") turns a match into a date.
_BUILDERS = {"iso": _iso, "long": _long, "long_yearless": _long_yearless, "slash": _slash, "compact": _compact}
# Date forms (patterns/dates.jsonl, kind "form"), in priority order: an earlier form's match wins the text it covers.
DATE_RULES: list[DateRule] = [DateRule(r.id, r.regex, _BUILDERS[r.get("build")]) for r in _RULES if r.get("kind") == "form"]


# Role rules: (role, rule id, pattern that must match at the END of the folded text before the date), from
# patterns/dates.jsonl (kind "role_before").  The first matching rule wins (file order is priority): "beslutade vid
# sitt möte den" is a decision, not an event.
ROLE_BEFORE: list[tuple[str, str, re.Pattern[str]]] = [
    (r.get("role"), r.id, r.regex) for r in _RULES if r.get("kind") == "role_before"
]

# Role rules on the words just AFTER the date (kind "role_after"), tried when no rule before it fired:
# "Styrelsen har den 14 december 2022 rekommenderat …", "Nämnden har 2023-04-19 § 45 beslutat …".
ROLE_AFTER: list[tuple[str, str, re.Pattern[str]]] = [
    (r.get("role"), r.id, r.regex) for r in _RULES if r.get("kind") == "role_after"
]

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
# "Datum" as a line's label or as a cell of a letterhead row ("Dnr KS 2025/0087    Datum 2025-02-10").
_DATUM_LABEL = re.compile(r"(?:^|\n|\t|[ ]{2})[ \t]*datum[ \t]*:?[ \t]*$")
_COVER_FOLLOWS = re.compile(r"\A[^\n]*\n(?:[ \t]*\n)*[ \t]*(?:tid|plats)\b", re.M)
_CLOCK_AFTER = re.compile(r"\A[ \t]*,?[ \t]*(?:kl\.?|klockan)[ \t]*\d")


_CELL_GAP = re.compile(r"\t+|[ ]{2,}")
_DATUM_CELL = re.compile(r"datum[ \t]*:?")
_COLUMN_SLACK = 6


def _cells(line: str) -> list[tuple[int, int]]:
    """(start, end) of each cell of a grid row whose cells are separated by tabs or runs of spaces."""
    cells, pos = [], 0
    for gap in _CELL_GAP.finditer(line):
        if gap.start() > pos:
            cells.append((pos, gap.start()))
        pos = gap.end()
    if pos < len(line):
        cells.append((pos, len(line)))
    return cells


def _under_datum_label(folded: str, start: int) -> bool:
    """A letterhead grid prints its labels on one line ("Vår referens   Er referens   Datum") and the values on
    the next: the date is the letter's own when it stands in the "Datum" column (same cell index or same column)."""
    line_start = folded.rfind("\n", 0, start) + 1
    if line_start == 0:
        return False
    label_start = folded.rfind("\n", 0, line_start - 1) + 1
    labels = folded[label_start : line_start - 1]
    label_cells = _cells(labels)
    datum = [i for i, (a, b) in enumerate(label_cells) if _DATUM_CELL.fullmatch(labels[a:b].strip())]
    if len(label_cells) < 2 or not datum:
        return False
    line_end = folded.find("\n", start)
    row = folded[line_start : len(folded) if line_end < 0 else line_end]
    column = start - line_start
    index = next((i for i, (a, b) in enumerate(_cells(row)) if a <= column < b), None)
    return any(i == index or abs(label_cells[i][0] - column) <= _COLUMN_SLACK for i in datum)


def _role(
    folded: str, start: int, end: int, whole_line: bool, clock: bool = False, place_line: bool = False
) -> tuple[str, str]:
    """Role and role-rule id from the folded text around a date at [start, end)."""
    before = folded[max(0, start - 120) : start]
    # Words from an earlier paragraph say nothing about this date.
    breaks = list(_PARAGRAPH_BREAK.finditer(before))
    if breaks:
        before = before[breaks[-1].end() :]
    for role, rule, pattern in ROLE_BEFORE:
        if pattern.search(before):
            return role, rule
    after = folded[end : end + 200]
    for role, rule, pattern in ROLE_AFTER:
        if pattern.search(after):
            return role, rule
    if _DATUM_LABEL.search(before):
        if _COVER_FOLLOWS.match(after):
            return "meeting", "role.cover_datum"
        return "document", "role.datum_label"
    if _under_datum_label(folded, start):
        return "document", "role.datum_column"
    if whole_line:
        return "document", "role.alone_on_line"
    if place_line:
        return "document", "role.place_date"
    if clock or _CLOCK_AFTER.match(after):
        return "event", "role.clock"
    return "other", "role.none"


# A letter's place-and-date line: "Härnösand 2025-02-10", "Stockholm den 14 mars 2025" (original text).
# A label such as "Beslutsdatum" or "Utskriftsdag" is no place.
_PLACE = re.compile(r"[ \t]*(?![^\n]*(?:datum|dag|tid)\b)[A-ZÅÄÖ][a-zåäöé]+(?:[ -][A-ZÅÄÖ][a-zåäöé]+)?,?[ \t]+")


def _after_place(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    return bool(_PLACE.fullmatch(text[line_start:start])) and not text[end:line_end].strip(" \t*#")


def _alone_on_line(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    return not text[line_start:start].strip(" \t*#") and not text[end:line_end].strip(" \t*#")


_SLASH_CONTEXT = re.compile(r"(?:senast|fran|till|fore|innan|tom|fom|t\.o\.m\.|fr\.o\.m\.|per|datum|mote|motet|infor|mellan|och)[\s:]*$")
# "1/4 av kostnaden", "2/3 delar": a fraction whatever the words before it.
_FRACTION_AFTER = re.compile(r"\s*(?:av|dels?|delar|andel\w*)\b")
# Roles that only a date can have: words before a bare "21/8" that give it one make it a date.
_DATE_ROLES = frozenset({"meeting", "adjusted", "notice_posted", "notice_removed", "deadline", "decision", "event"})


def _plausible(rule: DateRule, m: re.Match[str], folded: str, start: int, end: int) -> bool:
    """Reject forms that are usually something else: a bare "1/4" is a fraction, not 1 April, unless the words
    before it make it a date ("Nästa möte 21/8", "senast 21/8", "sammanträde 21/8")."""
    if rule.id == "slash" and not m["y"] and not m["den"] and not (m["clock"] or m["hhmm"]):
        if _FRACTION_AFTER.match(folded, end):
            return False
        if _SLASH_CONTEXT.search(folded[max(0, start - 20) : start]):
            return True
        role, _rule = _role(folded, start, end, whole_line=False)
        return role in _DATE_ROLES
    return True


# --- the year a context states ------------------------------------------------

# "Förankrings- och beslutsprocess under 2018:", "Mötesplan år 2024", "Sammanträden 2024:" (folded, one line).
_YEAR_HEADING = re.compile(
    r"^[ \t#*_]*(?P<head>[^\n]*?)(?:\b(?:under|ar|aret)\s+(?P<y1>(?:19|20)\d\d)(?![\d-])[ \t*_]*:?|(?P<y2>(?:19|20)\d\d)[ \t*_]*:)[ \t*_]*$",
    re.M,
)
# "under 2018 hölls möten 19 april och 18 maj", "Möten 2024: 15 januari, 12 februari" (within one sentence).
_YEAR_INLINE = re.compile(r"\b(?:under|ar|aret)\s+(?P<y1>(?:19|20)\d\d)(?![\d-])|(?<![\d-])(?P<y2>(?:19|20)\d\d):(?![\d/])")
_LIST_ITEM = re.compile(r"[ \t*_]*(?:\d{1,2}[.)]|[a-h]\)|[-•–*])[ \t]+\S")
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n[ \t]*\n")


@dataclass(frozen=True, slots=True)
class _YearScope:
    """A stretch of text whose year-less dates take `year`; `listed` when a heading governs a list."""

    start: int
    end: int
    year: int
    listed: bool


def _heading_scope(folded: str, m: re.Match[str]) -> _YearScope | None:
    """The block under a year heading: its list (items, their wrapped lines, blank lines between items), or
    the one paragraph that follows when no list does."""
    head = m.group("head").strip()
    if m.group("y2") is None and not m.group(0).rstrip(" \t*_").endswith(":") and (len(head) > 80 or head.endswith(".")):
        return None  # a sentence that happens to end "under 2018", not a heading
    year = int(m.group("y1") or m.group("y2"))
    pos = m.end() + 1
    end = pos
    listed = None
    saw_blank = False
    while pos < len(folded):
        line_end = folded.find("\n", pos)
        line_end = len(folded) if line_end < 0 else line_end
        line = folded[pos:line_end]
        if not line.strip(" \t\f*_"):
            if listed is not None:
                saw_blank = True
                if not listed:
                    break
        else:
            is_item = bool(_LIST_ITEM.match(line))
            if listed is None:
                listed = is_item
            elif is_item:
                saw_blank = False
            elif saw_blank or (listed and line.rstrip(" \t*_").endswith(":")):
                break
            end = line_end
        pos = line_end + 1
    return _YearScope(m.end(), end, year, bool(listed)) if end > m.end() else None


def _year_scopes(folded: str) -> list[_YearScope]:
    """Every stretch governed by an explicit year: a heading's list, and the rest of a sentence after
    "under/år YYYY" or "YYYY:"."""
    scopes = [scope for m in _YEAR_HEADING.finditer(folded) if (scope := _heading_scope(folded, m))]
    for m in _YEAR_INLINE.finditer(folded):
        stop = _SENTENCE_END.search(folded, m.end())
        line_end = folded.find("\n", m.end())
        ends = [e for e in (stop.start() if stop else -1, line_end) if e >= 0] or [len(folded)]
        if min(ends) > m.end():
            scopes.append(_YearScope(m.end(), min(ends), int(m.group("y1") or m.group("y2")), False))
    return scopes


def _governing(scopes: list[_YearScope], start: int) -> _YearScope | None:
    """The innermost (latest-starting) scope holding offset `start`."""
    holding = [s for s in scopes if s.start <= start < s.end]
    return max(holding, key=lambda s: s.start) if holding else None


def extract_dates(text: str, base: int = 0, doc_date: date | None = None) -> list[DateFact]:
    """Every date in `text` with its role; spans are base + local offsets (page 0, set later)."""
    folded = fold(text)
    scopes = _year_scopes(folded)
    taken: list[tuple[int, int]] = []
    facts: list[DateFact] = []
    for rule in DATE_RULES:
        for m in rule.pattern.finditer(folded):
            start, end = m.span("date")
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            if not _plausible(rule, m, folded, start, end):
                continue
            scope = _governing(scopes, start)
            value = rule.build(m, doc_date, scope.year if scope else None)
            if value is None:
                continue
            clock = m.groupdict().get("clock") or m.groupdict().get("hhmm")
            if folded[end - 1] == "." and m.groupdict().get("month") in _FULL_MONTHS:
                end -= 1  # a full month name's trailing dot ends the sentence
            taken.append((start, end))
            role, role_rule = _role(
                folded, start, end, _alone_on_line(text, start, end), bool(clock), _after_place(text, start, end)
            )
            if role == "other" and scope and scope.listed:
                role, role_rule = "event", "role.dated_list"  # "Process under 2018: 1. Information till X 19 april."
            facts.append(
                DateFact(
                    text=text[start:end].strip(),
                    value=value,
                    role=role,
                    span=Span(page=0, start=base + start, end=base + end),
                    rule=f"{rule.id}/{role_rule}",
                    time=_clock(clock) if clock else None,
                )
            )
    facts.sort(key=lambda f: f.span.start)
    return facts


def _clock(raw: str) -> str:
    hours, _, minutes = raw.replace(".", ":").partition(":")
    return f"{int(hours):02d}:{minutes or '00'}"


# --- document date --------------------------------------------------------

_HEAD_CHARS = 1500
# Words of a letterhead block printed around the letter's date: the sender's reference, the kind of letter.
_LETTERHEAD = re.compile(
    r"\b(?:(?:var|er)\s+)?(?:" + fragment("case_label_word") + r"|referens|beteckning)\b"
    r"|meddelande\s+fran\s+styrelsen|\bcirkular\b"
)
_LETTERHEAD_WINDOW = 300


def _letterhead_dates(text: str) -> list[date]:
    """Dates standing as a letter's own date (role document) with a letterhead marker ("Vårt ärendenr",
    "Meddelande från styrelsen") within a few lines: one per letter of a bundle."""
    folded = fold(text)
    return [
        fact.value
        for fact in extract_dates(text)
        if fact.role == "document"
        and _LETTERHEAD.search(folded, max(0, fact.span.start - _LETTERHEAD_WINDOW), fact.span.end + _LETTERHEAD_WINDOW)
    ]


def document_date(doc: DocText, sections: list[Section], meetings: Sequence[Meeting]) -> date | None:
    """The date a document speaks from: its latest protocol-cover meeting (`meetings`, as
    `extractors.meetings.extract_meetings` found them); else the latest letterhead date (the head of the document
    and of each letter in it, and dates beside a letterhead's reference), so a bundle of letters speaks from its
    newest letter."""
    meeting_dates = [m.date for m in meetings if m.date]
    if meeting_dates:
        return max(meeting_dates)
    found = _letterhead_dates(doc.text)
    for offset in [s.start for s in sections if s.kind == SectionKind.LETTER] + [0]:
        head = doc.text[offset : offset + _HEAD_CHARS]
        first = next((f.value for f in extract_dates(head, base=offset) if f.role in ("document", "meeting")), None)
        if first:
            found.append(first)
    return max(found) if found else None
