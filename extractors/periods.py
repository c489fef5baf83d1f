"""Periods of years ("2020-2023", "(2020-2024)", "fr.o.m. 2024 t.o.m. 2026", "för åren 2025 och 2026",
"1 januari 2025 – 31 december 2026") with any stated length ("fyra år", "treårsperiod").

A range is a period only when both ends are plausible years (1900-2100), the
end is not before the start and the span is at most 20 years; ISO dates, phone
numbers and case numbers are excluded by their surroundings.  Worded forms are
tried first; a bare year range inside one of them is not reported again.
"""

from __future__ import annotations

import re

from extractors.dates import MONTHS
from extractors.patternfile import fragment
from extractors.text import fold
from models.records import Period, Span

NUMBER_WORDS = {
    "ett": 1, "en": 1, "tva": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6,
    "sju": 7, "atta": 8, "nio": 9, "tio": 10, "elva": 11, "tolv": 12,
}

MIN_YEAR, MAX_YEAR, MAX_SPAN = 1900, 2100, 20

_YEAR = r"(?:19|20)\d\d"
PERIOD = re.compile(rf"(?<![\d/.,:-])(?P<start>{_YEAR})\s?-\s?(?P<end>{_YEAR})(?![\d/]|-\d|\.\d)")

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
# A full date at either end of a date range: "1 januari 2025", "2025-01-01"; the first may omit its year
# ("1 januari – 31 december 2026").
_FIRST_DATE = (
    rf"(?:\bden\s+)?(?:\d{{1,2}}\s+(?P<m1>{_MONTH})\.?(?:\s+(?P<y1>{_YEAR}))?|(?P<iso1>{_YEAR})-[01]\d-[0-3]\d)"
)
_LAST_DATE = rf"(?:den\s+)?(?:\d{{1,2}}\s+(?P<m2>{_MONTH})\.?\s+(?P<y2>{_YEAR})|(?P<iso2>{_YEAR})-[01]\d-[0-3]\d)(?![\d-])"
_FROM = r"(?:fr\.?\s?o\.?\s?m\.?|fran\s+och\s+med|fom)"
_UNTIL = r"(?:t\.?\s?o\.?\s?m\.?|till\s+och\s+med|tom)"
_YEAR_WORD = r"(?:(?:aret|ar)\s+)?"

# (rule id, pattern on folded text).  Each gives the groups start/end (years) or the date groups above.
WORDED: list[tuple[str, re.Pattern[str]]] = [
    ("date_range", re.compile(rf"(?<![\d/.,-]){_FIRST_DATE}\s*(?:-|{_UNTIL}|till)\s*{_LAST_DATE}")),
    ("from_until", re.compile(rf"(?<!\w){_FROM}\s+{_YEAR_WORD}(?P<start>{_YEAR})\s*,?\s*{_UNTIL}\s+{_YEAR_WORD}(?P<end>{_YEAR})(?!\d)")),
    # "Mellan 2009 och 2015 minskade …" compares two points in time, so "mellan X och Y" is no period.
    # "för åren 2025 och 2026" is a period only when the two years follow each other; "åren 2019 och 2023" names two.
    ("consecutive_years", re.compile(rf"\baren\s+(?P<start>{_YEAR})\s+och\s+(?P<end>{_YEAR})(?!\d)")),
]

_NUMBER = rf"\d{{1,2}}|{'|'.join(NUMBER_WORDS)}"
# "fyra år (2020-2023)", "under 4 år, 2020-2023", "treårsperiod 2020-2022", "en fyraårig satsning 2024-2027".
STATED = re.compile(
    rf"(?:\b(?P<n>{_NUMBER})\s+(?:ars?|arsperiod)\b"
    rf"|\b(?P<compound>{_NUMBER})-?(?:arsperiod|arig|ars)\w*(?:\s+[a-z]+)?)"
    r"[\s(,:]*(?:under\s+)?(?:perioden\s+|aren\s+|mellan\s+)?$"
)
# Case numbers and phone numbers: the range is part of an identifier, not a period.
IDENTIFIER_BEFORE = re.compile(r"(?:" + fragment("case_label_word") + r"|tel\w*|telefon\w*)[\s.:]*\S*\s?$")
# A bare range on its own line under a cover's "Paragrafer" line is page furniture.
FURNITURE = re.compile(r"(?:^|\n)[ \t]*paragrafer?\b[^\n]*\n[ \t]*$")


def _stated_years(before: str) -> int | None:
    m = STATED.search(before)
    if not m:
        return None
    n = m["n"] or m["compound"]
    return int(n) if n.isdigit() else NUMBER_WORDS[n]


def _worded_years(rule: str, m: re.Match[str]) -> tuple[int, int] | None:
    if rule != "date_range":
        start, end = int(m["start"]), int(m["end"])
        if rule == "consecutive_years" and end != start + 1:
            return None
        return start, end
    end = int(m["y2"] or m["iso2"])
    if m["y1"] or m["iso1"]:
        return int(m["y1"] or m["iso1"]), end
    # A first date without a year shares the last one's, unless its month comes later ("1 december – 31 mars 2026").
    first, last = MONTHS[m["m1"]], MONTHS[m["m2"]] if m["m2"] else 1
    return (end - 1 if first > last else end), end


def _plausible(start: int, end: int) -> bool:
    return MIN_YEAR <= start <= end <= MAX_YEAR and end - start <= MAX_SPAN


def extract_periods(text: str, base: int = 0) -> list[Period]:
    """Every period in `text`; spans are base + local offsets (page 0, set later)."""
    folded = fold(text)
    periods: list[Period] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, m_start: int, m_end: int, rule: str) -> None:
        years = _stated_years(folded[max(0, m_start - 40) : m_start])
        taken.append((m_start, m_end))
        periods.append(
            Period(
                text=text[m_start:m_end],
                start=start,
                end=end,
                stated_years=years,
                span=Span(page=0, start=base + m_start, end=base + m_end),
                rule=f"{rule}+stated_length" if years else rule,
            )
        )

    for rule, pattern in WORDED:
        for m in pattern.finditer(folded):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            years = _worded_years(rule, m)
            if years and _plausible(*years):
                add(*years, m.start(), m.end(), rule)

    for m in PERIOD.finditer(folded):
        start, end = int(m["start"]), int(m["end"])
        if not _plausible(start, end) or any(m.start() < b and a < m.end() for a, b in taken):
            continue
        before = folded[max(0, m.start() - 40) : m.start()]
        if IDENTIFIER_BEFORE.search(before):
            continue
        line_end = folded.find("\n", m.end())
        rest_of_line = folded[m.end() : line_end if line_end >= 0 else len(folded)]
        if FURNITURE.search(folded[max(0, m.start() - 120) : m.start()]) and not rest_of_line.strip():
            continue
        add(start, end, m.start(), m.end(), "year_range")
    periods.sort(key=lambda p: p.span.start)
    return periods
