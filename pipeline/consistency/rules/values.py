"""Conflicting values for one matter, errata and later amendments (DOMAIN.md, inconsistencies 1-2).

Claims of one matter are split at the first decision that extends it: before
the extension every stated value must agree; after it, the extended value is
expected (`amended_later`), and old values repeated as history are not news.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from itertools import combinations

from models.claims import Claim, Evidence, Flag
from pipeline.consistency.rules import Rule, rule

RULES: dict[str, Rule] = {}

CONFLICT_KINDS = {"period": "conflicting_period", "deadline": "conflicting_deadline"}
_EVIDENCE_PER_VALUE = 3


def _matters(claims: list[Claim]) -> dict[str, list[Claim]]:
    grouped: dict[str, list[Claim]] = {}
    for c in claims:
        grouped.setdefault(c.matter, []).append(c)
    return grouped


def _first_extension(claims: list[Claim]) -> Claim | None:
    extensions = [c for c in claims if c.assertion == "extended" and c.attribute == "period"]
    if not extensions:
        return None
    return min(extensions, key=lambda c: (c.document_date is None, c.document_date, c.document, c.position))


def is_after(claim: Claim, extension: Claim) -> bool:
    """True when the claim was made after the extension (later in the same document, or in a later-dated one)."""
    if claim.document == extension.document and claim.position >= extension.position:
        return True
    return (
        claim.document_date is not None
        and extension.document_date is not None
        and claim.document_date >= extension.document_date
        and claim.document != extension.document
    )


def extended_value(extension: Claim, claims: list[Claim]) -> str:
    """The period an extension leads to, taking the start from the matter's stated periods when not printed."""
    start, end = extension.value
    if start is None:
        starts = Counter(c.about_years[0] for c in claims if c.attribute == "period" and c.about_years and c.assertion == "stated")
        start = starts.most_common(1)[0][0] if starts else end
    return f"{start}-{end}"


def _evidence(claims: list[Claim]) -> list[Evidence]:
    """One quote per document, at most a few per value."""
    seen: dict[str, Evidence] = {}
    for c in sorted(claims, key=lambda c: (c.document, c.position)):
        seen.setdefault(c.document, c.evidence)
    return list(seen.values())[:_EVIDENCE_PER_VALUE]


def _conflicts(kind: str, matter: str, stated: list[Claim], label: str) -> list[Flag]:
    by_value: dict[str, list[Claim]] = {}
    for c in stated:
        by_value.setdefault(str(c.value), []).append(c)
    flags = []
    for a, b in combinations(sorted(by_value), 2):
        flags.append(
            Flag(
                kind=kind,
                severity="error",
                message=f"The {label} of this matter is stated as {a} and as {b}.",
                values=[a, b],
                evidence=_evidence(by_value[a]) + _evidence(by_value[b]),
                matter=matter,
            )
        )
    return flags


@rule(RULES, "conflicting_values", "error", scope="matter", kinds=tuple(CONFLICT_KINDS.values()), claims=tuple(CONFLICT_KINDS))
def conflicting_values(claims: list[Claim]) -> list[Flag]:
    """Same matter and attribute, different stated values (DOMAIN.md "Inconsistencies worth flagging" 1 and 2)."""
    flags: list[Flag] = []
    for matter, group in _matters(claims).items():
        extension = _first_extension(group)
        ext_value = extended_value(extension, group) if extension else None
        for attribute, kind in CONFLICT_KINDS.items():
            stated = [c for c in group if c.attribute == attribute and c.assertion == "stated"]
            label = attribute.replace("_", " ")
            if extension is None:
                flags += _conflicts(kind, matter, stated, label)
                continue
            before = [c for c in stated if not is_after(c, extension)]
            after = [c for c in stated if is_after(c, extension)]
            flags += _conflicts(kind, matter, before, label)
            old_values = {str(c.value) for c in before}
            new = [c for c in after if str(c.value) not in old_values]
            if attribute == "period":
                # Repeating the pre-extension period as history is not news; only a different start or a later end is.
                start, end = (int(y) for y in ext_value.split("-"))
                new = [c for c in new if c.about_years and (c.about_years[0] != start or c.about_years[1] > end)]
                if new:
                    flags += _conflicts(kind, matter, new + [replace(extension, value=ext_value)], label)
            else:
                flags += _conflicts(kind, matter, new, label)
    return flags


@rule(RULES, "amended_later", "info", scope="matter", claims=("period",))
def amended_later(claims: list[Claim]) -> list[Flag]:
    """A value stated after a decision extended the matter, matching the extension (DOMAIN.md 1: not a conflict)."""
    flags: list[Flag] = []
    for matter, group in _matters(claims).items():
        extension = _first_extension(group)
        if extension is None:
            continue
        ext_value = extended_value(extension, group)
        start, end = (int(y) for y in ext_value.split("-"))
        originals = Counter(
            str(c.value)
            for c in group
            if c.attribute == "period"
            and c.assertion == "stated"
            and c.about_years
            and c.about_years[0] == start
            and c.about_years[1] < end
        )
        original = originals.most_common(1)[0][0] if originals else None
        later = [
            c
            for c in group
            if c.attribute == "period" and c.assertion == "stated" and c.value == ext_value and is_after(c, extension)
        ]
        for document, doc_claims in sorted(_by_document(later).items()):
            first = min(doc_claims, key=lambda c: c.position)
            values = [v for v in (original, ext_value) if v]
            flags.append(
                Flag(
                    kind="amended_later",
                    severity="info",
                    message=(
                        f"{ext_value} is stated after the decision extending the matter"
                        + (f" (originally {original})" if original else "")
                        + "; correct for its date."
                    ),
                    values=values,
                    evidence=[first.evidence, extension.evidence],
                    matter=matter,
                )
            )
    return flags


def _by_document(claims: list[Claim]) -> dict[str, list[Claim]]:
    grouped: dict[str, list[Claim]] = {}
    for c in claims:
        grouped.setdefault(c.document, []).append(c)
    return grouped


@rule(RULES, "erratum", "info", scope="matter", claims=("period",))
def erratum(claims: list[Claim]) -> list[Flag]:
    """A document retracts a value it says was wrong ("Inte X som felaktigt angavs"; DOMAIN.md 1)."""
    flags: list[Flag] = []
    for c in claims:
        if c.assertion != "corrected":
            continue
        values = [str(c.value)] + ([str(c.replaced_by)] if c.replaced_by is not None else [])
        right = f", the right value is {c.replaced_by}" if c.replaced_by is not None else ""
        flags.append(
            Flag(
                kind="erratum",
                severity="info",
                message=f"{c.document} states that {c.value} was wrong{right}.",
                values=values,
                evidence=[c.evidence],
                matter=c.matter,
            )
        )
    return flags


def explain_by_errata(flags: list[Flag]) -> list[Flag]:
    """Downgrade a conflict to a warning when an erratum in the same matter retracts one of its values."""
    errata = [f for f in flags if f.kind == "erratum"]
    out = []
    for f in flags:
        if f.kind in CONFLICT_KINDS.values():
            for e in errata:
                if e.matter == f.matter and e.values[0] in f.values and set(e.values) <= set(f.values) | {e.values[0]}:
                    where = e.evidence[0]
                    f = Flag(
                        kind=f.kind,
                        severity="warning",
                        message=f"{f.message} Explained by erratum in {where.document} (page {where.page}): "
                        f"{e.values[0]} was corrected.",
                        values=f.values,
                        evidence=f.evidence + [where],
                        matter=f.matter,
                        identity=f.identity,
                    )
                    break
        out.append(f)
    return out
