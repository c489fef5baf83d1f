"""Small hand-made documents for rule tests: text plus records whose spans point into it."""

from __future__ import annotations

from datetime import date

from models.claims import DocumentFacts
from models.records import DateFact, Extraction, Period, Span


def span_of(text: str, needle: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return Span(page=1, start=start, end=start + len(needle))


def period(text: str, needle: str, nth: int = 0, stated_years: int | None = None) -> Period:
    a, b = needle.split("-")
    return Period(text=needle, start=int(a), end=int(b), stated_years=stated_years, span=span_of(text, needle, nth))


def datefact(text: str, needle: str, value: date, role: str, nth: int = 0) -> DateFact:
    return DateFact(text=needle, value=value, role=role, span=span_of(text, needle, nth))


def facts(document: str, text: str, day: date | None = None, **records) -> DocumentFacts:
    extraction = Extraction(doc_type=records.pop("doc_type", "letter"), date=day, **records)
    return DocumentFacts(document=document, date=day, issuer=None, extraction=extraction, page_texts={1: text})
