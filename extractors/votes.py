"""Votes (omröstning): named roll-call lists, voting tables, stated counts and the voting proposition.

The phrasings are `patterns/votes.jsonl`.  A § may hold several votes (a procedural one on bordläggning or
återremiss, then the main one), each under its own "Omröstning" heading.  A vote whose named list and stated
count disagree is a contradiction only when every piece of the list read as a voter; otherwise it is a partial
read, kept with confidence PARTIAL.
"""

from __future__ import annotations

import re

from extractors.attendance import NAME
from extractors.patternfile import load_rules
from extractors.text import fold, fold_ocr
from models.records import Span, Vote

_RULES = load_rules("votes")
COUNTS = [r for r in _RULES if r.get("kind") == "counts"]
ROLL_CALLS = [r for r in _RULES if r.get("kind") == "roll_call"]
PROPOSITIONS = [r for r in _RULES if r.get("kind") == "proposition"]
VOTER_PREFIX = next(r.regex for r in _RULES if r.get("kind") == "voter_prefix")
# Below this a vote is a partial read: its names and its count disagree and the list did not parse cleanly.
PARTIAL = 0.5
OMROSTNING = re.compile(r"^[ \t]*omrostning(?:sresultat)?\b.*$", re.M)

# A roll call printed as a table ("Ledamot  Ja  Nej  Avstår", then one member a line with a mark in one column), as
# PDF text extraction gives it: columns kept by spaces (layout mode), by tabs, or by markdown pipes.
TABLE_COLUMNS = {"ja": "yes", "nej": "no", "avstar": "abstain", "avstod": "abstain", "avstaende": "abstain"}
TABLE_HEADER = re.compile(r"^[^\d\n]*?(?<![a-z])ja(?![a-z])[ \t|]+nej(?![a-z])[^\d\n]*$", re.M)
# The mark in a voter's column: X, x, × or ✓ as printed, or OCR's reading of a cross.
TABLE_MARK = re.compile(r"(?<![^\s|])(?:[xX×✓✔]|><)(?![^\s|])")
TABLE_SUM = re.compile(r"^[ \t|]*(?:summa|totalt|antal(?:\s+roster)?|resultat)\b", re.M)
# A member's row opens with a name: capitalised words, a particle allowed between them ("Anna af Klercker").
_TABLE_NAME = re.compile(r"^[ \t|]*[A-ZÅÄÖÉÜ][\w'’.-]*(?:[ \t]+(?:[a-z]{1,3}[ \t]+)?[A-ZÅÄÖÉÜ][\w'’.-]*)+")
_TRAILING_PARTY = re.compile(r"^(?P<name>.+?)[ \t|]{2,}(?P<party>[A-ZÅÄÖ]{1,4})$")
_PARTY_NAME = re.compile(r"[A-ZÅÄÖÉ][^,()]*?\([A-ZÅÄÖa-z]{1,4}\)")


# One voter: a name as a närvarolista prints it and a party in parentheses, in any case.
VOTER = re.compile(rf"{NAME}(?:\s*\([A-ZÅÄÖa-zåäö]{{1,6}}\))?")
# Debris a margin leaves inside a wrapped list: a line of one or two characters, or one character before the text.
_MARGIN_LINE = re.compile(r"\n[ \t]*[^\s(),]{1,2}[ \t]*(?=\n)")
_MARGIN_LEAD = re.compile(r"\n[ \t]*[0-9a-zåäö][ \t]+(?=\S)")


def _unwrap(raw: str) -> str:
    """A list printed over several lines as one line: margin debris dropped, a word broken at a line end joined
    ("Nord-\nström" -> "Nordström", "Carl-\nGöran" -> "Carl-Göran")."""
    raw = "\n" + raw
    previous = None
    while previous != raw:
        previous = raw
        raw = _MARGIN_LINE.sub("", raw)
    raw = _MARGIN_LEAD.sub("\n", raw)
    raw = re.sub(r"(?<=[a-zåäöé])-[ \t]*\n[ \t]*(?=[a-zåäöé])", "", raw)
    raw = re.sub(r"-[ \t]*\n[ \t]*", "-", raw)
    return " ".join(raw.split())


def _names(raw: str) -> tuple[list[str], bool]:
    """Voters from a list ("A (S), tjänstgörande ersättaren B (V) och ordföranden C (M)") -> (["A (S)", "B (V)",
    "C (M)"], True when every piece of the list read as one voter)."""
    pieces = [p.strip() for p in re.split(r",|\s+(?:och|samt)\s+", _unwrap(raw)) if p.strip()]
    names: list[str] = []
    clean = True
    for piece in pieces:
        prefix = VOTER_PREFIX.match(fold(piece))
        piece = piece[prefix.end() :] if prefix else piece
        m = VOTER.fullmatch(piece)
        if m:
            names.append(piece)
            continue
        clean = False
        names += [v.group() for v in VOTER.finditer(piece)]
    return names, clean


