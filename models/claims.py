"""Typed records of the consistency engine: Evidence -> Claim -> Flag.

A Claim is one value a document asserts about a matter (its financing period,
its response deadline, ...) with the quote that asserts it.  Rules compare
claims (and a document's own records) and emit Flags a reviewer can act on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from models.records import Extraction

ASSERTIONS = ("stated", "corrected", "extended")


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class FlagStatus(StrEnum):
    OPEN = "open"  # raised by the latest check
    STALE = "stale"  # no longer raised; kept with its reviews


class ReviewDecision(StrEnum):
    ACCEPTED = "accepted"  # the finding is right
    DISMISSED = "dismissed"  # a false alarm

ClaimValue = str | int | float | tuple


@dataclass(frozen=True, slots=True)
class Evidence:
    """A quote from one page of one document; start/end are offsets in that page's text."""

    document: str
    page: int
    quote: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Claim:
    """One value a document asserts about a matter.

    `assertion` is `stated`, `corrected` (the text says this value was wrong;
    `replaced_by` holds the value it says is right) or `extended` (a later
    decision prolongs the matter; for periods the value is `(start|None, end)`).
    `document_date` is the latest date the document has reached where the claim
    is made (letter date, decision date), or None when unknown.
    """

    matter: str
    attribute: str
    value: ClaimValue
    evidence: Evidence
    document: str
    document_date: date | None
    assertion: str = "stated"
    about_years: tuple[int, int] | None = None
    approximate: bool = False
    replaced_by: ClaimValue | None = None
    position: tuple[int, int] = (0, 0)

    def __post_init__(self) -> None:
        if self.assertion not in ASSERTIONS:
            raise ValueError(f"unknown assertion {self.assertion!r}")


def flag_identity(kind: str, matter: str | None, values: list[str], evidence: list[Evidence]) -> str:
    """A stable id for a flag: the same finding on a re-run gets the same id.

    Quotes are compared with their whitespace collapsed: an attachment printed twice in one
    bundle, wrapped differently, is one finding.
    """
    payload = json.dumps(
        [kind, matter or "", sorted(values), sorted(f"{e.document}\x00{' '.join(e.quote.split())}" for e in evidence)],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Flag:
    """A finding for a QA reviewer: which rule fired, how bad, and the quotes on each side."""

    kind: str
    severity: Severity
    message: str
    values: list[str]
    evidence: list[Evidence]
    matter: str | None = None
    identity: str = field(default="")

    def __post_init__(self) -> None:
        object.__setattr__(self, "severity", Severity(self.severity))
        if not self.identity:
            object.__setattr__(
                self, "identity", flag_identity(self.kind, self.matter, self.values, self.evidence)
            )

    @property
    def documents(self) -> list[str]:
        """The documents this flag cites (a cross-document flag belongs on each)."""
        return sorted({e.document for e in self.evidence})


@dataclass(slots=True)
class DocumentFacts:
    """What the engine needs per document: its id, date, issuer, extraction and page texts."""

    document: str
    date: date | None
    issuer: str | None
    extraction: Extraction
    page_texts: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What one check did: extractions it covered and the flags it raised."""

    checked: int
    flags: int
