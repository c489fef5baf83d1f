"""The relational schema (SQLAlchemy 2 typed ORM).

Documents are paths; each distinct content (SHA-256 of the bytes) of a path is a
DocumentVersion, which owns its pages (the durable layer: text, method,
confidence, word boxes, layout regions) and its extraction, keyed by extractor version.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from models.claims import FlagStatus, ReviewDecision, Severity
from models.paths import path_key
from models.records import (
    AttendanceRole,
    DateRole,
    DecisionKind,
    DocType,
    DocumentStatus,
    EntityLabel,
    FileKind,
    ItemEntryKind,
    PageMethod,
    SectionKind,
    VoteChoiceKind,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JsonType = JSON().with_variant(JSONB(), "postgresql")


def closed_set(members: type[StrEnum], length: int) -> Enum:
    """A closed set's column: its members' strings in a VARCHAR(length), the text stored before it was an enum."""
    # No native ENUM type and no CHECK constraint: a new member needs no migration. A string outside the set is
    # refused on write (validate_strings) and cannot be read back, so migrations 0010 and 0012 map the strays they find.
    return Enum(members, native_enum=False, values_callable=lambda e: [m.value for m in e], length=length, validate_strings=True)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _path_key_default(context: Any) -> str:
    return path_key(context.get_current_parameters()["path"])


class Document(Base):
    """A source file, identified by its resolved absolute path; its contents over time are versions."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Display form (bytes that are not UTF-8 written \xNN, see models.paths), any length.
    path: Mapped[str] = mapped_column(Text)
    # SHA-256 of the path's bytes: the unique key (a B-tree cannot index paths of any length).
    path_key: Mapped[str] = mapped_column(String(64), unique=True, default=_path_key_default)
    # The exact bytes of a path that is not valid UTF-8, to open the file again; NULL otherwise.
    path_bytes: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Outcome of the latest attempt on this path.
    status: Mapped[DocumentStatus] = mapped_column(closed_set(DocumentStatus, 16), default=DocumentStatus.PENDING)
    error_code: Mapped[str | None] = mapped_column(String(32))
    error_message: Mapped[str | None] = mapped_column(Text)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_versions.id", use_alter=True, ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document",
        foreign_keys="DocumentVersion.document_id",
        lazy="raise",
        order_by="DocumentVersion.version",
    )
    current_version: Mapped[DocumentVersion | None] = relationship(
        foreign_keys=[current_version_id], lazy="raise", post_update=True
    )


