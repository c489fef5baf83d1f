"""Typed records read back from the relational rows, the one stored shape of an extraction.

`load_extractions` rebuilds models.records.Extraction for many versions at once: a fixed number of statements per
BATCH versions, whatever their size. Rows come back in the order store_records wrote them (by id), which is the
extraction's own order.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Integer, Text, any_, bindparam, cast, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from extractors.text import PAGE_SEPARATOR
from extractors.version import EXTRACTOR_VERSION
from models.records import (
    Amount,
    AttendanceEntry,
    CaseNumber,
    DateFact,
    Entity,
    Extraction,
    Item,
    ItemEntryKind,
    Meeting,
    Period,
    Reference,
    Section,
    Span,
    Vote,
)
from models.schema import (
    AmountRecord,
    Attendance,
    CaseMention,
    DateFactRecord,
    Decision,
    DocumentVersion,
    EntityRecord,
    ExtractionRecord,
    ItemEntry,
    ItemRecord,
    MeetingRecord,
    Page,
    PeriodRecord,
    ReferenceRecord,
    SectionRecord,
    SpanRecord,
    VoteChoice,
    VoteRecord,
)

#: Versions read per round of statements: bounds the IN lists (SQLite's bound parameters) and the memory.
BATCH = 500

#: Item.<field> -> ItemEntry.kind: the lists an item prints, one row per line.
ITEM_LISTS = {
    "motions": ItemEntryKind.MOTION,
    "reservations": ItemEntryKind.RESERVATION,
    "conflicts_of_interest": ItemEntryKind.CONFLICT_OF_INTEREST,
    "notes": ItemEntryKind.NOTE,
    "statements": ItemEntryKind.STATEMENT,
    "distribution": ItemEntryKind.DISTRIBUTION,
}


def load_extractions(session: Session, version_ids: Iterable[int], with_sections: bool = True) -> dict[int, Extraction]:
    """version id -> its extraction by the running extractors, for those of `version_ids` that have one.

    `with_sections=False` leaves the sections out (their text is cut from the pages, which the export never needs)."""
    wanted = list(dict.fromkeys(version_ids))
    found: dict[int, Extraction] = {}
    for start in range(0, len(wanted), BATCH):
        found.update(_load_batch(session, wanted[start : start + BATCH], with_sections))
    return found


def _rows(session: Session, statement: Any) -> list[Any]:
    # Plain rows fetched at once, not ORM results: the ORM's per-row loading took a third of the export's time.
    return session.connection().execute(statement).all()


def _raw(column: Any) -> Any:
    """A JSON column as text: most values are [] or null, which need no parser (see _json)."""
    return cast(column, Text)


def _json(value: str | None) -> Any:
    if value is None or value == "null":
        return None
    return [] if value == "[]" else json.loads(value)


def _among(session: Session, column: Any, values: list[int]) -> Any:
    """`column IN values`; on PostgreSQL one array parameter (= ANY), not a parameter per value to send and parse."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=postgresql.ARRAY(Integer)))
    return column.in_(values)


