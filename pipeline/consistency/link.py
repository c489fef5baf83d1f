"""Link documents (and their items) that concern the same matter (ärende).

Three kinds of evidence join two documents: a shared case number (compared
after folding, so an OCR-damaged register code still links), an explicit
reference from one document's item to another's (body, date, §), and similar
titles (rapidfuzz token_set_ratio on folded titles).
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from extractors.case_numbers import CaseKey, case_key, parse_case_number
from extractors.text import fold
from models.claims import DocumentFacts
from models.records import CaseNumber

TITLE_THRESHOLD = 85
_MIN_TITLE_TOKENS = 4
_TITLE_SECTIONS = ("title", "heading", "subject", "letter_title")
_LETTER_SECTIONS = ("letter", "board_message", "email", "tjansteskrivelse", "other")
_HEADING_LINES = 12
_MIN_HEADING_TOKENS = 5
_MIN_SHARED_WORDS = 4
_MAX_LENGTH_RATIO = 2
_MARKUP = re.compile(r"[*_#>|]+")

def _register_as_printed(case: CaseNumber) -> str:
    if case.register:
        return case.register
    parsed = parse_case_number(case.normalised or case.raw)
    return parsed.register or "" if parsed else ""


def _case_numbers(facts: DocumentFacts) -> list[CaseNumber]:
    found = list(facts.extraction.case_numbers)
    found += [item.case_number for item in facts.extraction.items if item.case_number]
    return found


def case_number_variants(docs: list[DocumentFacts]) -> list[tuple[CaseKey, list[tuple[str, CaseNumber]]]]:
    """Cases printed with different register codes (e.g. an OCR-damaged letter) across or within documents."""
    by_key: dict[CaseKey, list[tuple[str, CaseNumber]]] = {}
    for facts in docs:
        for case in _case_numbers(facts):
            key = case_key(case)
            if key is not None and key.register:
                by_key.setdefault(key, []).append((facts.document, case))
    variants = []
    for key, seen in sorted(by_key.items(), key=lambda kv: (kv[0].year, kv[0].register, kv[0].serial)):
        printed = {_register_as_printed(case).upper() for _, case in seen}
        if len(printed) > 1:
            variants.append((key, seen))
    return variants


def _heading_lines(text: str) -> list[str]:
    """Heading-like lines near the top of a letter: several words, no sentence end."""
    lines = [_MARKUP.sub("", line).strip() for line in text.splitlines()]
    lines = [line for line in lines if line][:_HEADING_LINES]
    return [line for line in lines if len(line.split()) >= _MIN_HEADING_TOKENS and not line.endswith(".")]


def titles(facts: DocumentFacts) -> list[str]:
    """Folded titles of a document: item titles (ärendemening) and headings of letters and messages."""
    found = [item.title for item in facts.extraction.items if item.title]
    for section in facts.extraction.sections:
        if section.kind in _TITLE_SECTIONS:
            found += section.text.strip().splitlines()[:1]
        elif section.kind in _LETTER_SECTIONS:
            found += _heading_lines(section.text)
    return [fold(t) for t in found if len(t.split()) >= _MIN_TITLE_TOKENS]


def similar_titles(a: str, b: str, threshold: int = TITLE_THRESHOLD) -> bool:
    """Titles of one matter: comparable lengths, token_set_ratio at or above the threshold and enough long words shared.

    token_set_ratio scores 100 whenever one title's words are a subset of the other's, so a
    paragraph of text would match every short heading it happens to contain: lengths must compare.
    """
    a_words, b_words = a.split(), b.split()
    if max(len(a_words), len(b_words)) > _MAX_LENGTH_RATIO * min(len(a_words), len(b_words)):
        return False
    shared = {w for w in a_words if len(w) >= 4} & {w for w in b_words if len(w) >= 4}
    return len(shared) >= _MIN_SHARED_WORDS and fuzz.token_set_ratio(a, b) >= threshold


def _body_key(body: str) -> str:
    """A body's name without genitive -s, folded ("Kommunledningsutskottets" = "Kommunledningsutskottet")."""
    words = fold(body).split()
    return " ".join(w[:-1] if w.endswith("s") and len(w) > 4 else w for w in words)


def same_body(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return fuzz.ratio(_body_key(a), _body_key(b)) >= 90


class _UnionFind:
    def __init__(self, items: list[str]):
        self.parent = {i: i for i in items}

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def link_matters(docs: list[DocumentFacts], threshold: int = TITLE_THRESHOLD) -> dict[str, str]:
    """Map each document id (and `doc#§N` for its items) to a matter id shared by linked documents."""
    ids = [d.document for d in docs]
    uf = _UnionFind(ids)

    owners: dict[CaseKey, str] = {}
    for facts in docs:
        for case in _case_numbers(facts):
            key = case_key(case)
            if key is None:
                continue
            if key in owners:
                uf.union(owners[key], facts.document)
            else:
                owners[key] = facts.document

    for facts in docs:
        for item in facts.extraction.items:
            for ref in item.references:
                for other in docs:
                    if other is facts:
                        continue
                    if any(
                        same_body(ref.body, target.body)
                        and ref.date == target.meeting_date
                        and ref.paragraph == target.paragraph
                        for target in other.extraction.items
                    ):
                        uf.union(facts.document, other.document)

    doc_titles = {d.document: titles(d) for d in docs}
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            if any(similar_titles(ta, tb, threshold) for ta in doc_titles[a] for tb in doc_titles[b]):
                uf.union(a, b)

    mapping: dict[str, str] = {}
    for facts in docs:
        matter = f"matter:{uf.find(facts.document)}"
        mapping[facts.document] = matter
        for item in facts.extraction.items:
            mapping[f"{facts.document}#§{item.number}"] = matter
    return mapping
