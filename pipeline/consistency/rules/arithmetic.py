"""Sums, products and splits printed in a document that do not add up (DOMAIN.md, inconsistency 4).

Detectors read the page text: worked per-capita examples ("5 000 invånare …
ca 9 500 kr" against the document's "1,95 kr per invånare"), written products
("48009*1,95= 93 600 dvs cirka 94 000"), lists of parts under or above a
stated total, and percentage splits.  A printed number is taken to be rounded
to its last non-zero digit; "ca"/"cirka"/"ungefär" also allow 1 % or two
significant digits.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from extractors.text import fold
from models.claims import DocumentFacts, Evidence, Flag
from pipeline.consistency.claims import sentence_bounds
from pipeline.consistency.rules import Rule, rule

RULES: dict[str, Rule] = {}

NUM = r"\d{1,3}(?:[ \u00a0]\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_APPROX = r"(?:ca\.?|cirka|ungefar|omkring|drygt|knappt)"
_UNITS = {"mkr": 1e6, "mnkr": 1e6, "miljoner kronor": 1e6, "msek": 1e6, "tkr": 1e3, "kr": 1.0, "kronor": 1.0, "sek": 1.0}
_UNIT = r"(?:miljoner kronor|mnkr|mkr|msek|tkr|kronor|kr|sek)\b"
_PER_CAPITA_AFTER = re.compile(r"^\s*(?:/|per)\s*(?:invanare|inv)\b")

_RATE = re.compile(rf"({NUM})\s*(?:kr|kronor)\s*(?:/|per)\s*(?:invanare|inv)\b")
_POPULATION = re.compile(rf"({NUM})\s+invanare\b")
_RESULT = re.compile(rf"\b({_APPROX})?\s*({NUM})\s*(?:kr|kronor)\b")
_PRODUCT = re.compile(
    rf"({NUM})\s*[*×x]\s*({NUM})\s*=\s*({NUM})(?:\s*[,;]?\s*(?:dvs\.?|d\.v\.s\.?|alltsa|eller)\s*({_APPROX})?\s*({NUM}))?"
)
_MONEY = re.compile(rf"(?<![\d,])({_APPROX}\s*)?({NUM})\s*({_UNIT})")
_PERCENT = re.compile(rf"(?<![\d,])({NUM})\s*(?:procent|%)")
_TOTAL = re.compile(r"\btotal\w*|sammanlagt|maximalt|\bsumma\b|\bsammantaget\b")
_LIST_MARKER = re.compile(r"^\s*(?:[-•–]\s|\*\s|\d{1,2}\s*\.\s*[a-z]?\b|[a-z]\s*[.)]\s)")
_SPLIT_CUE = re.compile(r"\bstar for\b|\bfordela\w*|\bav (?:den totala )?kostnaden\b")
_CHANGE_CUE = re.compile(r"\bfran\b[^.]*\btill\b|\bokade|\bminskade|\bjamfort")
_MAX_TOTAL_DISTANCE = 12  # lines between a list of parts and its total
_MARKUP = re.compile(r"[*_#>|]+")


def parse_number(text: str) -> float:
    return float(text.replace(" ", "").replace("\u00a0", "").replace(",", "."))


def precision(text: str) -> float:
    """The rounding step a printed number implies: 0.1 for "19,5", 100 for "9 500", 1 for "48009"."""
    digits = text.replace(" ", "").replace("\u00a0", "")
    if "," in digits:
        return 10.0 ** -len(digits.split(",")[1])
    stripped = digits.rstrip("0")
    return 10.0 ** (len(digits) - len(stripped)) if stripped else 1.0


def holds(computed: float, stated_text: str, approximate: bool, scale: float = 1.0) -> bool:
    """Whether a printed number agrees with a computed one, given its rounding and any approximation marker."""
    stated = parse_number(stated_text) * scale
    diff = abs(computed - stated)
    if diff <= precision(stated_text) * scale / 2 + 1e-9:
        return True
    if approximate:
        if diff <= 0.01 * abs(computed):
            return True
        if computed:
            step = 10.0 ** (math.floor(math.log10(abs(computed))) - 1)
            if diff <= step / 2 + 1e-9:
                return True
    return False


def fmt(value: float) -> str:
    """A number in Swedish print: space thousands separator, decimal comma."""
    if abs(value - round(value)) < 1e-6:
        return f"{round(value):,}".replace(",", " ")
    return f"{value:,.2f}".rstrip("0").rstrip(".").replace(",", " ").replace(".", ",")


def _evidence(facts: DocumentFacts, page: int, text: str, start: int, end: int) -> Evidence:
    s, e = sentence_bounds(text, start, end)
    return Evidence(facts.document, page, text[s:e].strip(), s, e)


def _flag(message: str, values: list[str], evidence: list[Evidence]) -> Flag:
    return Flag(kind="arithmetic_mismatch", severity="warning", message=message, values=values, evidence=evidence)


def per_capita_examples(facts: DocumentFacts) -> list[Flag]:
    """"För en kommun med N invånare … ca Y kr" against the nearest preceding "R kr per invånare"."""
    flags = []
    rate: tuple[float, str, Evidence] | None = None
    for page, text in sorted(facts.page_texts.items()):
        folded = fold(text)
        events = [(m.start(), "rate", m) for m in _RATE.finditer(folded)]
        events += [(m.start(), "population", m) for m in _POPULATION.finditer(folded)]
        for _, kind, m in sorted(events, key=lambda e: e[0]):
            if kind == "rate":
                rate = (parse_number(m.group(1)), m.group(1), _evidence(facts, page, text, m.start(), m.end()))
                continue
            if rate is None:
                continue
            s, e = sentence_bounds(text, m.start(), m.end())
            for r in _RESULT.finditer(folded, m.end(), e):
                if _PER_CAPITA_AFTER.match(folded, r.end()):
                    continue
                population = parse_number(m.group(1))
                computed = population * rate[0]
                if not holds(computed, r.group(2), bool(r.group(1))):
                    stated = (r.group(1) + " " if r.group(1) else "") + r.group(2)
                    flags.append(
                        _flag(
                            f"{m.group(1)} × {rate[1]} kr = {fmt(computed)} kr, but the text says {stated} kr.",
                            [f"{m.group(1)} × {rate[1]} = {fmt(computed)}", stated],
                            [Evidence(facts.document, page, text[s:e].strip(), s, e), rate[2]],
                        )
                    )
                break
    return flags


def written_products(facts: DocumentFacts) -> list[Flag]:
    """"A*B= C dvs cirka D": C and D against the product."""
    flags = []
    for page, text in sorted(facts.page_texts.items()):
        folded = fold(text)
        for m in _PRODUCT.finditer(folded):
            computed = parse_number(m.group(1)) * parse_number(m.group(2))
            checks = [(m.group(3), False, m.group(3))]
            if m.group(5):
                checks.append((m.group(5), bool(m.group(4)), ((m.group(4) or "") + " " + m.group(5)).strip()))
            for stated, approximate, shown in checks:
                if not holds(computed, stated, approximate):
                    flags.append(
                        _flag(
                            f"{m.group(1)} × {m.group(2)} = {fmt(computed)}, but the text says {shown}.",
                            [f"{m.group(1)} × {m.group(2)} = {fmt(computed)}", shown],
                            [_evidence(facts, page, text, m.start(), m.end())],
                        )
                    )
                    break
    return flags


@dataclass(slots=True)
class _Line:
    start: int
    end: int
    amounts: list[re.Match]
    folded: str


def _lines(text: str, folded: str, pattern: re.Pattern) -> list[_Line]:
    lines, pos = [], 0
    for raw in text.split("\n"):
        end = pos + len(raw)
        found = [m for m in pattern.finditer(folded, pos, end) if not _PER_CAPITA_AFTER.match(folded, m.end())]
        lines.append(_Line(pos, end, found, folded[pos:end]))
        pos = end + 1
    return lines


def _label(line: _Line, match: re.Match) -> str:
    return _MARKUP.sub("", line.folded[: match.start() - line.start]).strip(" :=-")


def _suffix(line: _Line, match: re.Match) -> str:
    return _MARKUP.sub("", line.folded[match.end() - line.start:]).strip(" .")


def _runs(lines: list[_Line], by_suffix: bool = False) -> list[list[int]]:
    """Indexes of consecutive one-amount lines sharing a list form: a list marker or the same label
    before the amount, or (by_suffix) the same words after it."""
    amount_lines = [i for i, line in enumerate(lines) if line.amounts]
    runs: list[list[int]] = []
    current: list[int] = []

    def same_form(i: int, j: int) -> bool:
        a, b = lines[i], lines[j]
        if len(a.amounts) != 1 or len(b.amounts) != 1:
            return False
        if by_suffix:
            return _suffix(a, a.amounts[0]) == _suffix(b, b.amounts[0]) != ""
        if _LIST_MARKER.match(a.folded) and _LIST_MARKER.match(b.folded):
            return True
        la, lb = _label(a, a.amounts[0]), _label(b, b.amounts[0])
        return bool(la) and la == lb

    for i in amount_lines:
        if current and same_form(current[-1], i):
            current.append(i)
        else:
            if len(current) >= 2:
                runs.append(current)
            current = [i] if len(lines[i].amounts) == 1 else []
    if len(current) >= 2:
        runs.append(current)
    return runs


def _is_total(text: str, folded: str, line: _Line) -> bool:
    m = line.amounts[0]
    s, e = sentence_bounds(text, m.start(), m.end())
    return len(line.amounts) == 1 and bool(_TOTAL.search(folded[s:e]))


def parts_and_totals(facts: DocumentFacts) -> list[Flag]:
    """A list of amounts directly under or above a stated total must add up to it."""
    flags = []
    for page, text in sorted(facts.page_texts.items()):
        folded = fold(text)
        lines = _lines(text, folded, _MONEY)
        amount_lines = [i for i, line in enumerate(lines) if line.amounts]
        for run in _runs(lines):
            parts = [lines[i] for i in run if not _is_total(text, folded, lines[i])]
            if len(parts) < 2 or len(parts) != len(run):
                continue
            position = amount_lines.index(run[0])
            neighbours = []
            if position > 0:
                neighbours.append(amount_lines[position - 1])
            after = amount_lines.index(run[-1]) + 1
            if after < len(amount_lines):
                neighbours.append(amount_lines[after])
            for n in neighbours:
                total_line = lines[n]
                if min(abs(n - run[0]), abs(n - run[-1])) > _MAX_TOTAL_DISTANCE:
                    continue
                if not total_line.amounts or not _is_total(text, folded, total_line):
                    continue
                t = total_line.amounts[0]
                scale = _UNITS[t.group(3)]
                total_sum = sum(parse_number(p.amounts[0].group(2)) * _UNITS[p.amounts[0].group(3)] for p in parts)
                if not holds(total_sum, t.group(2), bool(t.group(1)), scale):
                    shown = [p.amounts[0].group(0).strip() for p in parts]
                    flags.append(
                        _flag(
                            f"The parts {' + '.join(shown)} add up to {fmt(total_sum / scale)} {t.group(3)}, "
                            f"but the total is given as {t.group(0).strip()}.",
                            [" + ".join(shown) + f" = {fmt(total_sum / scale)} {t.group(3)}", t.group(0).strip()],
                            [
                                _evidence(facts, page, text, t.start(), t.end()),
                                _evidence(facts, page, text, parts[0].amounts[0].start(), parts[-1].amounts[0].end()),
                            ],
                        )
                    )
                break
    return flags


def percentage_splits(facts: DocumentFacts) -> list[Flag]:
    """Shares of one cost ("står för 70 procent … 30 procent") must add up to 100."""
    flags = []
    for page, text in sorted(facts.page_texts.items()):
        folded = fold(text)
        groups: list[tuple[list[re.Match], int, int]] = []
        seen: set[tuple[int, int]] = set()
        for m in _PERCENT.finditer(folded):
            s, e = sentence_bounds(text, m.start(), m.end())
            if (s, e) in seen:
                continue
            seen.add((s, e))
            shares = list(_PERCENT.finditer(folded, s, e))
            sentence = folded[s:e]
            if len(shares) >= 2 and _SPLIT_CUE.search(sentence) and not _CHANGE_CUE.search(sentence):
                groups.append((shares, s, e))
        lines = _lines(text, folded, _PERCENT)
        for run in _runs(lines, by_suffix=True):
            if re.search(r"\btotal|\bkostnaden\b", _suffix(lines[run[0]], lines[run[0]].amounts[0])):
                groups.append(([lines[i].amounts[0] for i in run], lines[run[0]].start, lines[run[-1]].end))
        for shares, s, e in groups:
            total = sum(parse_number(m.group(1)) for m in shares)
            if abs(total - 100) > 1e-6:
                shown = " + ".join(m.group(1) for m in shares)
                flags.append(
                    _flag(
                        f"The shares {shown} % add up to {fmt(total)} %, not 100 %.",
                        [f"{shown} = {fmt(total)} %", "100 %"],
                        [Evidence(facts.document, page, text[s:e].strip(), s, e)],
                    )
                )
    return flags


DETECTORS = (per_capita_examples, written_products, parts_and_totals, percentage_splits)


@rule(RULES, "arithmetic_mismatch", "warning", input="facts", scope="document")
def arithmetic_mismatch(docs: list[DocumentFacts]) -> list[Flag]:
    """Printed arithmetic that does not hold within its rounding (DOMAIN.md "Inconsistencies worth flagging" 4)."""
    return [flag for facts in docs for detector in DETECTORS for flag in detector(facts)]
