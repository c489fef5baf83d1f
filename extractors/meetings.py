"""Meetings (sammanträden) from protocol covers, their ANSLAG/BEVIS block and närvarolista, and from minutes.

A protocol cover starts with a "Datum" line followed by "Tid"/"Plats", or is a
cluster of cover labels ("Plats och tid", "Sammanträdesdatum", "Beslutande",
"Utses att justera", …); its labels (`patterns/cover_labels.jsonl`: Justeringens
plats och tid, Paragrafer, Sekreterare, Ordförande, Justerande, then Organ or
Nämnd / styrelse, Sammanträdesdatum, Datum då anslaget sätts upp/tas ned,
Förvaringsplats för protokollet) carry their value on the same line or the next
non-blank one.  A cover whose Beslutande are "enligt särskild förteckning,
sidan 2" gets the list on that page, or the next one after the cover.  Minnesanteckningar (network minutes) give a Meeting whose body is
the words after "Minnesanteckningar" and whose attendance is listed per
municipality.
"""

from __future__ import annotations

import re

from extractors.attendance import HEADING_LABEL, PERSON, extract_attendance, inline_heading
from extractors.bodies import is_body_name, normalise_body
from extractors.dates import extract_dates
from extractors.minutes import MINUTES_HEADING, minutes_body
from extractors.patternfile import load_rules
from extractors.text import DocText, fold
from models.municipalities import registry
from models.records import AttendanceEntry, Meeting, Section, Span

_LABEL_RULES = [r for r in load_rules("cover_labels") if r.get("field")]
# Cover and notice labels (folded, at a line start) -> Meeting field, from extractors/patterns/cover_labels.jsonl.
# Longest first; words may wrap lines.  The närvarolista headings are labels too: covers list people under them.
LABELS: list[tuple[str, str]] = [
    (r.get("field"), r.regex.pattern + (f"|{HEADING_LABEL}" if r.get("with_attendance_headings") else ""))
    for r in _LABEL_RULES
]
_LABELS = r"(?:" + "|".join(f"(?P<l{i}>{pattern})" for i, (_, pattern) in enumerate(LABELS)) + r")(?![\w-])[ \t]*:?[ \t]*"
_LABEL = re.compile(r"^[ \t\f]*" + _LABELS, re.M)
# The same labels inside a line, after another label ("Underskrifter  Paragrafer 12-31").
_INNER_LABEL = re.compile(_LABELS)
# A value that sends the reader elsewhere for the list ("Enligt särskild förteckning, sidan 2").
REFERRAL = next(r.regex for r in load_rules("cover_labels") if r.get("kind") == "referral")


def _field(m: re.Match[str]) -> str:
    """The Meeting field of the label a _LABEL match found."""
    return next(LABELS[i][0] for i in range(len(LABELS)) if m.group(f"l{i}") is not None)


COVER_START = re.compile(
    r"^[ \t\f]*datum[ \t]*:?[ \t]*\d{4}-\d\d-\d\d[^\n]*\n(?:[ \t]*\n)*[ \t]*tid\b", re.M
)
NOTICE = re.compile(r"^[ \t\f]*anslag\s*/\s*bevis", re.M)
ATTENDANCE = re.compile(r"^[ \t\f]*narvarolista\b", re.M)
MINUTES = MINUTES_HEADING
PRESENT = re.compile(r"^[ \t]*narvarande[ \t]*:?", re.M)
AGENDA_ITEM = re.compile(r"^[ \t]*\d{1,2}\.[ \t]+\S", re.M)
PARAGRAPH_RANGE = re.compile(r"(?P<a>\d{1,4})\s*(?:-\s*(?P<b>\d{1,4}))?")
TIME_RANGE = re.compile(r"(?P<a>\d{1,2})[.:](?P<b>\d{2})(?:\s*-\s*(?P<c>\d{1,2})[.:](?P<d>\d{2}))?")


