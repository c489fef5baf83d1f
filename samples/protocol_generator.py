"""Generate Swedish municipal protocols in many templates, each with its gold, from a seed.

The forms come from `samples/protocol_forms.json` (label spellings and orders, covers inline or in two
columns, plain, body-prefixed or number-first § headings, case-number shapes and labels, vote phrasings,
running page headers and footers, continuation headings). The same seed always gives the same protocol, so a
failing case is reproduced by its seed alone:

    .venv/bin/python samples/protocol_generator.py 1234          # print protocol 1234 and its gold
    .venv/bin/python samples/protocol_generator.py --score 300   # extract 300 protocols and print the scores
    .venv/bin/python samples/protocol_generator.py --score 100 --pdf --failures   # as text-layer PDFs
"""

from __future__ import annotations

import csv
import json
import random
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORMS: dict = json.loads((ROOT / "samples/protocol_forms.json").read_text(encoding="utf-8"))
LINES_PER_PAGE = 48
LABEL_WIDTH = 30


def _municipalities() -> list[tuple[str, str]]:
    with (ROOT / "models/data/kommuner.csv").open(encoding="utf-8") as handle:
        return [(row["municipality_code"], row["municipality_name"]) for row in csv.DictReader(handle)]


MUNICIPALITIES = _municipalities()


@dataclass
class GeneratedProtocol:
    """One generated protocol: its pages (joined with form feeds as a text file would be), its gold and the forms
    chosen, so a failure names the form the extractors lack."""

    seed: int
    pages: list[str]
    gold: dict
    forms: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\f".join(self.pages)


