"""Typed records passed between pipeline stages.

The record types are the contract: Document -> Page -> Section -> extracted
records (each with a Span) -> Claims -> Flags.  Stages exchange these, never
plain dicts.
Closed vocabularies (kinds, roles, statuses) are StrEnums: each member is its stored string, so JSON and the
database hold the same text as before they were enums.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class FileKind(StrEnum):
    """What a file is, decided from its bytes (magic numbers), not its name."""

    PDF = "pdf"
    PNG = "png"
    JPEG = "jpeg"
    TIFF = "tiff"
    TEXT = "text"


class PageMethod(StrEnum):
    """How a page's text was read: its text layer or OCR."""

    TEXT = "text"
    OCR = "ocr"


@dataclass(frozen=True, slots=True)
class Word:
    """One OCR word with its box in page pixels and Tesseract's confidence (0-100)."""

    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float
    line: int = 0


@dataclass(slots=True)
class OcrResult:
    """Tesseract's reading of one page image after orientation and skew correction."""

    text: str
    words: list[Word]
    mean_conf: float
    rotation: int = 0
    skew: float = 0.0
    width: int = 0
    height: int = 0
    #: Tables, a § index, line-end hyphens found by the layout reading of the words (see PageText.regions).
    regions: list[Region] = field(default_factory=list)


class RegionKind(StrEnum):
    """What a stretch of a page's text is, as its layout shows it."""

    HEADER = "header"  # running page header, repeated at the top of the pages
    FOOTER = "footer"  # running page footer (page counter, "Justerandes sign", "Utdragsbestyrkande")
    TABLE = "table"  # rows with cells separated by tabs
    INDEX_TABLE = "index_table"  # a § index (paragrafförteckning, ärendelista): lists items, never starts one
    ROTATED = "rotated"  # text not written horizontally (margin e-signature, stamp), read in its own direction
    MARGIN = "margin"  # text standing outside the page's body
    HYPHEN = "hyphen"  # a line-end hyphen and the line break after it: removing [start, end) joins the word


@dataclass(frozen=True, slots=True)
class Region:
    """A typed stretch [start, end) of one page's text."""

    kind: RegionKind
    start: int
    end: int


@dataclass(slots=True)
class PageText:
    """The text of one page and how it was obtained.

    `words` are in reading order, each word's text found in `text` in that order; boxes are pixels at the
    OCR resolution for OCR pages and for text-layer pages alike (PDF points x dpi / 72)."""

    number: int
    text: str
    method: PageMethod
    confidence: float | None = None
    words: list[Word] = field(default_factory=list)
    rotation: int = 0
    skew: float = 0.0
    error: str | None = None
    regions: list[Region] = field(default_factory=list)
    #: What a registrar should know about a page that was read ("blank page").
    note: str | None = None


@dataclass(slots=True)
class LoadedDocument:
    """A file's identity and its pages, as read from disk."""

    path: str
    sha256: str
    size: int
    kind: FileKind
    pages: list[PageText]
    encoding: str | None = None


# --- extraction ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Span:
    """Where a value came from: page number (1-based) and character offsets in that page's text."""

    page: int
    start: int
    end: int
    box: tuple[int, int, int, int] | None = None
    confidence: float | None = None


class SectionKind(StrEnum):
    """What a section of a document is (patterns/sections.jsonl names the kinds its rules find)."""

    PROTOCOL_COVER = "protocol_cover"
    NOTICE = "notice"  # ANSLAG/BEVIS: when the minutes were adjusted and posted
    ATTENDANCE = "attendance"  # närvarolista
    PARAGRAPH_EXTRACT = "paragraph_extract"  # a § of a protocol
    MINUTES_ITEM = "minutes_item"  # a numbered agenda item of minutes or a kallelse
    LETTER = "letter"
    EMAIL = "email"
    BOARD_MESSAGE = "board_message"
    TJANSTESKRIVELSE = "tjansteskrivelse"
    TABLE = "table"
    REPORT_BODY = "report_body"
    OTHER = "other"


@dataclass(slots=True)
class Section:
    """A typed stretch of a document (cover, § extract, närvarolista, letter, ...).

    `start`/`end` are offsets into the document's joined text (pages joined with
    form feed); `page_start`/`page_end` are 1-based page numbers.
    """

    kind: SectionKind
    start: int
    end: int
    page_start: int
    page_end: int
    text: str
    rule: str = ""
    label: str | None = None  # the section's own label as printed: "55" for § 55, "5b" for agenda item 5 b)

    def __post_init__(self) -> None:
        # A kind outside the set fails where the section is made, not when its stored extraction is read back.
        self.kind = SectionKind(self.kind)


