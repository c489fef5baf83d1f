"""Turn a document's extracted records into Claims, each with the sentence that asserts it.

Claims carry no matter yet (`matter=""`); `pipeline.consistency.check` fills it in from
`pipeline.consistency.link`.  A period about an earlier, finished arrangement gets the
attribute `period` but the matter suffix `PRIOR_SUFFIX`, so it is never
compared with the current matter.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from extractors.text import fold
from models.claims import Claim, DocumentFacts, Evidence
from models.records import Span

PRIOR_SUFFIX = "#prior"

# Sentence ends: terminal punctuation followed by space and an upper-case letter,
# digit, list marker or markup; a blank line; or a line break before a list item or
# a decision clause ("att …" after a full stop or colon).
_SENTENCE_END = re.compile(
    r"(?<=[.!?])[*_)\]]*\s+(?=(?:[*_\-•(\[]\s?)*[A-ZÅÄÖ0-9])|\n\s*\n|\n(?=[ \t]*[-•–][ \t])"
    r"|(?<=[.!?:])[ \t]*\n(?=[ \t]*att[ \t])"
)
_MAX_QUOTE = 400
#: Quotes built from lines (no sentence around the value) stay this short.
_LINE_QUOTE = 160

# Sentence context, matched on folded text (see extractors.text.fold).
_VALIDITY = re.compile(r"\bgall\w*|\bfinansier\w*|\bgiltig\w*|\bavser (?:aren|perioden)")
_CORRECTION_CUES = re.compile(r"felaktig\w*|ska vara\b|rattelse|rattas|korrigering|korrigera\w*|\bar fel\b")
_NEGATION_BEFORE = re.compile(r"(?:\binte|\bej|i stallet for|istallet for)\s*\(?\s*$")
_WRONG_AFTER = re.compile(
    r"^\s*\)?\s*(?:,?\s*men\s+(?:det\s+)?)?(?:som\s+)?(?:felaktigt|ar fel|var fel|ska vara|ska rattas)"
)
_PAST_TENSE = re.compile(
    r"\b(?:rekommenderade|beslutade|antog|finansierade|tidigare|foregaende|forra)\b"
)
_PRESENT_VALIDITY = re.compile(r"\bgaller\b")
_YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")
_EXTENSION = re.compile(
    r"forlang\w*\b.*?\b(?:till och med|t\.\s?o\.\s?m\.?|tom|till|aven)\s+(?:och med\s+)?(?:ar\s+|aret\s+)?(\d{4})\b"
    r"|\bgaller\s+(?:aven|ocksa)\s+(?:for\s+)?(?:ar\s+|aret\s+)?(\d{4})\b",
    re.S,
)
_RESPONSE = re.compile(
    r"meddela\w*|\bsvar\w*|stallningstagande|yttrande|yttra|inkomm\w*|besked|anmal\w*|lamna\w*"
)
# A report on what was done is due on its own date, not an answer to the matter: never compared with the answer's.
_REPORT = re.compile(r"rapporter\w*|aterrapport\w*|redovis\w*|utvarder\w*")
# Deadlines about the meeting itself (a member's absence, a substitute's call), not about any matter.
_MEETING_LOGISTICS = re.compile(r"forhinder|franvaro|ersattare\s+(?:kallas|inkallas)|inkallande av ersattare")
_TOTAL = re.compile(r"\btotal\w*|sammanlagt|maximalt|\bsumma\b")
_ANCHOR_ROLES = ("document", "decision", "meeting")


def _raw_sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    s = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        s = m.end()
    m = _SENTENCE_END.search(text, end)
    return s, (m.start() if m else len(text))


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of the sentence holding text[start:end], capped to a readable quote length."""
    s, e = _raw_sentence_bounds(text, start, end)
    if e - s > _MAX_QUOTE:
        # No sentence ends near the value (headings, tables, unpunctuated layouts): a window around it, cut between words.
        if start - s > _MAX_QUOTE // 2:
            s = start - _MAX_QUOTE // 2
            s = next((i + 1 for i in range(s, start) if text[i].isspace()), s)
        if e - end > _MAX_QUOTE // 2:
            e = end + _MAX_QUOTE // 2
            e = next((i for i in range(e, end, -1) if text[i - 1].isspace()), e)
    return s, e


