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
    (r"miljard(?:er)?\s+(?:kronor|kr)\b", "SEK", 1e9),
    (r"mdkr\b|mdr\s+kr\b|mrd\s+kr\b", "SEK", 1e9),
    (r"miljon(?:er)?\s+(?:kronor|kr)\b|milj\.?\s*(?:kronor|kr)\b|mnkr\b|mkr\b|mn\s+kr\b|msek\b", "SEK", 1e6),
    (r"tusen\s+(?:kronor|kr)\b|tkr\b|ksek\b", "SEK", 1e3),
    (r"kronor\b|kr\b|sek\b|:-", "SEK", 1.0),
    (r"procent\b|%", "%", 1.0),
]
_UNIT = "|".join(f"(?P<u{i}>{pattern})" for i, (pattern, _, _) in enumerate(UNITS))

# Thousands grouped by spaces ("2 400 000") or, in some documents, by dots ("2.400.000").
NUMBER = r"(?P<number>\d{1,3}(?:[ \u00a0]\d{3})+(?:,\d+)?|\d{1,3}(?:\.\d{3})+(?:,\d+)?(?![.\d])|\d+(?:,\d+)?)"
APPROX = r"(?P<approx>(?:ca\.?|c:a|cirka|ungefar|drygt|omkring|runt|knappt|narmare|uppskattningsvis)\s+)?"
# A minus sign on the number itself ("−4,8 mnkr", a deficit); after a digit the dash is a range ("10-15 mnkr").
SIGN = r"(?:(?<![\w,.-])(?P<sign>-)(?=\d))?"

AMOUNT = re.compile(rf"{APPROX}{SIGN}(?<![\d,.])(?<!\d )(?<!\d\u00a0){NUMBER}\s*(?:{_UNIT})")
# The lower end of a range that prints the unit once: "10–15 mnkr", "mellan 10 och 15 mnkr".  "från 10 till
# 15 procent" is a change, not a range, so "till" links nothing.
RANGE_LOW = re.compile(
    r"(?:(?P<approx>ca\.?|cirka|ungefar|omkring|runt)\s+|(?P<mellan>mellan)\s+)?(?<![\d,.])"
    r"(?P<low>\d{1,3}(?:[ \u00a0]\d{3})+(?:,\d+)?|\d+(?:,\d+)?)\s*(?P<link>-|och)\s*\Z"
)

# The currency code in front of the number, as in financial tables and letters in English style: "SEK 2 400 000",
# "MSEK 12,5", "TSEK 300".  A number that a unit word follows is read by AMOUNT instead.
PREFIXED = re.compile(
    rf"{APPROX}(?<![\w-])(?P<code>sek|msek|tsek|ksek)[ \u00a0]*{SIGN}{NUMBER}(?![\d,]|[ \u00a0]\d|\s*(?:{_UNIT}))"
)
_CODE_MULTIPLIER = {"sek": 1.0, "msek": 1e6, "tsek": 1e3, "ksek": 1e3}

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


def _number(raw: str) -> float:
    return float(re.sub(r"[ \u00a0.]", "", raw).replace(",", "."))


def _range_low(folded: str, start: int, high: float) -> re.Match[str] | None:
    """The lower end printed before an amount's number, if the two form a range (a "2024-15" is no range)."""
    window_start = max(0, start - 30)
    m = RANGE_LOW.search(folded[window_start:start])
    if not m or (m["link"] == "och") != bool(m["mellan"]) or _number(m["low"]) >= high:
        return None
    return m


def extract_amounts(text: str, base: int = 0) -> list[Amount]:
    """Every amount of money or percentage in `text` (and the cells of a table whose caption states the unit);
    spans are base + local offsets."""
    folded = fold(text)
    amounts: list[Amount] = []
    for m in AMOUNT.finditer(folded):
        unit_index = next(i for i in range(len(UNITS)) if m.group(f"u{i}"))
        _pattern, unit, multiplier = UNITS[unit_index]
        number = _number(m["number"]) * (-1 if m["sign"] else 1)
        per, end = _per(folded, m.end())
        start = m.start()
        low = None if m["approx"] or m["sign"] else _range_low(folded, start, number)
        if low:
            low_start = max(0, start - 30) + low.start("approx" if low["approx"] else "low")
            amounts.append(
                Amount(
                    text=text[low_start:end].strip(),
                    value=round(_number(low["low"]) * multiplier, 6),
                    unit=unit,
                    approximate=bool(low["approx"]),
                    per=per,
                    span=Span(page=0, start=base + low_start, end=base + end),
                    rule=f"amount.{'percent' if unit == '%' else 'sek'}+range_low",
                )
            )
        # "ca 10-15 mnkr": the approximation covers both ends.
        approximate = bool(m["approx"] or (low and low["approx"]))
        rule = f"amount.{'percent' if unit == '%' else 'sek'}"
        if approximate:
            rule += "+approx"
        if per:
            rule += f"+per_{per}"
        amounts.append(
            Amount(
                text=text[start:end].strip(),
                value=round(number * multiplier, 6),
                unit=unit,
                approximate=approximate,
                per=per,
                span=Span(page=0, start=base + start, end=base + end),
                rule=rule,
            )
        )
    amounts.extend(_prefixed_amounts(text, folded, base))
    amounts.extend(_table_amounts(text, folded, base))
    amounts.sort(key=lambda a: a.span.start)
    return amounts


