"""Typed records read back from the relational rows, the one stored shape of an extraction.

`read_batches` is the one reader of those rows: a fixed number of statements per BATCH versions, whatever their
size, each table's rows as the driver returns them (plain tuples, in the column order of its statement below;
dates as the driver gives them: text on SQLite, `date` on PostgreSQL, see `day` and `iso`). Rows come in the order
store_records wrote them (by id), which is the extraction's own order. `load_extractions` builds
models.records.Extraction from them; the export (pipeline.research.export) writes its lines from the same tuples,
without typed records in between.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
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


def _raw(column: Any) -> Any:
    """A JSON column as text: most values are [] or null, which need no parser (see json_value)."""
    return cast(column, Text)


# The columns of each table's statement, in the order its tuples come in.
HEADER = (
    ExtractionRecord.version_id, DocumentVersion.document_id, ExtractionRecord.extractor_version, ExtractionRecord.doc_type,
    ExtractionRecord.municipality, ExtractionRecord.municipality_code, ExtractionRecord.document_date,
)
SPAN = (SpanRecord.id, SpanRecord.page, SpanRecord.start, SpanRecord.end, _raw(SpanRecord.box), SpanRecord.confidence)
SECTION = (
    SectionRecord.version_id, SectionRecord.kind, SectionRecord.start, SectionRecord.end, SectionRecord.page_start,
    SectionRecord.page_end, SectionRecord.rule, SectionRecord.label,
)
MEETING = (
    MeetingRecord.id, MeetingRecord.version_id, MeetingRecord.body, MeetingRecord.date, MeetingRecord.time, MeetingRecord.place,
    MeetingRecord.paragraph_first, MeetingRecord.paragraph_last, MeetingRecord.chair, MeetingRecord.secretary,
    _raw(MeetingRecord.adjusters), MeetingRecord.adjusted_on, MeetingRecord.adjustment_place, MeetingRecord.notice_posted,
    MeetingRecord.notice_removed, MeetingRecord.storage_place, MeetingRecord.span_id, MeetingRecord.rule, MeetingRecord.confidence,
)
ATTENDANCE = (
    Attendance.meeting_id, Attendance.name, Attendance.printed_name, Attendance.role, Attendance.party, Attendance.function,
    Attendance.title, Attendance.department, _raw(Attendance.paragraphs), Attendance.serving_for, _raw(Attendance.times),
    Attendance.municipality, Attendance.span_id, Attendance.rule, Attendance.confidence,
)
ITEM = (
    ItemRecord.id, ItemRecord.version_id, ItemRecord.number, ItemRecord.paragraph, ItemRecord.title, ItemRecord.body,
    ItemRecord.meeting_date, ItemRecord.span_id, ItemRecord.rule, ItemRecord.proposed_by, ItemRecord.confidence,
    ItemRecord.case_number, ItemRecord.case_normalised, ItemRecord.case_year, ItemRecord.case_register, ItemRecord.case_serial,
    ItemRecord.case_classification, ItemRecord.case_span_id, ItemRecord.case_rule, ItemRecord.case_number_confidence,
    Decision.kind, _raw(Decision.clauses), Decision.immediate_adjustment,
)
REFERENCE = (
    ReferenceRecord.item_id, ReferenceRecord.text, ReferenceRecord.body, ReferenceRecord.date, ReferenceRecord.paragraph,
    ReferenceRecord.span_id, ReferenceRecord.rule,
)
ENTRY = (ItemEntry.item_id, ItemEntry.kind, ItemEntry.text)
VOTE = (
    VoteRecord.id, VoteRecord.item_id, VoteRecord.yes, VoteRecord.no, VoteRecord.abstain, VoteRecord.proposition,
    VoteRecord.span_id, VoteRecord.rule, VoteRecord.confidence,
)
CHOICE = (VoteChoice.vote_id, VoteChoice.choice, VoteChoice.printed, VoteChoice.name)
CASE_NUMBER = (
    CaseMention.version_id, CaseMention.raw, CaseMention.normalised, CaseMention.year, CaseMention.register, CaseMention.serial,
    CaseMention.classification, CaseMention.rule, CaseMention.confidence, CaseMention.span_id,
)
DATE = (
    DateFactRecord.version_id, DateFactRecord.text, DateFactRecord.value, DateFactRecord.role, DateFactRecord.span_id,
    DateFactRecord.rule, DateFactRecord.time,
)
PERIOD = (
    PeriodRecord.version_id, PeriodRecord.text, PeriodRecord.start, PeriodRecord.end, PeriodRecord.stated_years,
    PeriodRecord.span_id, PeriodRecord.rule,
)
AMOUNT = (
    AmountRecord.version_id, AmountRecord.text, AmountRecord.value, AmountRecord.unit, AmountRecord.approximate, AmountRecord.per,
    AmountRecord.span_id, AmountRecord.rule,
)
ENTITY = (EntityRecord.version_id, EntityRecord.label, EntityRecord.text, EntityRecord.value, EntityRecord.rule, EntityRecord.span_id)


@dataclass(slots=True)
class BatchRows:
    """One batch's rows, each table's tuples in the column order above (spans by id; their box is JSON text)."""

    headers: list[tuple]
    spans: dict[int, tuple]
    sections: list[tuple]
    meetings: list[tuple]
    attendance: list[tuple]
    items: list[tuple]
    references: list[tuple]
    entries: list[tuple]
    votes: list[tuple]
    choices: list[tuple]
    case_numbers: list[tuple]
    dates: list[tuple]
    periods: list[tuple]
    amounts: list[tuple]
    entities: list[tuple]
    pages: dict[int, str]
    """version id -> its pages' text joined as the extractors joined them (when sections are read)."""


