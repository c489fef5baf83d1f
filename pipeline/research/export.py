"""The JSON Lines export: one object per ingested document, exactly the keys of EXPORT.md.

Each part of a line (a span, a meeting, an attendance entry, an item, a vote, …) is written by one function of its
values. `document_object` gives them an Extraction's typed records; the export itself gives them the rows of
pipeline.store.repository.read_batches as they come from the database (`lines_of`), with no typed records in
between: the same keys, in the same order, from one place.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import select

from extractors.version import EXTRACTOR_VERSION
from models.db import session_scope
from models.records import Entity, Extraction, Item, Meeting, Span, Vote
from models.schema import Document, DocumentVersion, ExtractionRecord, Page
from pipeline.store.repository import ITEM_LISTS, BatchRows, flag, iso, json_value, read_batches


def _span_line(page: int, start: int, end: int, box: list | None, confidence: float | None) -> dict[str, Any]:
    return {"page": page, "start": start, "end": end, "box": box, "confidence": confidence}


def _span(span: Span | None) -> dict[str, Any] | None:
    if span is None:
        return None
    return _span_line(span.page, span.start, span.end, _list(span.box), span.confidence)


def _list(value: tuple | None) -> list | None:
    return list(value) if value is not None else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _meeting_line(
    body: str | None, day: str | None, paragraph_range: list | None, adjusted_on: str | None, notice_posted: str | None,
    notice_removed: str | None, chair: str | None, secretary: str | None, adjusters: list[str], time: str | None, place: str | None,
    adjustment_place: str | None, storage_place: str | None, attendance: list[dict[str, Any]], span: dict[str, Any] | None,
) -> dict[str, Any]:
    return {
        "body": body,
        "date": day,
        "paragraph_range": paragraph_range,
        "adjusted_on": adjusted_on,
        "notice_posted": notice_posted,
        "notice_removed": notice_removed,
        "chair": chair,
        "secretary": secretary,
        "adjusters": adjusters,
        "time": time,
        "place": place,
        "adjustment_place": adjustment_place,
        "storage_place": storage_place,
        "attendance": attendance,
        "span": span,
    }


def _attendance_line(
    name: str, party: str | None, role: str, function: str | None, paragraphs: list[int], serving_for: str | None, title: str | None,
    municipality: str | None, confidence: float, span: dict[str, Any] | None,
) -> dict[str, Any]:
    return {
        "name": name,
        "party": party,
        "role": role,
        "function": function,
        "paragraphs": paragraphs,
        "serving_for": serving_for,
        "title": title,
        "municipality": municipality,
        "confidence": confidence,
        "span": span,
    }


def _meeting(m: Meeting) -> dict[str, Any]:
    return _meeting_line(
        m.body, _day(m.date), _list(m.paragraph_range), _day(m.adjusted_on), _day(m.notice_posted), _day(m.notice_removed), m.chair,
        m.secretary, list(m.adjusters), m.time, m.place, m.adjustment_place, m.storage_place,
        [
            _attendance_line(a.name, a.party, a.role, a.function, list(a.paragraphs), a.serving_for, a.title, a.municipality, a.confidence, _span(a.span))
            for a in m.attendance
        ],
        _span(m.span),
    )


def _vote_line(
    yes: int | None, no: int | None, abstain: int | None, proposition: str | None, yes_names: list[str], no_names: list[str],
    abstain_names: list[str], rule: str, confidence: float,
) -> dict[str, Any]:
    return {
        "yes": yes,
        "no": no,
        "abstain": abstain,
        "proposition": proposition,
        "yes_names": yes_names,
        "no_names": no_names,
        "abstain_names": abstain_names,
        "rule": rule,
        "confidence": confidence,
    }


def _vote(v: Vote) -> dict[str, Any]:
    return _vote_line(v.yes, v.no, v.abstain, v.proposition, list(v.yes_names), list(v.no_names), list(v.abstain_names), v.rule, v.confidence)


def _reference_line(body: str | None, day: str | None, paragraph: int | None, text: str) -> dict[str, Any]:
    return {"body": body, "date": day, "paragraph": paragraph, "text": text}


def _item_line(
    paragraph: int | None, number: str, case_number: str | None, case_number_raw: str | None, body: str | None, meeting_date: str | None,
    title: str | None, decision_kind: str | None, decisions: list[str], immediate_adjustment: bool, references: list[dict[str, Any]],
    votes: list[dict[str, Any]], lists: dict[str, list[str]], proposed_by: str | None, span: dict[str, Any] | None, rule: str,
    confidence: float, case_number_rule: str | None, case_number_confidence: float | None,
) -> dict[str, Any]:
    """`lists` holds the item's lines by field name (ITEM_LISTS), each list present."""
    return {
        "paragraph": paragraph,
        "number": number,
        "case_number": case_number,
        "case_number_raw": case_number_raw,
        "body": body,
        "meeting_date": meeting_date,
        "title": title,
        "decision_kind": decision_kind,
        "decisions": decisions,
        "immediate_adjustment": immediate_adjustment,
        "references": references,
        "votes": votes,
        "motions": lists["motions"],
        "reservations": lists["reservations"],
        "conflicts_of_interest": lists["conflicts_of_interest"],
        "notes": lists["notes"],
        "statements": lists["statements"],
        "distribution": lists["distribution"],
        "proposed_by": proposed_by,
        "span": span,
        "rule": rule,
        "confidence": confidence,
        "case_number_rule": case_number_rule,
        "case_number_confidence": case_number_confidence,
    }


