"""Case numbers (diarienummer, ärendenummer) in every printed form, with a canonical normalised form.

Only labelled values or values with an unambiguous register-code shape count, so
dates (2019-04-29), phone numbers and statute references (SOU 2008:18) never match.
"""

from __future__ import annotations

import re

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