def quote_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """What a reviewer is shown for text[start:end]: its sentence, or in unpunctuated layouts
    (letterheads, registry stamps, tables) its line with the neighbouring lines that fit."""
    s, e = _raw_sentence_bounds(text, start, end)
    lines = text[s:e].count("\n") + 1
    # Prose wraps at 60-100 characters a line; a "sentence" of many short lines is a layout.
    if e - s <= _LINE_QUOTE or (e - s <= _MAX_QUOTE and (lines < 4 or (e - s) / lines >= 45)):
        return s, e
    s = text.rfind("\n", 0, start) + 1
    e = text.find("\n", end)
    e = len(text) if e < 0 else e
    if e - s > _LINE_QUOTE:
        return sentence_bounds(text, start, end)
    # One line either side, each only when it holds text and the quote stays short.
    before = text.rfind("\n", 0, max(0, s - 1)) + 1
    if s > 0 and text[before:s].strip() and e - before <= _LINE_QUOTE:
        s = before
    after = text.find("\n", e + 1)
    after = len(text) if after < 0 else after
    if e < len(text) and text[e:after].strip() and after - s <= _LINE_QUOTE:
        e = after
    return s, e


def previous_sentence_start(text: str, sentence_start: int) -> int:
    """Start of the sentence before the one beginning at sentence_start."""
    if sentence_start <= 0:
        return 0
    return sentence_bounds(text, max(0, sentence_start - 2), max(0, sentence_start - 1))[0]


def evidence_for(facts: DocumentFacts, span: Span | None, fallback_text: str = "") -> tuple[Evidence, str]:
    """The sentence around a span as Evidence, and that sentence folded."""
    if span is None or span.page not in facts.page_texts:
        quote = fallback_text
        return Evidence(facts.document, span.page if span else 0, quote, 0, 0), fold(quote)
    text = facts.page_texts[span.page]
    s, e = quote_bounds(text, span.start, span.end)
    quote = text[s:e].strip()
    return Evidence(facts.document, span.page, quote, s, e), fold(text[s:e])


class _Anchors:
    """Dates the document has reached at a given position (letter dates, decision dates)."""

    def __init__(self, facts: DocumentFacts):
        self.fallback = facts.date or facts.extraction.date
        self.points = sorted(
            ((d.span.page, d.span.start), d.value)
            for d in facts.extraction.dates
            if d.role in _ANCHOR_ROLES and d.span is not None
        )

    def at(self, position: tuple[int, int]) -> date | None:
        before = [value for pos, value in self.points if pos <= position]
        if before:
            return max(before)
        if self.points:
            # Dated parts follow but none precede: the date of this part is unknown.
            return None
        return self.fallback


def _position(span: Span | None) -> tuple[int, int]:
    return (span.page, span.start) if span else (0, 0)


def _is_prior(sentence: str, start: int, end: int, document_year: int | None) -> bool:
    """A period in a past-tense sentence about an earlier arrangement ("rekommenderade i juni 2016 … 2017-2018")."""
    if not _PAST_TENSE.search(sentence) or _PRESENT_VALIDITY.search(sentence):
        return False
    earlier_year = any(int(y) < start for y in _YEAR.findall(sentence))
    ended = document_year is not None and end < document_year
    return earlier_year or ended


def _correction_role(folded_text: str, s: int, value_start: int, value_end: int) -> str | None:
    """'corrected' when the text says this value was wrong, 'correction' when it is the right one."""
    before = folded_text[max(s, value_start - 20):value_start]
    after = folded_text[value_end:value_end + 40]
    if _NEGATION_BEFORE.search(before) or _WRONG_AFTER.search(after):
        return "corrected"
    return None