def _document_date(value: date | str | None) -> date | None:
    # Stored as text (YYYY-MM-DD) before migration 0010 made it a date.
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _load_batch(session: Session, version_ids: list[int], with_sections: bool) -> dict[int, Extraction]:
    headers = _rows(
        session,
        select(
            ExtractionRecord.version_id, DocumentVersion.document_id, ExtractionRecord.extractor_version, ExtractionRecord.doc_type,
            ExtractionRecord.municipality, ExtractionRecord.municipality_code, ExtractionRecord.document_date,
        )
        .join(DocumentVersion, DocumentVersion.id == ExtractionRecord.version_id)
        .where(_among(session, ExtractionRecord.version_id, version_ids), ExtractionRecord.extractor_version == EXTRACTOR_VERSION),
    )
    if not headers:
        return {}
    versions = [h[0] for h in headers]
    # By document first: every row table is indexed by document_id; a document's rows are one version's.
    documents = sorted({h[1] for h in headers})

    def of_batch(model: Any) -> list[Any]:
        return [_among(session, model.document_id, documents), _among(session, model.version_id, versions)]

    extractions = {
        version_id: Extraction(
            doc_type=doc_type, municipality=municipality, municipality_code=code, date=_document_date(day), extractor_version=extractor,
        )
        for version_id, _document, extractor, doc_type, municipality, code, day in headers
    }

    spans: dict[int, Span] = {}
    for span_id, page, start, end, box, confidence in _rows(
        session,
        select(SpanRecord.id, SpanRecord.page, SpanRecord.start, SpanRecord.end, _raw(SpanRecord.box), SpanRecord.confidence).where(*of_batch(SpanRecord)),
    ):
        box = _json(box)
        spans[span_id] = Span(page, start, end, tuple(box) if box is not None else None, confidence)

    if with_sections:
        _sections(session, extractions, of_batch, versions)
    _meetings(session, extractions, spans, of_batch)
    _items(session, extractions, spans, of_batch)

    for version_id, raw, normalised, year, register, serial, classification, rule, confidence, span_id in _rows(
        session,
        select(
            CaseMention.version_id, CaseMention.raw, CaseMention.normalised, CaseMention.year, CaseMention.register, CaseMention.serial,
            CaseMention.classification, CaseMention.rule, CaseMention.confidence, CaseMention.span_id,
        ).where(*of_batch(CaseMention)).order_by(CaseMention.id)
    ):
        extractions[version_id].case_numbers.append(
            CaseNumber(raw, normalised, year, register, serial, classification, spans.get(span_id), rule, confidence)
        )
    for version_id, text, value, role, span_id, rule, time in _rows(
        session,
        select(
            DateFactRecord.version_id, DateFactRecord.text, DateFactRecord.value, DateFactRecord.role, DateFactRecord.span_id,
            DateFactRecord.rule, DateFactRecord.time,
        ).where(*of_batch(DateFactRecord)).order_by(DateFactRecord.id)
    ):
        extractions[version_id].dates.append(DateFact(text, value, role, spans.get(span_id), rule, time))
    for version_id, text, start, end, stated, span_id, rule in _rows(
        session,
        select(
            PeriodRecord.version_id, PeriodRecord.text, PeriodRecord.start, PeriodRecord.end, PeriodRecord.stated_years,
            PeriodRecord.span_id, PeriodRecord.rule,
        ).where(*of_batch(PeriodRecord)).order_by(PeriodRecord.id)
    ):
        extractions[version_id].periods.append(Period(text, start, end, stated, spans.get(span_id), rule))
    for version_id, text, value, unit, approximate, per, span_id, rule in _rows(
        session,
        select(
            AmountRecord.version_id, AmountRecord.text, AmountRecord.value, AmountRecord.unit, AmountRecord.approximate, AmountRecord.per,
            AmountRecord.span_id, AmountRecord.rule,
        ).where(*of_batch(AmountRecord)).order_by(AmountRecord.id)
    ):
        extractions[version_id].amounts.append(Amount(text, value, unit, approximate, per, spans.get(span_id), rule))
    for version_id, label, text, value, rule, span_id in _rows(
        session,
        select(EntityRecord.version_id, EntityRecord.label, EntityRecord.text, EntityRecord.value, EntityRecord.rule, EntityRecord.span_id)
        .where(*of_batch(EntityRecord)).order_by(EntityRecord.id)
    ):
        extractions[version_id].entities.append(Entity(label, text, value, rule, spans.get(span_id)))
    return extractions


def _sections(session: Session, extractions: dict[int, Extraction], of_batch: Any, versions: list[int]) -> None:
    """Sections with their text cut from the pages, joined as the extractors joined them (pages read without error)."""
    pages: dict[int, list[str]] = defaultdict(list)
    for version_id, text in _rows(
        session,
        select(Page.version_id, Page.text)
        .where(_among(session, Page.version_id, versions), Page.error.is_(None) | (Page.error == ""))
        .order_by(Page.version_id, Page.number)
    ):
        pages[version_id].append(text)
    joined = {version_id: PAGE_SEPARATOR.join(texts) for version_id, texts in pages.items()}
    for version_id, kind, start, end, page_start, page_end, rule, label in _rows(
        session,
        select(
            SectionRecord.version_id, SectionRecord.kind, SectionRecord.start, SectionRecord.end, SectionRecord.page_start,
            SectionRecord.page_end, SectionRecord.rule, SectionRecord.label,
        ).where(*of_batch(SectionRecord)).order_by(SectionRecord.id)
    ):
        text = joined.get(version_id, "")[start:end]
        extractions[version_id].sections.append(Section(kind, start, end, page_start, page_end, text, rule, label))


def _meetings(session: Session, extractions: dict[int, Extraction], spans: dict[int, Span], of_batch: Any) -> None:
    meetings: dict[int, Meeting] = {}
    for (
        meeting_id, version_id, body, day, time, place, first, last, chair, secretary, adjusters, adjusted_on, adjustment_place,
        notice_posted, notice_removed, storage_place, span_id, rule, confidence,
    ) in _rows(
        session,
        select(
            MeetingRecord.id, MeetingRecord.version_id, MeetingRecord.body, MeetingRecord.date, MeetingRecord.time, MeetingRecord.place,
            MeetingRecord.paragraph_first, MeetingRecord.paragraph_last, MeetingRecord.chair, MeetingRecord.secretary,
            _raw(MeetingRecord.adjusters), MeetingRecord.adjusted_on, MeetingRecord.adjustment_place, MeetingRecord.notice_posted,
            MeetingRecord.notice_removed, MeetingRecord.storage_place, MeetingRecord.span_id, MeetingRecord.rule, MeetingRecord.confidence,
        ).where(*of_batch(MeetingRecord)).order_by(MeetingRecord.id),
    ):
        meetings[meeting_id] = meeting = Meeting(
            body, day, time, place, (first, last) if first is not None and last is not None else None, chair, secretary,
            _json(adjusters) or [], adjusted_on, adjustment_place, notice_posted, notice_removed, storage_place, [], spans.get(span_id),
            rule, confidence,
        )
        extractions[version_id].meetings.append(meeting)
    if not meetings:
        return
    for (
        meeting_id, name, printed_name, role, party, function, title, department, paragraphs, serving_for, times, municipality,
        span_id, rule, confidence,
    ) in _rows(
        session,
        select(
            Attendance.meeting_id, Attendance.name, Attendance.printed_name, Attendance.role, Attendance.party, Attendance.function,
            Attendance.title, Attendance.department, _raw(Attendance.paragraphs), Attendance.serving_for, _raw(Attendance.times),
            Attendance.municipality, Attendance.span_id, Attendance.rule, Attendance.confidence,
        )
        .join(MeetingRecord, MeetingRecord.id == Attendance.meeting_id)
        .where(*of_batch(MeetingRecord))
        .order_by(Attendance.id),
    ):
        meetings[meeting_id].attendance.append(
            AttendanceEntry(
                printed_name if printed_name is not None else name, role, party, function, title, department, _json(paragraphs) or [],
                serving_for, [tuple(t) for t in _json(times) or ()], municipality, spans.get(span_id), rule, confidence,
            )
        )


