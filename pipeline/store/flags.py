"""Stored flags and their reviews, and the facts the consistency engine reads.

A flag's identity is a stable hash (models.claims.flag_identity): the same
finding on a re-run updates the same row, so reviews survive. Flags that a
re-check of their matter no longer raises become `stale`, never deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, NamedTuple

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from extractors.text import PAGE_SEPARATOR
from extractors.version import EXTRACTOR_VERSION
from models.claims import DocumentFacts, Flag
from models.db import session_scope, write_session
from models.records import AttendanceEntry, CaseNumber, Extraction, Item, Meeting, Reference, Section, Vote
from models.schema import (
    Attendance,
    CaseMention,
    Document,
    DocumentVersion,
    ExtractionRecord,
    FlagDocument,
    FlagRecord,
    ItemRecord,
    MeetingRecord,
    Page,
    ReferenceRecord,
    Review,
    SectionRecord,
    VoteRecord,
)
from pipeline.store import repository

REVIEW_DECISIONS = ("accepted", "dismissed")


def load_facts(url: str, documents: Iterable[int] | None = None) -> tuple[list[DocumentFacts], dict[int, str], dict[str, int]]:
    """Every current, extracted document (of the document ids `documents` when given) as DocumentFacts, by path;
    plus version id -> path and path -> document id."""
    with session_scope(url) as session:
        query = (
            select(Document.id, Document.path, DocumentVersion.id)
            .join(DocumentVersion, DocumentVersion.id == Document.current_version_id)
            .join(
                ExtractionRecord,
                (ExtractionRecord.version_id == DocumentVersion.id) & (ExtractionRecord.extractor_version == EXTRACTOR_VERSION),
            )
            .order_by(Document.path)
        )
        if documents is not None:
            query = query.where(Document.id.in_(list(documents)))
        rows = session.execute(query).all()
        version_ids = [r[2] for r in rows]
        pages: dict[int, dict[int, str]] = {}
        for version_id, number, text in session.execute(
            select(Page.version_id, Page.number, Page.text).where(Page.version_id.in_(version_ids))
        ):
            pages.setdefault(version_id, {})[number] = text
        extractions = repository.load_extractions(session, version_ids)
    facts: list[DocumentFacts] = []
    by_version: dict[int, str] = {}
    document_ids: dict[str, int] = {}
    for document_id, path, version_id in rows:
        extraction = extractions[version_id]
        facts.append(DocumentFacts(path, extraction.date, _issuer(extraction), extraction, pages.get(version_id, {})))
        by_version[version_id] = path
        document_ids[path] = document_id
    return facts, by_version, document_ids


def _issuer(extraction: Extraction) -> str | None:
    if extraction.municipality:
        return extraction.municipality
    bodies = [m.body for m in extraction.meetings if m.body]
    return bodies[0] if bodies else None


def unchecked_extractions(url: str) -> list[int]:
    """Ids of extractions by the running extractors that no check has covered yet."""
    with session_scope(url) as session:
        return list(
            session.scalars(
                select(ExtractionRecord.id).where(
                    ExtractionRecord.extractor_version == EXTRACTOR_VERSION, ExtractionRecord.checked_at.is_(None)
                )
            )
        )


def unchecked_documents(url: str) -> list[str]:
    """Paths of current documents whose extraction no check has covered (a run stopped before its check)."""
    with session_scope(url) as session:
        return list(
            session.scalars(
                select(Document.path)
                .join(ExtractionRecord, ExtractionRecord.version_id == Document.current_version_id)
                .where(ExtractionRecord.extractor_version == EXTRACTOR_VERSION, ExtractionRecord.checked_at.is_(None))
                .order_by(Document.path)
            )
        )


def extractions_of(url: str, versions: set[int] | None) -> list[int]:
    with session_scope(url) as session:
        query = select(ExtractionRecord.id).where(ExtractionRecord.extractor_version == EXTRACTOR_VERSION)
        if versions is not None:
            query = query.where(ExtractionRecord.version_id.in_(versions))
        return list(session.scalars(query))


def store_flags(
    url: str, flags: list[Flag], document_ids: dict[str, int], checked: set[str], extraction_ids: list[int] = ()
) -> None:
    """Upsert flags by identity; flags of the checked documents not raised again become stale; the
    extractions `extraction_ids` are recorded as checked.

    A reviewed finding whose identity changed because its matter grew (a new document joins it and
    renames the matter or adds a quote) is still the same finding: same rule, same values and a quote
    in common. It keeps its stored id, and so the id its review was given under. A finding nobody has
    reviewed takes the identity of what it is now, so that ids depend on the documents, never on the
    order in which they were checked.
    """
    now = datetime.now(timezone.utc)
    with write_session(url) as session:
        records = list(session.scalars(select(FlagRecord)))
        existing = {r.identity: r for r in records}
        raised = {f.identity for f in flags}
        reviewed = set(session.scalars(select(Review.flag_id).distinct()))
        carried = [r for r in records if r.id in reviewed and r.identity not in raised]
        matched = _upsert(session, flags, existing, carried, document_ids, now)
        checked_ids = {document_ids[p] for p in checked if p in document_ids}
        if checked_ids:
            cited_checked = select(FlagDocument.flag_id).where(FlagDocument.document_id.in_(checked_ids))
            session.execute(
                update(FlagRecord)
                .where(FlagRecord.id.in_(cited_checked), FlagRecord.status == "open", FlagRecord.id.not_in(matched))
                .values(status="stale")
                .execution_options(synchronize_session=False)
            )
        if extraction_ids:
            session.execute(
                update(ExtractionRecord).where(ExtractionRecord.id.in_(list(extraction_ids))).values(checked_at=now)
                .execution_options(synchronize_session=False)
            )



class Header(NamedTuple):
    """A document's extraction header by the running extractors, as the consistency check sees it."""

    document_id: int
    path: str
    extraction_id: int
    current: bool  # of the document's current version: the document is one a check reads
    checked: bool  # a check has covered it