def _item(i: Item) -> dict[str, Any]:
    case = i.case_number
    return _item_line(
        i.paragraph, i.number, case.normalised if case else None, case.raw if case else None, i.body, _day(i.meeting_date), i.title,
        i.decision_kind, list(i.decisions), i.immediate_adjustment,
        [_reference_line(r.body, _day(r.date), r.paragraph, r.text) for r in i.references], [_vote(v) for v in i.votes],
        {name: list(getattr(i, name)) for name in ITEM_LISTS}, i.proposed_by, _span(i.span), i.rule, i.confidence,
        case.rule if case else None, case.confidence if case else None,
    )


def _date_line(text: str, value: str | None, role: str, span: dict[str, Any] | None) -> dict[str, Any]:
    return {"text": text, "value": value, "role": role, "span": span}


def _period_line(text: str, start: int, end: int, stated_years: int | None, span: dict[str, Any] | None) -> dict[str, Any]:
    return {"text": text, "start": start, "end": end, "stated_years": stated_years, "span": span}


def _amount_line(text: str, value: float, unit: str, approximate: bool, per: str | None, span: dict[str, Any] | None) -> dict[str, Any]:
    return {"text": text, "value": value, "unit": unit, "approximate": approximate, "per": per, "span": span}


def _entities_line(entities: Iterable[tuple[str, str, str, dict[str, Any] | None, str]]) -> list[dict[str, Any]]:
    """The municipalities, bodies and organisations a document names (label, value, text, span, rule of each
    mention), one entry per value, in order of first mention."""
    from models.municipalities import registry

    by_code = registry().by_code
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    for label, value, text, span, rule in entities:
        entry = grouped.get((label, value))
        if entry is None:
            name = value
            if label == "municipality" and value in by_code:
                name = by_code[value].name
            entry = grouped[(label, value)] = {
                "label": label, "value": value, "name": name, "mentions": 0, "pages": [],
                "first": {"text": text, "span": span, "rule": rule},
            }
        entry["mentions"] += 1
        page = span["page"] if span else None
        if page is not None and page not in entry["pages"]:
            entry["pages"].append(page)
    return list(grouped.values())


def _entities(entities: list[Entity]) -> list[dict[str, Any]]:
    return _entities_line((e.label, e.value, e.text, _span(e.span), e.rule) for e in entities)


def _source(path: str, sha256: str, page_count: int, ocr: bool) -> dict[str, Any]:
    return {"path": path, "sha256": sha256, "pages": page_count, "ocr": ocr}


def _unextracted_line(source: dict[str, Any], flags: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "source": source, "doc_type": None, "municipality": None, "date": None, "meetings": [], "items": [], "case_numbers": [],
        "dates": [], "periods": [], "amounts": [], "entities": [], "flags": flags,
    }


def _document_line(
    source: dict[str, Any], doc_type: str, municipality: str | None, code: str | None, day: str | None, meetings: list[dict[str, Any]],
    items: list[dict[str, Any]], case_numbers: Iterable[str], dates: list[dict[str, Any]], periods: list[dict[str, Any]],
    amounts: list[dict[str, Any]], entities: list[dict[str, Any]], flags: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "source": source,
        "doc_type": doc_type,
        "municipality": {"name": municipality, "code": code} if municipality else None,
        "date": day,
        "meetings": meetings,
        "items": items,
        "case_numbers": list(dict.fromkeys(case_numbers)),
        "dates": dates,
        "periods": periods,
        "amounts": amounts,
        "entities": entities,
        "flags": flags,
    }


