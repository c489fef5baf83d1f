"""Items (ärenden): § extracts of protocols and numbered agenda items of minutes, with their decisions,
references, motions, votes, reservations, jäv and distribution."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.bodies import body_for_minutes_item, is_body_name, normalise_body, same_body
from extractors.case_numbers import extract_case_numbers
from extractors.headings import is_continuation, match_heading
from extractors.minutes import MINUTES_HEADING, minutes_body
from extractors.patternfile import fragment, load_rules
from extractors.references import extract_references
from extractors.segment import strip_noise
from extractors.text import DocText, fold, fold_ocr
from extractors.votes import extract_votes
from models.records import CaseNumber, DecisionKind, Item, Meeting, Reference, Section, Span, Vote


@dataclass(slots=True)
class _Line:
    start: int  # document offset
    text: str  # original, markdown emphasis removed
    folded: str


# A lower-case letter directly followed by an upper-case one: where OCR or text extraction glued two lines.
_GLUED = re.compile(r"(?<=[a-zåäöéü])(?=[A-ZÅÄÖÉ])")


def _unglue(line: _Line) -> list[_Line]:
    """A title glued to the block heading after it ("…kunskapsstyrningÄldre- och omsorgsnämndens förslag till
    kommunstyrelsen") as two lines; the cut is taken only where the rest opens a block naming a body."""
    for m in _GLUED.finditer(line.text):
        k = m.start()
        rest = _Line(line.start + k, line.text[k:], line.folded[k:])
        head = _heading(rest)
        if head and head.body:
            return [_Line(line.start, line.text[:k], line.folded[:k]), rest]
    return [line]


# A proposal heading cut by the line width: "Äldre- och omsorgsnämndens förslag till" / "kommunstyrelsen".
_WRAPPED_PROPOSAL = re.compile(r"(?::s|s)\s+forslag(?:\s+till)?\s*$")


def _item_lines(text: str, base: int) -> list[_Line]:
    """Non-blank lines, with markdown runs like `UTDRAG**Title****Body förslag**` and a title glued to its
    decision heading split into separate lines, and a proposal heading wrapped over two lines joined."""
    folded_all = fold_ocr(text)
    out: list[_Line] = []
    for m in re.finditer(r"[^\n\f]+", text):
        for part in re.finditer(r"(?:(?!\*\*).)+", m.group()):
            raw = part.group()
            stripped = raw.strip(" \t*#_")
            if not stripped:
                continue
            offset = m.start() + part.start() + raw.find(stripped[0])
            line = _Line(base + offset, stripped, folded_all[offset - 0 : offset + len(stripped)])
            if out and _WRAPPED_PROPOSAL.search(out[-1].folded) and _heading(out[-1]) is None:
                joined = _Line(out[-1].start, f"{out[-1].text} {line.text}", f"{out[-1].folded} {line.folded}")
                if _heading(joined):
                    out[-1] = joined
                    continue
            out += _unglue(line)
    return out


# --- headings ----------------------------------------------------------------

_PROPOSAL = re.compile(r"^(?P<body>.+?)(?::s|s)\s+forslag\s+till\s+(?P<target>.+?)\s*:?$")
_OWN_DECISION = re.compile(r"^(?P<body>.+?)(?::s|s)\s+beslut\s*:?$")
_DECIDES = re.compile(r"^(?P<body>.+?)\s+beslutar\b\s*(?P<rest>.*)$")
# "Kommunstyrelsens arbetsutskott föreslår kommunstyrelsen besluta", "… föreslår kommunfullmäktige att besluta",
# "… föreslår att kommunfullmäktige beslutar att …", "… föreslår kommunfullmäktige att anta …": the verb form of
# "X:s förslag till Y", a proposal addressed to another body.
_PROPOSES = re.compile(
    r"^(?P<body>.+?)\s+foreslar\s+(?:att\s+)?(?P<target>.+?)"
    r"(?:\s+(?:att\s+)?besluta[rs]?\b\s*|\s+(?=att\b))(?P<rest>.*)$"
)
_PLAIN_DECISION = re.compile(r"^(?:beslut|forslag till beslut|beslutsforslag)\s*:?$")
_STOP = re.compile(r"^" + fragment("part_heading") + r"\s*:?$")
# "Beslutet skickas till", "Expedieras till", and the abbreviation "Exp:" / "Exp. till:" (only with its colon, a
# bare "Exp" being too short to trust); "Expedierat" is the past form some registrars stamp.
_DISTRIBUTION = re.compile(
    r"^(?:(?:protokollsutdrag|beslutet|utdrag|protokollet)\s+(?:ska\s+)?(?:skickas|expedieras|sands)\s+till|expedieras\s+till"
    r"|expedieras|expedierat(?:\s+till)?|exp\.?(?:\s*till)?(?=\s*:)|utdrag\s+till|sandlista)\s*:?\s*(?P<rest>.*)$"
)
_CLAUSE = re.compile(r"^(?:(?P<num>\d{1,2})[.)]\s+|[-•–]\s+|(?=att\s))(?P<text>.+)$")
_UTDRAG = re.compile(r"^(?:utdrag|protokollsutdrag|utdrag ur protokoll(?:et)?)\s*$")
_INFORMATION = re.compile(
    r"till handlingarna|informationen noteras|noterar informationen|tar del av informationen|anteckna informationen"
    r"|tackar for informationen|informationen antecknas"
)
_DECIDING_VERB = re.compile(r"\b(?:godkann|anta|faststall|bevilja|uppdra|tillstyrk|avslå|bifall)")
# "Paragrafen justeras omedelbart", "… förklaras omedelbart justerad", "Omedelbar justering", "… justeras direkt"
_ADJUSTED = re.compile(r"justeras (?:omedelbart|direkt)|omedelbart justera[ds]|omedelbar justering")
_PERSON_PARTY = re.compile(r"[A-ZÅÄÖÉ][\wåäöéü-]+(?:\s+[A-ZÅÄÖÉ][\wåäöéü-]+)+\s*\([A-ZÅÄÖa-zåäö]{1,4}\)")
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]|$)", re.M)
# A line break inside a sentence: the line does not end one and the next goes on in lower case ("… yrkar återremiss
# för att utreda en avgiftsfri" / "lovverksamhet …").  A capitalised next line is a new entry or heading.
_WRAPPED_LINE = re.compile(r"(?<![.!?:])[ \t]*\n[ \t]*(?=[a-zåäöéü(])")
# A decision that only points at the proposal it adopts ("Kommunfullmäktige beslutar i enlighet med kommunstyrelsens
# förslag", "… att bifalla förvaltningens förslag", "Kommunfullmäktige bifaller kommunstyrelsens förslag", "Förslaget
# bifalls"): its content is the proposal's clauses.
_BY_REFERENCE = re.compile(
    r"^(?P<subject>.*?)(?:besluta[r]?\s+)?(?:att\s+)?(?:i enlighet med|enligt|bifalla|bifaller|bifall till)\s+"
    r"(?:\S+\s+){0,3}?(?:forslag(?:et)?|beslutsforslag(?:et)?)\s*[.]?$"
    r"|^(?:\S+\s+){0,4}?(?:forslag(?:et)?|beslutsforslag(?:et)?)\s+(?:bifalls|godkanns|antas)\s*[.]?$"
)
# A distribution list separates recipients by commas and a last "och"; "Mark- och exploateringsenheten" is one.
_RECIPIENT_SEPARATOR = re.compile(r"\s*,\s*|(?<!-)\s+och\s+")