def check_headers(url: str) -> list[Header]:
    """Every extraction header by the running extractors with its document, by path (load_facts' order)."""
    with session_scope(url) as session:
        rows = session.execute(
            select(Document.id, Document.path, ExtractionRecord.id, ExtractionRecord.version_id == Document.current_version_id,
                   ExtractionRecord.checked_at.is_not(None))
            .join(DocumentVersion, DocumentVersion.document_id == Document.id)
            .join(ExtractionRecord, (ExtractionRecord.version_id == DocumentVersion.id) & (ExtractionRecord.extractor_version == EXTRACTOR_VERSION))
            .order_by(Document.path, ExtractionRecord.id)
        ).all()
    return [Header(document_id, path, extraction_id, bool(current), bool(checked)) for document_id, path, extraction_id, current, checked in rows]


def version_counts(url: str, document_ids: Iterable[int]) -> dict[int, int]:
    """How many versions each of these documents has stored."""
    with session_scope(url) as session:
        return dict(
            session.execute(
                select(DocumentVersion.document_id, func.count())
                .where(DocumentVersion.document_id.in_(list(document_ids)))
                .group_by(DocumentVersion.document_id)
            ).all()
        )


def open_kinds(url: str) -> set[str]:
    """The kinds of the open flags."""
    with session_scope(url) as session:
        return set(session.scalars(select(FlagRecord.kind).where(FlagRecord.status == "open").distinct()))


