"""The JSON Lines export: one object per ingested document, exactly the keys of EXPORT.md."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import select

from extractors.version import EXTRACTOR_VERSION
from models.db import session_scope
from models.records import Entity, Extraction, Item, Meeting, Span, Vote
from models.schema import Document, DocumentVersion, ExtractionRecord, Page
from pipeline.store.repository import load_extractions


def _span(span: Span | None) -> dict[str, Any] | None:
    if span is None:
        return None
    return {"page": span.page, "start": span.start, "end": span.end, "box": _list(span.box), "confidence": span.confidence}


def _list(value: tuple | None) -> list | None:
    return list(value) if value is not None else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _meeting(m: Meeting) -> dict[str, Any]:
    return {
        "body": m.body,
        "date": _day(m.date),
        "paragraph_range": _list(m.paragraph_range),
        "adjusted_on": _day(m.adjusted_on),
        "notice_posted": _day(m.notice_posted),
        "notice_removed": _day(m.notice_removed),
        "chair": m.chair,
        "secretary": m.secretary,
        "adjusters": list(m.adjusters),
        "time": m.time,
        "place": m.place,
        "adjustment_place": m.adjustment_place,
        "storage_place": m.storage_place,
        "attendance": [
            {
                "name": a.name,
                "party": a.party,
                "role": a.role,
                "function": a.function,
                "paragraphs": list(a.paragraphs),
                "serving_for": a.serving_for,
                "title": a.title,
                "municipality": a.municipality,
                "confidence": a.confidence,
                "span": _span(a.span),
            }
            for a in m.attendance
        ],
        "span": _span(m.span),
    }


def _vote(v: Vote) -> dict[str, Any]:
    return {
        "yes": v.yes,
        "no": v.no,
        "abstain": v.abstain,
        "proposition": v.proposition,
        "yes_names": list(v.yes_names),
        "no_names": list(v.no_names),
        "abstain_names": list(v.abstain_names),
        "rule": v.rule,
        "confidence": v.confidence,
    }


def _item(i: Item) -> dict[str, Any]:
    case = i.case_number
    return {
        "paragraph": i.paragraph,
        "number": i.number,
        "case_number": case.normalised if case else None,
        "case_number_raw": case.raw if case else None,
        "body": i.body,
        "meeting_date": _day(i.meeting_date),
        "title": i.title,
        "decision_kind": i.decision_kind,
        "decisions": list(i.decisions),
        "immediate_adjustment": i.immediate_adjustment,
        "references": [{"body": r.body, "date": _day(r.date), "paragraph": r.paragraph, "text": r.text} for r in i.references],
        "votes": [_vote(v) for v in i.votes],
        "motions": list(i.motions),
        "reservations": list(i.reservations),
        "conflicts_of_interest": list(i.conflicts_of_interest),
        "notes": list(i.notes),
        "statements": list(i.statements),
        "distribution": list(i.distribution),
        "proposed_by": i.proposed_by,
        "span": _span(i.span),
        "rule": i.rule,
        "confidence": i.confidence,
        "case_number_rule": case.rule if case else None,
        "case_number_confidence": case.confidence if case else None,
    }


def _entities(entities: list[Entity]) -> list[dict[str, Any]]:
    """The municipalities, bodies and organisations a document names, one entry per value, in order of first mention."""
    from models.municipalities import registry

    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    for e in entities:
        entry = grouped.get((e.label, e.value))
        if entry is None:
            name = e.value
            if e.label == "municipality" and e.value in registry().by_code:
                name = registry().by_code[e.value].name
            entry = grouped[(e.label, e.value)] = {
                "label": e.label, "value": e.value, "name": name, "mentions": 0, "pages": [],
                "first": {"text": e.text, "span": _span(e.span), "rule": e.rule},
            }
        entry["mentions"] += 1
        page = e.span.page if e.span else None
        if page is not None and page not in entry["pages"]:
            entry["pages"].append(page)
    return list(grouped.values())


def document_object(
    path: str, sha256: str, page_count: int, ocr: bool, extraction: Extraction | None, flags: list[dict[str, Any]]
) -> dict[str, Any]:
    """One export line from a stored version and its extraction (None before extraction has run)."""
    source = {"path": path, "sha256": sha256, "pages": page_count, "ocr": ocr}
    if extraction is None:
        return {
            "source": source, "doc_type": None, "municipality": None, "date": None, "meetings": [], "items": [], "case_numbers": [],
            "dates": [], "periods": [], "amounts": [], "entities": [], "flags": flags,
        }
    e = extraction
    municipality = {"name": e.municipality, "code": e.municipality_code} if e.municipality else None
    return {
        "source": source,
        "doc_type": e.doc_type,
        "municipality": municipality,
        "date": _day(e.date),
        "meetings": [_meeting(m) for m in e.meetings],
        "items": [_item(i) for i in e.items],
        "case_numbers": list(dict.fromkeys(c.normalised for c in e.case_numbers)),
        "dates": [{"text": d.text, "value": _day(d.value), "role": d.role, "span": _span(d.span)} for d in e.dates],
        "periods": [
            {"text": p.text, "start": p.start, "end": p.end, "stated_years": p.stated_years, "span": _span(p.span)} for p in e.periods
        ],
        "amounts": [
            {"text": a.text, "value": a.value, "unit": a.unit, "approximate": a.approximate, "per": a.per, "span": _span(a.span)}
            for a in e.amounts
        ],
        "entities": _entities(e.entities),
        "flags": flags,
    }


# Documents read and turned into lines per round trip: memory stays that of one chunk however large the database.
EXPORT_CHUNK = 500


def iter_export(url: str, with_text: bool = False) -> Iterator[dict[str, Any]]:
    """Every document's current version, in path order, streamed: the rows come EXPORT_CHUNK at a time (a
    server-side cursor on PostgreSQL) and each chunk's extractions and flags are read with it."""
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
            extractions = load_extractions(session, [row[1] for row in chunk if row[5] is not None], with_sections=False)
            for path, version_id, sha256, page_count, ocr, _extracted in chunk:
                obj = document_object(path, sha256, page_count, ocr, extractions.get(version_id), flag_map.get(version_id, []))
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
    for obj in iter_export(url, with_text):
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        count += 1
    return count