# A body name is a few words ("Barn- och utbildningsnämndens arbetsutskott"); a longer phrase ending in a body noun,
# or one holding a clause ("… föreslår att kommunfullmäktige"), is a sentence ("Ordföranden … finner att
# kommunstyrelsen beslutar enligt …"), not a block heading.
_MAX_BODY_WORDS = 6


def _body_phrase(text: str) -> bool:
    words = fold(text).split()
    return len(words) <= _MAX_BODY_WORDS and "att" not in words and is_body_name(text)


def _genitive(text: str, m: re.Match[str]) -> str:
    """The body name with its genitive ending ("Socialnämndens", "SKL:s") as printed."""
    end = m.end("body")
    return text[: end + (2 if text[end : end + 2] == ":s" else 1)]


@dataclass(slots=True)
class _Heading:
    """A line opening a decision or proposal block: its kind, the body it names, the body a proposal is
    addressed to, and any clause text on the same line."""

    kind: str
    body: str | None
    target: str | None = None
    inline: str = ""
    draft: bool = False  # "Förslag till beslut", an administration's proposal: what the body is asked to decide


def _heading(line: _Line) -> _Heading | None:
    """The block a line opens ("Kommunstyrelsens förslag till kommunfullmäktige", "Beslut", "X beslutar att"), if any."""
    f = line.folded.rstrip(" .")
    m = _PROPOSAL.match(f)
    if m and _body_phrase(_genitive(line.text, m)):
        body = normalise_body(_genitive(line.text, m))
        target = m.group("target")
        kind = "decision" if fold(body) == target or target.startswith("beslut") else "proposal"
        named = line.text[m.start("target") : m.end("target")]
        if not is_body_name(named) and not target.startswith("beslut") and line.text.rstrip().endswith("."):
            return None  # "Förvaltningens förslag till fördelning av bidrag godkänns." is the decision itself
        return _Heading(kind, body, normalise_body(named) if is_body_name(named) else None)
    m = _OWN_DECISION.match(f)
    if m and _body_phrase(_genitive(line.text, m)):
        return _Heading("decision", normalise_body(_genitive(line.text, m)))
    m = _DECIDES.match(f)
    if m and _body_phrase(line.text[: m.end("body")]):
        rest = line.text[m.start("rest") :].strip()
        inline = "" if fold(rest).rstrip(" :") in ("att", "") else rest
        return _Heading("decision", normalise_body(line.text[: m.end("body")]), inline=inline)
    if _PLAIN_DECISION.match(f):
        return _Heading("decision", None, draft=f.startswith(("forslag", "beslutsforslag")))
    return None


