"""Text helpers shared by every extractor: accent/OCR folding that keeps offsets, and page mapping.

Extractors match on folded text (same length as the original, so a match's
offsets point into the original) and display the original text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from models.records import PageText, Span
from models.text import fold

PAGE_SEPARATOR = "\f"

# Tesseract without Swedish models reads "ä" as "&" ("J&v", "Avst&r", "&r"); inside or at the edge of a word it is
# a letter, while a free-standing "&" (a misread "§", "Lund & Co") is not.
_OCR_AMPERSAND = re.compile(r"(?<=[a-z])&|&(?=[a-z])")


def fold_ocr(text: str) -> str:
    """fold() with OCR's "&" for "ä" read as the letter; same length, so offsets stay valid."""
    return _OCR_AMPERSAND.sub("a", fold(text))


@dataclass(slots=True)
class DocText:
    """A document's pages joined with form feeds, with offset <-> page mapping."""

    text: str
    page_starts: list[int]
    page_numbers: list[int]

    @classmethod
    def from_pages(cls, pages: list[PageText]) -> "DocText":
        parts: list[str] = []
        starts: list[int] = []
        numbers: list[int] = []
        pos = 0
        for page in sorted(pages, key=lambda p: p.number):
            if parts:
                parts.append(PAGE_SEPARATOR)
                pos += 1
            starts.append(pos)
            numbers.append(page.number)
            parts.append(page.text)
            pos += len(page.text)
        return cls("".join(parts), starts, numbers)

    @classmethod
    def from_text(cls, text: str) -> "DocText":
        """Treat a plain string as a document (form feeds split pages), for tests and .txt input."""
        pages = text.split(PAGE_SEPARATOR)
        starts, pos = [], 0
        for page in pages:
            starts.append(pos)
            pos += len(page) + 1
        return cls(text, starts, list(range(1, len(pages) + 1)))

    def page_at(self, offset: int) -> int:
        """1-based page number holding the document offset."""
        return self.page_numbers[max(0, bisect_right(self.page_starts, offset) - 1)]

    def span(self, start: int, end: int) -> Span:
        """A Span in page coordinates for a document-level [start, end)."""
        index = max(0, bisect_right(self.page_starts, start) - 1)
        base = self.page_starts[index]
        return Span(page=self.page_numbers[index], start=start - base, end=end - base)
