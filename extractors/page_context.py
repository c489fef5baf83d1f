"""Running page headers and footers, and what they say about each page (the page context).

Protocols repeat a header and a footer on every page: the body, "Protokoll nr 4", "Sammanträdesdatum:
2024-04-25", "Sida 3 av 12" or "3 (14)", "Justerandes sign", "Utdragsbestyrkande", an e-signature reference.
Such lines are found by their repetition at the top or bottom of the pages (digits ignored, so changing page
numbers still match), for PDF pages and for text files split by form feeds alike.  Extractors blank them out
of the flowing text (`segment.strip_noise`) and read from them the page context: the body, protocol number,
meeting date and printed page x of y, which items without a cover of their own take.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

from extractors.bodies import is_body_name, normalise_body
from extractors.patternfile import fragment
from extractors.references import parse_date
from extractors.text import PAGE_SEPARATOR, fold
from models.records import PageText, Region, RegionKind

# How many non-blank lines at the top and at the bottom of a page can be header or footer.
_EDGE_LINES = 4
_MAX_RUNNING_CHARS = 100
# Lines that carry the page's content even when they recur at its edges: § headings (also "§ 41 forts", "KSAU § 18"), case
# numbers, decision openings and clauses, table rows.
_CONTENT = re.compile(
    r"^[ \t]*(?:(?:[a-z]{2,5}[ \t]+)?§|\d+[ \t]*§|att\b)|\b" + fragment("case_label_word") + r"\b|\b(?:beslut(?:ade|ar)|foreslar)\b|\t"
    # the headings of a § item's parts (labels.jsonl "part_heading") and its decision and distribution openings,
    # which can stand at the foot of page after page
    r"|^[ \t]*(?:" + fragment("part_heading") + r"|beslut\w*|forslag till beslut|expedier\w*)[ \t]*:?[ \t]*$"
)
# A printed page counter: "Sida 3 av 12", "3 (14)", "3 av 12", "Sida 3", "- 3 -", a bare "3".
_COUNTER = re.compile(
    r"(?:^|[ \t])(?:sida[ \t]+)?(?P<n>\d{1,3})[ \t]*(?:\([ \t]*(?P<of>\d{1,3})[ \t]*\)|av[ \t]+(?P<of2>\d{1,3}))[ \t]*$"
    r"|^[ \t]*sida[ \t]+(?P<n2>\d{1,3})[ \t]*$|^[ \t]*-?[ \t]*(?P<n3>\d{1,3})[ \t]*-?[ \t]*$"
)
_PROTOCOL_NUMBER = re.compile(r"\bprotokoll[ \t]*(?:nr|nummer)\.?[ \t]*(?P<n>\d{1,4})\b")
_LABELLED_DATE = re.compile(r"\b(?:sammantradesdatum|motesdatum|datum)[ \t]*:?[ \t]*(?P<date>\d{4}-\d{2}-\d{2})\b")
_ISO_DATE = re.compile(r"(?<![\d-])(?P<date>\d{4}-\d{2}-\d{2})(?![\d-])")
# Day.month.year, as Finland-Swedish headers print the meeting date ("26.09.2022").
_DOTTED_DATE = re.compile(r"(?<![\d.])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>(?:19|20)\d{2})(?![\d.])")
_PROTOCOL_WORD = re.compile(r"\b(?:sammantrades)?protokoll\b|\bprotokollsutdrag\b|\bforedragningslista\b|\bkallelse\b")


@dataclass(frozen=True, slots=True)
class RunningLine:
    """A header or footer line of one page: [start, end) in that page's text."""

    kind: RegionKind  # HEADER or FOOTER
    start: int
    end: int
    text: str


@dataclass(slots=True)
class PageContext:
    """What a page's running header and footer say: body (organ), protocol number, meeting date
    (sammanträdesdatum), the printed page number and page count."""

    page: int
    body: str | None = None
    protocol_number: int | None = None
    meeting_date: date | None = None
    page_number: int | None = None
    page_count: int | None = None


def _page_lines(text: str) -> list[tuple[int, int]]:
    """[start, end) of the non-blank lines of one page."""
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.group().strip()]


def _key(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(fold(line).split()))