def _fields(text: str, folded: str) -> dict[str, list[str]]:
    """Label -> value lines (same line, else the next non-blank lines), in original spelling.  A label whose value
    on its line opens with another label is a heading over a block ("Underskrifter  Paragrafer 12-31"): the
    value belongs to the inner label."""
    matches = list(_LABEL.finditer(folded))
    values: dict[str, list[str]] = {}
    for i, m in enumerate(matches):
        field = _field(m)
        stop = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value_start = m.end()
        inner = _INNER_LABEL.match(folded, value_start)
        while inner and inner.end() > value_start:
            field, value_start = _field(inner), inner.end()
            inner = _INNER_LABEL.match(folded, value_start)
        region = text[value_start:stop]
        first, _, rest = region.partition("\n")
        lines: list[str] = []
        if first.strip():
            lines.append(first.strip())
            follow = rest
        else:
            follow = rest.lstrip("\n \t\u00a0")
        for line in follow.split("\n"):
            if not line.strip():
                break
            lines.append(line.strip())
        values.setdefault(field, lines)
    return values


def _first_date(value: str):
    facts = extract_dates(value)
    return facts[0] if facts else None


def _names(lines: list[str]) -> list[str]:
    """Person names from signature lines; a name printed twice counts once."""
    names: list[str] = []
    for line in lines:
        for part in re.split(r",|\boch\b|\t|\s{3,}", line):
            part = part.strip()
            if part and PERSON.match(part) and part not in names:
                names.append(part)
    return names


def _time(value: str) -> str | None:
    m = TIME_RANGE.search(fold(value))
    if not m:
        return None
    start = f"{int(m['a']):02d}:{m['b']}"
    return f"{start}-{int(m['c']):02d}:{m['d']}" if m["c"] else start


# A clock time or window inside a "Plats och tid" value, with its "kl."/"klockan" ("kl. 08.30-11.45").
_CLOCK = re.compile(r"(?:\bkl(?:ockan)?\.?\s*)?" + TIME_RANGE.pattern + r"(?!\d)")
_WEEKDAY = re.compile(r"\b(?:man|tis|ons|tors|fre|lor|son)dag(?:en)?\b(?:\s+den\b)?|^\s*den\b")


def _place_time(value: str):
    """A "Plats och tid" value -> (place, time, date fact); the parts come in either order, comma-separated or not
    ("Stadshuset, sal A, kl. 08.30-11.45", "Onsdagen den 7 februari 2024 kl. 13.15–16.00, Kommunhuset")."""
    # an adjournment noted beside the time ("kl 08.30-13.40, ajournering kl 10.55-11.05") is neither place nor time
    value = value[: m.start()] if (m := re.search(r",?\s*ajourn", fold(value))) else value
    clock = _CLOCK.search(fold(value))
    rest = value
    if clock:
        rest = value[: clock.start()] + "," + value[clock.end() :]
    fact = _first_date(rest)
    if fact and fact.text in rest:
        rest = rest.replace(fact.text, ",", 1)
    for m in reversed(list(_WEEKDAY.finditer(fold(rest)))):
        rest = rest[: m.start()] + "," + rest[m.end() :]
    parts = [p.strip(" .") for p in rest.split(",")]
    place = ", ".join(p for p in parts if p) or None
    return place, _time(value[clock.start() : clock.end()]) if clock else None, fact


def _body_line(line: str) -> str | None:
    """The deciding body a cover prints on a line of its own ("Kommunstyrelsens arbetsutskott"), in base form;
    the line's first column only (a two-column head puts the date beside it)."""
    cell = re.split(r"\t|\s{2,}", line.strip(" \t\f*#|"))[0]
    cell = re.sub(r"^(?:sammantr[aä]des)?protokoll(?:\s+(?:fr[aå]n|f[oö]r))?\s+", "", cell, flags=re.I)
    if not cell or len(cell) > 60 or len(cell.split()) > 6 or not cell[:1].isupper() or re.search(r"\d", cell):
        return None
    if not is_body_name(cell) or re.search(r"\b(?:kommuns?|stad|region)\b", fold(cell)):
        return None
    return normalise_body(cell)


