"""Which municipality a document comes from (its issuer), as opposed to every municipality it mentions.

Only issuer signals count: a letterhead line "X kommun", a decision clause
"X kommun medverkar/beslutar/antar …", "Kommunstyrelsen i X kommun".  Mentions
in tables, affiliations ("socialchef, X kommun") and prose count for nothing,
so a letter from SKL or a regional network's minutes resolve to None.
"""

from __future__ import annotations

import re
from collections import Counter

from extractors.patternfile import load_rules
from models.municipalities import Municipality, registry

_RULES = load_rules("issuers")
# (rule id, pattern on the original text, weight), from patterns/issuers.jsonl (kind "issuer").  Each signal records
# its rule.
ISSUER_PATTERNS: list[tuple[str, re.Pattern[str], int]] = [
    (r.id, r.regex, r.get("weight")) for r in _RULES if r.get("kind") == "issuer"
]

_TABLE_LINE = re.compile(r"\t|\|")
# A letter whose first line names a region, SKR/SKL or a state agency comes from that issuer: municipality
# names standing alone in its head are the addressee block ("Härnösands kommun / Kommunstyrelsen").
_OTHER_ISSUER = re.compile(
    r"\A\s*(?:Region [A-ZÅÄÖ]\w+|Sveriges [Kk]ommuner och (?:[Rr]egioner|[Ll]andsting)|SKR|SKL|Länsstyrelsen\b[^\n]*"
    r"|[A-ZÅÄÖ]\w+ läns landsting|Landstinget [A-ZÅÄÖ]\w+)[ \t]*\n"
)
_ADDRESSEE_HEAD = 1500
# "X kommun" followed by more cells on its line is a letterhead only at the top of a page; lower down it is
# a row of a space-aligned list ("Härnösands kommun    Anna Berg    socialchef").
_LAYOUT_GAP = re.compile(r"[ ]{2,}\S")
_PAGE_TOP_LINES = 6


def _at_page_top(text: str, offset: int) -> bool:
    page_start = text.rfind("\f", 0, offset) + 1
    return text.count("\n", page_start, offset) < _PAGE_TOP_LINES


def issuer_signals(text: str) -> list[tuple[Municipality, str, int]]:
    """Every issuer signal in the text: (municipality, rule id, weight)."""
    reg = registry()
    signals: list[tuple[Municipality, str, int]] = []
    addressee_head = _ADDRESSEE_HEAD if _OTHER_ISSUER.match(text) else 0
    for rule, pattern, weight in ISSUER_PATTERNS:
        for match in pattern.finditer(text):
            if rule.startswith("letterhead") and match.start() < addressee_head:
                continue
            if _LAYOUT_GAP.search(match.group(0)) and not _at_page_top(text, match.start()):
                continue
            line_start = text.rfind("\n", 0, match.start("name")) + 1
            line_end = text.find("\n", match.end("name"))
            line = text[line_start : line_end if line_end >= 0 else len(text)]
            if _TABLE_LINE.search(line):
                continue
            found = reg.resolve(match.group("name"))
            if found:
                signals.append((found, rule, weight))
    return signals


# A municipality named in the running text ("… Hörby kommun vill köpa …", "Göteborgs Stads nämnder", "Region
# Gotland", the one region that is a municipality; patterns/issuers.jsonl, kind "mention"): counted only where no
# issuer signal decides, and only for a municipality named several times and far more often than any other.
_MENTION = next(r.regex for r in _RULES if r.get("kind") == "mention")
_MIN_MENTIONS = 3


def mention_counts(text: str) -> Counter[str]:
    """Municipality code -> how often the running text (not its tables) names it as "X kommun/stad"."""
    reg = registry()
    counts: Counter[str] = Counter()
    for line in text.splitlines():
        if _TABLE_LINE.search(line):
            continue
        for match in _MENTION.finditer(line):
            name = match.group("name") or match.group("region")
            found = reg.resolve(name) or (reg.resolve(name.split()[-1]) if " " in name else None)
            if found:
                counts[found.code] += 1
    return counts


# A neighbour named in a joint matter ("… tillsammans med Tomelilla kommun") comes up often too; the document's
# own municipality has to be named half as often again.
_MENTION_LEAD = 1.5


def _clear_winner(scores: Counter[str], minimum: int) -> str | None:
    ranked = scores.most_common(2)
    if not ranked:
        return None
    best_code, best = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    return best_code if best >= minimum and best >= _MENTION_LEAD * runner_up else None


def detect_municipality(text: str) -> tuple[str, str] | None:
    """(name, code) of the issuing municipality, or None when no single issuer stands out."""
    scores: Counter[str] = Counter()
    for municipality, _rule, weight in issuer_signals(text):
        scores[municipality.code] += weight
    if not scores:
        code = _clear_winner(mention_counts(text), _MIN_MENTIONS)
        if code is None:
            return None
        chosen = registry().by_code[code]
        return chosen.name, chosen.code
    ranked = scores.most_common(2)
    best_code, best = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    if best < 2 or best < 2 * runner_up:
        return None
    chosen = registry().by_code[best_code]
    return chosen.name, chosen.code