# An administration's proposal ("Socialförvaltningen föreslår socialnämnden besluta") is the body's "Förslag till
# beslut", the draft it decides on, not a proposal the body makes to another: it opens a block like that heading.
_ADMINISTRATION = ("forvaltningen", "ledningen")


def _proposes(line: _Line) -> _Heading | None:
    """A lead-in "X föreslår Y besluta" naming two bodies opens a proposal block, like "X:s förslag till Y"
    (a decision block when X is an administration or Y is X itself)."""
    f = line.folded.rstrip(" .")
    m = _PROPOSES.match(f)
    if not m:
        return None
    body, target = line.text[: m.end("body")], line.text[m.start("target") : m.end("target")]
    if not (_body_phrase(body) and _body_phrase(target)):
        return None
    rest = line.text[m.start("rest") :].strip()
    inline = "" if fold(rest).rstrip(" :") in ("att", "") else rest
    if fold(body).endswith(_ADMINISTRATION):
        return _Heading("decision", None, inline=inline, draft=True)
    body = normalise_body(body)
    kind = "decision" if fold(body) == fold(normalise_body(target)) else "proposal"
    return _Heading(kind, body, normalise_body(target), inline=inline)


def _informational(decisions: list[str]) -> bool:
    """Every clause only files information ("läggs till handlingarna") and none approves or commissions anything."""
    return bool(decisions) and all(
        _INFORMATION.search(fold(d)) and not _DECIDING_VERB.search(fold(d)) for d in decisions
    )


def _clean_clause(text: str) -> str:
    """One clause on one line; the comma or semicolon that links list clauses ("- anta …,") is not part of it."""
    return " ".join(text.replace("**", "").split()).strip().rstrip(",;").rstrip()


def _sentences(text: str) -> list[str]:
    return [" ".join(s.split()) for s in _SENTENCE.findall(_WRAPPED_LINE.sub(" ", text)) if s.strip()]


# Where the people a reservation or jäv names end when they follow the verb: the cause they reserve for is
# someone else's motion ("… till förmån för Lars Ekmans (SD) yrkande").
_CAUSE = re.compile(r"\b(?:till forman for|for eget|med hanvisning till|i enlighet med)\b")


