"""Case numbers (diarienummer, ärendenummer) in every printed form, with a canonical normalised form.

Only labelled values or values with an unambiguous register-code shape count, so
dates (2019-04-29), phone numbers and statute references (SOU 2008:18) never match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from extractors.patternfile import load_rules
from extractors.text import fold
from models.records import CaseNumber, Span

# Capitals that look like a register but name publication series or words, never a diarium.
NOT_REGISTERS = frozenset({"SOU", "SFS", "DS", "PROP", "DIR", "BET", "RSKR", "NR", "KL", "AR", "ÅR", "TEL", "ORG"})


# A value read by its shape alone (a register code in capitals) without the "Dnr" label before it.
UNLABELLED_CONFIDENCE = 0.7


def _register(raw: str) -> str | None:
    """The register code as printed, if it is printed in capitals and is not a known non-register word."""
    code = raw.strip()
    if not code or not code.isupper() or code.upper() in NOT_REGISTERS:
        return None
    return code


def _from_match(rule_id: str, label_required: bool, m: re.Match[str], text: str, base: int) -> CaseNumber | None:
    groups = m.groupdict()
    labelled = bool(groups.get("label"))
    if label_required and not labelled:
        return None
    register = None
    if "register" in m.re.groupindex:
        register = _register(text[m.start("register") : m.end("register")])
        if register is None:
            return None
    serial = groups["serial"]
    classification = groups.get("classification")
    if rule_id == "yy_serial":
        yy = int(groups["yy"])
        year = 2000 + yy if yy < 70 else 1900 + yy
        normalised = f"{groups['yy']}/{serial}"
    elif rule_id == "label_serial":
        year, normalised = None, serial
    elif rule_id == "register_serial_class_year":
        year = int(groups["year"])
        normalised = f"{register}/{serial}/{classification}/{year}"
    else:
        year = int(groups.get("year") or groups.get("year2"))
        if rule_id == "year_register_serial":
            normalised = f"{year}/{register} {serial}" + (f" {classification}" if classification else "")
        elif rule_id in ("register_year_serial", "register_dash_year_slash_serial", "register_year_dash_serial"):
            normalised = f"{register} {year}/{serial}"
        elif rule_id == "year_serial":
            normalised = f"{year}/{serial}"
        elif rule_id == "register_dash_year_serial":
            normalised = f"{register}-{year}-{serial}"
        else:
            normalised = f"{serial}/{year}"
    end = m.end()
    raw = text[m.start() : end].rstrip(". \t\n")
    return CaseNumber(
        raw=raw,
        normalised=normalised,
        year=year,
        register=register,
        serial=serial,
        classification=classification,
        span=Span(page=0, start=base + m.start(), end=base + m.start() + len(raw)),
        rule=rule_id,
        confidence=1.0 if labelled else UNLABELLED_CONFIDENCE,
    )


def extract_case_numbers(text: str, base: int = 0) -> list[CaseNumber]:
    """All case numbers in `text`, in reading order; spans are document offsets (`base` + local), page 0."""
    folded = fold(text)
    taken: list[tuple[int, int]] = []
    found: list[CaseNumber] = []
    for rule in load_rules("case_numbers"):
        required = rule.get("label") == "required"
        for m in rule.regex.finditer(folded):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            case = _from_match(rule.id, required, m, text, base)
            if case is None:
                continue
            taken.append((m.start(), m.end()))
            found.append(case)
    return sorted(found, key=lambda c: c.span.start)


def unique_case_numbers(cases: list[CaseNumber]) -> list[CaseNumber]:
    """First occurrence of each normalised case number."""
    seen: set[str] = set()
    out = []
    for case in cases:
        if case.normalised not in seen:
            seen.add(case.normalised)
            out.append(case)
    return out


# The label put before a value read as a normal form, so that the forms a label must introduce ("123/2019") parse.
_NORMAL_FORM_LABEL = "Dnr "
_TRAILING = ". \t\n"


def _whole(text: str) -> CaseNumber | None:
    """The one case number that is all of `text` (but a trailing full stop), else None."""
    found = extract_case_numbers(text)
    if len(found) != 1 or found[0].span.start != 0 or found[0].span.end != len(text.rstrip(_TRAILING)):
        return None
    return found[0]


def parse_case_number(text: str) -> CaseNumber | None:
    """The case number `text` is, read by the one grammar (patterns/case_numbers.jsonl): a printed value, labelled or
    not ("Dnr KS 2019/123", "KS/2019:123"), or the normal form `CaseNumber.normalised` holds ("KS 2019/123",
    "2019/KS 0222 12", "123/2019", "18/00295", "2023/7"), which parses back to the same normal form, year, register and
    serial.  None when `text` is not exactly one case number.  Offsets are local to the stripped text (page 0); a form
    that needs a label reads as if it had one (confidence 1.0)."""
    value = text.strip()
    if not value:
        return None
    case = _whole(value)
    if case is None:
        labelled = _whole(_NORMAL_FORM_LABEL + value)
        if labelled is None:
            return None
        raw = value.rstrip(_TRAILING)
        case = replace(labelled, raw=raw, span=Span(page=0, start=0, end=len(raw)))
    return case


@dataclass(frozen=True, slots=True)
class CaseKey:
    """A case number reduced to what survives OCR and the ways of printing it: the year, the register code folded
    without spaces ("" for a form without one), the serial as a number (leading zeros dropped)."""

    year: int
    register: str
    serial: int


def case_key(case: CaseNumber) -> CaseKey | None:
    """The key two printings of one case share ("2021/ÖFN 0077 100" and "2021/OFN 77", "KS 2020/145" and
    "KS/2020:145").  A case number without its parts (one kept as text only) is first read from its normal form, else
    its raw text, by `parse_case_number`; None when it has no year (a bare serial) or cannot be read."""
    if not (case.year and case.serial):
        parsed = next((p for t in (case.normalised, case.raw) if t and (p := parse_case_number(t))), None)
        if parsed is None or not (parsed.year and parsed.serial):
            return None
        case = parsed
    serial = case.serial.strip()
    if not serial.isdigit():
        return None
    return CaseKey(case.year, fold(case.register or "").replace(" ", ""), int(serial))