def document_object(
    path: str, sha256: str, page_count: int, ocr: bool, extraction: Extraction | None, flags: list[dict[str, Any]]
) -> dict[str, Any]:
    """One export line from a stored version and its extraction (None before extraction has run)."""
    source = _source(path, sha256, page_count, ocr)
    if extraction is None:
        return _unextracted_line(source, flags)
    e = extraction
    return _document_line(
        source, e.doc_type, e.municipality, e.municipality_code, _day(e.date), [_meeting(m) for m in e.meetings], [_item(i) for i in e.items],
        (c.normalised for c in e.case_numbers), [_date_line(d.text, _day(d.value), d.role, _span(d.span)) for d in e.dates],
        [_period_line(p.text, p.start, p.end, p.stated_years, _span(p.span)) for p in e.periods],
        [_amount_line(a.text, a.value, a.unit, a.approximate, a.per, _span(a.span)) for a in e.amounts], _entities(e.entities), flags,
    )


class _Parts:
    """One document's parts gathered from a batch's rows."""

    __slots__ = ("header", "meetings", "items", "case_numbers", "dates", "periods", "amounts", "entities")

    def __init__(self, header: tuple):
        self.header = header
        self.meetings: list[dict[str, Any]] = []
        self.items: list[dict[str, Any]] = []
        self.case_numbers: list[str] = []
        self.dates: list[dict[str, Any]] = []
        self.periods: list[dict[str, Any]] = []
        self.amounts: list[dict[str, Any]] = []
        self.entities: list[tuple] = []


def lines_of(batch: BatchRows) -> dict[int, _Parts]:
    """version id -> the parts of its line (all but source and flags: see `line`) from a batch's rows, as
    document_object writes them from the typed records those rows are read back as."""
    spans: dict[int, dict[str, Any]] = {
        span_id: _span_line(page, start, end, None if box is None else json_value(box), confidence) for span_id, (page, start, end, box, confidence) in batch.spans.items()
    }
    span_of = spans.get
    parts = {header[0]: _Parts(header) for header in batch.headers}
    meetings: dict[int, list[dict[str, Any]]] = {}
    for (
        meeting_id, version_id, body, day, time, place, first, last, chair, secretary, adjusters, adjusted_on, adjustment_place,
        notice_posted, notice_removed, storage_place, span_id, _rule, _confidence,
    ) in batch.meetings:
        attendance = meetings[meeting_id] = []
        parts[version_id].meetings.append(_meeting_line(
            body, iso(day), [first, last] if first is not None and last is not None else None, iso(adjusted_on), iso(notice_posted),
            iso(notice_removed), chair, secretary, json_value(adjusters) or [], time, place, adjustment_place, storage_place, attendance,
            span_of(span_id),
        ))
    for (
        meeting_id, name, printed_name, role, party, function, title, _department, paragraphs, serving_for, _times, municipality,
        span_id, _rule, confidence,
    ) in batch.attendance:
        meetings[meeting_id].append(_attendance_line(
            printed_name if printed_name is not None else name, party, role, function, json_value(paragraphs) or [], serving_for, title,
            municipality, confidence, span_of(span_id),
        ))
    items: dict[int, tuple[list, list, dict[str, list[str]]]] = {}
    for (
        item_id, version_id, number, paragraph, title, body, meeting_date, span_id, rule, proposed_by, confidence, raw, normalised,
        _year, _register, _serial, _classification, _case_span_id, case_rule, case_confidence, kind, clauses, immediate,
    ) in batch.items:
        references: list[dict[str, Any]] = []
        votes: list[dict[str, Any]] = []
        lists: dict[str, list[str]] = {name: [] for name in ITEM_LISTS}
        items[item_id] = (references, votes, lists)
        case = raw is not None
        parts[version_id].items.append(_item_line(
            paragraph, number, (normalised or "") if case else None, raw, body, iso(meeting_date), title, kind, json_value(clauses) or [],
            bool(immediate), references, votes, lists, proposed_by, span_of(span_id), rule, confidence,
            (case_rule or "") if case else None, (case_confidence if case_confidence is not None else 1.0) if case else None,
        ))
    for item_id, text, body, day, paragraph, _span_id, _rule in batch.references:
        items[item_id][0].append(_reference_line(body, iso(day), paragraph, text))
    lists_of = {kind: name for name, kind in ITEM_LISTS.items()}
    for item_id, kind, text in batch.entries:
        items[item_id][2][lists_of[kind]].append(text)
    names: dict[int, dict[str, list[str]]] = {}
    for vote_id, item_id, yes, no, abstain, proposition, _span_id, rule, confidence in batch.votes:
        chosen = names[vote_id] = {"yes": [], "no": [], "abstain": []}
        items[item_id][1].append(_vote_line(yes, no, abstain, proposition, chosen["yes"], chosen["no"], chosen["abstain"], rule, confidence))
    for vote_id, choice, printed, name in batch.choices:
        names[vote_id][choice].append(printed or name)
    for version_id, _raw, normalised, *_ in batch.case_numbers:
        parts[version_id].case_numbers.append(normalised)
    for version_id, text, value, role, span_id, _rule, _time in batch.dates:
        parts[version_id].dates.append(_date_line(text, iso(value), role, span_of(span_id)))
    for version_id, text, start, end, stated, span_id, _rule in batch.periods:
        parts[version_id].periods.append(_period_line(text, start, end, stated, span_of(span_id)))
    for version_id, text, value, unit, approximate, per, span_id, _rule in batch.amounts:
        parts[version_id].amounts.append(_amount_line(text, value, unit, flag(approximate), per, span_of(span_id)))
    for version_id, label, text, value, rule, span_id in batch.entities:
        parts[version_id].entities.append((label, value, text, span_of(span_id), rule))
    return parts