def json_value(value: str | None) -> Any:
    """A JSON column read as text (see _raw), parsed."""
    if value is None or value == "null":
        return None
    return [] if value == "[]" else json.loads(value)


def day(value: date | str | None) -> date | None:
    """A date column as a date (SQLite's driver gives the stored text, YYYY-MM-DD)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def iso(value: date | str | None) -> str | None:
    """A date column as YYYY-MM-DD."""
    if value is None or isinstance(value, str):
        return value
    return value.isoformat()


def flag(value: Any) -> bool | None:
    """A boolean column as a bool (SQLite's driver gives 0 or 1)."""
    return None if value is None else bool(value)


def _rows(session: Session, statement: Any) -> list[tuple]:
    # The driver's own tuples: no ORM loading and no result processing (a third of the export's time went to the
    # ORM's per-row loading, then a quarter to converting values that the export writes back as text).
    result = session.connection().execute(statement)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _among(session: Session, column: Any, values: list[int]) -> Any:
    """`column IN values`; on PostgreSQL one array parameter (= ANY), not a parameter per value to send and parse."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=postgresql.ARRAY(Integer)))
    # One expanding parameter: SQLAlchemy does not coerce the values one by one (a tenth of a batch's statement time).
    return column.in_(bindparam(None, values, type_=Integer(), expanding=True))


def read_batches(session: Session, version_ids: Iterable[int], with_sections: bool = True) -> Iterator[BatchRows]:
    """The rows of the extractions by the running extractors of `version_ids`, BATCH versions at a time.

    `with_sections=False` leaves the sections and pages out (the export never prints them)."""
    wanted = list(dict.fromkeys(version_ids))
    for start in range(0, len(wanted), BATCH):
        batch = read_batch(session, wanted[start : start + BATCH], with_sections)
        if batch is not None:
            yield batch


def read_batch(session: Session, version_ids: list[int], with_sections: bool = True) -> BatchRows | None:
    """One batch's rows (None when none of the versions has an extraction by the running extractors)."""
    headers = _rows(
        session,
        select(*HEADER)
        .join(DocumentVersion, DocumentVersion.id == ExtractionRecord.version_id)
        .where(_among(session, ExtractionRecord.version_id, version_ids), ExtractionRecord.extractor_version == EXTRACTOR_VERSION),
    )
    if not headers:
        return None
    versions = [h[0] for h in headers]
    # By document first: every row table is indexed by document_id; a document's rows are one version's.
    documents = sorted({h[1] for h in headers})

    def in_batch(model: Any) -> list[Any]:
        return [_among(session, model.document_id, documents), _among(session, model.version_id, versions)]

    def rows_of(columns: tuple, model: Any, own: Any, join: Any = None, outer: bool = False) -> list[tuple]:
        """The rows of `columns` whose `model` (the table itself or the parent joined) is in the batch, ordered by
        document, then by `own` id: each document's rows are found through the index on document_id, in its order."""
        statement = select(*columns)
        if join is not None:
            statement = statement.outerjoin(*join) if outer else statement.join(*join)
        return _rows(session, statement.where(*in_batch(model)).order_by(model.document_id, own))

    spans = {row[0]: row[1:] for row in rows_of(SPAN, SpanRecord, SpanRecord.id)}
    sections: list[tuple] = []
    pages: dict[int, str] = {}
    if with_sections:
        texts: dict[int, list[str]] = defaultdict(list)
        for version_id, text in _rows(
            session,
            select(Page.version_id, Page.text)
            .where(_among(session, Page.version_id, versions), Page.error.is_(None) | (Page.error == ""))
            .order_by(Page.version_id, Page.number),
        ):
            texts[version_id].append(text)
        pages = {version_id: PAGE_SEPARATOR.join(t) for version_id, t in texts.items()}
        sections = rows_of(SECTION, SectionRecord, SectionRecord.id)
    meetings = rows_of(MEETING, MeetingRecord, MeetingRecord.id)
    attendance = rows_of(ATTENDANCE, MeetingRecord, Attendance.id, (MeetingRecord, MeetingRecord.id == Attendance.meeting_id)) if meetings else []
    items = rows_of(ITEM, ItemRecord, ItemRecord.id, (Decision, Decision.item_id == ItemRecord.id), outer=True)
    references: list[tuple] = []
    entries: list[tuple] = []
    votes: list[tuple] = []
    choices: list[tuple] = []
    if items:
        references = rows_of(REFERENCE, ItemRecord, ReferenceRecord.id, (ItemRecord, ItemRecord.id == ReferenceRecord.item_id))
        entries = rows_of(ENTRY, ItemRecord, ItemEntry.id, (ItemRecord, ItemRecord.id == ItemEntry.item_id))
        # Votes are few: found through their own index on item_id from the batch's items (a join from items made
        # SQLite read every vote and every choice).
        of_items = VoteRecord.item_id.in_(select(ItemRecord.id).where(*in_batch(ItemRecord)))
        votes = _rows(session, select(*VOTE).where(of_items).order_by(VoteRecord.id))
        if votes:
            choices = _rows(
                session, select(*CHOICE).where(VoteChoice.vote_id.in_(select(VoteRecord.id).where(of_items))).order_by(VoteChoice.id),
            )
    return BatchRows(
        headers, spans, sections, meetings, attendance, items, references, entries, votes, choices,
        rows_of(CASE_NUMBER, CaseMention, CaseMention.id), rows_of(DATE, DateFactRecord, DateFactRecord.id),
        rows_of(PERIOD, PeriodRecord, PeriodRecord.id), rows_of(AMOUNT, AmountRecord, AmountRecord.id),
        rows_of(ENTITY, EntityRecord, EntityRecord.id), pages,
    )


# --- typed records ------------------------------------------------------------------------------------------


def load_extractions(session: Session, version_ids: Iterable[int], with_sections: bool = True) -> dict[int, Extraction]:
    """version id -> its extraction by the running extractors, for those of `version_ids` that have one.

    `with_sections=False` leaves the sections out (their text is cut from the pages, which the export never needs)."""
    found: dict[int, Extraction] = {}
    for batch in read_batches(session, version_ids, with_sections):
        found.update(extractions_of(batch))
    return found


def extractions_of(batch: BatchRows) -> dict[int, Extraction]:
    """A batch's rows as typed records."""
    extractions = {
        version_id: Extraction(
            doc_type=doc_type, municipality=municipality, municipality_code=code, date=day(document_date), extractor_version=extractor,
        )
        for version_id, _document, extractor, doc_type, municipality, code, document_date in batch.headers
    }
    spans: dict[int, Span] = {}
    for span_id, (page, start, end, box, confidence) in batch.spans.items():
        box = json_value(box)
        spans[span_id] = Span(page, start, end, tuple(box) if box is not None else None, confidence)
    for version_id, kind, start, end, page_start, page_end, rule, label in batch.sections:
        text = batch.pages.get(version_id, "")[start:end]
        extractions[version_id].sections.append(Section(kind, start, end, page_start, page_end, text, rule, label))
    _meetings(batch, extractions, spans)
    _items(batch, extractions, spans)
    for version_id, raw, normalised, year, register, serial, classification, rule, confidence, span_id in batch.case_numbers:
        extractions[version_id].case_numbers.append(
            CaseNumber(raw, normalised, year, register, serial, classification, spans.get(span_id), rule, confidence)
        )
    for version_id, text, value, role, span_id, rule, time in batch.dates:
        extractions[version_id].dates.append(DateFact(text, day(value), role, spans.get(span_id), rule, time))
    for version_id, text, start, end, stated, span_id, rule in batch.periods:
        extractions[version_id].periods.append(Period(text, start, end, stated, spans.get(span_id), rule))
    for version_id, text, value, unit, approximate, per, span_id, rule in batch.amounts:
        extractions[version_id].amounts.append(Amount(text, value, unit, flag(approximate), per, spans.get(span_id), rule))
    for version_id, label, text, value, rule, span_id in batch.entities:
        extractions[version_id].entities.append(Entity(label, text, value, rule, spans.get(span_id)))
    return extractions


def _meetings(batch: BatchRows, extractions: dict[int, Extraction], spans: dict[int, Span]) -> None:
    meetings: dict[int, Meeting] = {}
    for (
        meeting_id, version_id, body, date_, time, place, first, last, chair, secretary, adjusters, adjusted_on, adjustment_place,
        notice_posted, notice_removed, storage_place, span_id, rule, confidence,
    ) in batch.meetings:
        meetings[meeting_id] = meeting = Meeting(
            body, day(date_), time, place, (first, last) if first is not None and last is not None else None, chair, secretary,
            json_value(adjusters) or [], day(adjusted_on), adjustment_place, day(notice_posted), day(notice_removed), storage_place, [],
            spans.get(span_id), rule, confidence,
        )
        extractions[version_id].meetings.append(meeting)
    for (
        meeting_id, name, printed_name, role, party, function, title, department, paragraphs, serving_for, times, municipality,
        span_id, rule, confidence,
    ) in batch.attendance:
        meetings[meeting_id].attendance.append(
            AttendanceEntry(
                printed_name if printed_name is not None else name, role, party, function, title, department, json_value(paragraphs) or [],
                serving_for, [tuple(t) for t in json_value(times) or ()], municipality, spans.get(span_id), rule, confidence,
            )
        )


def _items(batch: BatchRows, extractions: dict[int, Extraction], spans: dict[int, Span]) -> None:
    items: dict[int, Item] = {}
    for (
        item_id, version_id, number, paragraph, title, body, meeting_date, span_id, rule, proposed_by, confidence, raw, normalised,
        year, register, serial, classification, case_span_id, case_rule, case_confidence, kind, clauses, immediate,
    ) in batch.items:
        case = None
        if raw is not None:
            case = CaseNumber(
                raw, normalised or "", year, register, serial, classification, spans.get(case_span_id), case_rule or "",
                case_confidence if case_confidence is not None else 1.0,
            )
        items[item_id] = item = Item(
            number, paragraph, title, case, body, day(meeting_date), kind, json_value(clauses) or [], bool(immediate),
            span=spans.get(span_id), rule=rule, proposed_by=proposed_by, confidence=confidence,
        )
        extractions[version_id].items.append(item)
    for item_id, text, body, date_, paragraph, span_id, rule in batch.references:
        items[item_id].references.append(Reference(text, body, day(date_), paragraph, spans.get(span_id), rule))
    lists = {kind: name for name, kind in ITEM_LISTS.items()}
    for item_id, kind, text in batch.entries:
        getattr(items[item_id], lists[kind]).append(text)
    votes: dict[int, Vote] = {}
    for vote_id, item_id, yes, no, abstain, proposition, span_id, rule, confidence in batch.votes:
        votes[vote_id] = vote = Vote(yes, no, abstain, proposition, span=spans.get(span_id), rule=rule, confidence=confidence)
        items[item_id].votes.append(vote)
    for vote_id, choice, printed, name in batch.choices:
        getattr(votes[vote_id], f"{choice}_names").append(printed or name)