@dataclass(slots=True)
class CaseNumber:
    """A diarienummer / ärendenummer as printed and in normalised form."""

    raw: str
    normalised: str
    year: int | None = None
    register: str | None = None
    serial: str | None = None
    classification: str | None = None
    span: Span | None = None
    rule: str = ""
    confidence: float = 1.0  # below 1 when read without its label ("Dnr") or from a damaged heading


class EntityLabel(StrEnum):
    MUNICIPALITY = "municipality"
    BODY = "body"
    ORGANISATION = "organisation"


@dataclass(slots=True)
class Entity:
    """A municipality, deciding body (organ) or other organisation the text names.

    `value` is the canonical form: the municipality's four-digit code, the body's name in base form
    ("Kommunstyrelsens" -> "Kommunstyrelsen"), the organisation's name.
    """

    label: EntityLabel
    text: str
    value: str
    rule: str = ""
    span: Span | None = None

    def __post_init__(self) -> None:
        self.label = EntityLabel(self.label)


@dataclass(slots=True)
class Reference:
    """A pointer to another protocol or decision ("protokollsutdrag 2019-04-29 § 1034")."""

    text: str
    body: str | None = None
    date: date | None = None
    paragraph: int | None = None
    span: Span | None = None
    rule: str = ""


class VoteChoiceKind(StrEnum):
    """How a member named in a roll call voted (vote_choices.choice; `Vote.<choice>_names`)."""

    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


@dataclass(slots=True)
class Vote:
    """An omröstning: counts and, where printed, the named choices."""

    yes: int | None = None
    no: int | None = None
    abstain: int | None = None
    proposition: str | None = None
    yes_names: list[str] = field(default_factory=list)
    no_names: list[str] = field(default_factory=list)
    abstain_names: list[str] = field(default_factory=list)
    span: Span | None = None
    rule: str = ""
    confidence: float = 1.0
    """Below 1 when the parse is partial (names listed differ from the stated count, a list cut short)."""


class DecisionKind(StrEnum):
    """What an item's decision block is: the body's decision, its proposal to another body, or information filed."""

    DECISION = "decision"
    PROPOSAL = "proposal"
    INFORMATION = "information"


class ItemEntryKind(StrEnum):
    """A list an item prints, one line a row (item_entries.kind); each names one of Item's list fields."""

    MOTION = "motion"  # Item.motions
    RESERVATION = "reservation"  # Item.reservations
    CONFLICT_OF_INTEREST = "conflict_of_interest"  # Item.conflicts_of_interest (jäv)
    NOTE = "note"  # Item.notes (protokollsanteckningar)
    STATEMENT = "statement"  # Item.statements (särskilda yttranden)
    DISTRIBUTION = "distribution"  # Item.distribution (expedieras till)


@dataclass(slots=True)
class Item:
    """One § extract or agenda item (ärende)."""

    number: str
    paragraph: int | None = None
    title: str | None = None
    case_number: CaseNumber | None = None
    body: str | None = None
    meeting_date: date | None = None
    decision_kind: DecisionKind | None = None
    decisions: list[str] = field(default_factory=list)
    immediate_adjustment: bool = False
    references: list[Reference] = field(default_factory=list)
    votes: list[Vote] = field(default_factory=list)
    motions: list[str] = field(default_factory=list)
    reservations: list[str] = field(default_factory=list)
    conflicts_of_interest: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Protokollsanteckningar: a member's note entered in the minutes."""
    statements: list[str] = field(default_factory=list)
    """Särskilda yttranden: a member's statement beside the decision."""
    distribution: list[str] = field(default_factory=list)
    span: Span | None = None
    rule: str = ""
    proposed_by: str | None = None  # the body whose förslag the deciding body adopted ("Kommunstyrelsens förslag till kommunfullmäktige")
    confidence: float = 1.0  # below 1 when the heading was taken only because its number fits the § sequence (OCR)

    def __post_init__(self) -> None:
        if self.decision_kind is not None:
            self.decision_kind = DecisionKind(self.decision_kind)


class AttendanceRole(StrEnum):
    """How a person in a närvarolista took part."""

    MEMBER = "member"  # beslutande ledamot
    SUBSTITUTE = "substitute"  # ersättare
    OTHER = "other"  # övriga närvarande: officials, secretary, guests
    ABSENT = "absent"


@dataclass(slots=True)
class AttendanceEntry:
    """One person in a närvarolista and how they took part."""

    name: str
    role: AttendanceRole
    party: str | None = None
    function: str | None = None
    title: str | None = None
    department: str | None = None
    paragraphs: list[int] = field(default_factory=list)
    serving_for: str | None = None
    times: list[tuple[str, str]] = field(default_factory=list)
    municipality: str | None = None
    span: Span | None = None
    rule: str = ""
    confidence: float = 1.0
    """Below 1 when the entry was read in part (a list cut by a page break, a line not fully understood)."""

    def __post_init__(self) -> None:
        self.role = AttendanceRole(self.role)


