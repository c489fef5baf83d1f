"""Load rule patterns kept as data (`extractors/patterns/<name>.jsonl`), validated on load.

Each line is one JSON object with at least `id` and `pattern` (a regex matched
against `fold(text)`).  A line with `"fragment": true` defines a named piece
that other patterns reuse as `{name}`.  Every record produced by a pattern
carries its `id` as the rule that fired.  Patterns compile with re.MULTILINE unless their line says
`"multiline": false` (`^`/`$` then mean the start/end of the text searched); a line with `"folded": false` is
matched against the original text, not its fold (its examples are tested so).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PATTERN_DIR = Path(__file__).parent / "patterns"


class PatternFileError(ValueError):
    """A patterns file has a malformed line; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One validated pattern: its id, compiled regex and the extra keys of its line."""

    id: str
    regex: re.Pattern[str]
    data: dict = field(default_factory=dict)

    def get(self, key: str, default=None):
        return self.data.get(key, default)


def regex_flags(row: dict) -> int:
    """The flags a pattern line compiles with: re.MULTILINE unless it says `"multiline": false`."""
    return re.MULTILINE if row.get("multiline", True) else 0


def read_lines(name: str) -> list[tuple[int, dict]]:
    """(line number, object) for every line of `patterns/<name>.jsonl` but blanks and "//" comments."""
    path = PATTERN_DIR / f"{name}.jsonl"
    rows: list[tuple[int, dict]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            rows.append((number, json.loads(line)))
        except json.JSONDecodeError as e:
            raise PatternFileError(f"{path.name}:{number}: not JSON ({e})") from e
    return rows


#: The file whose fragments (label vocabularies) every other pattern file may use as {id}.
SHARED = "labels"


def _expand(source: str, fragments: dict[str, str]) -> str:
    """Replace {id} by its fragment, fragments inside fragments included (ids listed before their users)."""
    for key, value in fragments.items():
        source = source.replace("{" + key + "}", value)
    return source


@lru_cache(maxsize=None)
def fragments_of(name: str) -> dict[str, str]:
    """The expanded fragments `patterns/<name>.jsonl` may use: the shared vocabularies, then its own."""
    fragments = {} if name == SHARED else dict(fragments_of(SHARED))
    for _, row in read_lines(name):
        if row.get("fragment"):
            fragments[row["id"]] = _expand(row["pattern"], fragments)
    return fragments


def fragment(key: str, name: str = SHARED) -> str:
    """A fragment's regex source, for code that builds a pattern around a shared vocabulary."""
    return fragments_of(name)[key]


@lru_cache(maxsize=None)
def load_rules(name: str) -> tuple[Rule, ...]:
    """Compile `patterns/<name>.jsonl`; raise PatternFileError on a bad line, duplicate id or missing group."""
    path = PATTERN_DIR / f"{name}.jsonl"
    rows: list[tuple[int, dict]] = []
    for number, row in read_lines(name):
        if not isinstance(row.get("id"), str) or not isinstance(row.get("pattern"), str):
            raise PatternFileError(f"{path.name}:{number}: needs string 'id' and 'pattern'")
        if not row.get("fragment"):
            rows.append((number, row))
    fragments = fragments_of(name)
    rules: list[Rule] = []
    seen: set[str] = set()
    for number, row in rows:
        if row["id"] in seen:
            raise PatternFileError(f"{path.name}:{number}: duplicate id {row['id']!r}")
        seen.add(row["id"])
        source = _expand(row["pattern"], fragments)
        try:
            regex = re.compile(source, regex_flags(row))
        except re.error as e:
            raise PatternFileError(f"{path.name}:{number}: bad regex in {row['id']!r} ({e})") from e
        missing = set(row.get("groups", [])) - set(regex.groupindex)
        if missing:
            raise PatternFileError(f"{path.name}:{number}: {row['id']!r} lacks groups {sorted(missing)}")
        extra = {k: v for k, v in row.items() if k not in ("id", "pattern")}
        rules.append(Rule(row["id"], regex, extra))
    return tuple(rules)
