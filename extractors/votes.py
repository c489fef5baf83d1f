"""Votes (omröstning): named roll-call lists, stated counts and the voting proposition."""

from __future__ import annotations

import re

from extractors.text import fold
from models.records import Span, Vote

# Roll call: "A (S), B (M) och C (V) röstar Ja (3)."  /  "... avstår från att rösta (5)."
ROLL_CALL = re.compile(
    r"(?P<names>[^.\n:]*?)\s*\b(?:rostar|rostade)\s+(?P<choice>ja|nej)\s*\((?P<n>\d+)\)"
    r"|(?P<anames>[^.\n:]*?)\s*\b(?:avstar|avstod)(?:\s+fran\s+att\s+rosta)?\s*\((?P<an>\d+)\)"
)
# "Med 55 Ja-röster mot 6 Nej-röster (och 3 som avstår)", "Med 4 ja-röster mot 1 nej-röst"
COUNTS = re.compile(
    r"med\s+(?P<yes>\d+)\s+ja-?\s?rost(?:er)?\s+(?:mot|och)\s+(?P<no>\d+)\s+nej-?\s?rost(?:er)?"
    r"(?:\s*(?:,|och)\s*(?P<abstain>\d+)\s+(?:ledamoter\s+|ledamot\s+|som\s+)?(?:avstar|avstod|avstaende|nedlagda))?"
)
# "Ja för bifall till ..., Nej för avslag ..." (also "Ja-röst för", "Den som vill ... röstar ja")
PROPOSITION = re.compile(
    r"(?<![a-z])ja(?:-rost)?\s+for\s+(?P<yes>[^.;\n]+?)\s*[,;]?\s*(?:och\s+)?nej(?:-rost)?\s+for\s+(?P<no>[^.;\n]+)"
)
OMROSTNING = re.compile(r"^[ \t]*omrostning(?:sresultat)?\b.*$", re.M)
_PARTY_NAME = re.compile(r"[A-ZÅÄÖÉ][^,()]*?\([A-ZÅÄÖa-z]{1,4}\)")


def _names(raw: str) -> list[str]:
    """Names from a roll-call list: "A (S), B (M) och C (V)" -> ["A (S)", "B (M)", "C (V)"]."""
    with_party = [n.strip() for n in _PARTY_NAME.findall(raw)]
    if with_party:
        return [re.sub(r"^(?:och|samt)\s+", "", n) for n in with_party]
    parts = re.split(r",|\s+och\s+", raw)
    return [p.strip() for p in parts if p.strip()]


def _vote_in(text: str, folded: str, start: int, end: int, base: int) -> Vote | None:
    vote = Vote()
    found = False
    for m in ROLL_CALL.finditer(folded, start, end):
        found = True
        if m.group("choice") == "ja":
            vote.yes = int(m.group("n"))
            vote.yes_names = _names(text[m.start("names") : m.end("names")])
        elif m.group("choice") == "nej":
            vote.no = int(m.group("n"))
            vote.no_names = _names(text[m.start("names") : m.end("names")])
        else:
            vote.abstain = int(m.group("an"))
            vote.abstain_names = _names(text[m.start("anames") : m.end("anames")])
    m = COUNTS.search(folded, start, end)
    if m:
        found = True
        vote.yes = vote.yes if vote.yes is not None else int(m.group("yes"))
        vote.no = vote.no if vote.no is not None else int(m.group("no"))
        if m.group("abstain") and vote.abstain is None:
            vote.abstain = int(m.group("abstain"))
    m = PROPOSITION.search(folded, start, end)
    if m:
        found = True
        vote.proposition = " ".join(text[m.start() : m.end()].split()).rstrip(" ,")
    if not found:
        return None
    vote.span = Span(page=0, start=base + start, end=base + end)
    return vote


def extract_votes(text: str, base: int = 0) -> list[Vote]:
    """One Vote per "Omröstning" block (or one for the whole text when it has no such heading)."""
    folded = fold(text)
    heads = [m.start() for m in OMROSTNING.finditer(folded)]
    blocks = list(zip(heads, heads[1:] + [len(text)])) if heads else [(0, len(text))]
    if heads and heads[0] > 0:
        # a proposition stated before the first heading ("Propositionsordning") belongs to the first vote
        blocks[0] = (0, blocks[0][1])
    votes = []
    for start, end in blocks:
        vote = _vote_in(text, folded, start, end, base)
        if vote:
            votes.append(vote)
    return votes