def period_claims(facts: DocumentFacts, anchors: _Anchors) -> list[Claim]:
    """Financing/validity periods; corrected values are marked, earlier arrangements set apart."""
    claims: list[Claim] = []
    doc_year = (facts.date or facts.extraction.date).year if (facts.date or facts.extraction.date) else None
    for period in facts.extraction.periods:
        evidence, sentence = evidence_for(facts, period.span, period.text)
        if not _VALIDITY.search(sentence) and not _CORRECTION_CUES.search(sentence):
            continue
        value = f"{period.start}-{period.end}"
        matter = ""
        assertion = "stated"
        replaced_by = None
        if period.span is not None and period.span.page in facts.page_texts:
            text = facts.page_texts[period.span.page]
            folded = fold(text)
            if _CORRECTION_CUES.search(sentence) and _correction_role(
                folded, evidence.start, period.span.start, period.span.end
            ):
                assertion = "corrected"
                replaced_by = _right_value(facts, period, text, evidence)
                # The erratum cites both texts: the corrected value and the right one.
                if replaced_by is not None:
                    s = previous_sentence_start(text, evidence.start)
                    if s < evidence.start and replaced_by in text[s:evidence.start]:
                        evidence = Evidence(
                            facts.document, evidence.page, text[s:evidence.end].strip(), s, evidence.end
                        )
            elif _is_prior(sentence, period.start, period.end, doc_year):
                matter = PRIOR_SUFFIX
        claims.append(
            Claim(
                matter=matter,
                attribute="period",
                value=value,
                evidence=evidence,
                document=facts.document,
                document_date=anchors.at(_position(period.span)),
                assertion=assertion,
                about_years=(period.start, period.end),
                replaced_by=replaced_by,
                position=_position(period.span),
            )
        )
    return claims


def _right_value(facts: DocumentFacts, wrong, text: str, evidence: Evidence) -> str | None:
    """The other period in the same or the preceding sentence: the value the erratum says is right."""
    window_start = previous_sentence_start(text, evidence.start)
    candidates = [
        p
        for p in facts.extraction.periods
        if p is not wrong
        and p.span is not None
        and p.span.page == wrong.span.page
        and window_start <= p.span.start < evidence.end
        and (p.start, p.end) != (wrong.start, wrong.end)
    ]
    if not candidates:
        return None
    best = min(candidates, key=lambda p: abs(p.span.start - wrong.span.start))
    return f"{best.start}-{best.end}"


def extension_claims(facts: DocumentFacts, anchors: _Anchors) -> list[Claim]:
    """Sentences that prolong a matter ("förlänga … till och med 2024", "gäller även 2024")."""
    claims: list[Claim] = []
    for page, text in sorted(facts.page_texts.items()):
        folded = fold(text)
        seen: set[tuple[int, int]] = set()
        for m in re.finditer(r"forlang\w*|\bgaller\s+(?:aven|ocksa)\b", folded):
            s, e = sentence_bounds(text, m.start(), m.end())
            if (s, e) in seen:
                continue
            seen.add((s, e))
            hit = _EXTENSION.search(folded, s, e)
            if not hit:
                continue
            end_year = int(hit.group(1) or hit.group(2))
            start_year = None
            for p in facts.extraction.periods:
                if p.span and p.span.page == page and s <= p.span.start < e and p.end == end_year:
                    start_year = p.start
            claims.append(
                Claim(
                    matter="",
                    attribute="period",
                    value=(start_year, end_year),
                    evidence=Evidence(facts.document, page, text[s:e].strip(), s, e),
                    document=facts.document,
                    document_date=anchors.at((page, s)),
                    assertion="extended",
                    about_years=(start_year or end_year, end_year),
                    position=(page, s),
                )
            )
    return claims


