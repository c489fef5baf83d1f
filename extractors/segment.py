"""Split a document into typed sections (cover, ANSLAG/BEVIS, närvarolista, § extracts, letters, ...),
classify the document, strip per-page noise without moving offsets, and find repeated attachments."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz

from extractors.headings import paragraph_headings
from extractors.page_context import running_spans
from extractors.patternfile import fragment, load_rules
from extractors.text import PAGE_SEPARATOR, DocText, fold
from models.records import Section

ATTACHMENT_KINDS = frozenset({"letter", "email", "board_message", "tjansteskrivelse"})
# Kinds whose repeated start within a few lines is the same section seen twice (letterhead + heading).
_MERGE_WINDOW = 20
_NO_MERGE = frozenset({"paragraph_extract", "minutes_item", "letter"})
_ITEM_KINDS = frozenset({"paragraph_extract", "minutes_item"})


@dataclass(slots=True)
class Line:
    """One line of the document: offsets into the joined text, original and folded content."""

    start: int
    end: int
    text: str
    folded: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def _lines(text: str, folded: str | None = None) -> list[Line]:
    folded = fold(text) if folded is None else folded
    out, pos = [], 0
    for m in re.finditer(r"[^\n\f]*", text):
        if m.start() < pos and m.start() != 0:
            continue
        out.append(Line(m.start(), m.end(), m.group(), folded[m.start() : m.end()]))
        pos = m.end() + 1
    return out


# --- noise ----------------------------------------------------------------

_SIGNATURE_CELL = re.compile(
    r"^(?:justerandes?\s+sign(?:atur)?|utdragsbestyrkande|ordforandes?\s+sign(?:atur)?|sign(?:atur)?|)$"
)
_PAGE_COUNTER = re.compile(r"^[ \t]*(?:sida[ \t]+)?\d{1,3}[ \t]*(?:\([ \t]*\d{1,3}[ \t]*\)|av[ \t]+\d{1,3})[ \t]*$")
_HEADER_CANDIDATE = re.compile(
    r"^[ \t]*(?:(?:sammantrades)?protokoll(?:[ \t]+nr)?[ \t]*\d+.*|sammantradesdatum[ \t]*:?[ \t]*\S.*"
    r"|sammantradesprotokoll.*|.{0,60}\bprotokoll\b.{0,30}\d{4}-\d{2}-\d{2}.*)$"
)


def _is_signature_table(block: list[Line]) -> bool:
    """A markdown table whose cells hold nothing but signature-footer words (or are empty)."""
    for line in block:
        for cell in line.folded.strip().strip("|").split("|"):
            cell = re.sub(r"<u>.*?</u>", "", cell).strip()
            if re.fullmatch(r":?-*:?", cell):
                continue
            if not _SIGNATURE_CELL.match(cell):
                return False
    return True


# Lines that carry content even when they recur at page edges: § headings (also "KS § 12", "12 §"), case-number lines,
# decision openings, clauses, and the headings of a § item's parts ("Beslut" at the foot of page after page).
_NEVER_RUNNING = re.compile(
    r"^[ \t]*(?:(?:[a-z]{2,5}[ \t]+)?§|\d{1,4}[ \t]*§|att\b|.*\b(?:beslut(?:ade|ar)|foreslar)\b)|" + fragment("case_label_line")
    + r"|^[ \t]*(?:beslut|forslag till beslut|arendet|arendebeskrivning|yrkanden?|reservation(?:er)?|omrostning)[ \t]*:?[ \t]*$"
)


def _repeated_page_lines(text: str, lines: list[Line]) -> set[int]:
    """Line indexes of headers/footers: the same text (digits ignored) in the top or bottom 3 lines of
    several pages, or a protocol header line printed three or more times in a text without page breaks."""
    pages = text.count(PAGE_SEPARATOR) + 1
    noisy: set[int] = set()
    key = lambda line: re.sub(r"\d+", "#", " ".join(line.folded.split()))  # noqa: E731
    if pages >= 2:
        edges: dict[str, set[int]] = {}
        positions: dict[str, list[int]] = {}
        page, page_lines = 0, []
        groups: list[list[int]] = [[]]
        for i, line in enumerate(lines):
            if line.start > 0 and text[line.start - 1] == PAGE_SEPARATOR:
                groups.append([])
            if not line.blank:
                groups[-1].append(i)
        for page, idx in enumerate(groups):
            for i in idx[:3] + idx[-3:]:
                if len(lines[i].folded.strip()) <= 90 and not _NEVER_RUNNING.match(lines[i].folded):
                    edges.setdefault(key(lines[i]), set()).add(page)
                    positions.setdefault(key(lines[i]), []).append(i)
        need = 2 if len(groups) <= 3 else max(2, len(groups) // 2)
        for k, on_pages in edges.items():
            if len(on_pages) >= need:
                noisy.update(positions[k])
    counts = Counter(" ".join(line.folded.split()) for line in lines if _HEADER_CANDIDATE.match(line.folded))
    for i, line in enumerate(lines):
        if _HEADER_CANDIDATE.match(line.folded) and counts[" ".join(line.folded.split())] >= 3:
            noisy.add(i)
    return noisy


def strip_noise(text: str) -> str:
    """Blank out signature footers, markdown table debris, page counters and running page headers/footers.

    Noise characters become spaces (line breaks and form feeds stay), so every offset stays valid.
    """
    lines = _lines(text)
    blank: set[int] = set()
    i = 0
    while i < len(lines):
        if lines[i].text.lstrip().startswith("|"):
            j = i
            while j < len(lines) and lines[j].text.lstrip().startswith("|"):
                j += 1
            if _is_signature_table(lines[i:j]):
                blank.update(range(i, j))
            i = j
            continue
        cells = [c.strip() for c in lines[i].folded.split("|")]
        if not lines[i].blank and all(_SIGNATURE_CELL.match(c) for c in cells):
            blank.add(i)
        elif _PAGE_COUNTER.match(lines[i].folded):
            blank.add(i)
        i += 1
    blank |= _repeated_page_lines(text, lines)
    chars = list(text)
    for i in blank:
        for k in range(lines[i].start, lines[i].end):
            chars[k] = " "
    # running headers and footers found across the pages (page_context): "Sida 3 av 12", "Protokoll nr 4", ...
    for start, end in running_spans(text):
        chars[start:end] = " " * (end - start)
    return "".join(chars)


# --- section starts ---------------------------------------------------------------


@dataclass(slots=True)
class _Start:
    line: int
    kind: str
    rule: str
    label: str | None = None


def _paragraphs_before(lines: list[Line], index: int) -> list[tuple[int, int]]:
    """(first, last) line indexes of the non-blank paragraphs before line `index`, nearest first."""
    out = []
    i = index - 1
    while i >= 0:
        while i >= 0 and lines[i].blank:
            i -= 1
        if i < 0:
            break
        last = i
        while i >= 0 and not lines[i].blank:
            i -= 1
        out.append((i + 1, last))
        if len(out) >= 3:
            break
    return out


def _under(lines: list[Line], index: int, regex: str, window: int) -> bool:
    """One of the `window` non-blank lines above line `index` matches `regex` (a list heading the line is an entry of)."""
    seen = 0
    for k in range(index - 1, -1, -1):
        if lines[k].blank:
            continue
        if re.search(regex, lines[k].folded):
            return True
        seen += 1
        if seen >= window:
            break
    return False


def _marker_starts(lines: list[Line]) -> list[_Start]:
    starts: list[_Start] = []
    for i, line in enumerate(lines):
        if line.blank:
            continue
        for rule in load_rules("sections"):
            m = rule.regex.search(line.folded)
            if not m:
                continue
            confirm = rule.get("confirm")
            if confirm:
                window = lines[i + 1 : i + 1 + rule.get("window", 10)]
                field = "text" if rule.get("confirm_original") else "folded"
                if not any(re.search(confirm, getattr(w, field)) for w in window):
                    continue
            not_after = rule.get("not_after")
            if not_after and _under(lines, i, not_after, rule.get("not_after_window", 4)):
                continue
            first = i
            for _ in range(rule.get("absorb", 0)):
                before = _paragraphs_before(lines, first)
                if not before:
                    break
                top, bottom = before[0]
                short = bottom - top < 6 and all(len(lines[k].text.strip()) <= 60 for k in range(top, bottom + 1))
                if not short or (starts and starts[-1].line >= top):
                    break
                first = top
            label = m.groupdict().get("label")
            starts.append(_Start(first, rule.get("kind"), rule.id, label))
            break
    return starts


_AGENDA_TOP = re.compile(r"^[ \t]*(?P<n>\d{1,2})\.[ \t]+(?P<title>\S.{0,98})$")
_AGENDA_SUB = re.compile(r"^[ \t]*(?P<letter>[a-h])\)[ \t]+\S")
_AGENDA_COMBINED = re.compile(r"^[ \t]*(?P<n>\d{1,2})[ \t]?(?P<letter>[a-h])[.)][ \t]+\S")
# Heads under which numbered lines are agenda items: minutes, and a kallelse's föredragningslista.
_MINUTES = re.compile(
    r"\bminnesanteckningar\b|\bdagordning\b|\bmotets oppnande\b|\bforedragningslista\b|\bkallelse till (?:sammantrade|mote)\b"
)


def _agenda_starts(lines: list[Line], after: int) -> list[_Start]:
    """Numbered agenda items 1., 2., ... taken in sequence (so nested lists are skipped) and their a), b) ..."""
    starts: list[_Start] = []
    expected, letter, current = 1, "a", None
    for i in range(after, len(lines)):
        folded = lines[i].folded
        m = _AGENDA_COMBINED.match(folded)
        if m and int(m.group("n")) in (expected - 1, expected):
            current = m.group("n")
            expected = int(current) + 1
            starts.append(_Start(i, "minutes_item", "agenda_subitem", f"{current}{m.group('letter')}"))
            continue
        m = _AGENDA_TOP.match(folded)
        if m and int(m.group("n")) == expected:
            current, expected, letter = m.group("n"), expected + 1, "a"
            starts.append(_Start(i, "minutes_item", "agenda_item", current))
            continue
        m = _AGENDA_SUB.match(folded)
        if m and current and m.group("letter") == letter:
            starts.append(_Start(i, "minutes_item", "agenda_subitem", f"{current}{letter}"))
            letter = chr(ord(letter) + 1)
    return starts


def _table_blocks(lines: list[Line]) -> list[tuple[int, int]]:
    """(first, last) line indexes of tables: 3+ lines that are markdown rows or hold 2+ tabs."""
    blocks, i = [], 0
    is_row = lambda l: l.text.lstrip().startswith("|") or l.text.count("\t") >= 2  # noqa: E731
    while i < len(lines):
        if is_row(lines[i]):
            j = i
            while j + 1 < len(lines) and (is_row(lines[j + 1]) or (lines[j + 1].blank and j + 2 < len(lines) and is_row(lines[j + 2]))):
                j += 1
            if sum(1 for k in range(i, j + 1) if is_row(lines[k])) >= 3:
                blocks.append((i, j))
            i = j + 1
        else:
            i += 1
    return blocks


_REPORT = re.compile(r"^[ \t]*(?:#+[ \t]*)?(?:innehall|innehallsforteckning)[ \t]*$|\b(?:del)?rapport\b", re.M)


def _paragraph_starts(lines: list[Line], clean: str, index_spans: list[tuple[int, int]]) -> list[_Start]:
    """§ item starts (extractors.headings); lines inside a layout's § index regions never start one."""
    excluded = {i for i, line in enumerate(lines) if any(s <= line.start < e for s, e in index_spans)}
    found = paragraph_headings([line.text for line in lines], excluded, fold(clean))
    return [_Start(i, "paragraph_extract", heading.rule, heading.label) for i, heading in found]


