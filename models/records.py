"""Typed records passed between pipeline stages.

The record types are the contract: Document -> Page -> Section -> extracted
records (each with a Span) -> Claims -> Flags.  Stages exchange these, never
plain dicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum


class FileKind(str, Enum):
    """What a file is, decided from its bytes (magic numbers), not its name."""

    PDF = "pdf"
    PNG = "png"
    JPEG = "jpeg"
    TIFF = "tiff"
    TEXT = "text"


class PageMethod(str, Enum):
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


class RegionKind(str, Enum):
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


@dataclass(slots=True)
class Section:
    """A typed stretch of a document (cover, § extract, närvarolista, letter, ...).

    `start`/`end` are offsets into the document's joined text (pages joined with
    form feed); `page_start`/`page_end` are 1-based page numbers.
    """

    kind: str
    start: int
    end: int
    page_start: int
    page_end: int
    text: str
    rule: str = ""
    label: str | None = None  # the section's own label as printed: "55" for § 55, "5b" for agenda item 5 b)


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


@dataclass(slots=True)
class Entity:
    """A municipality, deciding body (organ) or other organisation the text names.

    `value` is the canonical form: the municipality's four-digit code, the body's name in base form
    ("Kommunstyrelsens" -> "Kommunstyrelsen"), the organisation's name.
    """

    label: str  # municipality | body | organisation
    text: str
    value: str
    rule: str = ""
    span: Span | None = None


@dataclass(slots=True)
class Reference:
    """A pointer to another protocol or decision ("protokollsutdrag 2019-04-29 § 1034")."""

    text: str
    body: str | None = None
    date: date | None = None
    paragraph: int | None = None
    span: Span | None = None
    rule: str = ""


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


@dataclass(slots=True)
class Item:
    """One § extract or agenda item (ärende)."""

    number: str
    paragraph: int | None = None
    title: str | None = None
    case_number: CaseNumber | None = None
    body: str | None = None
    meeting_date: date | None = None
    decision_kind: str | None = None
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


@dataclass(slots=True)
class AttendanceEntry:
    """One person in a närvarolista: role is member/substitute/other/absent."""

    name: str
    role: str
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


@dataclass(slots=True)
class DateFact:
    """A date with its role (document, meeting, adjusted, notice_posted, deadline, decision, event, ...)."""

    text: str
    value: date
    role: str
    span: Span | None = None
    rule: str = ""
    time: str | None = None


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


@dataclass(slots=True)
class Extraction:
    """Everything extracted from one document version."""

    doc_type: str
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


@dataclass(slots=True)
class Outcome:
    """What happened to one file in a batch."""

    path: str
    status: str  # ingested, unchanged, partial, failed
    sha256: str | None = None
    pages: int = 0
    ocr_pages: int = 0
    version_id: int | None = None
    error_code: str | None = None
    message: str | None = None
    # Stored bytes whose extraction is missing for the current extractor version (new rules, or it failed).
    needs_extraction: bool = False

    @property
    def ok(self) -> bool:
        return self.status in ("ingested", "unchanged")
