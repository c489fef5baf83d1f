from datetime import date
from pathlib import Path

import pytest

from extractors.document import extract_document
from extractors.items import extract_items
from extractors.segment import segment
from extractors.text import DocText
from models.records import PageMethod, PageText

SEEDS = Path(__file__).parents[2] / "samples/seeds"
PROPOSAL_CLAUSES = [
    "Tyresö kommun medverkar till finansiering av ett samlat system för kunskapsstyrning i socialtjänstens "
    "verksamheter i enlighet med rekommendation från Sveriges kommuner och landsting (SKL).",
    "Kostnaden fördelas enligt förvaltningens förslag.",
]


def items_of(text: str):
    doc = DocText.from_text(text)
    return extract_items(doc, segment(doc))


def seed_items(prefix: str):
    return items_of(next(SEEDS.glob(f"{prefix}_*.txt")).read_text())


def test_seed_001_three_extracts():
    items = seed_items("001")
    assert [(i.paragraph, i.case_number.normalised, i.body, i.decision_kind, i.immediate_adjustment) for i in items] == [
        (55, "2019/KS 0222 12", "Kommunledningsutskottet", "proposal", False),
        (1039, "2019/ÅON 0042 010", "Äldre- och omsorgsnämnden", "proposal", False),
        (1034, "2019/ASN 0058 010", "Arbetsmarknads- och socialnämnden", "proposal", True),
    ]
    for item in items:
        assert item.decisions == PROPOSAL_CLAUSES


def test_seed_001_titles_including_glued_markdown():
    titles = [i.title for i in seed_items("001")]
    assert titles == [
        "Rekommendation från Sveriges kommuner och landsting om gemensam finansiering av system för kunskapsstyrning "
        "inom socialtjänstens verksamheter",
        "Rekommendation från Sveriges kommuner och landsting om gemensam finansiering av ett samlat system för "
        "kunskapsstyrning",
        "Rekommendation till kommunerna om gemensam finansiering av ett mer samlat system för kunskapsstyrning i "
        "socialtjänstens verksamheter",
    ]


def test_seed_001_references_of_paragraph_55():
    item = seed_items("001")[0]
    assert [(r.body, r.date, r.paragraph) for r in item.references] == [
        ("Arbetsmarknads- och socialnämnden", date(2019, 4, 29), 1034),
        ("Äldre- och omsorgsnämnden", date(2019, 4, 24), 1039),
    ]
    assert item.references[0].span.page == 1


SEED_004 = [
    ("1", ["att öppna mötet."], "decision"),
    ("2", ["att godkänna dagordningen."], "decision"),
    ("3", ["att lägga minnesanteckningarna till handlingarna."], "information"),
    ("4", [], None),
    ("4a", ["att lägga informationen till handlingarna"], "information"),
    ("5", [], None),
    ("5a", ["att godkänna bifogade nomineringsunderlag för vakanser i LPO.",
            "att nomineringsunderlagen därefter skickas ut till relevanta mottagare i kommunerna."], "decision"),
    ("5b", ["att uppdra Lena Forsberg att representera kommunerna i arbetsgruppen för SPAK."], "decision"),
    ("5c", ["att lägga informationen till handlingarna"], "information"),
    ("5d", ["att frågan om fortsatt finansiering av RCH tas upp för beslut vid nästa möte"], "decision"),
    ("6", [], None),
    ("6a", ["att lägga informationen till handlingarna"], "information"),
    ("6b", ["att godkänna delårsrapporten samt lägga den till handlingarna"], "decision"),
    ("6c", ["att uppdra åt RSS att erbjuda ISU-utbildning till länets verksamheter (våren 2026), anpassad och "
            "utvecklad utifrån pilotens erfarenheter.",
            "att uppdra åt RSS att utveckla ett långsiktigt regionalt stöd inom ISU."], "decision"),
    ("7", [], None),
    ("7a", ["att godkänna förslag till samarbetsavtal mellan Region Dalarna, smittskydd och vårdhygien och länets "
            "alla kommuner.", "att punkten tas vidare för dialog i Länschefsnätverket"], "decision"),
    ("7b", ["att en reviderad version skickas ut till Socialchefsnätverket"], "decision"),
    ("7c", ["att frågan om fortsatt medverkan i Vård- och omsorgscollege bereds vidare till styrgruppen för LCHNV"],
     "decision"),
    ("7d", ["att frågan om ADL-bedömningar och ansvarsfördelning lyfts vidare till LCHNV för fortsatt hantering."],
     "decision"),
]