def _people_or_sentence(sentence: str, before: str) -> list[str]:
    """Names with party ("Jörgen Fogelklou (SD)") before the verb, else right after it ("Mot beslutet reserverar
    sig A (V) och B (MP)", "På grund av jäv deltar inte A (M) …"), or the whole sentence when none are named."""
    folded = fold_ocr(sentence)
    cut = folded.find(before)
    head = sentence[:cut] if cut >= 0 else sentence
    names = [" ".join(n.split()) for n in _PERSON_PARTY.findall(head)]
    if not names and cut >= 0:
        cause = _CAUSE.search(folded, cut)
        names = [" ".join(n.split()) for n in _PERSON_PARTY.findall(sentence[cut : cause.start() if cause else None])]
    return names or [sentence]


def _localise(doc: DocText, span: Span | None) -> Span | None:
    return doc.span(span.start, span.end) if span is not None else None


# --- § extracts ------------------------------------------------------------------


def _adopt_proposal(item: Item, heads: list[_Heading], protocol_body: str | None) -> None:
    """Another body's proposal addressed to the body whose protocol this is was decided there: in a
    Kommunfullmäktige protocol, "Kommunstyrelsens förslag till kommunfullmäktige" is the council's decision on
    the board's proposal.  In the proposer's own extract the item stays that body's proposal."""
    if item.decision_kind != "proposal" or not protocol_body or same_body(item.body, protocol_body):
        return
    proposal = next((h for h in heads if h.kind == "proposal" and h.body == item.body), None)
    if proposal and same_body(proposal.target, protocol_body):
        item.proposed_by, item.body, item.decision_kind = item.body, protocol_body, DecisionKind.DECISION


def _adopts_proposal(clause: str) -> bool:
    """The clause only adopts a proposal; what stands before "i enlighet med …" is at most the deciding body."""
    m = _BY_REFERENCE.match(fold(clause))
    if not m:
        return False
    subject = clause[: m.end("subject")].strip() if m.group("subject") is not None else ""
    return not subject or _body_phrase(subject)


def _decided_over_draft(item: Item, blocks: list[tuple[_Heading, list[str]]], protocol_body: str | None) -> str | None:
    """Full protocols print what the body was asked to decide ("Förslag till beslut", "Kommunstyrelsens förslag
    till kommunfullmäktige") and then, after motions and votes, what it decided ("Beslut", "X beslutar").  The
    later block is the decision: its clauses, or the draft's when it only adopts "i enlighet med … förslag".
    Sets the item's body, decisions and proposer and returns the decision kind; None when there is no such pair."""
    def is_draft(head: _Heading) -> bool:
        return head.draft or bool(head.kind == "proposal" and protocol_body and head.target
                                  and same_body(head.target, protocol_body))

    real = [(head, [c for c in clauses if not _ADJUSTED.search(fold(c))]) for head, clauses in blocks]
    first_draft = next((k for k, (head, clauses) in enumerate(real) if clauses and is_draft(head)), None)
    if first_draft is None:
        return None
    later = [(head, clauses) for head, clauses in real[first_draft + 1 :] if clauses and not is_draft(head)]
    if not later:
        return None
    drafts = [(head, clauses) for head, clauses in real if clauses and is_draft(head)]
    final = [c for _, clauses in later for c in clauses]
    chosen = [c for _, cl in drafts for c in cl] if all(_adopts_proposal(c) for c in final) else final
    for clause in chosen:
        if clause not in item.decisions:
            item.decisions.append(clause)
    proposer = drafts[0][0]
    named = [head.body for head, _ in later if head.body]
    if proposer.kind == "proposal":
        item.proposed_by = proposer.body
        item.body = named[0] if named else protocol_body
    else:
        item.body = named[0] if named else next((head.body for head, _ in blocks if head.body), None)
    return later[0][0].kind


def _paragraph_number(label: str) -> int:
    """The § number of a label as printed: "114" and "114a" (§ 114 a) are both § 114."""
    return int(re.match(r"\d+", label).group())


def _heading_confidence(rule_id: str) -> float:
    """How sure the heading rule that started the section is (an OCR reading taken for its place in the sequence)."""
    rule = next((r for r in load_rules("headings") if r.id == rule_id), None)
    return rule.get("confidence", 1.0) if rule else 1.0


