"""The JSON Lines export: one object per ingested document, exactly the keys of EXPORT.md."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import select

from extractors.version import EXTRACTOR_VERSION
from models.db import session_scope
from models.schema import Document, DocumentVersion, ExtractionRecord, Page


def _span(value: dict[str, Any] | None) -> dict[str, Any] | None:
    return value if value else None


def _meeting(m: dict[str, Any]) -> dict[str, Any]:
    return {
        "body": m.get("body"),
        "date": m.get("date"),
        "paragraph_range": m.get("paragraph_range"),
        "adjusted_on": m.get("adjusted_on"),
        "notice_posted": m.get("notice_posted"),
        "notice_removed": m.get("notice_removed"),
        "chair": m.get("chair"),
        "secretary": m.get("secretary"),
        "adjusters": m.get("adjusters") or [],
        "time": m.get("time"),
        "place": m.get("place"),
        "adjustment_place": m.get("adjustment_place"),
        "storage_place": m.get("storage_place"),
        "attendance": [
            {
                "name": a.get("name"),
                "party": a.get("party"),
                "role": a.get("role"),
                "function": a.get("function"),
                "paragraphs": a.get("paragraphs") or [],
                "serving_for": a.get("serving_for"),
                "title": a.get("title"),
                "municipality": a.get("municipality"),
                "confidence": a.get("confidence", 1.0),
                "span": _span(a.get("span")),
            }
            for a in m.get("attendance") or []
        ],
        "span": _span(m.get("span")),
    }


def _item(i: dict[str, Any]) -> dict[str, Any]:
    case = i.get("case_number") or None
    return {
        "paragraph": i.get("paragraph"),
        "number": i.get("number"),
        "case_number": case["normalised"] if case else None,
        "case_number_raw": case["raw"] if case else None,
        "body": i.get("body"),
        "meeting_date": i.get("meeting_date"),
        "title": i.get("title"),
        "decision_kind": i.get("decision_kind"),
        "decisions": i.get("decisions") or [],
        "immediate_adjustment": bool(i.get("immediate_adjustment")),
        "references": [
            {"body": r.get("body"), "date": r.get("date"), "paragraph": r.get("paragraph"), "text": r.get("text")}
            for r in i.get("references") or []
        ],
        "votes": [
            {k: v.get(k) for k in ("yes", "no", "abstain", "proposition", "yes_names", "no_names", "abstain_names", "rule")}
            | {"confidence": v.get("confidence", 1.0)}
            for v in i.get("votes") or []
        ],
        "motions": i.get("motions") or [],
        "reservations": i.get("reservations") or [],
        "conflicts_of_interest": i.get("conflicts_of_interest") or [],
        "notes": i.get("notes") or [],
        "statements": i.get("statements") or [],
        "distribution": i.get("distribution") or [],
        "proposed_by": i.get("proposed_by"),
        "span": _span(i.get("span")),
        "rule": i.get("rule"),
        "confidence": i.get("confidence", 1.0),
        "case_number_rule": case.get("rule") if case else None,
        "case_number_confidence": case.get("confidence", 1.0) if case else None,
    }


def _entities(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The municipalities, bodies and organisations a document names, one entry per value, in order of first mention."""
    from models.municipalities import registry

    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    for e in entities:
        entry = grouped.get((e["label"], e["value"]))
        if entry is None:
            name = e["value"]
            if e["label"] == "municipality" and e["value"] in registry().by_code:
                name = registry().by_code[e["value"]].name
            entry = grouped[(e["label"], e["value"])] = {
                "label": e["label"], "value": e["value"], "name": name, "mentions": 0, "pages": [],
                "first": {"text": e["text"], "span": _span(e.get("span")), "rule": e.get("rule")},
            }
        entry["mentions"] += 1
        page = (e.get("span") or {}).get("page")
        if page is not None and page not in entry["pages"]:
            entry["pages"].append(page)
    return list(grouped.values())


def document_object(
    path: str, sha256: str, page_count: int, ocr: bool, data: dict[str, Any] | None, flags: list[dict[str, Any]]
) -> dict[str, Any]:
    """One export line from a stored version and its extraction (None before extraction has run)."""
    data = data or {}
    municipality = None
    if data.get("municipality"):
        municipality = {"name": data["municipality"], "code": data.get("municipality_code")}
    return {
        "source": {"path": path, "sha256": sha256, "pages": page_count, "ocr": ocr},
        "doc_type": data.get("doc_type"),
        "municipality": municipality,
        "date": data.get("date"),
        "meetings": [_meeting(m) for m in data.get("meetings") or []],
        "items": [_item(i) for i in data.get("items") or []],
        "case_numbers": list(dict.fromkeys(c["normalised"] for c in data.get("case_numbers") or [])),
        "dates": [
            {"text": d["text"], "value": d["value"], "role": d["role"], "span": _span(d.get("span"))}
            for d in data.get("dates") or []
        ],
        "periods": [
            {"text": p["text"], "start": p["start"], "end": p["end"], "stated_years": p.get("stated_years"), "span": _span(p.get("span"))}
            for p in data.get("periods") or []
        ],
        "amounts": [
            {
                "text": a["text"],
                "value": a["value"],
                "unit": a.get("unit", "SEK"),
                "approximate": bool(a.get("approximate")),
                "per": a.get("per"),
                "span": _span(a.get("span")),
            }
            for a in data.get("amounts") or []
        ],
        "entities": _entities(data.get("entities") or []),
        "flags": flags,
    }


# Documents read and turned into lines per round trip: memory stays that of one chunk however large the database.
EXPORT_CHUNK = 500


def iter_export(url: str, with_text: bool = False) -> Iterator[dict[str, Any]]:
    """Every document's current version, in path order, streamed: the rows come EXPORT_CHUNK at a time (a
    server-side cursor on PostgreSQL) and each chunk's flags are fetched with it."""
    from pipeline.store.flags import flags_by_version

    with session_scope(url) as session:
        result = session.execute(
            select(Document.path, DocumentVersion.id, DocumentVersion.sha256, DocumentVersion.page_count, DocumentVersion.ocr, ExtractionRecord.data)
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
            for path, version_id, sha256, page_count, ocr, data in chunk:
                obj = document_object(path, sha256, page_count, ocr, data, flag_map.get(version_id, []))
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