def load_footprint_facts(url: str, section_kinds: Iterable[str]) -> dict[int, DocumentFacts]:
    """Every document with an extraction header by the running extractors, as DocumentFacts holding only what a
    footprint reads (pipeline.consistency.footprint): items (number, §, title, body, date, case number, references,
    votes' confidence), case numbers, meetings (body, date, § range, confidence, närvarolista) and the sections of
    `section_kinds` with their text; no page texts. Built as pipeline.store.repository builds them, from fewer columns."""
    headed = (
        select(DocumentVersion.document_id)
        .join(ExtractionRecord, (ExtractionRecord.version_id == DocumentVersion.id) & (ExtractionRecord.extractor_version == EXTRACTOR_VERSION))
    )
    kinds = list(section_kinds)
    with session_scope(url) as session:
        # Core statements: the ORM's row handling costs more than the rows here.
        conn = session.connection()
        extractions: dict[int, Extraction] = {}
        paths: dict[int, str] = {}
        for document_id, path, doc_type in conn.execute(
            select(Document.id, Document.path, ExtractionRecord.doc_type)
            .join(DocumentVersion, DocumentVersion.document_id == Document.id)
            .join(ExtractionRecord, (ExtractionRecord.version_id == DocumentVersion.id) & (ExtractionRecord.extractor_version == EXTRACTOR_VERSION))
            .order_by(ExtractionRecord.id)
        ):
            paths[document_id] = path
            extractions[document_id] = Extraction(doc_type=doc_type)
        items: dict[int, Item] = {}
        for row in conn.execute(
            select(ItemRecord.id, ItemRecord.document_id, ItemRecord.number, ItemRecord.paragraph, ItemRecord.title, ItemRecord.body,
                   ItemRecord.meeting_date, ItemRecord.case_number, ItemRecord.case_normalised, ItemRecord.case_year,
                   ItemRecord.case_register, ItemRecord.case_serial)
            .where(ItemRecord.document_id.in_(headed)).order_by(ItemRecord.id)
        ):
            case = None
            if row.case_number is not None:
                case = CaseNumber(row.case_number, row.case_normalised or "", row.case_year, row.case_register, row.case_serial)
            items[row.id] = item = Item(
                number=row.number, paragraph=row.paragraph, title=row.title, case_number=case, body=row.body, meeting_date=row.meeting_date,
            )
            extractions[row.document_id].items.append(item)
        for item_id, text, body, day, paragraph in conn.execute(
            select(ReferenceRecord.item_id, ReferenceRecord.text, ReferenceRecord.body, ReferenceRecord.date, ReferenceRecord.paragraph)
            .join(ItemRecord, ItemRecord.id == ReferenceRecord.item_id).where(ItemRecord.document_id.in_(headed)).order_by(ReferenceRecord.id)
        ):
            items[item_id].references.append(Reference(text, body, day, paragraph))
        for item_id, confidence in conn.execute(
            select(VoteRecord.item_id, VoteRecord.confidence)
            .join(ItemRecord, ItemRecord.id == VoteRecord.item_id).where(ItemRecord.document_id.in_(headed)).order_by(VoteRecord.id)
        ):
            items[item_id].votes.append(Vote(confidence=confidence))
        for document_id, raw, normalised, year, register, serial in conn.execute(
            select(CaseMention.document_id, CaseMention.raw, CaseMention.normalised, CaseMention.year, CaseMention.register, CaseMention.serial)
            .where(CaseMention.document_id.in_(headed)).order_by(CaseMention.id)
        ):
            extractions[document_id].case_numbers.append(CaseNumber(raw, normalised, year, register, serial))
        meetings: dict[int, Meeting] = {}
        for meeting_id, document_id, body, day, first, last, confidence in conn.execute(
            select(MeetingRecord.id, MeetingRecord.document_id, MeetingRecord.body, MeetingRecord.date, MeetingRecord.paragraph_first,
                   MeetingRecord.paragraph_last, MeetingRecord.confidence)
            .where(MeetingRecord.document_id.in_(headed)).order_by(MeetingRecord.id)
        ):
            span = (first, last) if first is not None and last is not None else None
            meetings[meeting_id] = meeting = Meeting(body=body, date=day, paragraph_range=span, confidence=confidence)
            extractions[document_id].meetings.append(meeting)
        for row in conn.execute(
            select(Attendance.meeting_id, Attendance.name, Attendance.printed_name, Attendance.role, Attendance.paragraphs,
                   Attendance.serving_for, Attendance.confidence)
            .join(MeetingRecord, MeetingRecord.id == Attendance.meeting_id).where(MeetingRecord.document_id.in_(headed)).order_by(Attendance.id)
        ):
            meetings[row.meeting_id].attendance.append(
                AttendanceEntry(
                    name=row.printed_name if row.printed_name is not None else row.name, role=row.role,
                    paragraphs=list(row.paragraphs or []), serving_for=row.serving_for, confidence=row.confidence,
                )
            )
        sections = conn.execute(
            select(SectionRecord.document_id, SectionRecord.version_id, SectionRecord.kind, SectionRecord.start, SectionRecord.end,
                   SectionRecord.page_start, SectionRecord.page_end)
            .where(SectionRecord.document_id.in_(headed), SectionRecord.kind.in_(kinds)).order_by(SectionRecord.id)
        ).all() if kinds else []
        pages: dict[int, list[str]] = {}
        if sections:
            for version_id, text in conn.execute(
                select(Page.version_id, Page.text)
                .where(Page.version_id.in_({s.version_id for s in sections}), (Page.error.is_(None)) | (Page.error == ""))
                .order_by(Page.version_id, Page.number)
            ):
                pages.setdefault(version_id, []).append(text)
    joined = {version_id: PAGE_SEPARATOR.join(texts) for version_id, texts in pages.items()}
    for document_id, version_id, kind, start, end, page_start, page_end in sections:
        extractions[document_id].sections.append(Section(kind, start, end, page_start, page_end, joined.get(version_id, "")[start:end]))
    return {d: DocumentFacts(paths[d], None, None, extractions[d]) for d in extractions}