def segment(doc: DocText, index_spans: list[tuple[int, int]] | None = None, clean: str | None = None) -> list[Section]:
    """Typed sections covering the whole document, in order; offsets are document-level.

    `index_spans` are document offsets a layout marked as § index tables (their rows never start an item);
    `clean` is `strip_noise(doc.text)` when the caller has it already (it reads every page's edges)."""
    clean = strip_noise(doc.text) if clean is None else clean
    lines = _lines(clean)
    starts = _paragraph_starts(lines, clean, index_spans or []) + _marker_starts(lines)
    head = fold(clean[:3000])
    if _MINUTES.search(head) and not any(s.kind == "paragraph_extract" for s in starts):
        first = next((s.line for s in starts if s.rule == "minutes_header"), 0)
        starts += _agenda_starts(lines, first + 1)
    starts.sort(key=lambda s: s.line)
    merged: list[_Start] = []
    for s in starts:
        if merged and merged[-1].line == s.line:
            continue
        recent = [p for p in merged if p.kind == s.kind and s.line - p.line <= _MERGE_WINDOW]
        if recent and s.kind not in _NO_MERGE:
            continue
        merged.append(s)
    # tables cut a section; the text after a table continues the section it interrupted.  A table inside a § or
    # agenda item (a roll-call list, a cost table) is part of that item: cut there, the rest would be a second item.
    for first, last in _table_blocks(lines):
        inside = [s for s in merged if first <= s.line <= last]
        before = [s for s in merged if s.line < first]
        resume = before[-1] if before else None
        if inside or (resume and resume.kind in _ITEM_KINDS):
            continue
        merged.append(_Start(first, "table", "table_rows"))
        if last + 1 < len(lines):
            nxt = [s for s in merged if s.line > last]
            if not nxt or nxt[0].line > last + 2:
                merged.append(_Start(last + 1, resume.kind if resume else "other", "after_table", None))
        merged.sort(key=lambda s: s.line)

    protocol_like = any(s.kind in ("paragraph_extract", "protocol_cover", "minutes_item") for s in merged)
    default = "report_body" if not protocol_like and _REPORT.search(head) else "other"
    sections: list[Section] = []
    if not merged or merged[0].line > 0:
        merged.insert(0, _Start(0, default, "leading_text"))
    for k, s in enumerate(merged):
        start = lines[s.line].start
        end = lines[merged[k + 1].line].start if k + 1 < len(merged) else len(doc.text)
        end = max(start, len(doc.text[:end].rstrip()))
        if not doc.text[start:end].strip():
            continue
        kind = default if s.kind == "other" else s.kind
        sections.append(Section(
            kind=kind, start=start, end=end, page_start=doc.page_at(start), page_end=doc.page_at(max(start, end - 1)),
            text=doc.text[start:end], rule=s.rule, label=s.label,
        ))
    return sections