# Lines that may stand above a cover's "Datum" line together with the body's name: the municipality, the
# protocol heading, a page number.
_HEAD_ANCHOR = re.compile(
    r"^(?:[\w .-]+\s+(?:kommun|stad|region)|(?:sammantrades)?protokoll(?:sutdrag)?|utdrag|sida\s+\d+.*|\d+\s*\(\d+\))$"
)
_LOOK_BACK = 4


def _body_before(text: str, start: int) -> str | None:
    """The body printed just above a cover that starts at its "Datum" line.  Every line between it and the start
    of the page must be a head line (municipality, protocol heading, page number), so that the end of a
    preceding extract ("Expedieras till / Socialnämnden") does not count."""
    page = text[:start].rsplit("\f", 1)[-1]
    lines = [ln.strip() for ln in page.split("\n") if ln.strip()]
    body = None
    for seen, line in enumerate(reversed(lines)):
        if seen > _LOOK_BACK:
            return None
        found = _body_line(line)
        if found and body is None:
            body = found
        elif not _HEAD_ANCHOR.match(fold(line)):
            return None
    return body


def _paragraph_range(value: str) -> tuple[int, int] | None:
    m = PARAGRAPH_RANGE.search(fold(value))
    if not m:
        return None
    a, b = int(m["a"]), int(m["b"] or m["a"])
    return (a, b) if b >= a else None


# Labels that may come before the body's name in a cover head ("Sammanträdesdatum / 2023-03-14 / Umeå kommun /
# Kommunstyrelsen"); any other label ends the head.
_HEAD_LABELS = {"meeting_date", "date", "body"}


def _body_in_head(text: str, folded: str) -> str | None:
    """The body a cover prints without a label on a line of its own, before its first label of substance."""
    end = next((m.start() for m in _LABEL.finditer(folded) if _field(m) not in _HEAD_LABELS), len(text))
    return next((body for body in map(_body_line, text[:end].split("\n")) if body), None)


# A § item's heading at a line start, in any of the forms protocols print ("§ 12", "§12 Dnr …", "12 §").
_ANY_ITEM = re.compile(r"^[ \t\f]*(?:§[ \t]*\d+|\d+[ \t]*§)", re.M)
# A § heading on a line of its own: the cover's people are listed before it (an item may list people too).
_ITEM_HEADING = re.compile(r"^[ \t]*§[ \t]*\d+[ \t]*$", re.M)


def _referred(values: dict[str, list[str]]) -> re.Match[str] | None:
    """The cover's note that its people are listed elsewhere ("Beslutande  Enligt särskild förteckning, sidan 2")."""
    lines = values.get("participants") or []
    return REFERRAL.match(fold(lines[0])) if lines else None


def _referred_page(doc: DocText, start: int, values: dict[str, list[str]]) -> int | None:
    """Offset (from `start`) of the page the cover refers its list to, when it names one and the document has it.
    Printed page numbers may run behind the file's (inserted pages), so the list is looked for from there on."""
    referral = _referred(values)
    if not referral or not referral.group("page"):
        return None
    page = int(referral.group("page"))
    if page not in doc.page_numbers:
        return None
    offset = doc.page_starts[doc.page_numbers.index(page)]
    return offset - start if offset > start else None


def _cover_list(text: str, folded: str, from_offset: int | None = None) -> tuple[int, int] | None:
    """Where a cover lists its people itself instead of in a närvarolista: from the first heading label followed
    by a person (on its line, "Beslutande: Anna Alm (S)", or the next) to the next label that is no heading.
    `from_offset`: the page a cover refers its list to; a list there is taken before any other."""
    first_item = _ITEM_HEADING.search(folded)
    ordered = labels = list(_LABEL.finditer(folded, 0, first_item.start() if first_item else len(folded)))
    if from_offset is not None:
        later = [m for m in labels if m.start() >= from_offset]
        labels = later + [m for m in labels if m.start() < from_offset]
    for m in labels:
        if _field(m) != "participants":
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.start())
        line_end = len(text) if line_end < 0 else line_end
        following = next((ln.strip() for ln in text[line_end:].split("\n") if ln.strip()), "")
        rest = text[m.end() : line_end].strip()
        if not (inline_heading(text[line_start:line_end].strip()) or (not rest and PERSON.match(following))):
            continue
        stop = next((n.start() for n in ordered if n.start() > m.start() and _field(n) != "participants"), len(text))
        return line_start, stop
    return None


