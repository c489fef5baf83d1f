"""A närvarolista (attendance list) as AttendanceEntry records.

Sections: Beslutande (member), Ersättare and Ej beslutande (substitute), Övriga
(other), Frånvarande (absent); the vocabulary of headings, functions, serving-for
notes and party codes is `patterns/attendance.jsonl`.  A line is "Name (Party),
function/title, department, § ranges, clock window".  The list may be split
across pages with signature footer debris and the next page's running head
between parts; it ends at the first line that is neither a heading, debris nor a
person.  A list cut short (a heading with nobody under it, a wrapped line left
open) is read with confidence CUT, so that no rule counts on it.
"""

from __future__ import annotations

import re

from extractors.patternfile import load_rules
from extractors.text import fold
from models.records import AttendanceEntry, AttendanceRole, Span

_RULES = load_rules("attendance")
# Section headings (folded) -> role, and the function every entry under it has unless its line names another.
# Longest first.  A heading stands alone on its line, or opens it with the first person after ":" or blanks
# ("Beslutande: Anna Alm (S), ordförande", "Ersättare      Bo Ek (M)"), as protocol covers list people.
HEADINGS: list[tuple[str, str, str | None]] = [
    (r.regex.pattern, r.get("role"), r.get("function")) for r in _RULES if r.get("kind") == "heading"
]
HEADING_IDS = [r.id for r in _RULES if r.get("kind") == "heading"]
_HEADS = "|".join(f"(?P<h{i}>{p})" for i, (p, _, _) in enumerate(HEADINGS))
_HEADING = re.compile(rf"^(?:{_HEADS})\s*:?$")
_INLINE_HEADING = re.compile(rf"^(?:{_HEADS})(?:[ \t]*:[ \t]*|[ \t]+)(?=\S)")
# The same headings as a cover label (folded, at a line start), for telling where a cover's list ends.
HEADING_LABEL = rf"(?:{'|'.join(p for p, _, _ in HEADINGS)})"
_TITLE = re.compile(r"^narvarolista\b")
_DEBRIS = re.compile(r"^[|\-\s:]*$|justerandes\s+sign|utdragsbestyrkande|^\|")

_PARTICLE = r"(?:de|af|von|van|der|la|le|da|di|du|el|al|bin|ben)"
_NAME_WORD = r"[A-ZÅÄÖÉÜ][\w'’.]*(?:-[A-ZÅÄÖÉÜ]?[\w'’]+)*"
NAME = rf"{_NAME_WORD}(?:\s+(?:{_PARTICLE}\s+)?{_NAME_WORD}){{1,4}}"
# After a party in parentheses the comma before the function may be missing ("Eva Ek (C) ordförande"); without a
# party it may not, or any capitalised phrase followed by words would read as a person.
PERSON = re.compile(
    rf"^(?P<name>{NAME})\s*(?:\((?P<party>[^()\d]{{1,25}})\))?\s*(?:(?(party),?|,)\s*(?P<rest>.*?))?\s*(?P<tail>§.*)?$"
)

FUNCTIONS: list[tuple[str, re.Pattern[str]]] = [(r.get("function"), r.regex) for r in _RULES if r.get("kind") == "function"]
# A substitute's note on whom they serve for ("ersätter Per Ek (KD)", "tjänstgör för Per Ek"); a bare "för Per Ek"
# counts only under a "Tjänstgörande ersättare" heading, where nothing else can be meant.
SERVING_FOR = next(r.regex for r in _RULES if r.get("kind") == "serving")
# Party codes printed in parentheses, in any case ("(S)", "(kd)"): a lower-case one is still a party, not a function.
PARTIES = [r.regex for r in _RULES if r.get("kind") == "party"]
BARE_FOR = re.compile(r"^\s*for\s+(?P<for>[^,§]+?)\s*(?=§|,|$)")
_PARTY_SUFFIX = re.compile(r"\s*\([^()]*\)$")
PARAGRAPHS = re.compile(r"§§?\s*(?P<list>\d+(?:\s*(?:-|,|och|samt|&)\s*\d+)*)")
CLOCK_WINDOW = re.compile(r"(?:kl\.?\s*)?(?P<a>\d{1,2})[.:](?P<b>\d{2})\s*-\s*(?P<c>\d{1,2})[.:](?P<d>\d{2})")
_LOWER_FUNCTION_PARTY = {"tf", "ordf", "ordf.", "sekr", "vice ordf"}


