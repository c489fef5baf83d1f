"""Read a page's positioned words in reading order: lines, columns, label/value rows, tables, rotated text.

A generic layout engine over boxes, for PDF characters (pypdfium2) and OCR word boxes (Tesseract) alike:
coordinates are any unit with y growing downwards (top < bottom).  The page text it builds is the text the
extractors read; every word keeps its exact [start, end) in that text, and typed regions (tables, a § index,
rotated margin text, line-end hyphens) point into it.  Nothing is rewritten: a hyphenated line end stays
in the text as printed and is recorded as a region, so the joined form can be derived (`dehyphenate`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from statistics import median

from models.records import Region, RegionKind

# A horizontal gap wider than this share of the line's height separates two segments of a line (label and
# value, two columns, table cells); word spaces in justified text stay below it.
_SEGMENT_GAP = 0.6
# Two words are on one line when their vertical extents overlap by this share of the smaller height: a label
# set in a smaller font a few points off its value's baseline still reads beside it, not above it.
_LINE_OVERLAP = 0.5
# A vertical gap of this many line heights ends a block (a column layout or a table does not run across it).
_BLOCK_GAP = 3.0
# Two columns of prose: each at least this share of the page wide ...
_PROSE_COLUMN_WIDTH = 0.25
# ... and each holding text on at least this share of the block's lines.
_PROSE_COLUMN_FILL = 0.4
# A table has at least this many columns and this many rows with two or more cells.
_TABLE_COLUMNS = 3
_TABLE_ROWS = 3
_HYPHENS = "-\u00ad\u2010"
_INDEX_CELL = re.compile(r"^(?:§\s*\d+[a-z]?|\d+[a-z]?\s*§)$")
_INDEX_HEADING = re.compile(
    r"^\s*(?:paragraf|[aä]rende|inneh[aå]lls)(?:f[oö]rteckning|lista)\b|^\s*f[oö]rteckning [oö]ver (?:paragrafer|[aä]renden)\b",
    re.I,
)
_INDEX_ROW = re.compile(r"^\s*(?:§\s*\d+[a-z]?|\d+[a-z]?\s*§)\s+\S.*?(?:\.{3,}|\s)\s*\d{1,3}(?:\s*-\s*\d{1,3})?\s*$")


@dataclass(frozen=True, slots=True)
class Box:
    """A positioned piece of text: a glyph or a word, with y growing downwards; `upright` is False for text
    written at an angle (rotated margin text, stamps), which is read in the order the boxes come in."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    upright: bool = True

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True, slots=True)
class PlacedWord:
    """A word of the laid-out page: its box, its [start, end) in the page text and its line (0-based)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    start: int
    end: int
    line: int


@dataclass(slots=True)
class LaidOutPage:
    """A page read in layout order: its text, its words with exact offsets, and typed regions."""

    text: str
    words: list[PlacedWord] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)

    @property
    def hyphens(self) -> list[int]:
        """Offsets of the line-end hyphens that split a word across two lines."""
        return [r.start for r in self.regions if r.kind is RegionKind.HYPHEN]

    def dehyphenated(self) -> str:
        return dehyphenate(self.text, self.regions)


def dehyphenate(text: str, regions: Iterable[Region]) -> str:
    """The text with every hyphen region (a line-end hyphen and its line break) removed: "gransk-\\nning" ->
    "granskning".  Offsets into the result differ from the page text; use it for matching words only."""
    cuts = sorted((r.start, r.end) for r in regions if r.kind is RegionKind.HYPHEN)
    out, pos = [], 0
    for start, end in cuts:
        out.append(text[pos:start])
        pos = end
    out.append(text[pos:])
    return "".join(out)


# --- words from glyphs -------------------------------------------------------------------------------


def words_from_chars(chars: Iterable[Box]) -> list[Box]:
    """Glyphs in content order -> words: a word ends at whitespace, where the writing direction changes, where
    the next glyph is not beside the last one (a gap of more than a quarter of the height, a step back, or
    another line), so words on one line but in two columns stay apart."""
    words: list[Box] = []
    text: list[str] = []
    current: list[float] | None = None  # x0, top, x1, bottom
    upright = True
    last: Box | None = None

    def flush() -> None:
        nonlocal current, text
        if current is not None and text:
            words.append(Box("".join(text), current[0], current[1], current[2], current[3], upright))
        current, text = None, []

    for ch in chars:
        if not ch.text or ch.text.isspace():
            flush()
            last = None
            continue
        if last is not None and (ch.upright != upright or not _continues(last, ch)):
            flush()
        if current is None:
            current, upright = [ch.x0, ch.top, ch.x1, ch.bottom], ch.upright
        else:
            current[0], current[1] = min(current[0], ch.x0), min(current[1], ch.top)
            current[2], current[3] = max(current[2], ch.x1), max(current[3], ch.bottom)
        text.append(ch.text)
        last = ch
    flush()
    return words


def _continues(last: Box, ch: Box) -> bool:
    h = max(last.height, ch.height, 1e-6)
    if not ch.upright:
        # rotated text runs along one axis: the next glyph touches the last one's box (with a little slack)
        slack = 0.3 * max(last.x1 - last.x0, last.height, ch.x1 - ch.x0, ch.height)
        return not (ch.x0 > last.x1 + slack or ch.x1 < last.x0 - slack or ch.top > last.bottom + slack or ch.bottom < last.top - slack)
    overlap = min(last.bottom, ch.bottom) - max(last.top, ch.top)
    if overlap < _LINE_OVERLAP * min(last.height, ch.height):
        return False
    gap = ch.x0 - last.x1
    return -0.25 * h <= gap <= 0.25 * h


# --- lines and segments ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Line:
    words: list[Box]
    top: float
    bottom: float
    segments: list[list[Box]] = field(default_factory=list)
    extents: list[tuple[float, float]] = field(default_factory=list)  # (x0, x1) of each segment

    @property
    def height(self) -> float:
        return self.bottom - self.top


def _group_lines(words: list[Box]) -> list[_Line]:
    """Upright words -> lines, top to bottom, by vertical overlap with a line's own band (its first word's
    extent, so a tall word does not pull the next line in)."""
    lines: list[_Line] = []
    for w in sorted(words, key=lambda b: ((b.top + b.bottom) / 2, b.x0)):
        home = None
        for line in reversed(lines[-6:]):
            overlap = min(line.bottom, w.bottom) - max(line.top, w.top)
            if overlap >= _LINE_OVERLAP * min(line.height, w.height):
                home = line
                break
        if home is None:
            lines.append(_Line([w], w.top, w.bottom))
        else:
            home.words.append(w)
    for line in lines:
        line.words.sort(key=lambda b: b.x0)
        line.segments = _segments(line)
        line.extents = [_extent(segment) for segment in line.segments]
    lines.sort(key=lambda ln: (ln.top + ln.bottom) / 2)
    return lines


def _segments(line: _Line) -> list[list[Box]]:
    """The line cut at gaps wider than a word space: label | value, column | column, cell | cell."""
    gap = _SEGMENT_GAP * max(w.height for w in line.words)
    segments: list[list[Box]] = [[line.words[0]]]
    right = line.words[0].x1
    for w in line.words[1:]:
        if w.x0 - right > gap:
            segments.append([w])
            right = w.x1
        else:
            segments[-1].append(w)
            right = max(right, w.x1)
    return segments


def _extent(segment: list[Box]) -> tuple[float, float]:
    return min(b.x0 for b in segment), max(b.x1 for b in segment)


def _columns(lines: list[_Line], gutter: float) -> list[tuple[float, float]]:
    """The x-projection of the lines' segments: the intervals text occupies, split where a gutter runs
    through every line."""
    spans = sorted(extent for line in lines for extent in line.extents)
    merged: list[list[float]] = []
    for x0, x1 in spans:
        if merged and x0 - merged[-1][1] <= gutter:
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    return [(a, b) for a, b in merged]


# --- blocks ------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Block:
    """Consecutive lines read one way: 'lines' (row by row), 'prose' (column after column) or 'table'."""

    kind: str
    lines: list[_Line]
    columns: list[tuple[float, float]] = field(default_factory=list)


def _blocks(lines: list[_Line], width: float) -> list[_Block]:
    """Greedy from the top: extend a block while its lines leave a gutter (two or more columns of text), stop
    at a line that bridges a gutter on its own (a heading, a sentence under a table) or after a wide vertical
    gap; then decide how to read it.  A single line that opens a block of mere rows (a table's heading) is
    read on its own when the block after it is a table or two columns."""
    if not lines:
        return []
    unit = median(ln.height for ln in lines)
    # Columns are told apart by any clear space between them over the block's lines (a table's columns can
    # stand closer than the gap that splits a line); the lines' own segments were cut at wider gaps.
    gutter = 0.1 * unit
    blocks: list[_Block] = []
    i = 0
    while i < len(lines):
        found = _block_at(lines, i, width, unit, gutter)
        if all(b.kind == "lines" for b in found) and len(lines[i].segments) == 1 and i + 1 < len(lines):
            after = _block_at(lines, i + 1, width, unit, gutter)
            if any(b.kind != "lines" for b in after):
                found = [_Block("lines", lines[i : i + 1]), *after]
        blocks.extend(found)
        i += sum(len(b.lines) for b in found)
    return blocks


def _block_at(lines: list[_Line], i: int, width: float, unit: float, gutter: float) -> list[_Block]:
    j, count = i + 1, len(_columns(lines[i : i + 1], gutter))
    while j < len(lines):
        if lines[j].top - lines[j - 1].bottom > _BLOCK_GAP * unit:
            break
        n = len(_columns(lines[i : j + 1], gutter))
        if n < 2 or (n < count and len(lines[j].segments) == 1):
            break
        count = n
        j += 1
    run = lines[i:j]
    return _classify(run, width, gutter) if len(run) >= 2 and count >= 2 else [_Block("lines", run)]


def _classify(run: list[_Line], width: float, gutter: float) -> list[_Block]:
    columns = _columns(run, gutter)
    if len(columns) >= _TABLE_COLUMNS:
        # a table starts at its first row of several cells: single lines above it are the text it follows (lines
        # of one segment each, staggered across the page, make columns but no row of cells, and no table)
        first = next((k for k, ln in enumerate(run) if len(ln.segments) >= 2), None)
        if first is not None:
            body = run[first:]
            cells = _columns(body, gutter)
            if len(cells) >= _TABLE_COLUMNS and _is_table(body, cells):
                return ([_Block("lines", run[:first])] if first else []) + [_Block("table", body, cells)]
    if len(columns) == 2 and len(run) >= 3 and _is_prose(run, columns, width):
        return [_Block("prose", run, columns)]
    return [_Block("lines", run)]


def _is_table(run: list[_Line], columns: list[tuple[float, float]]) -> bool:
    """Rows of cells rather than labels beside values: several rows of two or more cells, and either several
    rows of three or more (an index, an attendance table) or a header row over rows of marks ("X" under Ja)."""
    multi = wide = marks = 0
    for line in run:
        cells: dict[int, list[str]] = {}
        for s in line.segments:
            cells.setdefault(_column_of(s, columns), []).extend(w.text for w in s)
        if len(cells) < 2:
            continue
        multi += 1
        wide += len(cells) >= 3
        rest = [" ".join(c) for k, c in sorted(cells.items())[1:]]
        marks += all(len(c) <= 3 for c in rest)
    return multi >= _TABLE_ROWS and (wide >= 2 or (wide >= 1 and marks >= 2))


def _column_of(segment: list[Box], columns: list[tuple[float, float]]) -> int:
    x0, x1 = _extent(segment)
    centre = (x0 + x1) / 2
    for k, (a, b) in enumerate(columns):
        if a - 1 <= centre <= b + 1:
            return k
    return min(range(len(columns)), key=lambda k: abs((columns[k][0] + columns[k][1]) / 2 - centre))


def _is_prose(run: list[_Line], columns: list[tuple[float, float]], width: float) -> bool:
    """Two text columns side by side rather than labels beside values: both columns wide, both filled on
    many lines, and the left column's lines run most of its width (labels are short)."""
    if any(b - a < _PROSE_COLUMN_WIDTH * width for a, b in columns):
        return False
    filled = [0, 0]
    left_widths = []
    for line in run:
        for s in line.segments:
            k = _column_of(s, columns)
            filled[k] += 1
            if k == 0:
                x0, x1 = _extent(s)
                left_widths.append(x1 - x0)
    if min(filled) < _PROSE_COLUMN_FILL * len(run):
        return False
    return median(left_widths) >= 0.5 * (columns[0][1] - columns[0][0])


# --- building the text ---------------------------------------------------------------------------------------


class _Writer:
    """Appends text and words, keeping every word's exact offsets and its line number."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.line = 0
        self.words: list[PlacedWord] = []
        self.regions: list[Region] = []

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.pos += len(text)
        self.line += text.count("\n")

    def word(self, box: Box) -> None:
        self.words.append(PlacedWord(box.text, box.x0, box.top, box.x1, box.bottom, self.pos, self.pos + len(box.text), self.line))
        self.write(box.text)

    def words_joined(self, boxes: list[Box]) -> None:
        for k, box in enumerate(boxes):
            if k:
                self.write(" ")
            self.word(box)

    def newline(self) -> None:
        if self.parts:
            self.write("\n")

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _write_lines(out: _Writer, lines: list[_Line]) -> None:
    for line in lines:
        out.newline()
        out.words_joined([w for s in line.segments for w in s])


def _write_prose(out: _Writer, block: _Block) -> None:
    for k in range(len(block.columns)):
        for line in block.lines:
            words = [w for s in line.segments if _column_of(s, block.columns) == k for w in s]
            if words:
                out.newline()
                out.words_joined(words)


def _write_table(out: _Writer, block: _Block) -> Region:
    """Rows with one tab between cells, empty cells kept (an X under 'Nej' stays in the Nej column), trailing
    empty cells dropped."""
    out.newline()
    start = out.pos
    first_cells: list[str] = []
    for r, line in enumerate(block.lines):
        if r:
            out.newline()
        cells: list[list[Box]] = [[] for _ in block.columns]
        for s in line.segments:
            cells[_column_of(s, block.columns)].extend(s)
        last = max(k for k, c in enumerate(cells) if c)
        for k in range(last + 1):
            if k:
                out.write("\t")
            out.words_joined(cells[k])
        first_cells.append(" ".join(w.text for w in cells[0]))
    kind = RegionKind.INDEX_TABLE if _is_index(first_cells) else RegionKind.TABLE
    return Region(kind, start, out.pos)


def _is_index(first_cells: list[str]) -> bool:
    """A § index (paragrafförteckning): most rows open with a paragraph number in their first cell."""
    filled = [c for c in first_cells if c]
    marked = sum(1 for c in filled if _INDEX_CELL.match(c))
    return marked >= 2 and marked >= 0.5 * len(filled)


def _write_rotated(out: _Writer, words: list[Box]) -> Region | None:
    """Text not written horizontally, at the end of the page in the order it was written, a line per run of
    words that follow one another along their direction."""
    if not words:
        return None
    out.newline()
    start = out.pos
    for k, w in enumerate(words):
        if k:
            prev = words[k - 1]
            out.write(" " if _near(prev, w) else "\n")
        out.word(w)
    return Region(RegionKind.ROTATED, start, out.pos)


def _near(a: Box, b: Box) -> bool:
    size = max(min(a.x1 - a.x0, a.height), min(b.x1 - b.x0, b.height), 1e-6)
    gap_x = max(0.0, max(a.x0, b.x0) - min(a.x1, b.x1))
    gap_y = max(0.0, max(a.top, b.top) - min(a.bottom, b.bottom))
    return gap_x <= size * 1.5 and gap_y <= size * 1.5 and (gap_x <= size * 0.5 or gap_y <= size * 0.5)


def _hyphen_regions(text: str, table_spans: list[tuple[int, int]]) -> list[Region]:
    """A line that ends in letter + hyphen, followed by a line that opens with a lower-case letter: the
    word was split for the line break ("gransk-" / "ning")."""
    out = []
    for m in re.finditer(rf"(?<=[^\W\d_])[{_HYPHENS}]\n(?=[^\W\d_])", text):
        if text[m.end()].islower() and not any(a <= m.start() < b for a, b in table_spans):
            out.append(Region(RegionKind.HYPHEN, m.start(), m.end()))
    return out


def _index_regions(text: str, taken: list[tuple[int, int]]) -> list[Region]:
    """A § index written as lines rather than a table: under a heading such as Paragrafförteckning or
    Ärendelista, lines "§ 66 Title ... 4" (wrapped titles included) up to the first line that is neither."""
    folded = text
    regions = []
    for heading in re.finditer(r"^.*$", folded, re.M):
        if not _INDEX_HEADING.match(heading.group()) or any(a <= heading.start() < b for a, b in taken):
            continue
        pos, end, rows, wrapped = heading.end() + 1, heading.end(), 0, 0
        for line in re.finditer(r"^.*$", folded[pos:], re.M):
            content = line.group()
            if _INDEX_ROW.match(content.replace("\t", " ")) or (content.startswith("\t") and rows):
                rows += 1
                wrapped = 0
                end = pos + line.end()
            elif content.strip() and rows and wrapped < 2 and not re.match(r"^\s*§", content):
                wrapped += 1  # a title continued on its own line, counted once the next row confirms it
            elif content.strip():
                break
        if rows >= 2:
            regions.append(Region(RegionKind.INDEX_TABLE, heading.start(), end))
    return regions


def layout_page(boxes: Iterable[Box], width: float, height: float) -> LaidOutPage:
    """Word boxes of one page -> its text in reading order, with word offsets and regions.

    Lines are read top to bottom; a block of lines with a gutter is read as two columns of prose (left column,
    then right) when both are wide and full, as a table (cells joined by tabs) when it has three or more
    columns over three or more rows, and otherwise row by row ("Label Value", further values on the lines
    below).  Text that is not upright comes last, in a region of its own.
    """
    boxes = list(boxes)
    upright = [b for b in boxes if b.upright and b.text.strip()]
    rotated = [b for b in boxes if not b.upright and b.text.strip()]
    out = _Writer()
    tables: list[Region] = []
    for block in _blocks(_group_lines(upright), width):
        if block.kind == "table":
            tables.append(_write_table(out, block))
        elif block.kind == "prose":
            _write_prose(out, block)
        else:
            _write_lines(out, block.lines)
    regions: list[Region] = list(tables)
    rotated_region = _write_rotated(out, rotated)
    text = out.text
    spans = [(r.start, r.end) for r in tables]
    regions += _index_regions(text, spans)
    regions += _hyphen_regions(text, spans)
    if rotated_region:
        regions.append(rotated_region)
    regions.sort(key=lambda r: (r.start, r.end))
    return LaidOutPage(text, out.words, regions)
