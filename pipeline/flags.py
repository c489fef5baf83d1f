"""Run the consistency engine over stored documents and keep its flags and their reviews.

A flag's identity is a stable hash (models.claims.flag_identity): the same
finding on a re-run updates the same row, so reviews survive. Flags that a
re-check of their matter no longer raises become `stale`, never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import delete, select

from models.claims import DocumentFacts, Flag
from models.db import session_scope
from models.records import EXTRACTOR_VERSION, Extraction
from models.schema import Document, DocumentVersion, ExtractionRecord, FlagDocument, FlagRecord, Page, Review
from pipeline.extract import from_jsonable

REVIEW_DECISIONS = ("accepted", "dismissed")


def load_facts(url: str) -> tuple[list[DocumentFacts], dict[int, str], dict[str, int]]:
    """Every current, extracted document as DocumentFacts; plus version id -> path and path -> document id."""
    with session_scope(url) as session:
        rows = session.execute(
            select(Document.id, Document.path, DocumentVersion.id, ExtractionRecord.data)
            .join(DocumentVersion, DocumentVersion.id == Document.current_version_id)
            .join(
                ExtractionRecord,
                (ExtractionRecord.version_id == DocumentVersion.id) & (ExtractionRecord.extractor_version == EXTRACTOR_VERSION),
            )
            .order_by(Document.path)
        ).all()
        version_ids = [r[2] for r in rows]
        pages: dict[int, dict[int, str]] = {}
        for version_id, number, text in session.execute(
            select(Page.version_id, Page.number, Page.text).where(Page.version_id.in_(version_ids))
        ):
            pages.setdefault(version_id, {})[number] = text
    facts: list[DocumentFacts] = []
    by_version: dict[int, str] = {}
    document_ids: dict[str, int] = {}
    for document_id, path, version_id, data in rows:
        extraction = from_jsonable(Extraction, data)
        facts.append(DocumentFacts(path, extraction.date, _issuer(extraction), extraction, pages.get(version_id, {})))
        by_version[version_id] = path
        document_ids[path] = document_id
    return facts, by_version, document_ids


def _issuer(extraction: Extraction) -> str | None:
    if extraction.municipality:
        return extraction.municipality
    bodies = [m.body for m in extraction.meetings if m.body]
    return bodies[0] if bodies else None


def run_checks(url: str, touched: set[int] | None = None) -> int:
    """Check the matters touched by these versions (all when None); store the flags; return how many were raised."""
    from pipeline.check import check

    facts, by_version, document_ids = load_facts(url)
    touched_paths = None if touched is None else {by_version[v] for v in touched if v in by_version}
    flags = check(facts, touched=touched_paths)
    checked = {f.document for f in facts} if touched_paths is None else _matter_documents(facts, touched_paths)
    store_flags(url, flags, document_ids, checked)
    return len(flags)


def _matter_documents(facts: list[DocumentFacts], touched: set[str]) -> set[str]:
    from pipeline.link import link_matters

    matters = link_matters(facts)
    wanted = {matters[d] for d in touched if d in matters}
    return {doc for doc, matter in matters.items() if matter in wanted}


def store_flags(url: str, flags: list[Flag], document_ids: dict[str, int], checked: set[str]) -> None:
    """Upsert flags by identity; flags of the checked documents not raised again become stale.

    A finding whose identity changed because its matter grew (a new document joins it and
    renames the matter or adds a quote) is still the same finding: same rule, same values
    and a quote in common. It keeps its stored id, and so its reviews.
    """
    now = datetime.now(timezone.utc)
    with session_scope(url) as session:
        records = list(session.scalars(select(FlagRecord)))
        existing = {r.identity: r for r in records}
        matched: set[int] = set()
        for flag in flags:
            record = existing.get(flag.identity) or _same_finding(flag, records, matched)
            if record is None:
                record = FlagRecord(identity=flag.identity, first_seen=now)
                session.add(record)
                records.append(record)
            record.kind = flag.kind
            record.severity = flag.severity
            record.message = flag.message
            record.matter = flag.matter
            record.values = list(flag.values)
            record.evidence = [_evidence(e) for e in flag.evidence]
            record.status = "open"
            record.last_seen = now
            session.flush()
            matched.add(record.id)
            session.execute(delete(FlagDocument).where(FlagDocument.flag_id == record.id))
            for path in flag.documents:
                if path in document_ids:
                    session.add(FlagDocument(flag_id=record.id, document_id=document_ids[path]))
        checked_ids = {document_ids[p] for p in checked if p in document_ids}
        if checked_ids:
            stale = session.scalars(
                select(FlagRecord)
                .join(FlagDocument, FlagDocument.flag_id == FlagRecord.id)
                .where(FlagDocument.document_id.in_(checked_ids), FlagRecord.status == "open")
            ).all()
            for record in stale:
                if record.id not in matched:
                    record.status = "stale"


def _same_finding(flag: Flag, records: list[FlagRecord], taken: set[int]) -> FlagRecord | None:
    """A stored flag of the same rule and values sharing a quote with `flag`, not yet matched in this run."""
    quotes = {(e.document, e.quote) for e in flag.evidence}
    values = sorted(map(str, flag.values))
    for record in records:
        if record.id in taken or record.kind != flag.kind or sorted(map(str, record.values)) != values:
            continue
        if quotes & {(e["document"], e["quote"]) for e in record.evidence}:
            return record
    return None


def _evidence(e: Any) -> dict[str, Any]:
    return {"document": e.document, "page": e.page, "quote": e.quote, "start": e.start, "end": e.end}


@dataclass(slots=True)
class FlagView:
    """A flag as a reviewer sees it, with its latest review."""

    id: int
    identity: str
    kind: str
    severity: str
    message: str
    matter: str | None
    values: list[Any]
    evidence: list[dict[str, Any]]
    status: str
    review: str | None
    review_note: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.identity,
            "kind": self.kind,
            "severity": self.severity,
            "message": self.message,
            "matter": self.matter,
            "values": self.values,
            "evidence": self.evidence,
            "status": self.status,
            "review": {"decision": self.review, "note": self.review_note} if self.review else None,
        }


def list_flags(
    url: str,
    severity: str | None = None,
    kind: str | None = None,
    municipality: str | None = None,
    include_stale: bool = False,
) -> list[FlagView]:
    """Flags for the reviewer queue, most severe first."""
    with session_scope(url) as session:
        query = select(FlagRecord)
        if not include_stale:
            query = query.where(FlagRecord.status == "open")
        if severity:
            query = query.where(FlagRecord.severity == severity)
        if kind:
            query = query.where(FlagRecord.kind == kind)
        if municipality:
            code = _municipality_code(municipality)
            docs = (
                select(FlagDocument.flag_id)
                .join(Document, Document.id == FlagDocument.document_id)
                .join(ExtractionRecord, ExtractionRecord.version_id == Document.current_version_id)
                .where(ExtractionRecord.municipality_code == code)
            )
            query = query.where(FlagRecord.id.in_(docs))
        records = session.scalars(query).all()
        reviews = _latest_reviews(session, [r.id for r in records])
    rank = {"error": 0, "warning": 1, "info": 2}
    records = sorted(records, key=lambda r: (rank.get(r.severity, 3), r.kind, r.id))
    return [
        FlagView(r.id, r.identity, r.kind, r.severity, r.message, r.matter, r.values, r.evidence, r.status, *reviews.get(r.id, (None, None)))
        for r in records
    ]


def _municipality_code(name: str) -> str | None:
    if name.isdigit() and len(name) == 4:
        return name
    from models.municipalities import resolve

    found = resolve(name)
    return found.code if found else None


def _latest_reviews(session, flag_ids: list[int]) -> dict[int, tuple[str, str]]:
    latest: dict[int, tuple[str, str]] = {}
    for review in session.scalars(select(Review).where(Review.flag_id.in_(flag_ids)).order_by(Review.created_at, Review.id)):
        latest[review.flag_id] = (review.decision, review.note)
    return latest


def flags_by_version(url: str) -> dict[int, list[dict[str, Any]]]:
    """Open flags per current document version, for the export (a cross-document flag on each)."""
    with session_scope(url) as session:
        rows = session.execute(
            select(Document.current_version_id, FlagRecord)
            .join(FlagDocument, FlagDocument.document_id == Document.id)
            .join(FlagRecord, FlagRecord.id == FlagDocument.flag_id)
            .where(FlagRecord.status == "open")
            .order_by(FlagRecord.id)
        ).all()
    result: dict[int, list[dict[str, Any]]] = {}
    for version_id, r in rows:
        result.setdefault(version_id, []).append(
            {"id": r.identity, "kind": r.kind, "severity": r.severity, "message": r.message, "values": r.values, "evidence": r.evidence}
        )
    return result


class UnknownFlagError(LookupError):
    pass


def review_flag(url: str, identity: str, decision: str, note: str = "", reviewer: str = "") -> None:
    """Record a reviewer's accept/dismiss with a note; earlier reviews are kept as the audit trail."""
    if decision not in REVIEW_DECISIONS:
        raise ValueError(f"decision must be one of {', '.join(REVIEW_DECISIONS)}")
    with session_scope(url) as session:
        flag_id = session.scalar(select(FlagRecord.id).where(FlagRecord.identity == identity))
        if flag_id is None:
            raise UnknownFlagError(f"no flag with id {identity}")
        session.add(Review(flag_id=flag_id, decision=decision, note=note, reviewer=reviewer))