def line(source: dict[str, Any], parts: _Parts | None, flags: list[dict[str, Any]]) -> dict[str, Any]:
    """One export line from its source, its parts (None before extraction has run) and its flags."""
    if parts is None:
        return _unextracted_line(source, flags)
    _version, _document, _extractor, doc_type, municipality, code, day = parts.header
    return _document_line(
        source, doc_type, municipality, code, iso(day), parts.meetings, parts.items, parts.case_numbers, parts.dates, parts.periods,
        parts.amounts, _entities_line(parts.entities), flags,
    )


# Documents read and turned into lines per round trip: memory stays that of one chunk however large the database.
EXPORT_CHUNK = 500


def iter_export(url: str, with_text: bool = False) -> Iterator[dict[str, Any]]:
    """Every document's current version, in path order, streamed: the rows come EXPORT_CHUNK at a time (a
    server-side cursor on PostgreSQL) and each chunk's extraction rows and flags are read with it."""
    from pipeline.store.flags import flags_by_version

    with session_scope(url) as session:
        result = session.execute(
            select(Document.path, DocumentVersion.id, DocumentVersion.sha256, DocumentVersion.page_count, DocumentVersion.ocr, ExtractionRecord.id)
            .join(DocumentVersion, DocumentVersion.id == Document.current_version_id)
            .outerjoin(
                ExtractionRecord,
                (ExtractionRecord.version_id == DocumentVersion.id) & (ExtractionRecord.extractor_version == EXTRACTOR_VERSION),
            )
            .order_by(Document.path)
            .execution_options(yield_per=EXPORT_CHUNK)
        )
        for chunk in result.partitions():
            flag_map = flags_by_version(url, [row[1] for row in chunk])
            # The export prints no sections, whose text would be cut from every page.
            parts: dict[int, _Parts] = {}
            for batch in read_batches(session, [row[1] for row in chunk if row[5] is not None], with_sections=False):
                parts.update(lines_of(batch))
            for path, version_id, sha256, page_count, ocr, _extracted in chunk:
                obj = line(_source(path, sha256, page_count, ocr), parts.get(version_id), flag_map.get(version_id, []))
                if with_text:
                    obj["pages"] = _pages(url, version_id)
                yield obj


def _pages(url: str, version_id: int) -> list[dict[str, Any]]:
    with session_scope(url) as session:
        rows = session.execute(
            select(Page.number, Page.method, Page.confidence, Page.text, Page.error).where(Page.version_id == version_id).order_by(Page.number)
        ).all()
    return [{"number": n, "method": m, "confidence": c, "text": t, "error": e} for n, m, c, t, e in rows]


def write_jsonl(url: str, out: TextIO | Path, with_text: bool = False) -> int:
    """Write the export; returns the number of documents written."""
    if isinstance(out, Path):
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as handle:
            return write_jsonl(url, handle, with_text)
    count = 0
    # json.dumps(obj, ensure_ascii=False), without the check for circular references a line cannot have.
    encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
    for obj in iter_export(url, with_text):
        out.write(encode(obj) + "\n")
        count += 1
    return count