def store_flags_within(
    url: str,
    flags: list[Flag],
    document_ids: dict[str, int],
    scopes: list[tuple[tuple[str, ...] | None, set[int]]],
    departed: set[int],
    universe: set[int],
    extraction_ids: list[int],
) -> int:
    """store_flags for a check that re-ran its rules over part of the documents; the number of open flags after it.

    `scopes` pairs kinds (None: every kind) with the documents whose flags of those kinds the check raised again
    in full: an open flag of those kinds citing one of them that is not in `flags` becomes stale, and no other.
    A flag citing a `departed` document (one no longer checked) and a document of the `universe` (those checked)
    becomes stale too: it can no longer be raised. Reviewed findings are matched as store_flags matches them,
    among the reviewed flags a check of every document would not raise again.
    """
    now = datetime.now(timezone.utc)
    raised = [f.identity for f in flags]
    with write_session(url) as session:
        existing: dict[str, FlagRecord] = {}
        for start in range(0, len(raised), 500):
            existing.update((r.identity, r) for r in session.scalars(select(FlagRecord).where(FlagRecord.identity.in_(raised[start:start + 500]))))
        reviewed_ids = select(Review.flag_id).distinct()
        reviewed = [r for r in session.scalars(select(FlagRecord).where(FlagRecord.id.in_(reviewed_ids)).order_by(FlagRecord.id)) if r.identity not in existing]
        cited: dict[int, set[int]] = {}
        if reviewed:
            for flag_id, document_id in session.execute(
                select(FlagDocument.flag_id, FlagDocument.document_id).where(FlagDocument.flag_id.in_([r.id for r in reviewed]))
            ):
                cited.setdefault(flag_id, set()).add(document_id)

        def rechecked(record: FlagRecord) -> bool:
            docs = cited.get(record.id, set())
            if docs & departed and docs & universe:
                return True
            return any((kinds is None or record.kind in kinds) and docs & ids for kinds, ids in scopes)

        # A reviewed open flag outside what was re-run is one this check leaves as it is: raised again, had every
        # document been checked, so not free to be matched with a new finding.
        carried = [r for r in reviewed if not (r.status == "open" and cited.get(r.id, set()) & universe and not rechecked(r))]
        matched = _upsert(session, flags, existing, carried, document_ids, now)

        def stale(*conditions) -> None:
            session.execute(
                update(FlagRecord)
                .where(FlagRecord.status == "open", FlagRecord.id.not_in(matched), *conditions)
                .values(status="stale")
                .execution_options(synchronize_session=False)
            )

        for kinds, ids in scopes:
            if ids:
                citing = select(FlagDocument.flag_id).where(FlagDocument.document_id.in_(ids))
                stale(FlagRecord.id.in_(citing), *([FlagRecord.kind.in_(kinds)] if kinds is not None else []))
        if departed:
            checked_documents = (
                select(FlagDocument.flag_id)
                .join(Document, Document.id == FlagDocument.document_id)
                .join(ExtractionRecord, (ExtractionRecord.version_id == Document.current_version_id) & (ExtractionRecord.extractor_version == EXTRACTOR_VERSION))
            )
            stale(FlagRecord.id.in_(select(FlagDocument.flag_id).where(FlagDocument.document_id.in_(departed))), FlagRecord.id.in_(checked_documents))
        if extraction_ids:
            session.execute(
                update(ExtractionRecord).where(ExtractionRecord.id.in_(list(extraction_ids))).values(checked_at=now)
                .execution_options(synchronize_session=False)
            )
        return session.scalar(select(func.count()).select_from(FlagRecord).where(FlagRecord.status == "open")) or 0