def _without_case_number(text: str) -> str:
    """A heading line's title without the case number right-aligned beside it ("Title   Dnr 2023/7")."""
    folded = fold(text)
    for case in extract_case_numbers(text):
        start = case.span.start
        label = re.search(fragment("case_label") + r"$", folded[:start])
        cut = label.start() if label else start
        text = text[:cut] + " " * (case.span.end - cut) + text[case.span.end :]
        folded = fold(text)
    return " ".join(text.split())


# How many lines above its heading a case number printed on a line of its own may stand ("ABCD/417/00.03.05/2021" over
# "191 § Anmälningsärenden"), the page header between them already blanked as noise.
_CASE_ABOVE_LINES = 2


def _case_number_above(clean: str, start: int) -> CaseNumber | None:
    """A case number alone on a line just above the item's heading, with nothing but blank lines between."""
    above = clean[:start].rstrip(" \t")
    if not above.endswith("\n") and above:
        return None
    for line_match in list(re.finditer(r"[^\n\f]+", above[-400:]))[-_CASE_ABOVE_LINES:][::-1]:
        offset = len(above) - len(above[-400:]) + line_match.start()
        line = line_match.group()
        if not line.strip():
            continue
        between = clean[offset + len(line) : start]
        if between.strip():
            return None
        cases = extract_case_numbers(line, offset)
        if cases and len(" ".join(cases[0].raw.split())) >= len(" ".join(line.split())) - 1:
            return cases[0]
        return None
    return None


def _before_next_case_line(clean: str, start: int, end: int) -> str:
    """The item's text without a last line that is only the next item's case number, printed above its heading."""
    text = clean[start:end]
    nxt = re.match(r"[ \t\n\f]*([^\n\f]*)", clean[end:])
    if not nxt or not match_heading(nxt.group(1)):
        return text
    lines = list(re.finditer(r"[^\n\f]+", text))
    last = next((m for m in reversed(lines[1:]) if m.group().strip()), None)
    above = _case_number_above(clean, end + nxt.start(1))
    if last is not None and above is not None and above.span.start >= start + last.start():
        return text[: last.start()]
    return text