def _person(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = f"{rng.choice(FORMS['first_names'])} {rng.choice(FORMS['last_names'])}"
        if name not in taken:
            taken.add(name)
            return name


def _party(rng: random.Random, lower: bool) -> str:
    party = rng.choice(FORMS["parties"])
    return party.lower() if lower else party


def _municipality_line(rng: random.Random, name: str) -> str:
    if name in ("Stockholm", "Göteborg", "Malmö"):
        return f"{name}{'s' if name != 'Malmö' else ''} stad"
    genitive = not name.endswith(("s", "x", "z")) and rng.random() < 0.5
    return f"{name}{'s' if genitive else ''} kommun"


def _labelled(label: str, values: list[str], columns: bool) -> list[str]:
    """A cover field: 'Label: value' with the rest indented, or a label column beside its value column."""
    label_text = label.rstrip(":")
    if columns:
        pad = " " * LABEL_WIDTH
        return [f"{label_text:<{LABEL_WIDTH}}{values[0]}"] + [pad + v for v in values[1:]]
    return [f"{label_text}: {values[0]}"] + values[1:]


def _case_number(rng: random.Random, shape: str, register: str, year: int) -> str:
    serial = str(rng.randint(1, 1200))
    if "{register} {year}/" in shape and rng.random() < 0.3:
        serial = serial.zfill(5)
    return shape.format(register=register, year=year, serial=serial)


def generate(seed: int) -> GeneratedProtocol:
    """The protocol of one seed: a cover, its attendance, § items with case numbers and decisions, maybe a vote,
    split into pages with the template's running header and footer."""
    rng = random.Random(seed)
    code, municipality = rng.choice(MUNICIPALITIES)
    body = rng.choice(FORMS["bodies"])
    meeting = date(2015, 1, 1) + timedelta(days=rng.randint(0, 11 * 365))
    adjusted = meeting + timedelta(days=rng.randint(2, 10))
    forms = {
        "columns": rng.random() < 0.5,
        "lower_parties": rng.random() < 0.25,
        "cover_title": rng.choice(FORMS["cover_titles"]),
        "date_label": rng.choice(FORMS["date_labels"]),
        "place_label": rng.choice(FORMS["place_labels"]),
        "member_label": rng.choice(FORMS["member_labels"]),
        "substitute_label": rng.choice(FORMS["substitute_labels"]),
        "others_label": rng.choice(FORMS["others_labels"]),
        "adjuster_label": rng.choice(FORMS["adjuster_labels"]),
        "adjustment_label": rng.choice(FORMS["adjustment_labels"]),
        "paragraph_label": rng.choice(FORMS["paragraph_labels"]),
        "heading": rng.choice(FORMS["heading_forms"]),
        "title_on_heading_line": rng.random() < 0.4,
        "case_label": rng.choice(FORMS["case_labels"]),
        "case_shape": rng.choice(FORMS["case_shapes"]),
        "case_on_heading_line": rng.random() < 0.25,
        "decision_head": rng.choice(FORMS["decision_heads"]),
        "decision_opener": rng.choice(FORMS["decision_openers"]),
        "page_header": rng.choice(FORMS["page_headers"] + [None]),
        "page_footer": rng.choice(FORMS["page_footers"] + [None]),
        "continuation": rng.choice(FORMS["continuation_forms"] + [None]),
        "serving_form": rng.choice(FORMS["serving_forms"]),
    }
    taken: set[str] = set()
    lower = forms["lower_parties"]

    # Attendance: members present, substitutes serving for absent members (beslutande), substitutes not serving.
    seats = rng.choice([7, 9, 11, 13, 15])
    serving = rng.randint(0, 2)
    present = [(_person(rng, taken), _party(rng, lower)) for _ in range(seats - serving)]
    substitutes = []
    for _ in range(serving):
        name, party = _person(rng, taken), _party(rng, lower)
        substitutes.append((name, party, _person(rng, taken)))
    idle = [(_person(rng, taken), _party(rng, lower)) for _ in range(rng.randint(0, 3))]
    chair, _ = present[0]
    secretary = _person(rng, taken)
    adjuster = present[rng.randint(1, len(present) - 1)][0]

    member_lines = [f"{present[0][0]} ({present[0][1]}){rng.choice(FORMS['chair_functions'])}"]
    member_lines += [f"{n} ({p})" for n, p in present[1:]]
    member_lines += [forms["serving_form"].format(name=n, party=p, absent=a) for n, p, a in substitutes]

    first = rng.randint(1, 240)
    count = rng.randint(3, 7)
    numbers = list(range(first, first + count))
    day = meeting.isoformat()
    start_hour = rng.randint(8, 18)

    cover = [forms["cover_title"], "", _municipality_line(rng, municipality), body["name"], ""]
    cover += _labelled(forms["date_label"], [day], forms["columns"])
    cover += _labelled(forms["place_label"], [f"Kommunhuset, sammanträdesrum {rng.choice(['A', 'B', 'Ekbacken', 'Storsalen'])}, kl. {start_hour:02d}.00-{start_hour + 2:02d}.30"], forms["columns"])
    cover += [""] + _labelled(forms["member_label"], member_lines, forms["columns"])
    if idle:
        cover += [""] + _labelled(forms["substitute_label"], [f"{n} ({p})" for n, p in idle], forms["columns"])
    cover += [""] + _labelled(forms["others_label"], [f"{secretary}, sekreterare"], forms["columns"])
    cover += [""] + _labelled(forms["adjuster_label"], [adjuster], forms["columns"])
    cover += _labelled(forms["adjustment_label"], [f"Kommunhuset {adjusted.isoformat()}"], forms["columns"])
    cover += _labelled(forms["paragraph_label"], [f"{numbers[0]}-{numbers[-1]}"], forms["columns"])
    cover += ["", "Underskrifter", f"Sekreterare      {secretary}", f"Ordförande       {chair}", f"Justerande       {adjuster}", ""]

    year = meeting.year if rng.random() < 0.7 else meeting.year - 1
    voters = seats
    vote_at = rng.choice(numbers + [None, None])
    items_text: list[list[str]] = []
    gold_items, gold_votes = [], []
    titles = rng.sample(FORMS["titles"], count)
    for n, title in zip(numbers, titles):
        heading = forms["heading"].format(n=n, prefix=body["prefix"])
        case = _case_number(rng, forms["case_shape"], body["register"], year) if rng.random() < 0.9 else None
        lines: list[str] = []
        if forms["title_on_heading_line"]:
            head = f"{heading}   {title}"
        else:
            head = heading
        if case and forms["case_on_heading_line"]:
            head = f"{head:<60}{forms['case_label']} {case}"
        lines.append(head)
        if case and not forms["case_on_heading_line"]:
            lines.append(f"{forms['case_label']} {case}")
        if not forms["title_on_heading_line"]:
            lines.append(title)
        lines += ["", "Ärendebeskrivning", f"Förvaltningen har berett ärendet och redovisar {title.lower()}.", ""]
        vote = None
        if n == vote_at:
            form = rng.choice(FORMS["vote_forms"])
            abstain = rng.randint(0, 2) if "{abstain}" in form else 0
            yes = rng.randint(abstain + 1, voters - abstain - 1)
            no = voters - yes - abstain
            vote = {"paragraph": n, "yes": yes, "no": no, "abstain": abstain}
            lines += ["Yrkanden", f"{present[1][0]} ({present[1][1]}) yrkar avslag.", "", "Omröstning",
                      form.format(yes=yes, no=no, abstain=abstain, body=body["name"]), ""]
            gold_votes.append(vote)
        lines.append(forms["decision_head"].format(body=body["name"]))
        opener = forms["decision_opener"].format(body=body["name"])
        decisions = rng.sample(FORMS["decisions"], rng.randint(1, 2))
        if opener != "Beslut":
            lines.append(opener if opener.endswith("att") else opener)
        lines += [d + ("," if i < len(decisions) - 1 else ".") for i, d in enumerate(decisions)]
        lines.append("")
        items_text.append(lines)
        gold_items.append({"paragraph": n, "case_number": case, "title": title})

    pages = _paginate(cover, items_text, numbers, forms, body, municipality, day)
    gold = {
        "doc_type": "protocol",
        "municipality_code": code,
        "body": body["name"],
        "meeting_date": day,
        "paragraphs": numbers,
        "items": gold_items,
        "attendance_count": seats,
        "members": [n for n, _ in present] + [n for n, _, _ in substitutes],
        "votes": gold_votes,
        "chair": chair,
        "secretary": secretary,
    }
    return GeneratedProtocol(seed=seed, pages=pages, gold=gold, forms=forms)


def _paginate(cover: list[str], items: list[list[str]], numbers: list[int], forms: dict, body: dict,
              municipality: str, day: str) -> list[str]:
    """Cover on its own page, items flowing over pages of LINES_PER_PAGE lines; a running header and footer on
    every page, and a continuation heading where an item goes on over a page break."""
    raw_pages: list[list[str]] = [list(cover)]
    current: list[str] = []
    for n, lines in zip(numbers, items):
        for k, line in enumerate(lines):
            if len(current) >= LINES_PER_PAGE:
                raw_pages.append(current)
                current = []
                if k > 0 and forms["continuation"]:
                    current += [forms["continuation"].format(n=n, prefix=body["prefix"]), ""]
            current.append(line)
    if current:
        raw_pages.append(current)
    total = len(raw_pages)
    out = []
    for index, lines in enumerate(raw_pages, start=1):
        page: list[str] = []
        if forms["page_header"] and index > 1:
            page += forms["page_header"].format(municipality=_municipality_line(random.Random(0), municipality),
                                                body=body["name"], date=day).split("\n") + [""]
        page += lines
        if forms["page_footer"]:
            page += ["", forms["page_footer"].format(page=index, pages=total)]
        out.append("\n".join(page) + "\n")
    return out


# --- rendering ------------------------------------------------------------------------------------------------

_RUN = re.compile(r"\S+(?: \S+)*")
FONTS = {
    "sans": ("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    "serif": ("DejaVuSerif", "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),
    "condensed": ("DejaVuSansCondensed", "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf"),
}


def render_pdf(protocol: GeneratedProtocol, path: Path, font: str = "sans", size: float = 10.0) -> Path:
    """A text-layer PDF of the protocol: each run of words is drawn where its column puts it, so a label column
    stands beside its value column and a case number right-aligned on its heading line stays on that line."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    name, file = FONTS[font]
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, file))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    column = size * 0.55
    leading = size * 1.35
    for page in protocol.pages:
        pdf.setFont(name, size)
        y = height - 60
        for line in page.split("\n"):
            for run in _RUN.finditer(line):
                pdf.drawString(56 + run.start() * column, y, run.group())
            y -= leading
        pdf.showPage()
    pdf.save()
    return path


# --- scoring --------------------------------------------------------------------------------------------------


def _fold(text: str | None) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split()).casefold()


def _case_key(text: str | None) -> str:
    return re.sub(r"[^0-9a-z]", "", _fold(text))


@dataclass
class Score:
    """Counts over many generated protocols, with the failing seeds and forms of each figure."""

    items: list[int] = field(default_factory=lambda: [0, 0, 0])  # matched, predicted, gold
    cases: list[int] = field(default_factory=lambda: [0, 0])
    fields: dict[str, list[int]] = field(default_factory=dict)
    attendance: list[int] = field(default_factory=lambda: [0, 0, 0])
    failures: list[str] = field(default_factory=list)

    def _field(self, name: str, ok: bool, protocol: GeneratedProtocol, detail: str) -> None:
        tally = self.fields.setdefault(name, [0, 0])
        tally[0] += int(ok)
        tally[1] += 1
        if not ok:
            self.failures.append(f"seed {protocol.seed} {name}: {detail}")

    def add(self, protocol: GeneratedProtocol, extraction) -> None:
        gold = protocol.gold
        got = [i.paragraph for i in extraction.items if i.paragraph is not None]
        want = gold["paragraphs"]
        matched = len(set(got) & set(want))
        self.items[0] += matched
        self.items[1] += len(got)
        self.items[2] += len(want)
        if sorted(got) != sorted(want):
            self.failures.append(f"seed {protocol.seed} items: {sorted(got)} != {want} (heading {protocol.forms['heading']!r})")
        by_number = {i.paragraph: i for i in extraction.items}
        for g in gold["items"]:
            if not g["case_number"]:
                continue
            item = by_number.get(g["paragraph"])
            raw = item.case_number.raw if item and item.case_number else None
            ok = raw is not None and _case_key(raw).endswith(_case_key(g["case_number"]))
            self.cases[0] += int(ok)
            self.cases[1] += 1
            if not ok:
                self.failures.append(f"seed {protocol.seed} case § {g['paragraph']}: {raw!r} != {g['case_number']!r} "
                                     f"({protocol.forms['case_label']!r}, {protocol.forms['case_shape']!r})")
        self._field("doc_type", extraction.doc_type == gold["doc_type"], protocol, extraction.doc_type)
        self._field("municipality", extraction.municipality_code == gold["municipality_code"], protocol,
                    f"{extraction.municipality_code} != {gold['municipality_code']}")
        meeting = next((m for m in extraction.meetings if m.date and m.date.isoformat() == gold["meeting_date"]), None)
        self._field("meeting_date", meeting is not None, protocol, str([m.date for m in extraction.meetings]))
        self._field("body", meeting is not None and _fold(meeting.body) == _fold(gold["body"]), protocol,
                    str([m.body for m in extraction.meetings]))
        for g in gold["items"]:
            item = by_number.get(g["paragraph"])
            if item is not None:
                self._field("item.body", _fold(item.body) == _fold(gold["body"]), protocol, f"§ {g['paragraph']} {item.body!r}")
                self._field("item.meeting_date", bool(item.meeting_date) and item.meeting_date.isoformat() == gold["meeting_date"],
                            protocol, f"§ {g['paragraph']} {item.meeting_date}")
        members = {_fold(a.name) for m in extraction.meetings for a in m.attendance if a.role == "member"}
        want_members = {_fold(n) for n in gold["members"]}
        self.attendance[0] += len(members & want_members)
        self.attendance[1] += len(members)
        self.attendance[2] += len(want_members)
        self._field("attendance_count", len(members) == gold["attendance_count"], protocol,
                    f"{len(members)} != {gold['attendance_count']} ({protocol.forms['member_label']!r}, columns={protocol.forms['columns']})")
        for v in gold["votes"]:
            item = by_number.get(v["paragraph"])
            ok = item is not None and any((x.yes, x.no, x.abstain or 0) == (v["yes"], v["no"], v["abstain"]) for x in item.votes)
            self._field("votes", ok, protocol, f"§ {v['paragraph']} {[(x.yes, x.no, x.abstain) for x in item.votes] if item else None}")

    @staticmethod
    def f1(matched: int, predicted: int, gold: int) -> float:
        p = matched / predicted if predicted else (1.0 if not gold else 0.0)
        r = matched / gold if gold else 1.0
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def items_f1(self) -> float:
        return self.f1(*self.items)

    @property
    def attendance_f1(self) -> float:
        return self.f1(*self.attendance)

    @property
    def case_recall(self) -> float:
        return self.cases[0] / self.cases[1] if self.cases[1] else 1.0

    @property
    def fields_accuracy(self) -> float:
        right = sum(v[0] for v in self.fields.values())
        total = sum(v[1] for v in self.fields.values())
        return right / total if total else 1.0

    def lines(self) -> list[str]:
        out = [f"items F1 {self.items_f1:.3f} ({self.items[0]}/{self.items[1]} predicted, {self.items[2]} gold)",
               f"case numbers {self.case_recall:.3f} ({self.cases[0]}/{self.cases[1]})",
               f"fields {self.fields_accuracy:.3f}",
               f"attendance F1 {self.attendance_f1:.3f} ({self.attendance[0]}/{self.attendance[1]} predicted, {self.attendance[2]} gold)"]
        out += [f"  {name:<20} {ok / total:.3f} ({ok}/{total})" for name, (ok, total) in sorted(self.fields.items())]
        return out


def score_seeds(seeds, as_pdf: bool = False) -> Score:
    """Generate and extract each seed's protocol, as text or as a text-layer PDF read by the pipeline's loader
    (fonts taken in turn); the scores over all of them."""
    sys.path.insert(0, str(ROOT))
    import tempfile

    from extractors.document import extract_document
    from models.records import PageMethod, PageText

    score = Score()
    with tempfile.TemporaryDirectory() as tmp:
        for k, seed in enumerate(seeds):
            protocol = generate(seed)
            if as_pdf:
                from pipeline.intake.load import prepare
                from pipeline.settings import Settings

                pdf = render_pdf(protocol, Path(tmp) / f"{seed}.pdf", font=list(FONTS)[k % len(FONTS)])
                pages = prepare(pdf, Settings()).pages
            else:
                pages = [PageText(number=n, text=t, method=PageMethod.TEXT) for n, t in enumerate(protocol.pages, start=1)]
            score.add(protocol, extract_document(pages))
    return score


def main(argv: list[str]) -> int:
    if argv[:1] == ["--score"]:
        count = int(argv[1]) if len(argv) > 1 and argv[1].isdigit() else 200
        score = score_seeds(range(count), as_pdf="--pdf" in argv)
        print("\n".join(score.lines()))
        if "--failures" in argv:
            print("\n".join(score.failures))
        return 0
    protocol = generate(int(argv[0]) if argv else 0)
    print(protocol.text.replace("\f", "\n\f\n"))
    print(json.dumps({"forms": protocol.forms, "gold": protocol.gold}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