def _cover_meeting(doc: DocText, start: int, end: int) -> Meeting:
    text = doc.text[start:end]
    folded = fold(text)
    notice = NOTICE.search(folded)
    attendance = ATTENDANCE.search(folded, notice.end() if notice else 0)
    head_end = attendance.start() if attendance else len(text)
    values = _fields(text[:head_end], folded[:head_end])
    meeting = Meeting()

    def one(field: str) -> str | None:
        lines = values.get(field) or []
        return lines[0] if lines else None

    meeting.body = normalise_body(one("body")) if one("body") else None
    meeting.body = meeting.body or _body_in_head(text, folded[:head_end]) or _body_before(doc.text, start)
    place, clock, when = _place_time(one("place_time") or "")
    for field in ("meeting_date", "date", "time"):
        fact = _first_date(one(field) or "")
        if fact and meeting.date is None:
            meeting.date = fact.value
    meeting.date = meeting.date or (when.value if when else None)
    meeting.time = _time(one("time") or "") or clock
    meeting.place = one("place") or place
    if one("paragraphs"):
        meeting.paragraph_range = _paragraph_range(one("paragraphs"))
    chair = _names(values.get("chair", [])[:1])
    meeting.chair = chair[0] if chair else None
    secretary = _names(values.get("secretary", [])[:1])
    meeting.secretary = secretary[0] if secretary else None
    meeting.adjusters = _names(values.get("adjusters", []))
    adjustment = " ".join(values.get("adjustment", []))
    fact = _first_date(adjustment)
    if fact:
        meeting.adjusted_on = fact.value
        a = adjustment.find(fact.text)
        place = (adjustment[:a] + " " + adjustment[a + len(fact.text) :]) if a >= 0 else adjustment
        place = re.sub(r"\bkl\.?\s*\d{1,2}[.:]\d{2}", "", place).strip(" ,.")
        meeting.adjustment_place = place or None
    elif adjustment and not re.search(r"\d", adjustment):
        # adjusted without a date on the cover ("Digitalt via e-tjänst"): the value says only where, or how
        meeting.adjustment_place = adjustment.strip(" ,.")
    for field in ("notice_posted", "notice_removed"):
        fact = _first_date(one(field) or "")
        setattr(meeting, field, fact.value if fact else None)
    meeting.storage_place = one("storage_place")
    meeting_end = start + head_end
    if attendance:
        meeting.attendance = extract_attendance(text[attendance.start() :], base=start + attendance.start())
    else:
        listed = _cover_list(text, folded[:head_end], _referred_page(doc, start, values))
        if listed:
            meeting.attendance = extract_attendance(text[listed[0] : listed[1]], base=start + listed[0])
    if _referred(values) and not any(a.role == "member" for a in meeting.attendance):
        # "Beslutande: enligt särskild förteckning" and no such list found: the meeting's attendance is unknown,
        # not empty.
        meeting.confidence = 0.5
    if _referred(values):
        meeting.rule = "referred_list"
    if meeting.attendance:
        for entry in meeting.attendance:
            meeting_end = max(meeting_end, entry.span.end)
            entry.span = doc.span(entry.span.start, entry.span.end)
    meeting.span = doc.span(start, meeting_end)
    return meeting


# --- minutes ----------------------------------------------------------------