class DocumentVersion(Base):
    """One exact content of a document (SHA-256 of its bytes).

    The same bytes may be a version of two documents (a path overwritten with another stored file's bytes),
    never twice of one: a path changed back to earlier bytes makes that earlier version current again.
    """

    __tablename__ = "document_versions"
    __table_args__ = (
        UniqueConstraint("document_id", "version"),
        UniqueConstraint("document_id", "sha256", name="uq_document_versions_document_sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    kind: Mapped[FileKind | None] = mapped_column(closed_set(FileKind, 16))
    status: Mapped[DocumentStatus] = mapped_column(closed_set(DocumentStatus, 16), default=DocumentStatus.PENDING)
    page_count: Mapped[int] = mapped_column(Integer, default=0)
    ocr: Mapped[bool] = mapped_column(Boolean, default=False)
    encoding: Mapped[str | None] = mapped_column(String(32))
    error_code: Mapped[str | None] = mapped_column(String(32))
    error_message: Mapped[str | None] = mapped_column(Text)
    # Warnings on a version that was read ("UTF-8, 4 invalid bytes replaced; page 2: blank page; no text found").
    notes: Mapped[str | None] = mapped_column(Text)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    document: Mapped[Document] = relationship(
        back_populates="versions", foreign_keys=[document_id], lazy="raise"
    )
    pages: Mapped[list[Page]] = relationship(
        back_populates="version", cascade="all, delete-orphan", lazy="raise", order_by="Page.number"
    )


class Page(Base):
    """A page's text and how it was read (text layer or OCR), with OCR word boxes."""

    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("version_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    method: Mapped[PageMethod] = mapped_column(closed_set(PageMethod, 8))
    confidence: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text, default="")
    # [[text, left, top, width, height, conf, line], ...]: compact, and enough to crop evidence.
    words: Mapped[list[Any] | None] = mapped_column(JsonType)
    rotation: Mapped[int] = mapped_column(Integer, default=0)
    skew: Mapped[float] = mapped_column(Float, default=0.0)
    error: Mapped[str | None] = mapped_column(Text)
    # [[kind, start, end], ...]: typed stretches of the text (running header/footer, table, index table, rotated).
    regions: Mapped[list[Any] | None] = mapped_column(JsonType)

    version: Mapped[DocumentVersion] = relationship(back_populates="pages", lazy="raise")


class IngestError(Base):
    """A failure recorded against a document (and page, when one page failed)."""

    __tablename__ = "ingest_errors"
    __table_args__ = (Index("ix_ingest_errors_open", "document_id", "resolved_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("document_versions.id", ondelete="SET NULL"))
    page: Mapped[int | None] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ExtractionRecord(Base):
    """The extraction of one document version by one extractor version: its document-level values; what lies
    below them is in the relational rows (pipeline.store.repository reads it back), kept for the document's
    current extraction only (migration 0011)."""

    __tablename__ = "extractions"
    __table_args__ = (UniqueConstraint("version_id", "extractor_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id", ondelete="CASCADE"), index=True)
    extractor_version: Mapped[str] = mapped_column(String(16))
    doc_type: Mapped[DocType] = mapped_column(closed_set(DocType, 32))
    municipality_code: Mapped[str | None] = mapped_column(String(4), index=True)
    document_date: Mapped[date | None] = mapped_column(Date)
    # The municipality's name as the document gives it (migration 0011).
    municipality: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # When the consistency check last covered this extraction (migration 0006); None: still to check.
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)


class FlagRecord(Base):
    """A consistency finding, identified by a stable hash so re-runs keep its id and reviews."""

    __tablename__ = "flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    identity: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(48), index=True)
    severity: Mapped[Severity] = mapped_column(closed_set(Severity, 8), index=True)
    message: Mapped[str] = mapped_column(Text)
    matter: Mapped[str | None] = mapped_column(String(256))
    values: Mapped[list[Any]] = mapped_column(JsonType)
    evidence: Mapped[list[Any]] = mapped_column(JsonType)
    status: Mapped[FlagStatus] = mapped_column(closed_set(FlagStatus, 8), default=FlagStatus.OPEN)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FlagDocument(Base):
    """Which documents a flag cites: a cross-document flag belongs to each of them."""

    __tablename__ = "flag_documents"

    flag_id: Mapped[int] = mapped_column(ForeignKey("flags.id", ondelete="CASCADE"), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, index=True)


class Review(Base):
    """A reviewer's decision on a flag (accepted or dismissed) with a note; kept across re-runs."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    flag_id: Mapped[int] = mapped_column(ForeignKey("flags.id", ondelete="CASCADE"), index=True)
    decision: Mapped[ReviewDecision] = mapped_column(closed_set(ReviewDecision, 16))
    note: Mapped[str] = mapped_column(Text, default="")
    reviewer: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- the relational model (migration 0003) -------------------------------
#
# Everything below a document (meetings, items, attendance, dated facts, spans)
# carries its document_id, so a new version of a document replaces exactly its
# own rows.  Shared entities (municipalities, bodies, parties, persons, cases)
# are resolved once and referenced; `scope` is the municipality code or "" when
# no municipality is known, so unique keys work without NULL semantics.


class MunicipalityRecord(Base):
    """One of the 290 kommuner (official code, county); seeded by the migration."""

    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(4), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    county_code: Mapped[str] = mapped_column(String(2))
    county_name: Mapped[str] = mapped_column(String(64))


class Body(Base):
    """A deciding body (organ) of one municipality, in base form ("Kommunledningsutskottet")."""

    __tablename__ = "bodies"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(4))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"), index=True)
    name: Mapped[str] = mapped_column(String(256))
    # fold(name): the same body printed with or without diacritics is one row.
    key: Mapped[str] = mapped_column(String(256), index=True)


class Party(Base):
    """A political party by the abbreviation printed after names (S, M, L, C, KD, MP, V, SD, local parties)."""

    __tablename__ = "parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    abbreviation: Mapped[str] = mapped_column(String(16), unique=True)


class Person(Base):
    """One person across meetings and documents; party over time comes from their attendance rows."""

    __tablename__ = "persons"
    __table_args__ = (Index("ix_persons_scope_key", "scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(4))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    name: Mapped[str] = mapped_column(String(256))
    key: Mapped[str] = mapped_column(String(256))


# The persons a name can be similar to have keys of about its length (pipeline.research.queries.person, migration 0008).
Index("ix_persons_key_length", func.length(Person.key), Person.key)


class Case(Base):
    """An ärende identified by its case number (diarienummer), seen by several bodies and documents."""

    __tablename__ = "cases"
    # ix_cases_year_serial: a typed number is looked up in every municipality (no scope), migration 0008.
    __table_args__ = (
        UniqueConstraint("scope", "normalised"),
        Index("ix_cases_scope_year_serial", "scope", "year", "serial"),
        Index("ix_cases_year_serial", "year", "serial"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(4))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    normalised: Mapped[str] = mapped_column(String(128))
    year: Mapped[int | None] = mapped_column(Integer)
    register: Mapped[str | None] = mapped_column(String(32))
    # Serial without leading zeros, so "0042" and "42" meet.
    serial: Mapped[str | None] = mapped_column(String(32))
    classification: Mapped[str | None] = mapped_column(String(32))


class CaseAlias(Base):
    """A printed form of a case number linked to its case; `variance` says how it differs (OCR damage, missing class)."""

    __tablename__ = "case_aliases"
    # ix_case_aliases_normalised: `case DNR` finds a printed form in any municipality (migration 0008).
    __table_args__ = (UniqueConstraint("scope", "normalised"), Index("ix_case_aliases_normalised", "normalised"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(String(4))
    normalised: Mapped[str] = mapped_column(String(128))
    raw: Mapped[str] = mapped_column(String(256))
    variance: Mapped[str | None] = mapped_column(String(256))


class SpanRecord(Base):
    """Provenance of a stored value: document version, page, character offsets, box, confidence."""

    __tablename__ = "spans"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id", ondelete="CASCADE"))
    page: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    box: Mapped[list[int] | None] = mapped_column(JsonType)
    confidence: Mapped[float | None] = mapped_column(Float)


class CaseMention(Base):
    """A case number printed in a document (Dnr, Ärendenr), with or without an item of its own."""

    __tablename__ = "case_mentions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id", ondelete="CASCADE"))
    raw: Mapped[str] = mapped_column(String(256))
    span_id: Mapped[int | None] = mapped_column(ForeignKey("spans.id", ondelete="SET NULL"), index=True)
    # The number's parts as printed here (case_id is the case it joins), the rule that read it, how sure (0011).
    normalised: Mapped[str] = mapped_column(String(128), default="", server_default="")
    year: Mapped[int | None] = mapped_column(Integer)
    register: Mapped[str | None] = mapped_column(String(32))
    serial: Mapped[str | None] = mapped_column(String(32))
    classification: Mapped[str | None] = mapped_column(String(32))
    rule: Mapped[str] = mapped_column(String(64), default="", server_default="")
    confidence: Mapped[float] = mapped_column(Float, default=1.0, server_default=text("1.0"))
    span: Mapped[SpanRecord | None] = relationship(lazy="raise")


class MeetingRecord(Base):
    """A sammanträde of one body on one date, as a document describes it."""

    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_body_date", "body_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id", ondelete="CASCADE"))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"))
    date: Mapped[date | None] = mapped_column(Date, index=True)
    time: Mapped[str | None] = mapped_column(String(32))
    place: Mapped[str | None] = mapped_column(String(256))
    paragraph_first: Mapped[int | None] = mapped_column(Integer)
    paragraph_last: Mapped[int | None] = mapped_column(Integer)
    chair: Mapped[str | None] = mapped_column(String(256))
    secretary: Mapped[str | None] = mapped_column(String(256))
    adjusters: Mapped[list[str]] = mapped_column(JsonType, default=list)
    adjusted_on: Mapped[date | None] = mapped_column(Date)
    notice_posted: Mapped[date | None] = mapped_column(Date)
    notice_removed: Mapped[date | None] = mapped_column(Date)
    span_id: Mapped[int | None] = mapped_column(ForeignKey("spans.id", ondelete="SET NULL"), index=True)
    rule: Mapped[str] = mapped_column(String(64), default="", server_default="")
    confidence: Mapped[float] = mapped_column(Float, default=1.0, server_default=text("1.0"))
    # As printed (body_id is its base form); where the minutes are adjusted and kept (migration 0011).
    body: Mapped[str | None] = mapped_column(Text)
    adjustment_place: Mapped[str | None] = mapped_column(Text)
    storage_place: Mapped[str | None] = mapped_column(Text)

    attendance: Mapped[list[Attendance]] = relationship(back_populates="meeting", cascade="all, delete-orphan", passive_deletes=True, lazy="raise")
    span: Mapped[SpanRecord | None] = relationship(lazy="raise")


class Attendance(Base):
    """A person at a meeting: role (member/substitute/other/absent), function, party then, § present, serving for."""

    __tablename__ = "attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"))
    name: Mapped[str] = mapped_column(String(256))
    role: Mapped[AttendanceRole] = mapped_column(closed_set(AttendanceRole, 16))
    function: Mapped[str | None] = mapped_column(String(256))
    title: Mapped[str | None] = mapped_column(String(256))
    department: Mapped[str | None] = mapped_column(String(256))
    # The § this person was present at; empty means the whole meeting.
    paragraphs: Mapped[list[int]] = mapped_column(JsonType, default=list)
    serving_for_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    serving_for: Mapped[str | None] = mapped_column(String(256))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    span_id: Mapped[int | None] = mapped_column(ForeignKey("spans.id", ondelete="SET NULL"), index=True)
    rule: Mapped[str] = mapped_column(String(64), default="", server_default="")
    confidence: Mapped[float] = mapped_column(Float, default=1.0, server_default=text("1.0"))
    # As printed (migration 0011): the name when it differs from `name` (a name printed twice), the party, the
    # municipality the person represents, and [[from, to], ...] times of presence.
    printed_name: Mapped[str | None] = mapped_column(Text)
    party: Mapped[str | None] = mapped_column(Text)
    municipality: Mapped[str | None] = mapped_column(Text)
    times: Mapped[list[Any]] = mapped_column(JsonType, default=list, server_default=text("'[]'"))

    meeting: Mapped[MeetingRecord] = relationship(back_populates="attendance", lazy="raise")
    span: Mapped[SpanRecord | None] = relationship(lazy="raise")


class ItemRecord(Base):
    """A § or agenda item (ärende) with its case, title and meeting; `search_text` feeds full-text search."""

    __tablename__ = "items"
    __table_args__ = (
        Index("ix_items_municipality_date", "municipality_id", "meeting_date"),
        Index("ix_items_body_date", "body_id", "meeting_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    case_number: Mapped[str | None] = mapped_column(String(256))
    number: Mapped[str] = mapped_column(String(16))
    paragraph: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(Text)
    meeting_date: Mapped[date | None] = mapped_column(Date, index=True)
    search_text: Mapped[str] = mapped_column(Text, default="")
    span_id: Mapped[int | None] = mapped_column(ForeignKey("spans.id", ondelete="SET NULL"), index=True)
    rule: Mapped[str] = mapped_column(String(64), default="")
    confidence: Mapped[float] = mapped_column(Float, default=1.0, server_default=text("1.0"))
    # How sure the case-number rule is (a value read without its label is less sure); None without a case number.
    case_number_confidence: Mapped[float | None] = mapped_column(Float)
    # The case number's parts as printed here (case_id is the case it joins) and where it stands (migration 0011).
    case_normalised: Mapped[str | None] = mapped_column(String(128))
    case_year: Mapped[int | None] = mapped_column(Integer)
    case_register: Mapped[str | None] = mapped_column(String(32))
    case_serial: Mapped[str | None] = mapped_column(String(32))
    case_classification: Mapped[str | None] = mapped_column(String(32))
    case_rule: Mapped[str | None] = mapped_column(String(64))
    # No foreign key (migration 0011 says why): the span is one of the document's, deleted with its rows.
    case_span_id: Mapped[int | None] = mapped_column(Integer)
    # The deciding body as printed (body_id is its base form) and the body whose förslag was adopted.
    body: Mapped[str | None] = mapped_column(Text)
    proposed_by: Mapped[str | None] = mapped_column(Text)

    decision: Mapped[Decision | None] = relationship(back_populates="item", cascade="all, delete-orphan", passive_deletes=True, lazy="raise")
    votes: Mapped[list[VoteRecord]] = relationship(back_populates="item", cascade="all, delete-orphan", passive_deletes=True, lazy="raise")
    span: Mapped[SpanRecord | None] = relationship(lazy="raise", foreign_keys=[span_id])
    case_span: Mapped[SpanRecord | None] = relationship(primaryjoin="foreign(ItemRecord.case_span_id) == SpanRecord.id", lazy="raise")
    meeting: Mapped[MeetingRecord | None] = relationship(lazy="raise")
    references: Mapped[list[ReferenceRecord]] = relationship(cascade="all, delete-orphan", passive_deletes=True, lazy="raise")
    entries: Mapped[list[ItemEntry]] = relationship(cascade="all, delete-orphan", passive_deletes=True, lazy="raise")


class Decision(Base):
    """What was decided or proposed at an item: numbered clauses, kind, immediate adjustment (omedelbar justering)."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[DecisionKind | None] = mapped_column(closed_set(DecisionKind, 16))
    clauses: Mapped[list[str]] = mapped_column(JsonType, default=list)
    immediate_adjustment: Mapped[bool] = mapped_column(Boolean, default=False)

    item: Mapped[ItemRecord] = relationship(back_populates="decision", lazy="raise")


class VoteRecord(Base):
    """An omröstning at an item: counts and proposition; named choices are VoteChoice rows."""

    __tablename__ = "votes"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    yes: Mapped[int | None] = mapped_column(Integer)
    no: Mapped[int | None] = mapped_column(Integer)
    abstain: Mapped[int | None] = mapped_column(Integer)
    proposition: Mapped[str | None] = mapped_column(Text)
    span_id: Mapped[int | None] = mapped_column(ForeignKey("spans.id", ondelete="SET NULL"), index=True)
    rule: Mapped[str] = mapped_column(String(64), default="", server_default="")
    confidence: Mapped[float] = mapped_column(Float, default=1.0, server_default=text("1.0"))

    item: Mapped[ItemRecord] = relationship(back_populates="votes", lazy="raise")
    choices: Mapped[list[VoteChoice]] = relationship(cascade="all, delete-orphan", passive_deletes=True, lazy="raise")
    span: Mapped[SpanRecord | None] = relationship(lazy="raise")


class VoteChoice(Base):
    """How one named person voted: yes, no or abstain."""

    __tablename__ = "vote_choices"

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    name: Mapped[str] = mapped_column(String(256))
    choice: Mapped[VoteChoiceKind] = mapped_column(closed_set(VoteChoiceKind, 8))
    # The name as the vote's list prints it, party included ("Jörgen Fogelklou (SD)"); migration 0011.
    printed: Mapped[str] = mapped_column(Text, default="", server_default="")


class DateFactRecord(Base):
    """A date with its role (meeting, adjusted, deadline, ...) and where it was printed."""

    __tablename__ = "date_facts"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id", ondelete="CASCADE"))
    role: Mapped[DateRole] = mapped_column(closed_set(DateRole, 16), index=True)
    value: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    time: Mapped[str | None] = mapped_column(String(16))
    rule: Mapped[str] = mapped_column(String(64), default="")
    span_id: Mapped[int | None] = mapped_column(ForeignKey("spans.id", ondelete="SET NULL"), index=True)
    span: Mapped[SpanRecord | None] = relationship(lazy="raise")


class PeriodRecord(Base):
    """A year range (2020-2023) with its stated length if printed."""

    __tablename__ = "periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    stated_years: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    rule: Mapped[str] = mapped_column(String(64), default="")
    span_id: Mapped[int | None] = mapped_column(ForeignKey("spans.id", ondelete="SET NULL"), index=True)
    span: Mapped[SpanRecord | None] = relationship(lazy="raise")


class AmountRecord(Base):
    """A sum in SEK or a percentage, with its printed text."""

    __tablename__ = "amounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id", ondelete="CASCADE"))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(8))
    approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    per: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    rule: Mapped[str] = mapped_column(String(64), default="")
    span_id: Mapped[int | None] = mapped_column(ForeignKey("spans.id", ondelete="SET NULL"), index=True)
    span: Mapped[SpanRecord | None] = relationship(lazy="raise")


