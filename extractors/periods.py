"""Year ranges ("2020-2023", "(2020-2024)", "under åren 2017-2018") with any stated length ("fyra år").

A range is a period only when both ends are plausible years (1900-2100), the
end is not before the start and the span is at most 20 years; ISO dates, phone
numbers and case numbers are excluded by their surroundings.
"""

from __future__ import annotations

import re

from extractors.text import fold
from models.records import Period, Span

NUMBER_WORDS = {
    "ett": 1, "en": 1, "tva": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6,
    "sju": 7, "atta": 8, "nio": 9, "tio": 10,
}

MIN_YEAR, MAX_YEAR, MAX_SPAN = 1900, 2100, 20

PERIOD = re.compile(r"(?<![\d/.,:-])(?P<start>(?:19|20)\d\d)\s?-\s?(?P<end>(?:19|20)\d\d)(?![\d/]|-\d|\.\d)")

# "fyra år (2020-2023)", "under 4 år, 2020-2023", "treårsperiod 2020-2022" is left alone.
STATED = re.compile(
    rf"\b(?P<n>\d{{1,2}}|{'|'.join(NUMBER_WORDS)})\s+(?:ars?|arsperiod)\b[\s(,:]*(?:perioden\s+|aren\s+|mellan\s+)?$"
)
# Case numbers and phone numbers: the range is part of an identifier, not a period.
IDENTIFIER_BEFORE = re.compile(r"(?:dnr|diarienr|diarienummer|arendenr|arendenummer|tel\w*|telefon\w*)[\s.:]*\S*\s?$")
# A bare range on its own line under a cover's "Paragrafer" line is page furniture.
FURNITURE = re.compile(r"(?:^|\n)[ \t]*paragrafer?\b[^\n]*\n[ \t]*$")


def extract_periods(text: str, base: int = 0) -> list[Period]:
    """Every year range in `text`; spans are base + local offsets (page 0, set later)."""
    folded = fold(text)
    periods: list[Period] = []
    for m in PERIOD.finditer(folded):
        start, end = int(m["start"]), int(m["end"])
        if not (MIN_YEAR <= start <= end <= MAX_YEAR and end - start <= MAX_SPAN):
            continue
        before = folded[max(0, m.start() - 40) : m.start()]
        if IDENTIFIER_BEFORE.search(before):
            continue
        line_end = folded.find("\n", m.end())
        rest_of_line = folded[m.end() : line_end if line_end >= 0 else len(folded)]
        if FURNITURE.search(folded[max(0, m.start() - 120) : m.start()]) and not rest_of_line.strip():
            continue
        stated = STATED.search(before)
        years = None
        if stated:
            n = stated["n"]
            years = int(n) if n.isdigit() else NUMBER_WORDS[n]
        periods.append(
            Period(
                text=text[m.start() : m.end()],
                start=start,
                end=end,
                stated_years=years,
                span=Span(page=0, start=base + m.start(), end=base + m.end()),
                rule="year_range+stated_length" if stated else "year_range",
            )
        )
    return periods
