"""Researcher queries over the relational model: decisions, a person's record, a case's history.

Plain typed functions of (database URL, arguments), so the CLI and a web handler call the same code.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import ColumnElement, Select, exists, func, literal_column, select, text
from sqlalchemy.orm import Session, aliased

from extractors.bodies import normalise_body
from extractors.case_numbers import extract_case_numbers
from models import municipalities
from models.db import session_scope
from models.records import CaseNumber
from models.schema import (
    Attendance,
    Body,
    Case,
    CaseAlias,
    CaseMention,
    Decision,
    Document,
    ExtractionRecord,
    ItemRecord,
    MeetingRecord,
    MunicipalityRecord,
    Party,
    Person,
    SpanRecord,
    VoteChoice,
    VoteRecord,
)
from pipeline.store import search
from pipeline.store.rows import PERSON_THRESHOLD, name_key, registers_match, serial_key


class UnknownMunicipalityError(ValueError):
    """A --municipality value that names none of the 290 kommuner."""

    def __init__(self, name: str):
        super().__init__(f"no Swedish municipality is called {name!r}; give a name (Tyresö, TYRESO, Tyresö kommun) or a code (0138)")


@dataclass(slots=True)
class DecisionFilters:
    """What `decisions` narrows by; every field is optional."""

    municipality: str | None = None
    body: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    case: str | None = None
    text: str | None = None
    limit: int | None = None

    def __post_init__(self) -> None:
        """Filters that would silently match everything (an empty text) or fail on one database only (a negative
        limit is an error on PostgreSQL, no limit on SQLite) are refused here, for every caller."""
        for name in ("municipality", "body", "case", "text"):
            value = getattr(self, name)
            if value is not None and not value.strip():
                raise ValueError(f"{name} must not be empty")
        if self.limit is not None and self.limit < 1:
            raise ValueError(f"limit must be at least 1, not {self.limit}")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(f"date_from {self.date_from} is after date_to {self.date_to}")


@dataclass(slots=True)
class DecisionRow:
    """One item (§ or agenda item) with what was decided and where it is printed."""

    item_id: int
    municipality: str | None
    municipality_code: str | None
    body: str | None
    meeting_date: date | None
    paragraph: int | None
    number: str
    case_number: str | None
    title: str | None
    decision_kind: str | None
    decisions: list[str]
    document: str
    page: int | None

    def as_dict(self) -> dict[str, Any]:
        return _jsonable(self)


@dataclass(slots=True)
class AttendanceRow:
    """A meeting a person attended (or was listed absent at), with role and party then."""

    meeting_date: date | None
    municipality: str | None
    body: str | None
    role: str
    function: str | None
    party: str | None
    paragraphs: list[int]
    serving_for: str | None
    document: str


@dataclass(slots=True)
class VoteCast:
    """A named choice in a roll-call vote."""

    meeting_date: date | None
    body: str | None
    paragraph: int | None
    title: str | None
    choice: str
    document: str


@dataclass(slots=True)
class PersonRecord:
    """One resolved person: parties over time, meetings, votes."""

    person_id: int
    name: str
    municipality: str | None
    parties: list[tuple[str, date | None, date | None]] = field(default_factory=list)
    meetings: list[AttendanceRow] = field(default_factory=list)
    votes: list[VoteCast] = field(default_factory=list)


@dataclass(slots=True)
class PersonReport:
    """Every person whose name matches the query (one per municipality and party history)."""

    query: str
    persons: list[PersonRecord]

    def as_dict(self) -> dict[str, Any]:
        return _jsonable(self)


@dataclass(slots=True)
class CaseRow:
    """An item about a case, or (kind "mention") a document that cites its number without an item."""

    kind: str
    date: date | None
    municipality: str | None
    body: str | None
    paragraph: int | None
    case_number: str
    title: str | None
    decisions: list[str]
    document: str
    page: int | None

    def as_dict(self) -> dict[str, Any]:
        return _jsonable(self)


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def resolve_municipality(name: str) -> str:
    """The four-digit code of a municipality given by name (any printed form) or code."""
    registry = municipalities.registry()
    if name.strip() in registry.by_code:
        return name.strip()
    found = registry.resolve(name) or registry.resolve(name.strip().title())
    if found is None:
        raise UnknownMunicipalityError(name)
    return found.code


def parse_case_number(dnr: str) -> CaseNumber | None:
    """A case number typed by a researcher, parsed as the extractors parse printed ones."""
    for candidate in (dnr, f"Dnr {dnr}"):
        found = extract_case_numbers(candidate)
        if found:
            return found[0]
    return None


def case_ids(session: Session, dnr: str) -> list[int]:
    """The cases a typed number denotes: any printed form linked to them, or an OCR variant of one."""
    number = parse_case_number(dnr)
    normalised = number.normalised if number else " ".join(dnr.split())
    ids = set(session.scalars(select(CaseAlias.case_id).where(CaseAlias.normalised == normalised)))
    if number and number.year is not None and number.serial:
        for case in session.scalars(select(Case).where(Case.year == number.year, Case.serial == serial_key(number.serial))):
            if registers_match(case.register, number.register):
                ids.add(case.id)
    return sorted(ids)


def _decisions_statement(session: Session, filters: DecisionFilters) -> Select:
    stmt = (
        select(
            ItemRecord.id,
            MunicipalityRecord.name,
            MunicipalityRecord.code,
            Body.name,
            ItemRecord.meeting_date,
            ItemRecord.paragraph,
            ItemRecord.number,
            ItemRecord.case_number,
            ItemRecord.title,
            Decision.kind,
            Decision.clauses,
            Document.path,
            SpanRecord.page,
        )
        .join(Document, Document.id == ItemRecord.document_id)
        .outerjoin(MunicipalityRecord, MunicipalityRecord.id == ItemRecord.municipality_id)
        .outerjoin(Body, Body.id == ItemRecord.body_id)
        .outerjoin(Decision, Decision.item_id == ItemRecord.id)
        .outerjoin(SpanRecord, SpanRecord.id == ItemRecord.span_id)
    )
    conditions: list[ColumnElement[bool]] = []
    if filters.municipality:
        code = resolve_municipality(filters.municipality)
        conditions.append(ItemRecord.municipality_id == select(MunicipalityRecord.id).where(MunicipalityRecord.code == code).scalar_subquery())
    if filters.body:
        key = name_key(normalise_body(filters.body))
        conditions.append(ItemRecord.body_id.in_(select(Body.id).where(Body.key == key)))
    if filters.date_from:
        conditions.append(ItemRecord.meeting_date >= filters.date_from)
    if filters.date_to:
        conditions.append(ItemRecord.meeting_date <= filters.date_to)
    if filters.case:
        conditions.append(ItemRecord.case_id.in_(case_ids(session, filters.case)))
    if filters.text:
        walk = _sqlite_fts_walk(session, filters)
        conditions.append(search.match_clause(session, filters.text) if walk is None else walk)
    if filters.limit is not None and conditions:
        conditions = [ItemRecord.id.in_(_page_ids(session, conditions, filters.limit))]
    stmt = stmt.where(*conditions)
    stmt = stmt.order_by(ItemRecord.meeting_date, MunicipalityRecord.name, Body.name, ItemRecord.paragraph, ItemRecord.number, ItemRecord.id)
    if filters.limit is not None:
        stmt = stmt.limit(filters.limit)
    return stmt


# A correlated MATCH for one item (FTS5 seeks its lists) costs about as much as reading this many rowids of a
# match list into a temporary index (measured on a million items: 100-150 µs against about 1 µs).
FTS_PROBE_COST = 100


def _sqlite_fts_walk(session: Session, filters: DecisionFilters) -> ColumnElement[bool] | None:
    """For a page of a text search on SQLite, the MATCH as a condition that items are checked against while an
    index on dates is walked, instead of one SQLite reads items by: its planner cannot tell how many items a MATCH
    returns, and would fetch every one of tens of thousands by id and sort them for a page of 100.  Used with a
    municipality (its items in date order, ix_items_municipality_date) and, alone, when the words are common: more
    matches than the walk of the date index reads until the page is full (limit * items / matches).  The walk asks
    FTS5 item by item (correlated) when the words are so common that the walk is short, else it reads the match
    list once into a temporary index; `items.id + 0` keeps SQLite from reading items by that list.  None: the
    usual clause, the planner's choice."""
    if session.get_bind().dialect.name != "sqlite" or filters.limit is None or filters.body or filters.case:
        return None
    positive, negative = search.to_fts5(search.parse(filters.text or ""))
    if positive is None:
        return None
    expression = positive if negative is None else f"({positive}) NOT ({negative})"
    if filters.date_from or filters.date_to:
        return None
    matches = session.execute(text("SELECT count(*) FROM items_fts WHERE items_fts MATCH :q"), {"q": expression}).scalar_one()
    items = session.execute(select(func.max(ItemRecord.id))).scalar_one() or 0
    # The walk stops when the page is full: about limit * items / matches items into the index, words spread evenly.
    probes = filters.limit * items / max(matches, 1)
    if not filters.municipality:
        if matches * matches <= filters.limit * items:
            return None
    else:
        # A municipality's walk ends with its items at the latest.
        probes = min(probes, session.execute(select(func.count()).select_from(ItemRecord).where(ItemRecord.municipality_id == select(MunicipalityRecord.id).where(MunicipalityRecord.code == resolve_municipality(filters.municipality)).scalar_subquery())).scalar_one())
    if probes * FTS_PROBE_COST < matches:
        # Correlated: FTS5 answers a MATCH for one rowid by seeking its lists, no list of every match is built.
        return exists(
            select(literal_column("1")).select_from(text("items_fts")).where(text("items_fts MATCH :fts AND items_fts.rowid = items.id").bindparams(fts=expression))
        )
    ids = select(literal_column("rowid")).select_from(text("items_fts")).where(text("items_fts MATCH :fts").bindparams(fts=expression))
    return (ItemRecord.id + 0).in_(ids)