def _edges(lines: list[tuple[int, int]]) -> list[tuple[RegionKind, tuple[int, int]]]:
    """The lines that can be header (top) or footer (bottom); a short page is split between the two."""
    edge = min(_EDGE_LINES, (len(lines) + 1) // 2)
    head, tail = lines[:edge], lines[edge:][-_EDGE_LINES:]
    return [(RegionKind.HEADER, ln) for ln in head] + [(RegionKind.FOOTER, ln) for ln in tail]


def running_lines(pages: list[str]) -> list[list[RunningLine]]:
    """For each page text, its header and footer lines: lines running from a page's top or bottom edge whose
    text (digits ignored) is at an edge of enough pages (two of up to four pages, a fifth of a longer
    document), or which are a page counter, in a document of several pages."""
    edges = [_edges(_page_lines(text)) for text in pages]
    seen: dict[str, set[int]] = {}
    for index, (text, found) in enumerate(zip(pages, edges)):
        for _, (a, b) in found:
            seen.setdefault(_key(text[a:b]), set()).add(index)
    need = 2 if len(pages) <= 4 else max(3, math.ceil(len(pages) / 5))
    def running(line: str) -> bool:
        folded = fold(line)
        if len(line.strip()) > _MAX_RUNNING_CHARS or _CONTENT.search(folded):
            return False
        counter = len(pages) >= 2 and _COUNTER.search(folded) is not None and len(folded.split()) <= 4
        return counter or len(seen[_key(line)]) >= need

    out: list[list[RunningLine]] = []
    for text, found in zip(pages, edges):
        # a header runs down from the top of the page, a footer up from the bottom: the first line that is
        # the page's own ends it
        heads = [(k, span) for k, span in found if k is RegionKind.HEADER]
        feet = [(k, span) for k, span in found if k is RegionKind.FOOTER]
        lines = []
        for group in (heads, feet[::-1]):
            for kind, (a, b) in group:
                if not running(text[a:b]):
                    break
                lines.append(RunningLine(kind, a, b, text[a:b]))
        out.append(sorted(lines, key=lambda r: r.start))
    return out


def running_regions(pages: list[str]) -> list[list[Region]]:
    """Header and footer regions of each page text."""
    return [[Region(r.kind, r.start, r.end) for r in lines] for lines in running_lines(pages)]


def mark_running_lines(pages: list[PageText]) -> None:
    """Add to each page the header and footer regions found across the pages (those it has are kept once)."""
    ordered = sorted(pages, key=lambda p: p.number)
    for page, found in zip(ordered, running_regions([p.text for p in ordered])):
        new = [r for r in found if r not in page.regions]
        if new:
            page.regions = sorted([*page.regions, *new], key=lambda r: (r.start, r.end))


def running_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of every header and footer line of a document's text (pages joined by form feeds)."""
    pages = text.split(PAGE_SEPARATOR)
    spans, base = [], 0
    for page, lines in zip(pages, running_lines(pages)):
        spans.extend((base + r.start, base + r.end) for r in lines)
        base += len(page) + 1
    return spans


def _body_in(line: str) -> str | None:
    """The deciding body a header line names ("Kommunstyrelsens arbetsutskott Protokoll 2024-03-04")."""
    words = line.replace("\t", " ").split()
    for k, word in enumerate(words):
        if not is_body_name(word.strip(",.:;")):
            continue
        first = k
        # "Arbetsmarknads- och socialnämnden": the name began with the hyphenated words before "och"
        while first >= 2 and words[first - 1] == "och" and words[first - 2].endswith("-"):
            first -= 2
        last = k
        while last + 1 < len(words) and words[last + 1][:1].islower() and is_body_name(words[last + 1].strip(",.:;")):
            last += 1
        return normalise_body(" ".join(words[first : last + 1]))
    return None


def _header_date(folded: str, kind: RegionKind) -> date | None:
    """A labelled date ("Sammanträdesdatum: 2024-04-25") in any running line; a bare one only in a header."""
    m = _LABELLED_DATE.search(folded)
    if m is None and kind is RegionKind.HEADER:
        m = _ISO_DATE.search(folded)
        if m is None and (d := _DOTTED_DATE.search(folded)):
            try:
                return date(int(d.group("y")), int(d.group("m")), int(d.group("d")))
            except ValueError:
                return None
    return parse_date(m.group("date")) if m else None


def _context(number: int, lines: list[RunningLine]) -> PageContext:
    context = PageContext(page=number)
    for line in lines:
        folded = fold(line.text)
        if context.body is None and line.kind is RegionKind.HEADER:
            context.body = _body_in(line.text)
        if context.protocol_number is None and (m := _PROTOCOL_NUMBER.search(folded)):
            context.protocol_number = int(m.group("n"))
        if context.meeting_date is None:
            context.meeting_date = _header_date(folded, line.kind)
        if context.page_number is None and (m := _COUNTER.search(folded)) and len(folded.split()) <= 4:
            context.page_number = int(m.group("n") or m.group("n2") or m.group("n3"))
            of = m.group("of") or m.group("of2")
            context.page_count = int(of) if of else None
    return context


def page_contexts(pages: list[PageText]) -> list[PageContext]:
    """The context of each page, in page order, from its running header and footer lines."""
    ordered = sorted(pages, key=lambda p: p.number)
    found = running_lines([p.text for p in ordered])
    contexts = [_context(p.number, lines) for p, lines in zip(ordered, found)]
    # A header date belongs to a protocol's header: a lone date at the top of a letter's pages is not a meeting's.
    protocol = any(_PROTOCOL_WORD.search(fold(line.text)) for lines in found for line in lines)
    if not protocol:
        for context, lines in zip(contexts, found):
            if not any(_LABELLED_DATE.search(fold(line.text)) for line in lines):
                context.meeting_date = None
    _fill_from_document(contexts)
    return contexts


def _fill_from_document(contexts: list[PageContext]) -> None:
    """A page whose own header says nothing (a cover, a page whose header differs) takes the body, protocol
    number and meeting date the other pages agree on, when they name exactly one."""
    for name in ("body", "protocol_number", "meeting_date"):
        values = {getattr(c, name) for c in contexts} - {None}
        if len(values) == 1:
            value = values.pop()
            for context in contexts:
                if getattr(context, name) is None:
                    setattr(context, name, value)


def document_regions(pages: list[PageText], kinds: frozenset[RegionKind] | None = None) -> list[Region]:
    """The pages' regions (optionally of some kinds) in document offsets, pages joined by form feeds as in
    `extractors.text.DocText.from_pages`."""
    out, base = [], 0
    for page in sorted(pages, key=lambda p: p.number):
        out.extend(Region(r.kind, base + r.start, base + r.end) for r in page.regions if kinds is None or r.kind in kinds)
        base += len(page.text) + 1
    return out