def _upsert(
    session, flags: list[Flag], existing: dict[str, FlagRecord], carried: list[FlagRecord], document_ids: dict[str, int], now: datetime
) -> set[int]:
    """Write each flag open over its stored row (same identity, or the reviewed finding it still is); the ids written."""
    insert = _insert(session)
    matched: set[int] = set()
    for flag in flags:
        fields = {
            "kind": flag.kind,
            "severity": flag.severity,
            "message": flag.message,
            "matter": flag.matter,
            "values": list(flag.values),
            "evidence": [_evidence(e) for e in flag.evidence],
            "status": "open",
            "last_seen": now,
        }
        record = existing.get(flag.identity) or _same_finding(flag, carried, matched)
        if record is not None:
            session.execute(update(FlagRecord).where(FlagRecord.id == record.id).values(**fields))
            flag_id = record.id
        else:
            flag_id = session.execute(
                insert(FlagRecord)
                .values(identity=flag.identity, first_seen=now, **fields)
                .on_conflict_do_update(index_elements=["identity"], set_=fields)
                .returning(FlagRecord.id)
            ).scalar_one()
        matched.add(flag_id)
        session.execute(delete(FlagDocument).where(FlagDocument.flag_id == flag_id))
        cited = sorted({document_ids[path] for path in flag.documents if path in document_ids})
        if cited:
            session.execute(
                insert(FlagDocument)
                .values([{"flag_id": flag_id, "document_id": d} for d in cited])
                .on_conflict_do_nothing(index_elements=["flag_id", "document_id"])
            )
    return matched


def _insert(session):
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


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
    # By identity, not row id: the order rows were written in depends on which process checked first.
    records = sorted(records, key=lambda r: (rank.get(r.severity, 3), r.kind, r.identity))
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


def flags_by_version(url: str, version_ids: list[int] | None = None) -> dict[int, list[dict[str, Any]]]:
    """Open flags per current document version, for the export (a cross-document flag on each), most severe first;
    of the given current versions only (the export's chunk) when `version_ids` is given."""
    with session_scope(url) as session:
        stmt = (
            select(Document.current_version_id, FlagRecord)
            .join(FlagDocument, FlagDocument.document_id == Document.id)
            .join(FlagRecord, FlagRecord.id == FlagDocument.flag_id)
            .where(FlagRecord.status == "open")
        )
        if version_ids is not None:
            # By the documents of these versions: flag_documents is indexed by document, current_version_id is not.
            stmt = stmt.where(FlagDocument.document_id.in_(select(DocumentVersion.document_id).where(DocumentVersion.id.in_(version_ids))))
        rows = session.execute(stmt).all()
    rank = {"error": 0, "warning": 1, "info": 2}
    # Ordered by what a flag is, never by row id: rows are written in the order checks happened to run.
    rows = sorted(rows, key=lambda row: (rank.get(row[1].severity, 3), row[1].kind, row[1].identity))
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
    with write_session(url) as session:
        flag_id = session.scalar(select(FlagRecord.id).where(FlagRecord.identity == identity))
        if flag_id is None:
            raise UnknownFlagError(f"no flag with id {identity}")
        session.add(Review(flag_id=flag_id, decision=decision, note=note, reviewer=reviewer))