def expand_paragraphs(text: str) -> list[int]:
    """ "48-49, 53 och 57" -> [48, 49, 53, 57]; accepts hyphen/en dash ranges, commas and "och"."""
    folded = fold(text)
    numbers: list[int] = []
    for part in re.split(r"\s*(?:,|\boch\b|\bsamt\b|&)\s*", folded):
        m = re.fullmatch(r"\s*§*\s*(\d+)\s*(?:-\s*(\d+))?\s*", part)
        if not m:
            continue
        first = int(m[1])
        last = int(m[2]) if m[2] else first
        if last < first or last - first > 500:
            continue
        numbers.extend(n for n in range(first, last + 1) if n not in numbers)
    return numbers


def _clock(h: str, m: str) -> str:
    return f"{int(h):02d}:{m}"


def parse_person(line: str, role: str, heading_function: str | None = None) -> AttendanceEntry | None:
    """One attendance line as an entry, or None when the line is not a person; `heading_function` is the
    function its section heading gives when the line names none."""
    m = PERSON.match(line.strip())
    if not m:
        return None
    entry = AttendanceEntry(name=m["name"].strip(), role=role)
    party = (m["party"] or "").strip()
    if party:
        if any(p.search(fold(party)) for p in PARTIES):
            entry.party = party.upper()
        elif party.lower() in _LOWER_FUNCTION_PARTY or party.islower():
            entry.function = party
        else:
            entry.party = party
    rest = ", ".join(p for p in (m["rest"], m["tail"]) if p)
    folded_rest = fold(rest)
    for function, pattern in FUNCTIONS:
        f = pattern.search(folded_rest)
        if f:
            entry.function = function
            if f.groupdict().get("for"):
                a, b = f.span("for")
                entry.serving_for = _PARTY_SUFFIX.sub("", rest[a:b].strip(" ,"))
            folded_rest = folded_rest[: f.start()] + " " * (f.end() - f.start()) + folded_rest[f.end() :]
            break
    if entry.function is None and heading_function:
        entry.function = heading_function
    serving = SERVING_FOR.search(folded_rest) if entry.serving_for is None else None
    if serving is None and entry.serving_for is None and entry.function == "tjänstgörande ersättare":
        serving = BARE_FOR.search(folded_rest)
    if serving:
        a, b = serving.span("for")
        entry.serving_for = _PARTY_SUFFIX.sub("", rest[a:b].strip(" ,"))
        entry.function = "tjänstgörande ersättare"
        folded_rest = folded_rest[: serving.start()] + " " * (serving.end() - serving.start()) + folded_rest[serving.end() :]
    if entry.function == "tjänstgörande ersättare":
        entry.role = AttendanceRole.MEMBER
    for p in PARAGRAPHS.finditer(folded_rest):
        entry.paragraphs.extend(n for n in expand_paragraphs(p["list"]) if n not in entry.paragraphs)
        folded_rest = folded_rest[: p.start()] + " " * (p.end() - p.start()) + folded_rest[p.end() :]
    for c in CLOCK_WINDOW.finditer(folded_rest):
        entry.times.append((_clock(c["a"], c["b"]), _clock(c["c"], c["d"])))
        folded_rest = folded_rest[: c.start()] + " " * (c.end() - c.start()) + folded_rest[c.end() :]
    # What is left, comma by comma, is title then department (keep original spelling).
    parts = [rest[a:b].strip() for a, b in _kept_parts(folded_rest)]
    parts = [p for p in parts if p]
    if parts:
        if role == "other" or entry.function is None:
            entry.title = parts[0]
            if len(parts) > 1:
                entry.department = ", ".join(parts[1:])
        else:
            entry.department = ", ".join(parts) or None
    return entry


def _kept_parts(folded_rest: str) -> list[tuple[int, int]]:
    """Offsets of the comma-separated parts that were not consumed as function, § or time."""
    spans, pos = [], 0
    for piece in folded_rest.split(","):
        start, end = pos, pos + len(piece)
        pos = end + 1
        if piece.strip():
            spans.append((start, end))
    return spans