def _cells(line: str) -> list[tuple[int, str]]:
    """(offset, content) of a table line's cells: split at tabs or pipes when it has them, else at 2+ spaces."""
    sep = r"\t|\|" if ("\t" in line or "|" in line) else r"[ ]{2,}"
    out, pos = [], 0
    for part in re.split(f"({sep})", line):
        if part and not re.fullmatch(sep, part) and part.strip():
            out.append((pos + len(part) - len(part.lstrip()), part.strip()))
        pos += len(part)
    return out


def _column_of(line: str, offset: int, header: str, columns: list[tuple[int, int, int, str]]) -> str | None:
    """The choice whose header column a mark at `offset` falls under: the same cell index when the table keeps
    its cells (tabs, pipes), else the header word nearest to it (a mark may sit centred or flush under it)."""
    if "\t" in header or "|" in header:
        index = len(re.findall(r"\t|\|", line[:offset].rstrip(" ")))
        hits = [choice for i, _, _, choice in columns if i == index]
        return hits[0] if hits else None
    return min(columns, key=lambda c: max(c[1] - offset, offset - c[2], 0))[3] if columns else None


def _table_vote(text: str, folded: str, start: int, end: int, vote: Vote) -> tuple[bool, bool]:
    """Names (and a "Summa" row's counts) from a roll-call table in text[start:end]: (a table was read, it ended
    at a page break without a "Summa" row, so that its rows may go on where they were not read)."""
    m = TABLE_HEADER.search(folded, start, end)
    if not m:
        return False, False
    header = folded[m.start() : m.end()]
    columns = []  # (cell index, first and last offset of the header word, choice)
    sep = r"\t|\|" if ("\t" in header or "|" in header) else None
    for w in re.finditer(r"[a-z]+", header):
        choice = TABLE_COLUMNS.get(w.group())
        if choice:
            index = len(re.findall(sep, header[: w.start()].rstrip(" "))) if sep else 0
            columns.append((index, w.start(), w.end() - 1, choice))
    names: dict[str, list[str]] = {"yes": [], "no": [], "abstain": []}
    sums: dict[str, int] = {}
    pos = m.end() + 1
    last_row = 0
    cut = False
    for line_m in re.finditer(r"[^\n]*", text[pos:end]):
        line = line_m.group()
        if not line.strip() or re.fullmatch(r"[\s|:+=-]*", line):
            continue  # blank, or a markdown / ASCII rule under the header
        fline = fold_ocr(line)
        if TABLE_SUM.match(fline):
            for offset, cell in _cells(line):
                if cell.isdigit():
                    choice = _column_of(line, offset, header, columns)
                    if choice:
                        sums[choice] = int(cell)
            break
        marks = list(TABLE_MARK.finditer(line))
        name_part = line[: marks[0].start()] if marks else line
        if not _TABLE_NAME.match(name_part):
            cut = "\f" in text[pos + last_row : pos + line_m.end()]
            break
        last_row = line_m.end()
        if not marks:
            continue  # a member listed without a mark took no part in the vote
        choice = _column_of(line, marks[0].start() + len(marks[0].group()) // 2, header, columns)
        if choice:
            names[choice].append(_table_name(name_part))
    if not any(names.values()) and not sums:
        return False, False
    vote.yes_names, vote.no_names, vote.abstain_names = names["yes"], names["no"], names["abstain"]
    vote.yes, vote.no, vote.abstain = sums.get("yes"), sums.get("no"), sums.get("abstain")
    return True, cut and not sums


def _table_name(cell: str) -> str:
    """ "Maria Hedlund (S), ordförande" -> "Maria Hedlund (S)"; a separate party column -> "Name (P)"."""
    cell = cell.strip(" \t|")
    with_party = _PARTY_NAME.match(cell)
    if with_party:
        return " ".join(with_party.group().split())
    m = _TRAILING_PARTY.match(re.sub(r"[ \t]*\|[ \t]*", "  ", cell))
    if m:
        return f"{' '.join(m.group('name').split())} ({m.group('party')})"
    return " ".join(cell.split(",")[0].split())


_SENTENCE_END = re.compile(r"[.:;!?](?=\s)|\n[ \t]*\n")
# A heading line above a list of voters ("Omröstning", "Omröstningsresultat") is no part of it.
_HEADING_LINE = re.compile(r"^[ \t]*(?:omrostning|votering|namnupprop|propositionsordning|beslutsgang)\w*\b[^\n(,]*\n", re.M)


def _run_start(folded: str, lower: int, verb: int) -> int:
    """Where the list of voters before a roll-call verb begins: after the last sentence end (or blank line) above
    it, but not before `lower` (the block start or the previous roll call)."""
    ends = [m.end() for m in _SENTENCE_END.finditer(folded, lower, verb)]
    ends += [m.end() for m in _HEADING_LINE.finditer(folded, lower, verb)]
    return max(ends, default=lower)


def _roll_calls(text: str, folded: str, start: int, end: int, vote: Vote) -> tuple[bool, dict[str, bool]]:
    """Named roll calls ("… röstar Ja (7).") into `vote`; (found, choice -> list read cleanly)."""
    matches = sorted(
        ((m, rule.get("choice")) for rule in ROLL_CALLS for m in rule.regex.finditer(folded, start, end)),
        key=lambda pair: pair[0].start(),
    )
    clean: dict[str, bool] = {}
    lower = start
    for m, choice in matches:
        run = _run_start(folded, lower, m.start())
        names, clean[choice] = _names(text[run : m.start()])
        setattr(vote, choice, int(m.group("n")))
        setattr(vote, f"{choice}_names", names)
        lower = m.end()
    return bool(matches), clean


def _counts(text: str, folded: str, start: int, end: int, vote: Vote, clean: dict[str, bool]) -> str | None:
    """A stated result ("Med 8 JA-röster (…) mot 3 NEJ-röster (…)") into `vote` where the roll call gave none;
    returns the id of the rule that read it."""
    for rule in COUNTS:
        m = rule.regex.search(folded, start, end)
        if not m:
            continue
        for choice in ("yes", "no", "abstain"):
            number = m.groupdict().get(choice)
            if number and getattr(vote, choice) is None:
                setattr(vote, choice, int(number))
            if m.groupdict().get(f"{choice}_names") and not getattr(vote, f"{choice}_names"):
                a, b = m.span(f"{choice}_names")
                names, clean[choice] = _names(text[a + 1 : b - 1])
                setattr(vote, f"{choice}_names", names)
        return rule.id
    return None


def _vote_in(text: str, folded: str, start: int, end: int, base: int) -> Vote | None:
    vote = Vote()
    rules: list[str] = []
    table, table_cut = _table_vote(text, folded, start, end, vote)
    if table:
        rules.append("table")
    found, clean = _roll_calls(text, folded, start, end, vote)
    if table_cut:
        clean.update({choice: False for choice in ("yes", "no", "abstain")})
    if found:
        rules.append("roll_call")
    counted = _counts(text, folded, start, end, vote, clean)
    if counted:
        rules.append(counted)
    for rule in PROPOSITIONS:
        m = rule.regex.search(folded, start, end)
        if m:
            rules.append(rule.id)
            vote.proposition = " ".join(text[m.start() : m.end()].split()).rstrip(" ,")
            break
    if not rules:
        return None
    # named in a table with neither a "Summa" row nor a stated count: the count is the names listed
    for choice in ("yes", "no", "abstain"):
        names = getattr(vote, f"{choice}_names")
        if getattr(vote, choice) is None and names:
            setattr(vote, choice, len(names))
    # A list whose names and count disagree is a contradiction only when every piece of it read as a voter;
    # otherwise the parse is partial (a name cut at a line end, debris inside the list).
    partial = [
        choice for choice in ("yes", "no", "abstain")
        if getattr(vote, f"{choice}_names") and getattr(vote, choice) is not None
        and len(getattr(vote, f"{choice}_names")) != getattr(vote, choice) and not clean.get(choice, True)
    ]
    if partial:
        vote.confidence = PARTIAL
    vote.rule = "+".join(rules)
    vote.span = Span(page=0, start=base + start, end=base + end)
    return vote


def extract_votes(text: str, base: int = 0) -> list[Vote]:
    """One Vote per "Omröstning" block (or one for the whole text when it has no such heading)."""
    folded = fold_ocr(text)
    heads = [m.start() for m in OMROSTNING.finditer(folded)]
    blocks = list(zip(heads, heads[1:] + [len(text)])) if heads else [(0, len(text))]
    if heads and heads[0] > 0:
        # a proposition stated before the first heading ("Propositionsordning") belongs to the first vote
        blocks[0] = (0, blocks[0][1])
    votes = []
    carried = None
    for k, (start, end) in enumerate(blocks):
        start = carried if carried is not None else start
        vote = _vote_in(text, folded, start, end, base)
        # "Omröstning" (the proposition) followed by "Omröstningsresultat" (the count) is one vote: a block
        # without a result runs on into the next one.
        if k + 1 < len(blocks) and (vote is None or (vote.yes is None and vote.no is None)):
            carried = start
            continue
        carried = None
        if vote:
            votes.append(vote)
    return votes