_MINUTES_HEAD = 400
# An organisation led by an acronym ("RSS Dalarna", "FoU Jämtland") rather than a municipality.
_ACRONYM_ORG = re.compile(r"^(?P<org>[A-ZÅÄÖ]\w*[A-ZÅÄÖ]\w*(?:\s+[A-ZÅÄÖ][\wåäö-]+)?)\s+")
_PARTICLES = {"de", "af", "von", "van", "der", "la", "le", "da", "di", "du"}


def _split_names(chunk: str) -> list[tuple[str, str | None]]:
    """ "Anna Frisk Emelie Forslund (tf)" -> [("Anna Frisk", None), ("Emelie Forslund", "tf")]."""
    out: list[tuple[str, str | None]] = []
    for piece in re.split(r"\s{2,}", chunk.strip()):
        for segment, note in re.findall(r"([^()]+)(?:\(([^()]*)\))?", piece):
            tokens = segment.split()
            names: list[list[str]] = []
            i = 0
            while i < len(tokens):
                take = 2
                if i + 1 < len(tokens) and tokens[i + 1].lower() in _PARTICLES:
                    take = 3
                if len(tokens) - (i + take) == 1:  # an odd token left over belongs to this name
                    take += 1
                names.append(tokens[i : i + take])
                i += take
            for k, name in enumerate(names):
                function = note.strip() or None if note and k == len(names) - 1 else None
                if name:
                    out.append((" ".join(name), function))
    return out


def _minutes_attendance(text: str, base: int, doc: DocText) -> list[AttendanceEntry]:
    reg = registry()
    entries: list[AttendanceEntry] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        start, pos = pos, pos + len(raw)
        line = raw.strip()
        if not line or line.startswith("("):
            continue
        municipality = None
        department = None
        prefix = reg.match_prefix(line)
        if prefix:
            municipality = prefix[0].name
            rest = line[prefix[1] :]
        else:
            org = _ACRONYM_ORG.match(line)
            if not org:
                continue
            department = org["org"]
            rest = line[org.end() :]
        for name, function in _split_names(rest):
            entries.append(
                AttendanceEntry(
                    name=name,
                    role="member",
                    function=function,
                    department=department,
                    municipality=municipality,
                    span=doc.span(base + start, base + pos - (len(raw) - len(raw.rstrip()))),
                )
            )
    return entries


def _minutes_meeting(doc: DocText, heading: re.Match[str], end: int) -> Meeting:
    text = doc.text
    meeting = Meeting(body=minutes_body(text[heading.start("rest") : heading.end("rest")]))
    region = text[heading.end() : end]
    folded = fold(region)
    present = PRESENT.search(folded)
    head_end = present.start() if present else min(len(region), 600)
    values = _fields(region[:head_end], folded[:head_end])
    fact = _first_date((values.get("date") or [""])[0])
    meeting.date = fact.value if fact else None
    meeting.time = _time((values.get("time") or [""])[0])
    meeting.place = (values.get("place") or [None])[0]
    stop = head_end
    if present:
        agenda = AGENDA_ITEM.search(folded, present.end())
        stop = agenda.start() if agenda else len(region)
        meeting.attendance = _minutes_attendance(region[present.end() : stop], heading.end() + present.end(), doc)
    meeting.span = doc.span(heading.start(), heading.end() + len(region[:stop].rstrip()))
    return meeting


def called_meeting(doc: DocText, sections: list[Section]) -> Meeting:
    """The meeting a kallelse calls, read like a cover from its head (everything before the first agenda item)."""
    first_item = next((s.start for s in sections if s.kind == "minutes_item"), len(doc.text))
    meeting = _cover_meeting(doc, 0, first_item)
    meeting.rule = "called_meeting"
    called = _CALLED_BODY.search(fold(doc.text[:first_item]))
    if called:
        meeting.body = normalise_body(doc.text[called.start("body") : called.end("body")])
    return meeting