def _page_ids(session: Session, conditions: list[ColumnElement[bool]], limit: int) -> list[int]:
    """The ids of the items a page of `limit` can hold, read from items alone, so that a page of a large match set
    (a fifth of a national database for `--text finansiering`) is not joined and sorted whole: the first `limit`
    matching items by meeting date, walking a date index, and every other item of the last one's date (the
    full order breaks ties by municipality, body and §).  Every item before that date is among the first
    `limit`, so the page is among these ids, whichever end of the order undated items go to (SQLite sorts NULL
    first, PostgreSQL last)."""
    first = session.execute(select(ItemRecord.id, ItemRecord.meeting_date).where(*conditions).order_by(ItemRecord.meeting_date).limit(limit)).all()
    ids = [r[0] for r in first]
    if len(first) == limit:
        last = first[-1][1]
        same_day = ItemRecord.meeting_date.is_(None) if last is None else ItemRecord.meeting_date == last
        ids += session.scalars(select(ItemRecord.id).where(*conditions, same_day)).all()
    return sorted(set(ids))


def decisions(url: str, filters: DecisionFilters) -> list[DecisionRow]:
    """One row per item matching the filters, by meeting date, municipality, body and §."""
    with session_scope(url) as session:
        rows = session.execute(_decisions_statement(session, filters)).all()
    return [
        DecisionRow(
            item_id=r[0], municipality=r[1], municipality_code=r[2], body=r[3], meeting_date=r[4], paragraph=r[5],
            number=r[6], case_number=r[7], title=r[8], decision_kind=r[9], decisions=list(r[10] or []), document=r[11], page=r[12],
        )
        for r in rows
    ]


