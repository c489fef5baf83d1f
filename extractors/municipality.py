"""Which municipality a document comes from (its issuer), as opposed to every municipality it mentions.

Only issuer signals count: a letterhead line "X kommun", a decision clause
"X kommun medverkar/beslutar/antar …", "Kommunstyrelsen i X kommun".  Mentions
in tables, affiliations ("socialchef, X kommun") and prose count for nothing,
so a letter from SKL or a regional network's minutes resolve to None.
"""

from __future__ import annotations

import re
from collections import Counter

from models.municipalities import Municipality, registry

_NAME = r"(?P<name>[A-ZÅÄÖÉ][\w]+(?:[ -][A-ZÅÄÖÉ][\w]+)?)"
# "Tyresö kommun", "Stockholms stad", "Göteborgs Stad" (the city's own spelling): the name may be genitive.
_SUFFIX = r"(?:[Kk]ommun|[Ss]tad)"

# (rule id, pattern on the original text, weight).  Patterns are data; each signal records its rule.
ISSUER_PATTERNS: list[tuple[str, re.Pattern[str], int]] = [
    ("letterhead", re.compile(rf"^[ \t]*{_NAME} {_SUFFIX}s?[ \t]*$", re.M), 3),
    ("letterhead_caps", re.compile(r"^[ \t]*(?P<name>[A-ZÅÄÖÉ][A-ZÅÄÖÉ-]+(?: [A-ZÅÄÖÉ-]+)?) (?:KOMMUN|STAD)S?[ \t]*$", re.M), 3),
    ("letterhead_unit", re.compile(rf"^[ \t]*{_NAME} {_SUFFIX}s? (?:[a-zåäö]+förvaltning|[a-zåäö]+kontor|kommunstyrelse|socialtjänst)\w*", re.M), 3),
    ("body_of", re.compile(rf"\b(?:Kommunfullmäktige|Kommunstyrelsen|[A-ZÅÄÖ]\w*nämnden|Kommunledningsutskottet) i {_NAME}(?: {_SUFFIX})?\b"), 3),
    (
        "decision_subject",
        re.compile(
            rf"(?:^|[\n.:]\s*|\d\.\s*|att\s+){_NAME} {_SUFFIX} (?:medverkar|beslutar|beslutade|antar|ställer sig|godkänner|avstår|tillstyrker|avstyrker|deltar|ansluter)\b"
        ),
        2,
    ),
]

_TABLE_LINE = re.compile(r"\t|\|")


def issuer_signals(text: str) -> list[tuple[Municipality, str, int]]:
    """Every issuer signal in the text: (municipality, rule id, weight)."""
    reg = registry()
    signals: list[tuple[Municipality, str, int]] = []
    for rule, pattern, weight in ISSUER_PATTERNS:
        for match in pattern.finditer(text):
            line_start = text.rfind("\n", 0, match.start("name")) + 1
            line_end = text.find("\n", match.end("name"))
            line = text[line_start : line_end if line_end >= 0 else len(text)]
            if _TABLE_LINE.search(line):
                continue
            found = reg.resolve(match.group("name"))
            if found:
                signals.append((found, rule, weight))
    return signals


def detect_municipality(text: str) -> tuple[str, str] | None:
    """(name, code) of the issuing municipality, or None when no single issuer stands out."""
    scores: Counter[str] = Counter()
    for municipality, _rule, weight in issuer_signals(text):
        scores[municipality.code] += weight
    if not scores:
        return None
    ranked = scores.most_common(2)
    best_code, best = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    if best < 2 or best < 2 * runner_up:
        return None
    chosen = registry().by_code[best_code]
    return chosen.name, chosen.code