def _clause(folded: str, s: int, e: int, value_start: int, value_end: int, others: list[int]) -> str:
    """The part of a sentence that belongs to one date: from the previous date to the next one."""
    left = max([o for o in others if o < value_start] + [s])
    right = min([o for o in others if o > value_end] + [e])
    return folded[left:right]


def date_claims(facts: DocumentFacts, anchors: _Anchors) -> list[Claim]:
    """Deadlines (`deadline` for a response asked of the reader, `deadline_report` for a report of what was done,
    `deadline_other` otherwise; none for the meeting's own logistics) and decision dates."""
    claims: list[Claim] = []
    starts_by_page: dict[int, list[int]] = {}
    for d in facts.extraction.dates:
        if d.span:
            starts_by_page.setdefault(d.span.page, []).append(d.span.start)
    for d in facts.extraction.dates:
        if d.role not in ("deadline", "decision"):
            continue
        evidence, sentence = evidence_for(facts, d.span, d.text)
        attribute = "decision_date"
        if d.role == "deadline":
            attribute = "deadline_other"
            if d.span and d.span.page in facts.page_texts:
                folded = fold(facts.page_texts[d.span.page])
                others = [o for o in starts_by_page.get(d.span.page, []) if o != d.span.start]
                clause = _clause(folded, evidence.start, evidence.end, d.span.start, d.span.end, others)
            else:
                clause = sentence
            if _MEETING_LOGISTICS.search(clause):
                continue
            if _REPORT.search(clause):
                attribute = "deadline_report"
            elif _RESPONSE.search(clause):
                attribute = "deadline"
        claims.append(
            Claim(
                matter="",
                attribute=attribute,
                value=d.value.isoformat(),
                evidence=evidence,
                document=facts.document,
                document_date=anchors.at(_position(d.span)),
                position=_position(d.span),
            )
        )
    return claims


def amount_claims(facts: DocumentFacts, anchors: _Anchors) -> list[Claim]:
    """Per-capita rates and stated totals."""
    claims: list[Claim] = []
    for a in facts.extraction.amounts:
        if a.unit == "%":
            continue
        evidence, sentence = evidence_for(facts, a.span, a.text)
        if a.per == "capita":
            attribute = "per_capita"
        elif _TOTAL.search(sentence):
            attribute = "total_amount"
        else:
            continue
        claims.append(
            Claim(
                matter="",
                attribute=attribute,
                value=a.value,
                evidence=evidence,
                document=facts.document,
                document_date=anchors.at(_position(a.span)),
                approximate=a.approximate,
                position=_position(a.span),
            )
        )
    return claims


def reference_claims(facts: DocumentFacts, anchors: _Anchors) -> list[Claim]:
    """Meetings an item points to: (body, date, §)."""
    claims: list[Claim] = []
    for item in facts.extraction.items:
        for ref in item.references:
            if ref.body is None or ref.date is None:
                continue
            evidence, _ = evidence_for(facts, ref.span, ref.text)
            claims.append(
                Claim(
                    matter="",
                    attribute="referenced_meeting",
                    value=(ref.body, ref.date.isoformat(), ref.paragraph),
                    evidence=evidence,
                    document=facts.document,
                    document_date=anchors.at(_position(ref.span)),
                    position=_position(ref.span),
                )
            )
    return claims


def claims_for(facts: DocumentFacts) -> list[Claim]:
    """Every claim one document makes, with matter left empty (or PRIOR_SUFFIX) for the linker to fill."""
    anchors = _Anchors(facts)
    return (
        period_claims(facts, anchors)
        + extension_claims(facts, anchors)
        + date_claims(facts, anchors)
        + amount_claims(facts, anchors)
        + reference_claims(facts, anchors)
    )


def with_matter(claim: Claim, matter: str) -> Claim:
    """The claim placed in a matter; a prior-arrangement claim keeps its own sub-matter."""
    return replace(claim, matter=matter + claim.matter)
