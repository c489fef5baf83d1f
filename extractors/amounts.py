"""Sums of money and percentages: "19,5 mkr", "cirka 94 000 kronor", "1,95 kr/invånare", "70 procent".

Values are in SEK (or percent when unit is "%"); decimal comma and space or
non-breaking-space thousands separators.  "ca", "cirka", "ungefär", "drygt",
"omkring" mark an approximation; "/invånare" makes it per capita, "årligen",
"/år", "per år" per year.
"""

from __future__ import annotations

import re

from extractors.text import fold
from models.records import Amount, Span

# Unit words (folded) -> (unit, multiplier).  Longest first so "miljoner kronor" wins over "kronor".
UNITS: list[tuple[str, str, float]] = [
    (r"miljarder\s+(?:kronor|kr)\b", "SEK", 1e9),
    (r"mdkr\b|mdr\s+kr\b|mrd\s+kr\b", "SEK", 1e9),
    (r"miljoner\s+(?:kronor|kr)\b|milj\.?\s*(?:kronor|kr)\b|mnkr\b|mkr\b|mn\s+kr\b|msek\b", "SEK", 1e6),
    (r"tusen\s+(?:kronor|kr)\b|tkr\b|ksek\b", "SEK", 1e3),
    (r"kronor\b|kr\b|sek\b|:-", "SEK", 1.0),
    (r"procent\b|%", "%", 1.0),
]
_UNIT = "|".join(f"(?P<u{i}>{pattern})" for i, (pattern, _, _) in enumerate(UNITS))

NUMBER = r"(?P<number>\d{1,3}(?:[ \u00a0]\d{3})+(?:,\d+)?|\d+(?:,\d+)?)"
APPROX = r"(?P<approx>(?:ca\.?|c:a|cirka|ungefar|drygt|omkring|runt|knappt|narmare|uppskattningsvis)\s+)?"

AMOUNT = re.compile(rf"{APPROX}(?<![\d,.])(?<!\d )(?<!\d\u00a0){NUMBER}\s*(?:{_UNIT})")

PER_CAPITA = re.compile(r"\A\s*(?:/\s*|per\s+)(?:invanare|inv\b\.?|capita)")
PER_YEAR = re.compile(r"\A\s*(?:/\s*|per\s+|om\s+)(?:ar|aret|arligen)\b|\A\s*arligen\b|\A\s*/\s*ar\b")


def _per(folded: str, end: int) -> tuple[str | None, int]:
    """Per capita / per year after the unit, and the end offset including it."""
    after = folded[end : end + 40]
    per = None
    consumed = 0
    m = PER_CAPITA.match(after)
    if m:
        per, consumed = "capita", m.end()
        rest = after[consumed:]
        year = PER_YEAR.match(rest)
        if year:
            consumed += year.end()
        return per, end + consumed
    m = PER_YEAR.match(after)
    if m:
        return "year", end + m.end()
    return None, end


def extract_amounts(text: str, base: int = 0) -> list[Amount]:
    """Every amount of money or percentage in `text`; spans are base + local offsets."""
    folded = fold(text)
    amounts: list[Amount] = []
    for m in AMOUNT.finditer(folded):
        unit_index = next(i for i in range(len(UNITS)) if m.group(f"u{i}"))
        _pattern, unit, multiplier = UNITS[unit_index]
        number = float(re.sub(r"[ \u00a0]", "", m["number"]).replace(",", "."))
        per, end = _per(folded, m.end())
        start = m.start()
        rule = f"amount.{'percent' if unit == '%' else 'sek'}"
        if m["approx"]:
            rule += "+approx"
        if per:
            rule += f"+per_{per}"
        amounts.append(
            Amount(
                text=text[start:end].strip(),
                value=round(number * multiplier, 6),
                unit=unit,
                approximate=bool(m["approx"]),
                per=per,
                span=Span(page=0, start=base + start, end=base + end),
                rule=rule,
            )
        )
    return amounts
