"""Which documents need a human look, and why: read from the export object every consumer shares.

A record the extractors are unsure of carries its confidence (below `LOW_CONFIDENCE`); a document is listed
when such records, a hole in its § sequence, or items without a case number among neighbours that print one
suggest that a rule read it only in part.
"""

from __future__ import annotations

from typing import Any

LOW_CONFIDENCE = 0.75
SEQUENTIAL = frozenset({"protocol", "agenda"})


def _low(records: list[dict[str, Any]]) -> int:
    return sum(1 for r in records if (r.get("confidence") if r.get("confidence") is not None else 1.0) < LOW_CONFIDENCE)


def paragraph_gaps(numbers: list[int]) -> list[int]:
    """§ numbers missing inside the run a document prints (66, 67, 69 -> [68]); repeated numbers ignored."""
    present = sorted(set(numbers))
    return [n for a, b in zip(present, present[1:]) for n in range(a + 1, b) if b - a <= 20]


def reasons(document: dict[str, Any]) -> list[str]:
    """Short reasons, in the order a reviewer would check them; empty when nothing calls for a look."""
    out: list[str] = []
    items = document.get("items") or []
    low_items = _low(items)
    if low_items:
        out.append(f"{low_items} item{'s' if low_items > 1 else ''} found with low confidence")
    votes = [v for i in items for v in i.get("votes") or []]
    attendance = [a for m in document.get("meetings") or [] for a in m.get("attendance") or []]
    low_votes, low_attendance = _low(votes), _low(attendance)
    if low_votes:
        out.append(f"{low_votes} vote{'s' if low_votes > 1 else ''} read in part")
    if low_attendance:
        out.append(f"{low_attendance} attendance entr{'ies' if low_attendance > 1 else 'y'} read in part")
    numbered = [i["paragraph"] for i in items if i.get("paragraph") is not None]
    # Extracts and bundles copy chosen §§ of a meeting: only a whole protocol or agenda promises an unbroken run.
    gaps = paragraph_gaps(numbered) if document.get("doc_type") in SEQUENTIAL else []
    if gaps:
        shown = ", ".join(f"§ {n}" for n in gaps[:5]) + (" …" if len(gaps) > 5 else "")
        out.append(f"§ sequence has gaps: {shown}")
    with_case = sum(1 for i in numbered_items(items) if i.get("case_number"))
    without = [i for i in numbered_items(items) if not i.get("case_number")]
    if with_case >= 3 and without and len(without) <= with_case / 2:
        shown = ", ".join(f"§ {i['paragraph']}" for i in without[:5]) + (" …" if len(without) > 5 else "")
        out.append(f"no case number on {shown} where the other items print one")
    return out


def numbered_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [i for i in items if i.get("paragraph") is not None]