# "Kallelse till sammanträde med Barn- och utbildningsnämnden"
_CALLED_BODY = re.compile(r"\bsammantrade\s+(?:med|i)\s+(?P<body>[^\n]*?(?:namnden|styrelsen|utskottet|fullmaktige|beredningen))\b")


# A page is a protocol cover when labels of when and of who stand at line starts close together, whatever its
# first label: "Plats och tid", "Sammanträdesdatum", "Datum" (COVER_START), "Tid och plats".
_WHEN_FIELDS = {"meeting_date", "place_time", "date", "time"}
# what only a held meeting's protocol shows (a kallelse names its chair and secretary too)
_HELD_FIELDS = {"participants", "adjusters", "adjustment", "paragraphs"}
_CLUSTER_GAP = 6  # lines between two labels of one cover
_CLUSTER_FIELDS = 4  # distinct fields a cover shows at least


def _gap(text: str, start: int, end: int) -> int:
    """Lines between two labels that are no label's value: not indented under it, not a person listed."""
    lines = text[start:end].split("\n")[1:]
    return sum(1 for ln in lines if ln.strip() and not ln[:1].isspace() and not PERSON.match(ln.strip()))


def _label_covers(text: str, folded: str) -> list[int]:
    """Starts (line of the first label) of the clusters of cover labels in a text that has no "Datum … Tid" head."""
    starts: list[int] = []
    cluster: list[re.Match[str]] = []

    def close() -> None:
        fields = {_field(m) for m in cluster}
        if len(fields) >= _CLUSTER_FIELDS and fields & _WHEN_FIELDS and fields & _HELD_FIELDS:
            starts.append(folded.rfind("\n", 0, cluster[0].start()) + 1)

    for m in _LABEL.finditer(folded):
        if cluster and (_gap(text, cluster[-1].end(), m.start()) > _CLUSTER_GAP or "\f" in folded[cluster[-1].end() : m.start()]):
            close()
            cluster = []
        cluster.append(m)
    if cluster:
        close()
    return starts


def extract_meetings(doc: DocText, sections: list[Section]) -> list[Meeting]:
    """One Meeting per protocol cover (with its notice and närvarolista) and per set of minutes."""
    folded = fold(doc.text)
    minutes = list(MINUTES.finditer(folded))
    # A minutes heading and its own "Datum:/Tid:" lines are not a protocol cover (the segmenter types the
    # heading as a cover too, rule "minutes_header"): one set of minutes is one meeting.
    def in_minutes_head(offset: int) -> bool:
        return any(h.start() <= offset < h.end() + _MINUTES_HEAD for h in minutes)

    rules = {m.start(): "cover_datum_tid" for m in COVER_START.finditer(folded) if not in_minutes_head(m.start())}
    if not rules:
        rules = {
            s.start: "cover_section" for s in sections
            if s.kind == "protocol_cover" and s.rule != "minutes_header" and not in_minutes_head(s.start)
        }
    # Covers of other templates in the same bundle: a cluster of cover labels with a § item between it and every
    # cover already found (no item between them: the same cover, its labels read again or run onto a next page).
    found = list(rules)
    for start in _label_covers(doc.text, folded):
        apart = all(_ANY_ITEM.search(folded, min(start, other), max(start, other)) for other in found)
        if apart and not in_minutes_head(start):
            rules[start] = "cover_labels"
    starts = list(rules)
    boundaries = sorted(set(starts + [m.start() for m in minutes] + [len(doc.text)]))
    meetings: list[tuple[int, Meeting]] = []
    for start in sorted(set(starts)):
        end = next(b for b in boundaries if b > start)
        meeting = _cover_meeting(doc, start, end)
        meeting.rule = rules[start] + ("+referred_list" if meeting.rule else "")
        meetings.append((start, meeting))
    for heading in minutes:
        end = next(b for b in boundaries if b > heading.start())
        meeting = _minutes_meeting(doc, heading, end)
        meeting.rule = "minutes"
        meetings.append((heading.start(), meeting))
    return [meeting for _, meeting in sorted(meetings, key=lambda pair: pair[0])]
