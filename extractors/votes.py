"""Votes (omröstning): named roll-call lists, stated counts and the voting proposition."""

from __future__ import annotations

import re

from extractors.text import fold, fold_ocr
from models.records import Span, Vote

# Roll call: "A (S), B (M) och C (V) röstar Ja (3)."  /  "... avstår från att rösta (5)."
# A list of names may wrap after a comma or "och" ("A (S), B (M) och" / "C (V) röstar Ja (3)").
_NAME_RUN = r"(?:[^.\n:]*(?:,|\boch)[ \t]*\n)*[^.\n:]*?"
ROLL_CALL = re.compile(
    r"(?P<names>" + _NAME_RUN + r")\s*\b(?:rostar|rostade)\s+(?P<choice>ja|nej)\s*\((?P<n>\d+)\)"
    r"|(?P<anames>" + _NAME_RUN + r")\s*\b(?:avstar|avstod)(?:\s+fran\s+att\s+rosta)?\s*\((?P<an>\d+)\)"
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
# The chair's count without the words ja/nej: "Omröstning begärs och verkställs. Med 7 röster mot 4 beslutar …",
# optionally "… och 2 som avstår" / "2 nedlagda".  The first number is the side that carried the decision; it is
# stored as yes, the way the proposition puts the winning proposal to the Ja side.
SHORT_COUNTS = re.compile(
    r"med\s+(?P<yes>\d+)\s+roster\s+mot\s+(?P<no>\d+)(?:\s+roster)?"
    r"(?:\s*(?:,|och)\s*(?P<abstain>\d+)\s+(?:ledamoter\s+|ledamot\s+|som\s+)?(?:avstar|avstod|avstaende|nedlagda))?"
)
# "Den som vill bifalla kommunstyrelsens förslag röstar ja, den som vill bifalla Lina Perssons yrkande röstar nej"
PROPOSITION_WHO = re.compile(
    r"den\s+som\s+(?:vill\s+)?(?P<yes>[^.;\n]+?)\s+rostar\s+ja\s*[,;]?\s*(?:och\s+)?"
    r"den\s+som\s+(?:vill\s+)?(?P<no>[^.;\n]+?)\s+rostar\s+nej"
)
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


def _names(raw: str) -> list[str]:
    """Names from a roll-call list: "A (S), B (M) och C (V)" -> ["A (S)", "B (M)", "C (V)"]."""
    with_party = [" ".join(n.split()) for n in _PARTY_NAME.findall(raw)]
    if with_party:
        return [re.sub(r"^(?:och|samt)\s+", "", n) for n in with_party]
    parts = re.split(r",|\s+och\s+", raw)
    return [p.strip() for p in parts if p.strip()]


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


def _table_vote(text: str, folded: str, start: int, end: int, vote: Vote) -> bool:
    """Names (and a "Summa" row's counts) from a roll-call table in text[start:end]; True if one was read."""
    m = TABLE_HEADER.search(folded, start, end)
    if not m:
        return False
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
            break
        if not marks:
            continue  # a member listed without a mark took no part in the vote
        choice = _column_of(line, marks[0].start() + len(marks[0].group()) // 2, header, columns)
        if choice:
            names[choice].append(_table_name(name_part))
    if not any(names.values()) and not sums:
        return False
    vote.yes_names, vote.no_names, vote.abstain_names = names["yes"], names["no"], names["abstain"]
    vote.yes, vote.no, vote.abstain = sums.get("yes"), sums.get("no"), sums.get("abstain")
    return True


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


def _vote_in(text: str, folded: str, start: int, end: int, base: int) -> Vote | None:
    vote = Vote()
    found = _table_vote(text, folded, start, end, vote)
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
    m = COUNTS.search(folded, start, end) or SHORT_COUNTS.search(folded, start, end)
    if m:
        found = True
        vote.yes = vote.yes if vote.yes is not None else int(m.group("yes"))
        vote.no = vote.no if vote.no is not None else int(m.group("no"))
        if m.group("abstain") and vote.abstain is None:
            vote.abstain = int(m.group("abstain"))
    m = PROPOSITION.search(folded, start, end) or PROPOSITION_WHO.search(folded, start, end)
    if m:
        found = True
        vote.proposition = " ".join(text[m.start() : m.end()].split()).rstrip(" ,")
    if not found:
        return None
    # named in a table with neither a "Summa" row nor a stated count: the count is the names listed
    for choice in ("yes", "no", "abstain"):
        names = getattr(vote, f"{choice}_names")
        if getattr(vote, choice) is None and names:
            setattr(vote, choice, len(names))
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