def _paragraph_item(doc: DocText, section: Section, clean: str, protocol_body: str | None = None) -> Item:
    base = section.start
    text = _before_next_case_line(clean, section.start, section.end)
    lines = _item_lines(text, base)
    first = lines[0].text
    heading = match_heading(first)
    number = section.label or (heading.label if heading else re.search(r"\d+", first).group())
    item = Item(number=number, paragraph=_paragraph_number(number), rule=section.rule,
                span=doc.span(section.start, section.end), confidence=_heading_confidence(section.rule))

    item.case_number = _case_number_above(clean, section.start)
    title_parts: list[str] = []
    rest_of_first = first[heading.rest_start :].strip() if heading else first
    blocks: list[tuple[_Heading, list[str]]] = []
    recipients: list[list] = []  # [text, inline]: one recipient a line, or a run-on list
    state = "header"
    for k, line in enumerate(lines):
        f = line.folded.rstrip(" .:")
        if k == 0:
            cases = extract_case_numbers(first, base)
            if cases and item.case_number is None:
                item.case_number = cases[0]
            title = _without_case_number(rest_of_first)
            if title:
                title_parts.append(title)
            continue
        if is_continuation(line.text):
            continue  # "§ 71 forts" heading a later page of this item
        if state != "rest" and item.case_number is None:
            cases = extract_case_numbers(line.text, line.start - 0)
            if cases and len(cases[0].raw) >= len(line.text) - 2:
                item.case_number = cases[0]
                continue
        if _UTDRAG.match(f):
            continue
        if _DISTRIBUTION.match(f):
            m = _DISTRIBUTION.match(f)
            state = "distribution"
            inline = line.text[len(line.text) - len(m.group("rest")) :].strip() if m.group("rest") else ""
            if inline:
                recipients.append([inline, True])
            continue
        if state == "distribution":
            if _STOP.match(f) or _heading(line):
                state = "rest"
            else:
                entry = line.text.lstrip("-• ").strip()
                if recipients and re.search(r"(?:,|\boch|-)$", recipients[-1][0]):
                    recipients[-1][0] += " " + entry  # a list wrapped at the line width
                else:
                    recipients.append([entry, False])
                continue
        # A proposal lead-in under "Ärendebeskrivning" or "Beslutsunderlag" retells what someone proposed; only
        # where a decision block may start does it open one.
        head = _heading(line) or (_proposes(line) if state != "rest" else None)
        if head:
            if blocks and blocks[-1][0].draft and not blocks[-1][1]:
                head.draft = True  # "Förslag till beslut" / "Socialnämnden beslutar": the lead-in of the draft
            blocks.append((head, []))
            if head.inline:
                blocks[-1][1].append(_clean_clause(head.inline))
            state = "decisions"
            continue
        if _STOP.match(f):
            state = "rest"
            continue
        if state == "header":
            title_parts.append(line.text)
        elif state == "decisions":
            clauses = blocks[-1][1]
            m = _CLAUSE.match(line.text)
            if m:
                clauses.append(_clean_clause(m.group("text")))
            elif clauses and not clauses[-1].endswith((".", "!", ":")) and (
                    line.text[:1].islower() or line.text[:1] in "(" or line.text[:1].isdigit()):
                clauses[-1] = clauses[-1] + " " + _clean_clause(line.text)
            elif not clauses:
                clauses.append(_clean_clause(line.text))
            else:
                state = "rest"

    item.title = " ".join(" ".join(title_parts).split()) or None
    folded_text = fold(text)
    item.immediate_adjustment = bool(_ADJUSTED.search(folded_text))
    for text_, run_on in recipients:
        parts = _RECIPIENT_SEPARATOR.split(text_) if run_on or "," in text_ else [text_]
        item.distribution += [p.strip(" .") for p in parts if p.strip(" .")]
    chosen = _decided_over_draft(item, blocks, protocol_body)
    for head, clauses in blocks if chosen is None else []:
        real = [c for c in clauses if not _ADJUSTED.search(fold(c))]
        if head.body and item.body is None:
            item.body = head.body
        if real and chosen is None:
            chosen = head.kind
        item.decisions += [c for c in real if c not in item.decisions]
    if _informational(item.decisions):
        chosen = DecisionKind.INFORMATION
    kind = chosen or (blocks[0][0].kind if blocks else None)
    item.decision_kind = DecisionKind(kind) if kind else None
    _adopt_proposal(item, [head for head, _ in blocks], protocol_body)

    first_line_end = text.find("\n")
    refs = extract_references(text[first_line_end:], base + first_line_end) if first_line_end >= 0 else []
    item.references = [_reference(doc, r) for r in refs if r.paragraph != item.paragraph or r.date]
    item.votes = [_vote(doc, v) for v in extract_votes(text, base)]
    for sentence in _sentences(text):
        fs = fold_ocr(sentence)
        if _MOTION_VERB.search(fs):
            item.motions.append(sentence)
        if _RESERVATION_VERB.search(fs):
            item.reservations += _people_or_sentence(sentence, "reserver")
        if _CONFLICT_WORD.search(fs) and not re.fullmatch(r"\s*jav\s*:?\s*", fs):
            item.conflicts_of_interest += _people_or_sentence(sentence, "jav")
        for field_, word in (("notes", _NOTE_WORD), ("statements", _STATEMENT_WORD)):
            if word.search(fs) and not word.fullmatch(fs.strip(" :")):
                getattr(item, field_).append(sentence)
    _under_headings(item, lines)
    flat = " ".join(text.split())
    item.motions.sort(key=lambda motion: flat.find(motion))  # in the order they were made
    return item


_MOTION_VERB = re.compile(r"\byrkar\b")
_RESERVATION_VERB = re.compile(r"reserverar sig|reserverade sig")
_CONFLICT_WORD = re.compile(r"\bjav\b|\bjaviga?\b")
_NOTE_WORD = re.compile(r"protokollsanteckning(?:ar|en)?")
_STATEMENT_WORD = re.compile(r"sarskil(?:t|da) yttranden?(?:de)?")
# Headings whose entries are motions, reservations or jäv even where a line lacks the verb: "Yrkanden" /
# "Anna Ek (S): Bifall till motionen.", "Reservation" / "Lina Persson (V), Erik Nilsson (V)", "Jäv" / "Anna Svensson
# (M) deltar inte i handläggningen."
_NAMED_BLOCKS = {"yrkande": "motions", "yrkanden": "motions", "reservation": "reservations",
                 "reservationer": "reservations", "jav": "conflicts_of_interest",
                 "protokollsanteckning": "notes", "protokollsanteckningar": "notes",
                 "sarskilt yttrande": "statements", "sarskilda yttranden": "statements"}
