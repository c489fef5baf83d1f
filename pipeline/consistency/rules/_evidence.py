"""Helpers shared by rule modules: evidence for a record's span, grouping, folding names."""

from __future__ import annotations

from extractors.text import fold
from models.claims import Claim, DocumentFacts, Evidence
from models.records import Span
from pipeline.consistency.claims import evidence_for


def record_evidence(facts: DocumentFacts, span: Span | None, fallback: str) -> Evidence:
    """The sentence around a record's span (or the record's own text when it has no span)."""
    return evidence_for(facts, span, fallback)[0]


def by_document(claims: list[Claim]) -> dict[str, list[Claim]]:
    grouped: dict[str, list[Claim]] = {}
    for c in claims:
        grouped.setdefault(c.document, []).append(c)
    return grouped


def person_key(name: str) -> str:
    """A person's name folded and with whitespace collapsed, for matching across lists."""
    return " ".join(fold(name).replace(".", " ").split())