@dataclass(slots=True)
class Meeting:
    """A sammanträde as described by a protocol cover, ANSLAG/BEVIS block and närvarolista."""

    body: str | None = None
    date: date | None = None
    time: str | None = None
    place: str | None = None
    paragraph_range: tuple[int, int] | None = None
    chair: str | None = None
    secretary: str | None = None
    adjusters: list[str] = field(default_factory=list)
    adjusted_on: date | None = None
    adjustment_place: str | None = None
    notice_posted: date | None = None
    notice_removed: date | None = None
    storage_place: str | None = None
    attendance: list[AttendanceEntry] = field(default_factory=list)
    span: Span | None = None
    rule: str = ""
    confidence: float = 1.0
    """Below 1 when the cover refers its attendance elsewhere and no list was found to attach."""


class DateRole(StrEnum):
    """What a date printed in a document is (patterns/dates.jsonl names the roles its rules give)."""

    DOCUMENT = "document"  # the document's own date
    MEETING = "meeting"
    ADJUSTED = "adjusted"  # justerad
    NOTICE_POSTED = "notice_posted"  # anslaget
    NOTICE_REMOVED = "notice_removed"
    DEADLINE = "deadline"
    DECISION = "decision"
    EVENT = "event"
    OTHER = "other"


@dataclass(slots=True)
class DateFact:
    """A date with its role."""

    text: str
    value: date
    role: DateRole
    span: Span | None = None
    rule: str = ""
    time: str | None = None

    def __post_init__(self) -> None:
        self.role = DateRole(self.role)


@dataclass(slots=True)
class Period:
    """A year range such as 2020-2023, with the length stated beside it if any ("fyra år")."""

    text: str
    start: int
    end: int
    stated_years: int | None = None
    span: Span | None = None
    rule: str = ""


@dataclass(slots=True)
class Amount:
    """A sum of money or a percentage; value in SEK (or percent when unit is "%")."""

    text: str
    value: float
    unit: str = "SEK"
    approximate: bool = False
    per: str | None = None
    span: Span | None = None
    rule: str = ""


class DocType(StrEnum):
    PROTOCOL = "protocol"
    PROTOCOL_EXTRACT = "protocol_extract"
    PROTOCOL_BUNDLE = "protocol_bundle"  # § extracts with their attachments (letters, covers of other bodies)
    LETTER = "letter"
    MINUTES = "minutes"  # minnesanteckningar: numbered agenda items, no §
    AGENDA = "agenda"  # kallelse / föredragningslista
    REPORT = "report"
    OTHER = "other"


@dataclass(slots=True)
class Extraction:
    """Everything extracted from one document version."""

    doc_type: DocType
    municipality: str | None = None
    municipality_code: str | None = None
    date: date | None = None
    sections: list[Section] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    case_numbers: list[CaseNumber] = field(default_factory=list)
    dates: list[DateFact] = field(default_factory=list)
    periods: list[Period] = field(default_factory=list)
    amounts: list[Amount] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    extractor_version: str = ""  # extractors.version.EXTRACTOR_VERSION, set by the extractor that made it

    def __post_init__(self) -> None:
        self.doc_type = DocType(self.doc_type)


@dataclass(slots=True)
class PreparedDocument:
    """A file read as far as it can be without OCR: identity, text-layer pages, pages left to OCR."""

    path: str
    sha256: str
    size: int
    kind: FileKind
    page_count: int
    pages: list[PageText] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)
    encoding: str | None = None
    #: Warnings a registrar should see although the file was read ("UTF-8, 4 invalid bytes replaced").
    notes: list[str] = field(default_factory=list)
    #: Wall-clock time (time.time()) after which no more of this file is read: its pages are given up.
    deadline: float | None = None


class DocumentStatus(StrEnum):
    """Where the latest attempt on a document, or the storing of one version, stands."""

    PENDING = "pending"  # begun, not finished
    OK = "ok"
    PARTIAL = "partial"  # stored, a page failed OCR
    FAILED = "failed"  # documents only: nothing of this attempt was stored


class OutcomeStatus(StrEnum):
    """What happened to one file in a batch."""

    INGESTED = "ingested"
    UNCHANGED = "unchanged"  # these bytes were stored already
    PARTIAL = "partial"
    FAILED = "failed"


@dataclass(slots=True)
class Outcome:
    """What happened to one file in a batch."""

    path: str
    status: OutcomeStatus
    sha256: str | None = None
    pages: int = 0
    ocr_pages: int = 0
    version_id: int | None = None
    error_code: str | None = None
    message: str | None = None
    # Stored bytes whose extraction is missing for the current extractor version (new rules, or it failed).
    needs_extraction: bool = False

    def __post_init__(self) -> None:
        self.status = OutcomeStatus(self.status)

    @property
    def ok(self) -> bool:
        return self.status in (OutcomeStatus.INGESTED, OutcomeStatus.UNCHANGED)