def test_seed_004_agenda_items_and_att_clauses():
    items = seed_items("004")
    assert len(items) == 19
    assert [(i.number, i.decisions, i.decision_kind) for i in items] == SEED_004
    assert {i.body for i in items} == {"Socialchefsnätverket i Dalarna"}  # the minutes heading names the body
    assert all(i.paragraph is None for i in items)
    assert sum(len(i.decisions) for i in items) == 18
    assert items[6].title == "Beslut: Nomineringsförfarande till lokala programområden (LPO) (Bilaga B 1–6)"


def test_seed_004_parent_headings_are_items():
    parents = [(i.number, i.title, i.decisions) for i in seed_items("004") if i.number.isdigit() and int(i.number) >= 4]
    assert parents == [
        ("4", "Rapport från nationell nivå", []),
        ("5", "Rapport från regional nivå", []),
        ("6", "Aktuellt på RSS", []),
        ("7", "Nya ärenden", []),
    ]


@pytest.mark.parametrize("prefix", ["000", "002", "003"])
def test_no_items_outside_protocols(prefix):
    assert seed_items(prefix) == []


FULL_ITEM = """§ 112
Dnr KS 2023/456

Detaljplan för kvarteret Lärkan

Kommunstyrelsen beslutar att
1. Anta detaljplanen.
2. Uppdra åt förvaltningen att genomföra planen.

Yrkanden
Eva Holm (V) yrkar avslag till förslaget.

Propositionsordning
Följande propositionsordning godkänns: Ja för bifall till förslaget, Nej för avslag.

Omröstning
Med 9 Ja-röster mot 2 Nej-röster bifalls förslaget.

Reservation
Eva Holm (V) och Olle Sten (SD) reserverar sig mot beslutet.

Jäv
Maria Berg (M) anmäler jäv och deltar inte i handläggningen.

Kommunstyrelsen har behandlat ärendet den 28 augusti 2024, § 196.

Beslutet skickas till
Samhällsbyggnadsförvaltningen
Ekonomienheten
"""


def test_full_item_other_municipality():
    (item,) = items_of(FULL_ITEM)
    assert (item.paragraph, item.case_number.normalised, item.title, item.body, item.decision_kind) == (
        112, "KS 2023/456", "Detaljplan för kvarteret Lärkan", "Kommunstyrelsen", "decision")
    assert item.decisions == ["Anta detaljplanen.", "Uppdra åt förvaltningen att genomföra planen."]
    assert item.motions == ["Eva Holm (V) yrkar avslag till förslaget."]
    assert [(v.yes, v.no, v.proposition) for v in item.votes] == [
        (9, 2, "Ja för bifall till förslaget, Nej för avslag")]
    assert item.reservations == ["Eva Holm (V)", "Olle Sten (SD)"]
    assert item.conflicts_of_interest == ["Maria Berg (M)"]
    assert [(r.body, r.date, r.paragraph) for r in item.references] == [("Kommunstyrelsen", date(2024, 8, 28), 196)]
    assert item.distribution == ["Samhällsbyggnadsförvaltningen", "Ekonomienheten"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # title on the § line, plain "Beslut" heading, information kind
        ("§ 7  Information om budgetuppföljning\nDnr 2024/KF 0012\n\nBeslut\nInformationen läggs till handlingarna.\n",
         ("7", "Information om budgetuppföljning", "2024/KF 0012", None, "information",
          ["Informationen läggs till handlingarna."], False)),
        # OCR without diacritics, proposal to another body
        ("§ 3\nDnr 2020/SN 0010 700\nUTDRAG\nForsorjningsstod 2021\nSocialnamndens forslag till kommunfullmaktige\n"
         "1. Normen hojs med 2 procent.\n\nArendebeskrivning\nText.\n",
         ("3", "Forsorjningsstod 2021", "2020/SN 0010 700", "Socialnämnden", "proposal",
          ["Normen hojs med 2 procent."], False)),
        # glued markdown and an own decision with "att" clauses
        ("§ 14\nDiarienummer 00367/20221.1.1.\nUTDRAG**Skolskjuts****Barn- och utbildningsnämndens beslut**\n\n"
         "att anta reglerna,\n\natt paragrafen justeras omedelbart.\n",
         ("14", "Skolskjuts", "00367/2022", "Barn- och utbildningsnämnden", "decision", ["att anta reglerna"], True)),
    ],
)
def test_extract_variants(text, expected):
    (item,) = items_of(text)
    got = (item.number, item.title, item.case_number.normalised if item.case_number else None, item.body,
           item.decision_kind, item.decisions, item.immediate_adjustment)
    assert got == expected


