"""Link documents (and their items) that concern the same matter (ärende).

Three kinds of evidence join two documents: a shared case number (compared
after folding, so an OCR-damaged register code still links), an explicit
reference from one document's item to another's (body, date, §), and similar
titles (rapidfuzz token_set_ratio on folded titles).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz

from extractors.case_numbers import CaseKey, case_key, parse_case_number
from extractors.text import fold
from models.claims import DocumentFacts
from models.records import CaseNumber

TITLE_THRESHOLD = 85
_MIN_TITLE_TOKENS = 4
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
        if section.kind in _LETTER_SECTIONS:
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


#: (body, date, §) of an item, or of the meeting and § a reference names.
Target = tuple[str | None, date | None, int | None]


@dataclass(frozen=True, slots=True)
class LinkKeys:
    """What links one document to others: its case keys, its items' (body, date, §), its references, its titles."""

    document: str
    cases: frozenset[CaseKey]
    targets: tuple[Target, ...]
    references: tuple[Target, ...]
    titles: tuple[str, ...]


def link_keys(facts: DocumentFacts) -> LinkKeys:
    """The link evidence of one document, read from its records alone."""
    cases = frozenset(key for case in _case_numbers(facts) if (key := case_key(case)) is not None)
    items = facts.extraction.items
    # same_body never holds for a missing body: such targets and references link nothing.
    targets = tuple((i.body, i.meeting_date, i.paragraph) for i in items if i.body)
    references = tuple((r.body, r.date, r.paragraph) for i in items for r in i.references if r.body)
    return LinkKeys(facts.document, cases, targets, references, tuple(titles(facts)))


def _long_words(title: str) -> frozenset[str]:
    return frozenset(w for w in title.split() if len(w) >= 4)


class LinkIndex:
    """The link evidence of many documents, looked up by key: case key, (date, §), the long words of a title.

    Two titles can be similar only when they share _MIN_SHARED_WORDS long words (similar_titles), so a title is
    compared with the titles sharing that many words, never with every title.
    """

    def __init__(self, keys: Iterable[LinkKeys], threshold: int = TITLE_THRESHOLD):
        self.threshold = threshold
        self.documents: list[str] = []
        self._cases: dict[CaseKey, list[str]] = {}
        self._targets: dict[tuple[date | None, int | None], list[tuple[str, str]]] = {}
        self._references: dict[tuple[date | None, int | None], list[tuple[str, str]]] = {}
        self._titles: dict[str, list[str]] = {}
        self._words: dict[str, list[str]] = {}
        for k in keys:
            self.documents.append(k.document)
            for case in k.cases:
                self._cases.setdefault(case, []).append(k.document)
            for body, day, paragraph in k.targets:
                self._targets.setdefault((day, paragraph), []).append((body, k.document))
            for body, day, paragraph in k.references:
                self._references.setdefault((day, paragraph), []).append((body, k.document))
            for title in k.titles:
                if len(_long_words(title)) < _MIN_SHARED_WORDS:
                    continue
                if title not in self._titles:
                    self._titles[title] = []
                    for word in _long_words(title):
                        self._words.setdefault(word, []).append(title)
                self._titles[title].append(k.document)

    def _similar(self, title: str) -> list[str]:
        """Indexed titles similar to `title` (itself included when indexed)."""
        words = _long_words(title)
        if len(words) < _MIN_SHARED_WORDS:
            return []
        shared: dict[str, int] = {}
        for word in words:
            for other in self._words.get(word, ()):
                shared[other] = shared.get(other, 0) + 1
        return [o for o, n in shared.items() if n >= _MIN_SHARED_WORDS and similar_titles(title, o, self.threshold)]

    def neighbours(self, keys: LinkKeys) -> set[str]:
        """Indexed documents that link_matters joins directly to the document of `keys`."""
        found: set[str] = set()
        for case in keys.cases:
            found.update(self._cases.get(case, ()))
        for body, day, paragraph in keys.references:
            found.update(doc for target, doc in self._targets.get((day, paragraph), ()) if same_body(body, target))
        for body, day, paragraph in keys.targets:
            found.update(doc for ref, doc in self._references.get((day, paragraph), ()) if same_body(ref, body))
        for title in keys.titles:
            for other in self._similar(title):
                found.update(self._titles[other])
        found.discard(keys.document)
        return found

    def components(self) -> dict[str, str]:
        """Each indexed document -> the first (smallest) document id of its connected component."""
        uf = _UnionFind(self.documents)
        for docs in self._cases.values():
            for doc in docs[1:]:
                uf.union(docs[0], doc)
        for slot, refs in self._references.items():
            for ref, a in refs:
                for target, b in self._targets.get(slot, ()):
                    if a != b and same_body(ref, target):
                        uf.union(a, b)
        for title, docs in self._titles.items():
            for doc in docs[1:]:
                uf.union(docs[0], doc)
            for other in self._similar(title):
                uf.union(docs[0], self._titles[other][0])
        return {doc: uf.find(doc) for doc in self.documents}


def link_matters(docs: list[DocumentFacts], threshold: int = TITLE_THRESHOLD) -> dict[str, str]:
    """Map each document id (and `doc#§N` for its items) to a matter id shared by linked documents.

    Documents are joined by a shared case key, by a reference matching another's item (same body, date and §)
    and by similar titles; a matter is named after its first document id, so it depends on its documents alone.
    """
    roots = LinkIndex([link_keys(d) for d in docs], threshold).components()
    mapping: dict[str, str] = {}
    for facts in docs:
        matter = f"matter:{roots[facts.document]}"
        mapping[facts.document] = matter
        for item in facts.extraction.items:
            mapping[f"{facts.document}#§{item.number}"] = matter
    return mapping