def _heading(m: re.Match[str]) -> tuple[str, str | None]:
    """(role, function) of the heading a _HEADING or _INLINE_HEADING match found."""
    return next(HEADINGS[i][1:] for i in range(len(HEADINGS)) if m.group(f"h{i}"))


def inline_heading(line: str) -> tuple[str, str | None, int] | None:
    """(role, function, offset of the person) when `line` opens with a heading followed by a person on the
    same line ("Ersättare: Lena Ek (V)"); None otherwise."""
    m = _INLINE_HEADING.match(fold(line))
    if not m or not PERSON.match(line[m.end() :].strip()):
        return None
    return (*_heading(m), m.end())


def attendance_end(text: str) -> int:
    """Offset where the närvarolista at the start of `text` ends (first line that belongs to something else)."""
    entries_end, _ = _parse(text, 0)
    return entries_end


# A running page head repeated above a list that goes on over a page break: municipality, protocol heading, page
# number, date.
_PAGE_HEAD = re.compile(
    r"(?:^|\s)(?:sammantrades)?protokoll(?:sutdrag)?\b|\bsida\s+\d+|^\d+\s*\(\d+\)$|^\d{4}-\d\d-\d\d$|^\d{1,3}$"
    r"|^[\w .-]+\s+(?:kommun|stad|region)$"
)
# Confidence of entries read from a list that a page break or a wrapped line cut short.
CUT = 0.5


def _heading_id(m: re.Match[str]) -> str:
    return next(HEADING_IDS[i] for i in range(len(HEADINGS)) if m.group(f"h{i}"))


def _parse(text: str, base: int) -> tuple[int, list[AttendanceEntry]]:
    entries: list[AttendanceEntry] = []
    role: str | None = None
    function: str | None = None
    rule = ""
    under_heading = 0  # entries read under the current heading
    pos = 0
    last_end = 0
    broken = False  # a page break lies between the last entry and this line
    cut = False
    pending: tuple[str, int, int] | None = None  # line ending in "," waiting for its continuation
    for raw in text.splitlines(keepends=True):
        start, pos = pos, pos + len(raw)
        if "\f" in raw or (start > 0 and text[start - 1] == "\f"):
            broken = True
        line = raw.strip()
        folded = fold(line)
        if not line or _DEBRIS.search(folded) or _TITLE.match(folded):
            continue
        if broken and entries and _PAGE_HEAD.search(folded):
            continue  # the next page's running head; the list may go on below it
        heading = _HEADING.match(folded)
        if heading:
            (role, function), rule, pending = _heading(heading), _heading_id(heading), None
            under_heading = 0
            last_end = pos
            broken = False
            continue
        inline = _INLINE_HEADING.match(folded)
        if inline and PERSON.match(line[inline.end() :].strip()):
            (role, function), rule = _heading(inline), _heading_id(inline)
            under_heading = 0
            pending = None
            lead = len(raw) - len(raw.lstrip())
            offset = inline.end()
            line, start = line[offset:].strip(), start + lead + offset
        if role is None:
            if entries:
                break
            continue
        if pending and not PERSON.match(line):
            if broken:
                cut = True  # a wrapped line whose rest is not on the next page
                break
            # Continuation of a wrapped line ("chef …,\nkommunstyrelseförvaltningen").
            joined, first_start, _ = pending
            entries.pop()
            line, start = f"{joined} {line}", first_start
        elif pending is None and not PERSON.match(line):
            break
        entry = parse_person(line, role, function)
        if entry is None:
            break
        entry.rule = rule
        entry.span = Span(page=0, start=base + start, end=base + pos - (len(raw) - len(raw.rstrip())))
        broken = False
        previous = entries[-1] if entries else None
        if previous and previous.name == entry.name and previous.role == entry.role:
            pending = None
            last_end = pos
            continue
        entries.append(entry)
        under_heading += 1
        pending = (line, start, pos) if line.endswith(",") else None
        last_end = pos
    # A heading with nobody under it, or a line left open at the end, means the list was cut short: its counts
    # cannot be trusted, though each name read may be right.
    if entries and (cut or under_heading == 0 or pending):
        for entry in entries:
            entry.confidence = CUT
    return last_end, entries


def extract_attendance(text: str, base: int = 0) -> list[AttendanceEntry]:
    """Entries of the närvarolista that `text` starts with (headings may come first); spans base-relative."""
    return _parse(text, base)[1]