def test_minutes_variant_with_combined_labels():
    text = ("Minnesanteckningar Nätverket för äldreomsorg\nDatum: 2024-02-01\n\n1. Inledning\n\n"
            "Nätverket beslutade\natt öppna mötet.\n\n2a. Budget\n\nNätverket beslutade\natt anta budgeten\n"
            "för 2024.\n\n2b. Övrigt\n\nInga frågor.\n")
    items = items_of(text)
    assert [(i.number, i.title, i.decisions) for i in items] == [
        ("1", "Inledning", ["att öppna mötet."]),
        ("2a", "Budget", ["att anta budgeten för 2024."]),
        ("2b", "Övrigt", []),
    ]


def _protocol(body: str, heading: str, extra: str = "") -> str:
    """A one-§ protocol of `body` whose decision block opens with `heading`."""
    return (f"Exempels kommun\n\nSAMMANTRÄDESPROTOKOLL\n{body}\n\nDatum 2031-03-02\nTid 18:00-20:00\nPlats Stadshuset\n\n"
            f"Paragrafer 40-41\n\nANSLAG / BEVIS\n\nOrgan {body}\nSammanträdesdatum 2031-03-02\n\n"
            f"§ 40\n\nDnr 2031/KS 0007\n\nTaxa för bygglov\n\n{heading}\n1. Taxan antas.\n\n{extra}"
            "Beskrivning av ärendet\nText.\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the council decided on the board's proposal
        (_protocol("Kommunfullmäktige", "Kommunstyrelsens förslag till kommunfullmäktige"),
         ("Kommunfullmäktige", "decision", "Kommunstyrelsen", date(2031, 3, 2))),
        # the board decided on its committee's proposal (OCR without diacritics)
        (_protocol("Kommunstyrelsen", "Kommunstyrelsens arbetsutskotts forslag till kommunstyrelsen"),
         ("Kommunstyrelsen", "decision", "Kommunstyrelsens arbetsutskott", date(2031, 3, 2))),
        # the proposer's own protocol: its proposal to the council stays a proposal
        (_protocol("Kommunstyrelsen", "Kommunstyrelsens förslag till kommunfullmäktige"),
         ("Kommunstyrelsen", "proposal", None, date(2031, 3, 2))),
        # a proposal addressed to a third body is not this body's decision
        (_protocol("Kommunstyrelsen", "Socialnämndens förslag till kommunfullmäktige"),
         ("Socialnämnden", "proposal", None, None)),
    ],
)
def test_proposal_adopted_by_the_protocols_body(text, expected):
    (item,) = extract_document([PageText(number=1, text=text, method=PageMethod.TEXT)]).items
    assert (item.body, item.decision_kind, item.proposed_by, item.meeting_date) == expected
    assert item.decisions == ["Taxan antas."]


def test_seed_001_extracts_stay_their_bodies_proposals():
    ex = extract_document([PageText(number=1, text=next(SEEDS.glob("001_*.txt")).read_text(), method=PageMethod.TEXT)])
    assert [(i.body, i.decision_kind, i.proposed_by) for i in ex.items] == [
        ("Kommunledningsutskottet", "proposal", None),
        ("Äldre- och omsorgsnämnden", "proposal", None),
        ("Arbetsmarknads- och socialnämnden", "proposal", None),
    ]


@pytest.mark.parametrize(
    ("heading_line", "title", "body", "kind"),
    [
        ("Samlat system för kunskapsstyrningÄldre- och omsorgsnämndens förslag till kommunstyrelsen",
         "Samlat system för kunskapsstyrning", "Äldre- och omsorgsnämnden", "proposal"),
        ("Taxa för bygglovSocialnamndens forslag till kommunfullmaktige",
         "Taxa för bygglov", "Socialnämnden", "proposal"),
        ("Riktlinjer för färdtjänstKommunstyrelsens beslut",
         "Riktlinjer för färdtjänst", "Kommunstyrelsen", "decision"),
        # a capital inside a word that opens no block stays in the title
        ("Avtal med McDonalds om lokaler", "Avtal med McDonalds om lokaler", "Kommunstyrelsen", "decision"),
    ],
)
def test_title_glued_to_decision_heading(heading_line, title, body, kind):
    text = f"§ 9\nDnr 2031/KS 0044\n\n{heading_line}\n"
    if "förslag" not in heading_line and "forslag" not in heading_line and "beslut" not in heading_line:
        text += "\nKommunstyrelsens beslut\n"
    text += "1. Ärendet godkänns.\n\nBeskrivning av ärendet\nText.\n"
    (item,) = items_of(text)
    assert (item.title, item.body, item.decision_kind, item.decisions) == (title, body, kind, ["Ärendet godkänns."])


