"""Document assembly: the one entry point the pipeline calls to turn a document's pages into an Extraction."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import date

from extractors.amounts import extract_amounts
from extractors.bodies import is_body_name, normalise_body
from extractors.case_numbers import extract_case_numbers, unique_case_numbers
from extractors.dates import document_date, extract_dates
from extractors.entities import extract_entities
from extractors.items import extract_items, protocol_body_for
from extractors.meetings import called_meeting, extract_meetings
from extractors.municipality import detect_municipality
from extractors.patternfile import fragment, load_rules
from extractors.page_context import page_contexts
from extractors.periods import extract_periods
from extractors.references import parse_date
from extractors.segment import classify, segment, strip_noise
from extractors.text import DocText, fold
from extractors.version import EXTRACTOR_VERSION
from models.records import Extraction, Item, Meeting, PageText, RegionKind, Span

log = logging.getLogger(__name__)

_MINUTES_DATE = re.compile(r"^[ \t]*datum[ \t]*:?[ \t]*(?P<date>\d{4}-\d{2}-\d{2})", re.M)


def _page_span(doc: DocText, span: Span | None) -> Span | None:
    """Turn a document-level span (page 0, as extractors working on plain text return) into page coordinates."""
    if span is None or span.page != 0:
        return span
    local = doc.span(span.start, span.end)
    return replace(local, box=span.box, confidence=span.confidence)


def _localise(doc: DocText, records: list) -> list:
    for record in records:
        if hasattr(record, "span"):
            record.span = _page_span(doc, record.span)
    return records


def _covers(meeting: Meeting, paragraph: int) -> bool:
    return bool(meeting.paragraph_range) and meeting.paragraph_range[0] <= paragraph <= meeting.paragraph_range[1]


def _meeting_for(item: Item, meetings: list[Meeting]) -> Meeting | None:
    """The meeting of the item's body whose paragraph range holds the item's §, else the only one of that body.

    A cover whose body could not be read still dates the § items inside its "Paragrafer" range, when it is the
    only such cover: the items of a full protocol are its meeting's items whatever body their blocks name."""
    if item.body:
        same_body = [m for m in meetings if m.body and fold(m.body) == fold(item.body)]
        if item.paragraph is not None:
            in_range = [m for m in same_body if _covers(m, item.paragraph)]
            if in_range:
                return in_range[0]
            same_body = [m for m in same_body if not m.paragraph_range]
        if len(same_body) == 1:
            return same_body[0]
    if item.paragraph is not None:
        unnamed = [m for m in meetings if not m.body and _covers(m, item.paragraph)]
        if len(unnamed) == 1:
            return unnamed[0]
    return None


_ORGAN = re.compile(r"^[ \t]*organ[ \t]*:?[ \t]+(?P<body>\S.*?)[ \t]*$", re.M)
_MEETING_DATE = re.compile(r"^[ \t]*(?:sammantradesdatum|datum)[ \t]*:?[ \t]*(?P<date>\d{4}-\d{2}-\d{2})", re.M)
_RANGE = re.compile(r"^[ \t]*paragrafer[ \t]*:?[ \t]*§?[ \t]*(?P<a>\d+)[ \t]*-[ \t]*(?P<b>\d+)", re.M)


def _notice_meetings(doc: DocText, sections) -> list[Meeting]:
    """Body, date and § range read from cover + ANSLAG/BEVIS pairs, for item dates where no full meeting was extracted."""
    meetings: list[Meeting] = []
    cover_range = None
    for section in sections:
        folded = fold(section.text)
        if section.kind == "protocol_cover":
            m = _RANGE.search(folded)
            cover_range = (int(m.group("a")), int(m.group("b"))) if m else None
        elif section.kind == "notice":
            organ, when = _ORGAN.search(folded), _MEETING_DATE.search(folded)
            if organ and when:
                body = section.text[organ.start("body") : organ.end("body")]
                meetings.append(Meeting(body=body, date=parse_date(when.group("date")), paragraph_range=cover_range))
            cover_range = None
    return meetings


_HEAD_LINES = 40


def _head_body(clean: str, sections, item_kind: str = "paragraph_extract") -> str | None:
    """The deciding body printed alone on a line of the document head, before the first item section
    ("Kommunstyrelsen" under the letterhead of an extract); None when the head names none or several."""
    first = next((s.start for s in sections if s.kind == item_kind), None)
    if first is None:
        return None
    lines = [line.strip(" \t*#|") for line in clean[:first].splitlines()]
    found = {
        normalise_body(line) for line in [ln for ln in lines if ln][:_HEAD_LINES]
        if len(line) <= 60 and len(line.split()) <= 6 and line[:1].isupper() and not re.search(r"\d", line)
        and is_body_name(line) and not re.search(r"\bkommuns?\b|\bstad\b", fold(line))
    }
    return found.pop() if len(found) == 1 else None


def _minutes_date(doc: DocText, sections) -> date | None:
    for section in sections:
        if section.rule == "minutes_header":
            m = _MINUTES_DATE.search(fold(section.text))
            if m:
                return parse_date(m.group("date"))
    return None


_HEAD_CHARS = 1500
# A letterhead's reference grid: "Vår referens", "Er referens", "Vårt ärendenr", "Er beteckning".
_LETTER_REFERENCE = re.compile(
    r"(?:^|\t|[ ]{2})[ \t]*(?:var|vart|er|ert)\s+(?:referens|ref\.?|beteckning|" + fragment("case_label_word") + r")\b",
    re.M,
)


