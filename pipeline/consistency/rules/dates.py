"""Dates and periods that contradict themselves (DOMAIN.md, inconsistencies 2-3)."""

from __future__ import annotations

import re
from datetime import date

from extractors.dates import extract_dates
from extractors.text import fold
from models.claims import Claim, DocumentFacts, Flag
from pipeline.consistency.claims import _is_prior, evidence_for
from pipeline.consistency.rules import Rule, rule

RULES: dict[str, Rule] = {}

_PAST_REQUEST = re.compile(r"\b(?:skulle|hade|angavs|begardes|efterfragades|lamnades|senast var)\b")
_NUMBER_WORDS = {
    "ett": 1, "en": 1, "tva": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6,
    "sju": 7, "atta": 8, "nio": 9, "tio": 10,
}
_STATED_LENGTH = re.compile(r"\b(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")\s+ar(?:en)?\s*[(:]?\s*$")


@rule(RULES, "deadline_before_document", "error", scope="matter", claims=("deadline", "deadline_report", "deadline_other"))
def deadline_before_document(claims: list[Claim]) -> list[Flag]:
    """A deadline earlier than the date the document (or the decision setting it) had reached (DOMAIN.md 2)."""
    flags: list[Flag] = []
    for c in claims:
        if c.attribute not in ("deadline", "deadline_report", "deadline_other") or c.document_date is None:
            continue
        if c.value >= c.document_date.isoformat() or _PAST_REQUEST.search(fold(c.evidence.quote)):
            continue
        flags.append(
            Flag(
                kind="deadline_before_document",
                severity="error",
                message=f"Deadline {c.value} lies before {c.document_date.isoformat()}, "
                f"the date of the document or decision that sets it.",
                values=[c.value, c.document_date.isoformat()],
                evidence=[c.evidence],
                matter=c.matter or None,
            )
        )
    return flags


def stated_length(facts: DocumentFacts, period) -> int | None:
    """The length printed beside a period ("fyra år (2020-2023)"), from the record or the text before it."""
    if period.stated_years:
        return period.stated_years
    if period.span is None or period.span.page not in facts.page_texts:
        return None
    before = fold(facts.page_texts[period.span.page][max(0, period.span.start - 30):period.span.start])
    m = _STATED_LENGTH.search(before)
    if not m:
        return None
    word = m.group(1)
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def spanned_years(period) -> int:
    """The years a period covers: calendar years for "2020-2024"; for a range of dates
    ("1 juli 2024 – 30 juni 2026") its length rounded to whole years, as a stated "två år" means it."""
    if period.rule.startswith("date_range"):
        ends = [d.value for d in extract_dates(period.text, doc_date=date(period.start, 1, 1))]
        if len(ends) == 2 and ends[0] < ends[1]:
            return round(((ends[1] - ends[0]).days + 1) / 365.25)
    return period.end - period.start + 1


@rule(RULES, "duration_mismatch", "warning", input="facts", scope="document")
def duration_mismatch(docs: list[DocumentFacts]) -> list[Flag]:
    """A stated length that is not the range's number of calendar years ("fyra år (2020-2024)"; DOMAIN.md 3)."""
    flags: list[Flag] = []
    for facts in docs:
        year = (facts.date or facts.extraction.date).year if (facts.date or facts.extraction.date) else None
        for period in facts.extraction.periods:
            length = stated_length(facts, period)
            years = spanned_years(period)
            if length is None or length == years:
                continue
            evidence, sentence = evidence_for(facts, period.span, period.text)
            if _is_prior(sentence, period.start, period.end, year):
                continue
            flags.append(
                Flag(
                    kind="duration_mismatch",
                    severity="warning",
                    message=f"Stated as {length} years but {period.text} spans {years} "
                    + ("years." if period.rule.startswith("date_range") else "calendar years."),
                    values=[f"{length} years", f"{period.start}-{period.end}"],
                    evidence=[evidence],
                )
            )
    return flags