def _similar_lengths(length: int) -> tuple[int, int]:
    """The key lengths a name of `length` characters can be similar to at PERSON_THRESHOLD: fuzz.ratio is
    1 - indel/(a + b), and at least |a - b| insertions or deletions part two lengths a and b.  Read by an
    index on length(key) (migration 0008), so a name is compared with the persons of about its length only."""
    slack = 1 - PERSON_THRESHOLD / 100
    return math.ceil(length * (1 - slack) / (1 + slack) - 1e-9), math.floor(length * (1 + slack) / (1 - slack) + 1e-9)


def person(url: str, name: str) -> PersonReport:
    """Every person whose name matches (similarity of folded names), with meetings, parties and votes."""
    key = name_key(name)
    with session_scope(url) as session:
        low, high = _similar_lengths(len(key))
        people = session.execute(select(Person.id, Person.key).where(func.length(Person.key).between(low, high)).order_by(Person.id)).all()
        matched = process.extract(key, [p[1] for p in people], scorer=fuzz.ratio, score_cutoff=PERSON_THRESHOLD, limit=None)
        ids = [people[index][0] for _, _, index in sorted(matched, key=lambda m: (-m[1], m[2]))]
        printed = dict(
            (r[0], r[1:]) for r in session.execute(
                select(Person.id, Person.name, MunicipalityRecord.name).outerjoin(MunicipalityRecord, MunicipalityRecord.id == Person.municipality_id).where(Person.id.in_(ids))
            )
        )
        chosen = [(person_id, None, *printed[person_id]) for person_id in ids]
        # Two statements for all matched persons, not two per person: a common name matches dozens in a national database.
        meetings: dict[int, list[AttendanceRow]] = {}
        for r in session.execute(
            select(Attendance.person_id, MeetingRecord.date, MunicipalityRecord.name, Body.name, Attendance.role, Attendance.function, Party.abbreviation, Attendance.paragraphs, Attendance.serving_for, Document.path)
            .join(MeetingRecord, MeetingRecord.id == Attendance.meeting_id)
            .join(Document, Document.id == MeetingRecord.document_id)
            .outerjoin(Body, Body.id == MeetingRecord.body_id)
            .outerjoin(MunicipalityRecord, MunicipalityRecord.id == Attendance.municipality_id)
            .outerjoin(Party, Party.id == Attendance.party_id)
            .where(Attendance.person_id.in_(ids))
            .order_by(MeetingRecord.date, Body.name, Attendance.id)
        ):
            meetings.setdefault(r[0], []).append(AttendanceRow(*r[1:7], list(r[7] or []), r[8], r[9]))
        votes: dict[int, list[VoteCast]] = {}
        for r in session.execute(
            select(VoteChoice.person_id, ItemRecord.meeting_date, Body.name, ItemRecord.paragraph, ItemRecord.title, VoteChoice.choice, Document.path)
            .join(VoteRecord, VoteRecord.id == VoteChoice.vote_id)
            .join(ItemRecord, ItemRecord.id == VoteRecord.item_id)
            .join(Document, Document.id == ItemRecord.document_id)
            .outerjoin(Body, Body.id == ItemRecord.body_id)
            .where(VoteChoice.person_id.in_(ids))
            .order_by(ItemRecord.meeting_date, ItemRecord.paragraph, VoteChoice.id)
        ):
            votes.setdefault(r[0], []).append(VoteCast(*r[1:]))
        records = []
        for person_id, _, printed, municipality in chosen:
            record = PersonRecord(person_id, printed, municipality, meetings=meetings.get(person_id, []), votes=votes.get(person_id, []))
            spans: dict[str, list[date | None]] = {}
            for row in record.meetings:
                if row.party:
                    spans.setdefault(row.party, []).append(row.meeting_date)
            record.parties = [
                (party, min((d for d in dates if d), default=None), max((d for d in dates if d), default=None)) for party, dates in spans.items()
            ]
            records.append(record)
    return PersonReport(name, records)


