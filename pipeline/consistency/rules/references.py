"""Identifiers that disagree across documents: references, § ranges, case numbers (DOMAIN.md 5-6, Identifiers)."""

from __future__ import annotations

from models.claims import DocumentFacts, Evidence, Flag
from models.records import Item, Meeting
from pipeline.consistency.link import case_number_variants, same_body
from pipeline.consistency.rules import Rule, rule
from pipeline.consistency.rules._evidence import record_evidence

RULES: dict[str, Rule] = {}


def _meetings(docs: list[DocumentFacts]) -> list[tuple[DocumentFacts, Meeting]]:
    return [(facts, m) for facts in docs for m in facts.extraction.meetings if m.body and m.date]


def _items(docs: list[DocumentFacts]) -> list[tuple[DocumentFacts, Item]]:
    return [
        (facts, i)
        for facts in docs
        for i in facts.extraction.items
        if i.body and i.meeting_date and i.paragraph is not None
    ]


def _in_range(paragraph: int, paragraph_range: tuple[int, int]) -> bool:
    return paragraph_range[0] <= paragraph <= paragraph_range[1]


@rule(RULES, "reference_mismatch", "warning", input="facts", scope="reference")
def reference_mismatch(docs: list[DocumentFacts]) -> list[Flag]:
    """A reference (body, date, §) the referenced body's known meetings contradict (DOMAIN.md 5)."""
    flags: list[Flag] = []
    meetings, items = _meetings(docs), _items(docs)
    for facts in docs:
        for item in facts.extraction.items:
            for ref in item.references:
                if not ref.body or ref.date is None or ref.paragraph is None:
                    continue
                here = record_evidence(facts, ref.span, ref.text)
                shown = f"{ref.body} {ref.date.isoformat()} § {ref.paragraph}"
                for other, m in meetings:
                    if same_body(m.body, ref.body) and m.date == ref.date and m.paragraph_range and not _in_range(
                        ref.paragraph, m.paragraph_range
                    ):
                        lo, hi = m.paragraph_range
                        flags.append(
                            Flag(
                                kind="reference_mismatch",
                                severity="warning",
                                message=f"{shown} is cited, but that meeting's paragraphs are § {lo}-{hi}.",
                                values=[shown, f"§ {lo}-{hi}"],
                                evidence=[here, record_evidence(other, m.span, f"Paragrafer {lo}-{hi}")],
                            )
                        )
                for other, target in items:
                    if (
                        same_body(target.body, ref.body)
                        and target.paragraph == ref.paragraph
                        and target.meeting_date.year == ref.date.year
                        and target.meeting_date != ref.date
                    ):
                        found = f"{target.body} {target.meeting_date.isoformat()} § {target.paragraph}"
                        flags.append(
                            Flag(
                                kind="reference_mismatch",
                                severity="warning",
                                message=f"{shown} is cited, but § {target.paragraph} of {target.body} "
                                f"was taken on {target.meeting_date.isoformat()}.",
                                values=[shown, found],
                                evidence=[here, record_evidence(other, target.span, found)],
                            )
                        )
    return flags


@rule(RULES, "paragraph_out_of_range", "warning", input="facts", scope="cover")
def paragraph_out_of_range(docs: list[DocumentFacts]) -> list[Flag]:
    """A § extract whose number lies outside its protocol cover's "Paragrafer" range (DOMAIN.md 6)."""
    flags: list[Flag] = []
    meetings = [(f, m) for f, m in _meetings(docs) if m.paragraph_range]
    for facts, item in _items(docs):
        for other, m in meetings:
            if same_body(m.body, item.body) and m.date == item.meeting_date and not _in_range(
                item.paragraph, m.paragraph_range
            ):
                lo, hi = m.paragraph_range
                flags.append(
                    Flag(
                        kind="paragraph_out_of_range",
                        severity="warning",
                        message=f"§ {item.paragraph} of {item.body} {item.meeting_date.isoformat()} "
                        f"is outside the protocol's § {lo}-{hi}.",
                        values=[f"§ {item.paragraph}", f"§ {lo}-{hi}"],
                        evidence=[
                            record_evidence(facts, item.span, f"§ {item.paragraph}"),
                            record_evidence(other, m.span, f"Paragrafer {lo}-{hi}"),
                        ],
                    )
                )
    return flags


@rule(RULES, "case_number_variant", "info", input="facts", scope="case")
def case_number_variant(docs: list[DocumentFacts]) -> list[Flag]:
    """One case printed with different register codes, e.g. damaged by OCR (DOMAIN.md "Identifiers")."""
    flags: list[Flag] = []
    by_doc = {d.document: d for d in docs}
    for key, seen in case_number_variants(docs):
        printed = sorted({case.normalised or case.raw for _, case in seen})
        evidence: list[Evidence] = []
        for document, case in seen:
            ev = record_evidence(by_doc[document], case.span, case.raw)
            if ev.quote not in {e.quote for e in evidence}:
                evidence.append(ev)
        flags.append(
            Flag(
                kind="case_number_variant",
                severity="info",
                message=f"The same case ({key.year}, serial {key.serial}) is printed as " + " and ".join(printed) + ".",
                values=printed,
                evidence=evidence,
            )
        )
    return flags