_NAMED_BLOCK_VERB = {"motions": _MOTION_VERB, "reservations": _RESERVATION_VERB, "conflicts_of_interest": _CONFLICT_WORD,
                     "notes": _NOTE_WORD, "statements": _STATEMENT_WORD}
# Entries kept whole (what was said), not reduced to the people who said it.
_WHOLE_ENTRIES = frozenset({"motions", "notes", "statements"})


def _under_headings(item: Item, lines: list[_Line]) -> None:
    """Entries naming a person (with party) under a motions, reservation or jäv heading that the verbs missed."""
    blocks: dict[str, list[str]] = {}
    current = None
    for line in lines[1:]:
        f = line.folded.strip().rstrip(" :")
        if f in _NAMED_BLOCKS and line.text[:1].isupper():  # not a wrapped "… till förmån för X:s" / "yrkande."
            current = _NAMED_BLOCKS[f]
            blocks.setdefault(current, [])
        elif _STOP.match(f) or _DISTRIBUTION.match(f) or _heading(line):
            current = None
        elif current:
            blocks[current].append(line.text)
    for field, block in blocks.items():
        for sentence in _sentences("\n".join(block)):
            fs = fold_ocr(sentence)
            if _NAMED_BLOCK_VERB[field].search(fs):
                continue  # read above
            names = [" ".join(n.split()) for n in _PERSON_PARTY.findall(sentence)]
            if not names or not _PERSON_PARTY.match(sentence):
                continue
            found = getattr(item, field)
            if field in _WHOLE_ENTRIES:
                if sentence not in found:
                    found.append(sentence)
            else:
                found += [n for n in names if n not in found]


def _reference(doc: DocText, ref: Reference) -> Reference:
    ref.span = _localise(doc, ref.span)
    return ref


def _vote(doc: DocText, vote: Vote) -> Vote:
    vote.span = _localise(doc, vote.span)
    return vote


# --- minutes agenda items ----------------------------------------------------------

_MINUTES_DECIDED = re.compile(r"^(?P<body>.+?)\s+(?:beslutade|beslutar|beslot)\s*:?\s*$")
_ITEM_LABEL = re.compile(r"^\s*(?:\d{1,2}\s?[a-h]?[.)]|[a-h]\))\s*")
_NEW_BLOCK = re.compile(r"^\s*(?:\d{1,2}\.|[a-h]\)|\d{1,2}\s?[a-h][.)])\s")


def _continues_title(previous: str, line: str) -> bool:
    """A wrapped agenda heading goes on: an open parenthesis, or a lower-case line that is no "att" clause.

    Text layers drop the blank line under a heading, so the first body line
    ("Socialchefsnätverket beslutade", "Föredragande: …") must end the title by itself.
    """
    previous = _ITEM_LABEL.sub("", previous, count=1)  # "a)" opens no parenthesis
    if previous.count("(") > previous.count(")"):
        return True
    if previous.endswith((".", ":", "!", "?")):
        return False
    return line[:1].islower() and not fold(line).startswith("att ")


# The case-number line under a minutes or agenda item's title ("3. Ekonomisk uppföljning / Dnr BUN 2024/0214").
_CASE_LINE = re.compile(fragment("case_label_line") + r"[^\n]*", re.M)
_CASE_LINE_REACH = 4


def _labelled_case_number(text: str, base: int) -> CaseNumber | None:
    """The case number on a labelled line among the first lines of an unnumbered item (document offsets)."""
    end = -1
    for _ in range(_CASE_LINE_REACH):
        end = text.find("\n", end + 1)
        if end < 0:
            break
    head = text if end < 0 else text[:end]
    m = _CASE_LINE.search(fold(head))
    found = extract_case_numbers(head[m.start() : m.end()], base + m.start()) if m else []
    return found[0] if found else None