# --- document type and duplicates -------------------------------------------------


# The heading of a notice of meeting (kallelse) and its agenda: items to be dealt with, not a record of decisions.
_AGENDA_HEADING = re.compile(r"^[ \t#*]*(?:kallelse|foredragningslista|dagordning)\b", re.M)
_AGENDA_HEAD_CHARS = 1500


def is_agenda(text: str, sections: list[Section]) -> bool:
    """Numbered items under a "Kallelse" / "Föredragningslista" heading in the head and no minutes header; § items
    too ("188 §" in a föredragningslista) when no protocol cover or notice says they were decided."""
    if any(s.rule == "minutes_header" for s in sections):
        return False
    protocol = any(s.kind in ("protocol_cover", "notice") for s in sections)
    kinds = ("minutes_item",) if protocol else ("minutes_item", "paragraph_extract")
    first_item = next((s.start for s in sections if s.kind in kinds), None)
    return first_item is not None and bool(_AGENDA_HEADING.search(fold(text[: min(first_item, _AGENDA_HEAD_CHARS)])))


def classify(doc: DocText, sections: list[Section], clean: str | None = None) -> str:
    """doc_type: protocol, protocol_extract, protocol_bundle, letter, minutes, agenda, report or other.

    `clean` is the document's `strip_noise` text when the caller already has it."""
    kinds = Counter(s.kind for s in sections)
    if (kinds["minutes_item"] or kinds["paragraph_extract"]) and is_agenda(strip_noise(doc.text) if clean is None else clean, sections):
        return "agenda"
    extracts = kinds["paragraph_extract"]
    covers = sum(1 for s in sections if s.kind == "protocol_cover" and s.rule != "minutes_header")
    attachments = sum(kinds[k] for k in ATTACHMENT_KINDS)
    if kinds["minutes_item"] or any(s.rule == "minutes_header" for s in sections):
        return "minutes"
    if extracts:
        if extracts >= 2 and (covers >= 2 or attachments):
            return "protocol_bundle"
        if extracts >= 2 and covers <= 1:
            return "protocol"
        return "protocol_bundle" if attachments else "protocol_extract"
    if covers:
        return "protocol"
    if kinds["report_body"]:
        return "report"
    if attachments:
        return "letter"
    return "other"


def find_duplicate_sections(
    sections: list[Section], threshold: float = 97.0, min_chars: int = 200
) -> list[tuple[int, int, float]]:
    """Pairs (i, j, similarity 0-100) of sections of one kind whose texts are near-identical (a repeated attachment)."""
    pairs = []
    for i, a in enumerate(sections):
        ta = " ".join(a.text.split())
        if len(ta) < min_chars:
            continue
        for j in range(i + 1, len(sections)):
            b = sections[j]
            if b.kind != a.kind:
                continue
            tb = " ".join(b.text.split())
            if len(tb) < min_chars or min(len(ta), len(tb)) / max(len(ta), len(tb)) < 0.8:
                continue
            score = fuzz.ratio(ta, tb, score_cutoff=threshold)
            if score:
                pairs.append((i, j, round(score, 1)))
    return pairs