def case(url: str, dnr: str) -> list[CaseRow]:
    """Every item, body and document about a case, in date order."""
    with session_scope(url) as session:
        ids = case_ids(session, dnr)
        if not ids:
            return []
        items = session.execute(
            select(ItemRecord.meeting_date, MunicipalityRecord.name, Body.name, ItemRecord.paragraph, ItemRecord.case_number, ItemRecord.title, Decision.clauses, Document.path, SpanRecord.page, ItemRecord.document_id)
            .join(Document, Document.id == ItemRecord.document_id)
            .outerjoin(MunicipalityRecord, MunicipalityRecord.id == ItemRecord.municipality_id)
            .outerjoin(Body, Body.id == ItemRecord.body_id)
            .outerjoin(Decision, Decision.item_id == ItemRecord.id)
            .outerjoin(SpanRecord, SpanRecord.id == ItemRecord.span_id)
            .where(ItemRecord.case_id.in_(ids))
        ).all()
        rows = [CaseRow("item", r[0], r[1], r[2], r[3], r[4] or "", r[5], list(r[6] or []), r[7], r[8]) for r in items]
        with_items = {r[9] for r in items}
        current = aliased(ExtractionRecord)
        mentions = session.execute(
            select(current.document_date, MunicipalityRecord.name, CaseMention.raw, Document.path, SpanRecord.page, CaseMention.document_id)
            .join(Document, Document.id == CaseMention.document_id)
            .outerjoin(current, current.version_id == CaseMention.version_id)
            .outerjoin(Case, Case.id == CaseMention.case_id)
            .outerjoin(MunicipalityRecord, MunicipalityRecord.id == Case.municipality_id)
            .outerjoin(SpanRecord, SpanRecord.id == CaseMention.span_id)
            .where(CaseMention.case_id.in_(ids), CaseMention.document_id.not_in(with_items))
            .order_by(CaseMention.id)
        ).all()
        seen: set[int] = set()
        for r in mentions:
            if r[5] in seen:
                continue
            seen.add(r[5])
            rows.append(CaseRow("mention", r[0], r[1], None, None, " ".join(r[2].split()), None, [], r[3], r[4]))
    return sorted(rows, key=lambda r: (r.date or date.max, r.kind, r.body or "", r.paragraph or 0))