def _index_spans(doc: DocText, pages: list[PageText]) -> list[tuple[int, int]]:
    """Document offsets of the § index tables the layout marked on the pages (their rows never start an item)."""
    spans = []
    for page in pages:
        base = doc.page_starts[doc.page_numbers.index(page.number)]
        spans += [(base + r.start, base + r.end) for r in page.regions if r.kind == RegionKind.INDEX_TABLE]
    return spans


def _refine_type(doc_type: str, clean: str) -> str:
    """A text with no typed section is typed by its head (patterns/doc_types.jsonl: a motion stays other, a handling
    put before the council is a letter), else it is a letter when it has a letterhead reference grid."""
    if doc_type != "other":
        return doc_type
    folded = fold(clean)
    for rule in load_rules("doc_types"):
        if rule.regex.search(folded[: rule.get("head", _HEAD_CHARS)]):
            return rule.get("doc_type")
    if _LETTER_REFERENCE.search(folded[:_HEAD_CHARS]):
        return "letter"
    return doc_type


def extract_document(pages: list[PageText]) -> Extraction:
    """Pages -> Extraction: noise stripped, sections typed, document classified, items, case numbers, meetings,
    dates, periods and amounts; every span in page coordinates."""
    doc = DocText.from_pages(pages)
    clean = strip_noise(doc.text)
    sections = segment(doc, _index_spans(doc, pages), clean)
    doc_type = _refine_type(classify(doc, sections, clean), clean)
    agenda = doc_type == "agenda"
    # Extracted once: the document's date is read from the same meetings (a called meeting does not date it).
    extracted = extract_meetings(doc, sections)
    meetings = extracted
    if agenda and not meetings:
        # A kallelse's head describes the meeting it calls: body, time, place, chair and secretary.
        meetings = [called_meeting(doc, sections)]
    for meeting in meetings:
        meeting.span = _page_span(doc, meeting.span)
        for entry in meeting.attendance:
            entry.span = _page_span(doc, entry.span)
    known = meetings or _notice_meetings(doc, sections)
    # An item whose decision block names no body ("Beslut") was decided by the body whose protocol it is.
    meeting_bodies = {fold(m.body): m.body for m in known if m.body}
    protocol_body = next(iter(meeting_bodies.values())) if len(meeting_bodies) == 1 else _head_body(clean, sections)

    items = extract_items(doc, sections, known, protocol_body, clean)
    case_numbers = _localise(doc, unique_case_numbers(extract_case_numbers(clean)))
    for item in items:
        if item.case_number is not None:
            item.case_number.span = _page_span(doc, item.case_number.span)

    extraction = Extraction(doc_type=doc_type, sections=sections, items=items, case_numbers=case_numbers, meetings=meetings, extractor_version=EXTRACTOR_VERSION)

    extraction.date = document_date(doc, sections, extracted) or _minutes_date(doc, sections)
    extraction.dates = _localise(doc, extract_dates(clean, 0, extraction.date))
    extraction.periods = _localise(doc, extract_periods(clean, 0))
    extraction.amounts = _localise(doc, extract_amounts(clean, 0))
    extraction.entities = extract_entities(doc)
    found = detect_municipality(doc.text)
    if found:
        extraction.municipality, extraction.municipality_code = found

    minutes_date = _minutes_date(doc, sections) if doc_type == "minutes" else None
    meeting_dates = {d.value for d in extraction.dates if d.role == "meeting"}
    # An agenda's items are the business of the one meeting it calls, held by the body it names in its head.
    agenda_body = ((meetings[0].body if len(meetings) == 1 else None) or _head_body(clean, sections, "minutes_item")) if agenda else None
    for item in items:
        if agenda:
            item.body = item.body or agenda_body
            if item.meeting_date is None and len(meeting_dates) == 1:
                item.meeting_date = next(iter(meeting_dates))
    for item in items:
        if item.body is None and item.paragraph is not None:
            item.body = protocol_body_for(item.paragraph, known, protocol_body)
        meeting = _meeting_for(item, known)
        if meeting and meeting.date:
            item.meeting_date = meeting.date
        elif item.paragraph is None and minutes_date:
            item.meeting_date = minutes_date
        elif item.paragraph is not None and len(meeting_dates) == 1 and not known:
            # an extract without cover: its one "Sammanträdesdatum" is the meeting's date
            item.meeting_date = next(iter(meeting_dates))
    _take_page_context(doc, pages, items, meetings)
    return extraction


def _take_page_context(doc: DocText, pages: list[PageText], items: list[Item], meetings: list[Meeting]) -> None:
    """Items and meetings that no cover gave a body or meeting date take those of the running header of the
    page they start on (extractors.page_context)."""
    contexts = {c.page: c for c in page_contexts(pages)}
    for record in [*items, *meetings]:
        span = record.span
        context = contexts.get(doc.page_at(span.start) if span.page == 0 else span.page) if span else None
        if context is None:
            continue
        if record.body is None:
            record.body = context.body
        if isinstance(record, Item) and record.meeting_date is None:
            record.meeting_date = context.meeting_date
        elif isinstance(record, Meeting) and record.date is None:
            record.date = context.meeting_date