@pytest.mark.parametrize(
    "block",
    [
        "UTDRAG**Taxa för bygglov inom detaljplanerat\nområde****Miljö- och byggnadsnämndens förslag till\nkommunfullmäktige**",
        "Taxa för bygglov inom detaljplanerat område\nMiljö- och byggnadsnämndens förslag\ntill kommunfullmäktige",
    ],
)
def test_proposal_heading_wrapped_by_the_line_width(block):
    text = f"§ 14\nDnr MBN 2022/310\n{block}\n1. Taxan antas.\n2. Taxan gäller från 1 januari 2023.\nBeskrivning av ärendet\nText.\n"
    (item,) = items_of(text)
    assert (item.title, item.body, item.decision_kind, item.decisions) == (
        "Taxa för bygglov inom detaljplanerat område", "Miljö- och byggnadsnämnden", "proposal",
        ["Taxan antas.", "Taxan gäller från 1 januari 2023."])


def test_minutes_headings_in_a_text_layer_without_blank_lines():
    """pdfplumber keeps no blank line under a heading: the first body line must end the title by itself."""
    text = "\n".join([
        "Minnesanteckningar Länsnätverket för socialchefer i Kronoberg",
        "Datum: 2024-03-08",
        "1. Budget för 2025",
        "Länsnätverket beslutade",
        "att anta budgeten.",
        "2. Information: Samverkan kring barn och",
        "unga i länet",
        "Föredragande: Eva Ek, samordnare",
        "Länsnätverket beslutade",
        "att lägga informationen till handlingarna.",
        "3. Beslut: Nominering till arbetsgruppen (Bilaga C",
        "1–3)",
        "Länsnätverket beslutade",
        "att nominera Per Holm.",
    ])
    items = extract_document([PageText(number=1, text=text, method=PageMethod.TEXT)]).items
    assert [(i.number, i.title, i.decisions) for i in items] == [
        ("1", "Budget för 2025", ["att anta budgeten."]),
        ("2", "Information: Samverkan kring barn och unga i länet", ["att lägga informationen till handlingarna."]),
        ("3", "Beslut: Nominering till arbetsgruppen (Bilaga C 1–3)", ["att nominera Per Holm."]),
    ]


def test_minutes_decision_split_by_a_page_break():
    pages = ["Minnesanteckningar Länsnätverket för socialchefer i Kronoberg\nDatum: 2024-03-08\n1. Budget för 2025\nLänsnätverket beslutade",
             "att anta budgeten.\n2. Övriga frågor\nLänsnätverket beslutade\natt avsluta mötet."]
    items = extract_document([PageText(number=n, text=t, method=PageMethod.TEXT) for n, t in enumerate(pages, start=1)]).items
    assert [(i.number, i.decisions) for i in items] == [("1", ["att anta budgeten."]), ("2", ["att avsluta mötet."])]


def test_a_sentence_adopting_a_proposal_is_a_clause_not_a_proposal_heading():
    """"Förvaltningens förslag till fördelning … godkänns." under "Förslag till beslut" and again under "Beslut" is
    what the nämnd decided, not a proposal block the administration opens."""
    text = ("Fritidsnämnden\n\n§ 8\nDnr FN 2025/41\n\nFördelning av bidrag 2025\n\nFörslag till beslut\n"
            "Förvaltningens förslag till fördelning av bidrag för 2025 godkänns.\n\nYrkanden\nEva Ek (m) yrkar avslag.\n\n"
            "Beslut\nFörvaltningens förslag till fördelning av bidrag för 2025 godkänns.\n")
    (item,) = extract_document([PageText(number=1, text=text, method=PageMethod.TEXT)]).items
    assert (item.decisions, item.decision_kind) == (["Förvaltningens förslag till fördelning av bidrag för 2025 godkänns."], "decision")
