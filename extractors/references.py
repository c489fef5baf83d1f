"""References to other protocols or decisions: "protokollsutdrag 2019-04-29 § 1034",
"Kommunstyrelsen har behandlat ärendet den 28 augusti 2024, § 196", a footnote "³ § 1087"."""

from __future__ import annotations

import re
from datetime import date

from extractors.bodies import body_before
from extractors.text import fold
from models.records import Reference, Span

MONTHS = {
    "januari": 1, "februari": 2, "mars": 3, "april": 4, "maj": 5, "juni": 6,
    "juli": 7, "augusti": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}
DATE = r"(?:\d{4}-\d{2}-\d{2}|\d{1,2}\s+(?:" + "|".join(MONTHS) + r")\s+\d{4})"
# The paragraph sign after a date; Tesseract reads it as "$" or "&" ("2019-04-29 $ 1034").
SIGN = r"[§$&]"
# After a word that names a protocol or decision it may also read "8", set apart by spaces ("protokollsutdrag
# 2019-04-29 8 1034"); a bare date followed by " 8 " is too often a count to be read so.
SIGN_AFTER_PROTOCOL = r"(?:[§$&]|(?<=\s)8(?=\s))"

RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    # "<body>s protokollsutdrag 2019-04-29 § 1034", "protokoll 2019-05-15, § 55", "beslut den 3 maj 2021 § 12"
    ("protocol_reference", re.compile(
        r"(?<![a-z])(?:protokollsutdrag(?:et)?|protokoll(?:et)?|utdrag|beslut(?:et)?)\s+(?:fran\s+)?(?:den\s+)?"
        r"(?P<date>" + DATE + r")\s*,?\s*" + SIGN_AFTER_PROTOCOL + r"\s*(?P<par>\d+)")),
    # "<body> har (tidigare) behandlat ärendet den 28 augusti 2024, § 196", "<body> behandlade ärendet 2023-04-19 § 45"
    ("handled_before", re.compile(
        r"(?:(?:har|hade)\s+(?:tidigare\s+)?)?(?:behandlat|behandlade|beslutat i|beslutat om|beslutade i)\s+(?:arendet|fragan)"
        r"\s+(?:den\s+)?"
        r"(?P<date>" + DATE + r")\s*,?\s*" + SIGN_AFTER_PROTOCOL + r"\s*(?P<par>\d+)")),
    # "<body> beslutade den 29 februari 2024, § 22", "<body> godkände planen den 18 januari 2024, § 9": a body's
    # earlier decision told as a sentence, the verb (and up to three words) between the body and the date
    ("decided_before", re.compile(
        r"(?<![a-z])(?:beslutade|godkande|antog|faststallde|tillstyrkte|avstyrkte|yttrade sig)"
        r"(?:\s+(?!den\b)[a-z0-9-]+){0,3}?\s+(?:den\s+)?"
        r"(?P<date>" + DATE + r")\s*,?\s*" + SIGN_AFTER_PROTOCOL + r"\s*(?P<par>\d+)")),
    # "(KS 2019-05-15 § 55)", "2019-04-24 § 1039"
    ("date_paragraph", re.compile(r"(?P<date>" + DATE + r")\s*,?\s*" + SIGN + r"\s*(?P<par>\d+)(?![\d-])")),
    # a footnote or list line holding only a paragraph: "³ § 1087", "1) § 12"
    ("footnote_paragraph", re.compile(r"^[ \t]*(?:[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\d{1,2}\)|\[\d+\])[ \t]*§[ \t]*(?P<par>\d+)[ \t]*$", re.M)),
)


def parse_date(text: str) -> date | None:
    """An ISO or Swedish long-form date ("28 augusti 2024"), folded or not; None if invalid."""
    folded = fold(text).strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", folded):
            return date.fromisoformat(folded)
        day, month, year = folded.split()
        return date(int(year), MONTHS[month], int(day))
    except (ValueError, KeyError):
        return None


def extract_references(text: str, base: int = 0) -> list[Reference]:
    """References in `text`; spans are document offsets (`base` + local) with page 0."""
    folded = fold(text)
    taken: list[tuple[int, int]] = []
    found: list[Reference] = []
    for rule_id, regex in RULES:
        for m in regex.finditer(folded):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            start = m.start()
            named = body_before(text, m.start())
            body = None
            if named:
                body, start = named
            elif rule_id in ("handled_before", "decided_before"):
                continue  # without the body it is only a date and a paragraph, which date_paragraph reads
            when = parse_date(text[m.start("date") : m.end("date")]) if "date" in regex.groupindex else None
            taken.append((m.start(), m.end()))
            found.append(Reference(
                text=text[start : m.end()].strip(),
                body=body,
                date=when,
                paragraph=int(m.group("par")),
                span=Span(page=0, start=base + start, end=base + m.end()),
                rule=rule_id,
            ))
    return sorted(found, key=lambda r: r.span.start)
