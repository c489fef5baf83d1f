"""The 290 Swedish municipalities (kommuner) with official code and county, loaded from data/kommuner.csv.

`resolve()` turns a printed name ("TYRESO", "Tyresö kommuns", "Stockholms stad")
into the one canonical entity researchers query by.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from models.text import fold

DATA_FILE = Path(__file__).parent / "data" / "kommuner.csv"

# Words that follow a municipality's name in running text; stripped before lookup.
SUFFIXES = ("kommuns", "kommun", "stads", "stad", "municipality")


@dataclass(frozen=True, slots=True)
class Municipality:
    """One kommun: four-digit code, name as registered, county (län)."""

    code: str
    name: str
    county_code: str
    county_name: str


def key(name: str) -> str:
    """Lookup key: folded, hyphens as spaces, single spaces."""
    return " ".join(fold(name).replace("-", " ").split())


class Registry:
    """Name -> Municipality lookups over the official list."""

    def __init__(self, municipalities: list[Municipality]):
        self.municipalities = municipalities
        self.by_code = {m.code: m for m in municipalities}
        self._exact = {" ".join(m.name.lower().replace("-", " ").split()): m for m in municipalities}
        self._folded: dict[str, list[Municipality]] = {}
        for m in municipalities:
            self._folded.setdefault(key(m.name), []).append(m)
        self._longest = max(len(k.split()) for k in self._folded)

    def _lookup(self, name: str) -> Municipality | None:
        exact = self._exact.get(" ".join(name.lower().replace("-", " ").split()))
        if exact:
            return exact
        found = self._folded.get(key(name), [])
        # A folded key shared by two municipalities (Håbo/Habo) is left undecided.
        return found[0] if len(found) == 1 else None

    def resolve(self, name: str) -> Municipality | None:
        """The municipality a printed name denotes, or None; lower-case words are never names."""
        text = " ".join(name.replace("\u00a0", " ").split()).strip(" ,.:;")
        if not text or not text[0].isupper():
            return None
        words = text.split()
        if len(words) > 1 and fold(words[-1]) in SUFFIXES:
            words = words[:-1]
        base = " ".join(words)
        found = self._lookup(base)
        if found:
            return found
        # Genitive: "Tyresös", "Stockholms stad".
        if base.lower().endswith("s") and len(base) > 3:
            return self._lookup(base[:-1])
        return None

    def match_prefix(self, text: str) -> tuple[Municipality, int] | None:
        """The municipality whose name opens `text` (as a whole word), with the length matched."""
        tokens = list(re.finditer(r"[^\s]+", text))
        for n in range(min(self._longest, len(tokens)), 0, -1):
            end = tokens[n - 1].end()
            candidate = text[: end]
            if not candidate[:1].isupper():
                return None
            found = self._lookup(candidate)
            if found:
                return found, end
        return None


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The registry loaded once from the shipped CSV."""
    with DATA_FILE.open(encoding="utf-8") as handle:
        rows = [
            Municipality(r["municipality_code"], r["municipality_name"], r["county_code"], r["county_name"])
            for r in csv.DictReader(handle)
        ]
    return Registry(rows)


def resolve(name: str) -> Municipality | None:
    """Module-level shortcut for registry().resolve(name)."""
    return registry().resolve(name)