def _minutes_item(doc: DocText, section: Section, clean: str) -> Item:
    text = clean[section.start : section.end]
    raw_lines = re.split(r"[\n\f]", text)
    title_lines: list[str] = []
    for raw in raw_lines:
        if not raw.strip():
            if title_lines:
                break
            continue
        if title_lines and not _continues_title(title_lines[-1], raw.strip()):
            break
        title_lines.append(raw.strip())
    title = _ITEM_LABEL.sub("", " ".join(" ".join(title_lines).split()), count=1) or None
    item = Item(number=section.label or "", title=title, rule=section.rule, span=doc.span(section.start, section.end))
    item.case_number = _labelled_case_number(text, section.start)
    lines = [ln for ln in raw_lines if ln.strip()]
    i = 0
    while i < len(lines):
        m = _MINUTES_DECIDED.match(fold(lines[i]).strip())
        if m and is_body_name(lines[i].strip()[: m.end("body")]):
            item.body = item.body or normalise_body(lines[i].strip()[: m.end("body")])
            i += 1
            while i < len(lines):
                line = " ".join(lines[i].split())
                if fold(line).startswith("att "):
                    item.decisions.append(line)
                elif (item.decisions and not item.decisions[-1].endswith((".", "!"))
                      and not _NEW_BLOCK.match(line) and not _MINUTES_DECIDED.match(fold(line))):
                    item.decisions[-1] += " " + line
                else:
                    break
                i += 1
            continue
        i += 1
    folded_title = fold(title or "")
    if _informational(item.decisions):
        item.decision_kind = DecisionKind.INFORMATION
    elif item.decisions:
        item.decision_kind = DecisionKind.DECISION
    elif folded_title.startswith(("information", "dialog")):
        item.decision_kind = DecisionKind.INFORMATION
    item.immediate_adjustment = bool(_ADJUSTED.search(fold(text)))
    return item


def protocol_body_for(paragraph: int | None, meetings: list[Meeting], default: str | None) -> str | None:
    """The body whose protocol holds § `paragraph`: the one meeting whose § range covers it, else `default`."""
    if paragraph is not None:
        covering = {m.body for m in meetings if m.body and m.paragraph_range
                    and m.paragraph_range[0] <= paragraph <= m.paragraph_range[1]}
        if len(covering) == 1:
            return covering.pop()
    return default


def extract_items(
    doc: DocText, sections: list[Section], meetings: list[Meeting] | None = None, protocol_body: str | None = None,
    clean: str | None = None,
) -> list[Item]:
    """One Item per § extract and per agenda item; an agenda heading with sub-items is an item of its own
    (number "4", its title, no decisions unless printed under the heading itself).  `meetings` (protocol
    covers) and `protocol_body` (the document's one deciding body, if known) say whose protocol a § is in;
    `clean` is `strip_noise(doc.text)` when the caller has it already."""
    clean = strip_noise(doc.text) if clean is None else clean
    # Minutes record one body's meeting: the body named after "Minnesanteckningar" (as extractors.meetings
    # reads it) is the body of every agenda item printing that body or none.
    headings = [(m.start(), minutes_body(doc.text[m.start("rest") : m.end("rest")]))
                for m in MINUTES_HEADING.finditer(fold(doc.text))]
    items: list[Item] = []
    for section in sections:
        if section.kind == "paragraph_extract":
            paragraph = _paragraph_number(section.label) if section.label and section.label[:1].isdigit() else None
            body = protocol_body_for(paragraph, meetings or [], protocol_body)
            items.append(_paragraph_item(doc, section, clean, body))
        elif section.kind == "minutes_item":
            item = _minutes_item(doc, section, clean)
            governing = [body for start, body in headings if start <= section.start]
            item.body = body_for_minutes_item(item.body, governing[-1] if governing else None)
            items.append(item)
    # Minutes without a named heading: the one body some items print decided the others too.
    minutes_bodies = {item.body for item in items if item.paragraph is None and item.body}
    if len(minutes_bodies) == 1:
        (body,) = minutes_bodies
        for item in items:
            if item.paragraph is None and item.body is None:
                item.body = body
    return items