def _prefixed_amounts(text: str, folded: str, base: int) -> list[Amount]:
    """Amounts written with the currency code first: "SEK 2 400 000", "ca MSEK 12,5"."""
    amounts: list[Amount] = []
    for m in PREFIXED.finditer(folded):
        per, end = _per(folded, m.end())
        rule = "amount.sek+code_first" + ("+approx" if m["approx"] else "") + (f"+per_{per}" if per else "")
        amounts.append(
            Amount(
                text=text[m.start():end].strip(),
                value=round(_number(m["number"]) * _CODE_MULTIPLIER[m["code"]] * (-1 if m["sign"] else 1), 6),
                unit="SEK",
                approximate=bool(m["approx"]),
                per=per,
                span=Span(page=0, start=base + m.start(), end=base + end),
                rule=rule,
            )
        )
    return amounts


# --- tables whose caption states the unit ------------------------------------

# "Kostnad per år (tkr)", "Belopp i mnkr", "(tusental kronor)": the unit of every bare number in the table below.
_UNIT_ANY = "|".join(f"(?:{pattern})" for pattern, _, _ in UNITS)
_CAPTION_UNIT = re.compile(
    rf"\((?P<p>{_UNIT_ANY})\)|\bbelopp\s+i\s+(?P<b>{_UNIT_ANY})|\bi\s+(?P<t>tusental|miljoner|miljarder)\s+(?:kronor|kr)\b"
)
_TUSENTAL = {"tusental": 1e3, "miljoner": 1e6, "miljarder": 1e9}
_CELL_GAP = re.compile(r"\t+|[ \u00a0]{2,}")
_CELL_NUMBER = re.compile(r"-?\d{1,3}(?:[ \u00a0]\d{3})+(?:,\d+)?|-?\d+(?:,\d+)?")
_YEAR = re.compile(r"(?:19|20)\d\d")
_CAPTION_REACH = 2
# A caption names a unit without a number in front of it; "kostar 5 mkr (netto)" is prose.
_AMOUNT_IN_LINE = re.compile(rf"\d\s*(?:{_UNIT_ANY})")


def _caption_unit(line: str) -> tuple[str, float] | None:
    m = _CAPTION_UNIT.search(line)
    if not m:
        return None
    if m["t"]:
        return "SEK", _TUSENTAL[m["t"]]
    word = m["p"] or m["b"]
    _pattern, unit, multiplier = next(u for u in UNITS if re.fullmatch(u[0], word))
    return unit, multiplier


def _cells(line: str, offset: int) -> list[tuple[int, int]]:
    """(start, end) document offsets of a table row's cells (separated by tabs or runs of spaces)."""
    cells, pos = [], 0
    for gap in _CELL_GAP.finditer(line):
        if gap.start() > pos:
            cells.append((offset + pos, offset + gap.start()))
        pos = gap.end()
    if line[pos:].strip():
        cells.append((offset + pos, offset + len(line.rstrip())))
    return cells


def _table_amounts(text: str, folded: str, base: int) -> list[Amount]:
    """Bare numbers in the rows of a table under a caption that states their unit ("Kostnad per år (tkr)").

    Rows are lines of two or more cells; the table ends at the first line that is not one.  A row whose
    numbers are all years is the table's head, not amounts."""
    amounts: list[Amount] = []
    lines: list[tuple[int, str]] = []
    pos = 0
    for line in folded.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    i = 0
    while i < len(lines):
        found = _caption_unit(lines[i][1])
        if not found or _AMOUNT_IN_LINE.search(lines[i][1]):
            i += 1
            continue
        unit, multiplier = found
        j = i + 1
        while j < len(lines) and j <= i + _CAPTION_REACH and len(_cells(lines[j][1], 0)) < 2:
            j += 1
        while j < len(lines) and len(cells := _cells(lines[j][1], lines[j][0])) >= 2:
            numbers = [(a, b) for a, b in cells if _CELL_NUMBER.fullmatch(folded[a:b])]
            if not all(_YEAR.fullmatch(folded[a:b]) for a, b in numbers):
                for a, b in numbers:
                    amounts.append(
                        Amount(
                            text=text[a:b],
                            value=round(_number(folded[a:b]) * multiplier, 6),
                            unit=unit,
                            span=Span(page=0, start=base + a, end=base + b),
                            rule=f"amount.{'percent' if unit == '%' else 'sek'}+table_caption",
                        )
                    )
            j += 1
        i = max(j, i + 1)
    return amounts