# --- the rest of an extraction, read back by pipeline.store.repository (migration 0011) ---------------------


class ItemEntry(Base):
    """A line an item lists: a motion, reservation, conflict of interest (jäv), note, statement or recipient."""

    __tablename__ = "item_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ItemEntryKind] = mapped_column(closed_set(ItemEntryKind, 32))
    text: Mapped[str] = mapped_column(Text)


class ReferenceRecord(Base):
    """An item's pointer to another protocol or decision ("protokollsutdrag 2019-04-29 § 1034")."""

    __tablename__ = "item_references"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    date: Mapped[date | None] = mapped_column(Date)
    paragraph: Mapped[int | None] = mapped_column(Integer)
    rule: Mapped[str] = mapped_column(String(64), default="")
    span_id: Mapped[int | None] = mapped_column(ForeignKey("spans.id", ondelete="SET NULL"), index=True)
    span: Mapped[SpanRecord | None] = relationship(lazy="raise")


class EntityRecord(Base):
    """A municipality, body or organisation the text names, with its canonical value."""

    __tablename__ = "entities"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id", ondelete="CASCADE"))
    label: Mapped[EntityLabel] = mapped_column(closed_set(EntityLabel, 16))
    text: Mapped[str] = mapped_column(Text)
    value: Mapped[str] = mapped_column(Text)
    rule: Mapped[str] = mapped_column(String(64), default="")
    span_id: Mapped[int | None] = mapped_column(ForeignKey("spans.id", ondelete="SET NULL"), index=True)
    span: Mapped[SpanRecord | None] = relationship(lazy="raise")


class SectionRecord(Base):
    """A typed stretch of a document; its text is not stored twice: it is [start, end) of the version's pages
    (those read without error) joined with form feeds, as the extractors joined them."""

    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id", ondelete="CASCADE"))
    kind: Mapped[SectionKind] = mapped_column(closed_set(SectionKind, 32))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    page_start: Mapped[int] = mapped_column(Integer)
    page_end: Mapped[int] = mapped_column(Integer)
    rule: Mapped[str] = mapped_column(String(64), default="")
    label: Mapped[str | None] = mapped_column(String(64))