def _items(session: Session, extractions: dict[int, Extraction], spans: dict[int, Span], of_batch: Any) -> None:
    items: dict[int, Item] = {}
    for (
        item_id, version_id, number, paragraph, title, body, meeting_date, span_id, rule, proposed_by, confidence, raw, normalised,
        year, register, serial, classification, case_span_id, case_rule, case_confidence, kind, clauses, immediate,
    ) in _rows(
        session,
        select(
            ItemRecord.id, ItemRecord.version_id, ItemRecord.number, ItemRecord.paragraph, ItemRecord.title, ItemRecord.body,
            ItemRecord.meeting_date, ItemRecord.span_id, ItemRecord.rule, ItemRecord.proposed_by, ItemRecord.confidence,
            ItemRecord.case_number, ItemRecord.case_normalised, ItemRecord.case_year, ItemRecord.case_register, ItemRecord.case_serial,
            ItemRecord.case_classification, ItemRecord.case_span_id, ItemRecord.case_rule, ItemRecord.case_number_confidence,
            Decision.kind, _raw(Decision.clauses), Decision.immediate_adjustment,
        )
        .outerjoin(Decision, Decision.item_id == ItemRecord.id)
        .where(*of_batch(ItemRecord))
        .order_by(ItemRecord.id),
    ):
        case = None
        if raw is not None:
            case = CaseNumber(
                raw, normalised or "", year, register, serial, classification, spans.get(case_span_id), case_rule or "",
                case_confidence if case_confidence is not None else 1.0,
            )
        items[item_id] = item = Item(
            number, paragraph, title, case, body, meeting_date, kind, _json(clauses) or [], bool(immediate),
            span=spans.get(span_id), rule=rule, proposed_by=proposed_by, confidence=confidence,
        )
        extractions[version_id].items.append(item)
    if not items:
        return
    in_batch = of_batch(ItemRecord)
    for item_id, text, body, day, paragraph, span_id, rule in _rows(
        session,
        select(ReferenceRecord.item_id, ReferenceRecord.text, ReferenceRecord.body, ReferenceRecord.date, ReferenceRecord.paragraph,
               ReferenceRecord.span_id, ReferenceRecord.rule)
        .join(ItemRecord, ItemRecord.id == ReferenceRecord.item_id).where(*in_batch).order_by(ReferenceRecord.id),
    ):
        items[item_id].references.append(Reference(text, body, day, paragraph, spans.get(span_id), rule))
    lists = {kind: name for name, kind in ITEM_LISTS.items()}
    for item_id, kind, text in _rows(
        session,
        select(ItemEntry.item_id, ItemEntry.kind, ItemEntry.text)
        .join(ItemRecord, ItemRecord.id == ItemEntry.item_id).where(*in_batch).order_by(ItemEntry.id),
    ):
        getattr(items[item_id], lists[kind]).append(text)
    votes: dict[int, Vote] = {}
    for vote_id, item_id, yes, no, abstain, proposition, span_id, rule, confidence in _rows(
        session,
        select(VoteRecord.id, VoteRecord.item_id, VoteRecord.yes, VoteRecord.no, VoteRecord.abstain, VoteRecord.proposition,
               VoteRecord.span_id, VoteRecord.rule, VoteRecord.confidence)
        .join(ItemRecord, ItemRecord.id == VoteRecord.item_id).where(*in_batch).order_by(VoteRecord.id),
    ):
        votes[vote_id] = vote = Vote(yes, no, abstain, proposition, span=spans.get(span_id), rule=rule, confidence=confidence)
        items[item_id].votes.append(vote)
    if not votes:
        return
    for vote_id, choice, printed, name in _rows(
        session,
        select(VoteChoice.vote_id, VoteChoice.choice, VoteChoice.printed, VoteChoice.name)
        .join(VoteRecord, VoteRecord.id == VoteChoice.vote_id)
        .join(ItemRecord, ItemRecord.id == VoteRecord.item_id)
        .where(*in_batch)
        .order_by(VoteChoice.id),
    ):
        getattr(votes[vote_id], f"{choice}_names").append(printed or name)
