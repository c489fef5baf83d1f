"""Full council and nämnd protocols with the decision-making apparatus (benchmarks/gold/variants/lund_kf_protocol,
sundsvall_sn_protocol and its OCR-damaged copy): voting propositions, roll-call tables, stated and short counts,
jäv, reservations, motions, draft vs. final decision, distribution lists and earlier decisions told as sentences."""

from datetime import date
from pathlib import Path

import pytest

from extractors.document import extract_document
from extractors.items import extract_items
from extractors.references import extract_references
from extractors.segment import segment
from extractors.text import DocText
from extractors.votes import extract_votes
from models.records import PageMethod, PageText

VARIANTS = Path(__file__).parents[2] / "benchmarks/gold/variants"


def extract(name: str, method: PageMethod = PageMethod.TEXT):
    text = (VARIANTS / f"{name}.txt").read_text(encoding="utf-8")
    return extract_document([PageText(number=n, text=t, method=method) for n, t in enumerate(text.split("\f"), 1)])


def items_of(text: str, protocol_body: str | None = None):
    doc = DocText.from_text(text)
    return extract_items(doc, segment(doc), protocol_body=protocol_body)


# --- Lund: Kommunfullmäktige -------------------------------------------------------------


@pytest.fixture(scope="module")
def lund():
    return extract("lund_kf_protocol")


def test_lund_items_bodies_and_kinds(lund):
    assert (lund.doc_type, lund.municipality_code, lund.date) == ("protocol", "1281", date(2024, 3, 28))
    assert [(i.paragraph, i.case_number.normalised, i.body, i.proposed_by, i.meeting_date, i.decision_kind)
            for i in lund.items] == [
        (41, "KS 2024/0112", "Kommunfullmäktige", None, date(2024, 3, 28), "decision"),
        (42, "KS 2023/0877", "Kommunfullmäktige", "Kommunstyrelsen", date(2024, 3, 28), "decision"),
        (43, "KS 2024/0031", "Kommunfullmäktige", "Valberedningen", date(2024, 3, 28), "decision"),
        (44, "KS 2023/0655", "Kommunfullmäktige", "Kommunstyrelsen", date(2024, 3, 28), "decision"),
        (45, "KS 2024/0190", "Kommunfullmäktige", None, date(2024, 3, 28), "decision"),
    ]
    (meeting,) = lund.meetings
    assert (meeting.paragraph_range, meeting.adjusted_on, meeting.chair, meeting.adjusters) == (
        (41, 45), date(2024, 4, 4), "Henrik Malmberg", ["Lotta Engström", "Farid Haddad"])


def test_lund_decision_after_motions_replaces_the_proposal_it_overrules(lund):
    """"Kommunstyrelsens förslag till kommunfullmäktige: Motionen avslås." then "Beslut / Kommunfullmäktige beslutar
    / att avslå motionen.": the council's own wording is the decision, not both."""
    assert lund.items[1].decisions == ["att avslå motionen."]


def test_lund_decision_in_enlighet_med_the_proposal_takes_the_proposals_clauses(lund):
    assert lund.items[2].decisions == [
        "Amira Hassan (S) väljs till ny ersättare i kultur- och fritidsnämnden för tiden intill 2026-12-31."]
    assert lund.items[3].decisions == ["Detaljplan för del av Östra Torn 27:2 antas.",
                                       "Exploateringsavtalet med Torn Bostad AB godkänns."]
    assert lund.items[0].decisions == ["att interpellationen anses besvarad."]


def test_lund_motions_vote_and_reservations(lund):
    item = lund.items[1]
    assert item.motions == [
        "Lina Persson (V), Erik Nilsson (V) och Maria Ek (MP) yrkar bifall till motionen.",
        "Christer Wallin (M) yrkar bifall till kommunstyrelsens förslag, det vill säga avslag på motionen.",
        "Jonas Ek (S) yrkar återremiss av ärendet till kommunstyrelsen för att utreda en avgiftsfri lovverksamhet i "
        "samverkan med föreningslivet.",
    ]
    assert [(v.yes, v.no, v.abstain, v.proposition) for v in item.votes] == [
        (41, 20, 4, "Ja-röst för bifall till kommunstyrelsens förslag, nej-röst för bifall till Lina Perssons yrkande")]
    assert item.reservations == ["Lina Persson (V)", "Erik Nilsson (V)", "Maria Ek (MP)"]
    assert lund.items[3].motions == ["Christer Wallin (M) och Jonas Ek (S) yrkar bifall till kommunstyrelsens förslag.",
                                     "Maria Ek (MP) yrkar avslag på förslaget."]
    assert lund.items[3].reservations == []  # a särskilt yttrande is no reservation


def test_lund_jav_distribution_and_references(lund):
    assert lund.items[3].conflicts_of_interest == ["Anna Svensson (M)"]
    assert [i.distribution for i in lund.items] == [
        [],
        ["Kultur- och fritidsnämnden", "Barn- och skolnämnden", "Motionären"],
        ["Amira Hassan", "Kultur- och fritidsnämnden", "Löneenheten"],
        ["Byggnadsnämnden", "Stadsbyggnadskontoret", "Mark- och exploateringsenheten", "Lantmäterimyndigheten"],
        ["Kommunstyrelsen"],
    ]
    assert [(r.body, r.date, r.paragraph) for r in lund.items[0].references] == [
        ("Kommunfullmäktige", date(2024, 2, 29), 22)]
    assert [(r.body, r.date, r.paragraph) for r in lund.items[3].references] == [
        ("Byggnadsnämnden", date(2024, 1, 18), 9), ("Kommunstyrelsen", date(2024, 3, 6), 71)]


# --- Sundsvall: Socialnämnden, text layer and OCR ------------------------------------------

TABLE_YES = ["Maria Hedlund (S)", "Tobias Berg (C)", "Karin Öhman (S)", "Peter Sjödin (S)", "Ali Rahimi (S)",
             "Gunilla Westin (L)"]
TABLE_NO = ["Lars Ekman (SD)", "Johan Forsberg (M)", "Emma Lindqvist (M)", "Patrik Hägglund (SD)"]


def _plain(names: list[str]) -> list[str]:
    return [n.translate(str.maketrans("åäöÅÄÖ", "aaoAAO")) for n in names]


@pytest.mark.parametrize(("name", "ocr"), [("sundsvall_sn_protocol", False), ("sundsvall_sn_ocr_damaged", True)])
def test_sundsvall_items_and_roll_call_table(name, ocr):
    ex = extract(name, PageMethod.OCR if ocr else PageMethod.TEXT)
    conv = _plain if ocr else (lambda names: names)
    assert (ex.doc_type, ex.municipality_code) == ("protocol", "2281")
    assert [(i.paragraph, i.case_number.normalised, i.body, i.meeting_date, i.decision_kind) for i in ex.items] == [
        (87, "SN-2023-00412", "Socialnämnden", date(2023, 11, 22), "information"),
        (88, "SN-2023-00376", "Socialnämnden", date(2023, 11, 22), "decision"),
        (89, "SN-2023-00401", "Socialnämnden", date(2023, 11, 22), "proposal"),
        (90, "SN-2023-00455", "Socialnämnden", date(2023, 11, 22), "decision"),
    ]
    first, second, third, fourth = ex.items
    assert second.decisions == conv(["att anta riktlinjer för ekonomiskt bistånd 2024 enligt bilaga 1",
                                     "att riktlinjerna gäller från och med den 1 januari 2024."])
    (vote,) = second.votes
    assert (vote.yes, vote.no, vote.abstain, vote.yes_names, vote.no_names, vote.abstain_names) == (
        6, 4, 1, conv(TABLE_YES), conv(TABLE_NO), ["Sara Nyberg (V)"])
    assert vote.proposition == conv(
        ["Ja-röst för bifall till förvaltningens förslag, nej-röst för bifall till Lars Ekmans yrkande"])[0]
    assert second.reservations == conv(["Lars Ekman (SD)", "Patrik Hägglund (SD)", "Johan Forsberg (M)",
                                        "Emma Lindqvist (M)"])
    assert second.distribution == conv(["Individ- och familjeomsorgen", "Ekonomiavdelningen", "Socialförvaltningen"])
    assert len(second.motions) == 3 and conv(["Lars Ekman (SD) yrkar att riktlinjerna ska kompletteras med krav på "
                                              "aktivitet för alla biståndsmottagare."])[0] in second.motions
    assert [(v.yes, v.no, v.abstain, v.proposition) for v in third.votes] == [(6, 4, None, None)]
    assert third.conflicts_of_interest == ["Ali Rahimi (S)"]
    assert third.title == conv(["Yttrande över motion om sommarjobb för ungdomar i familjer med försörjningsstöd"])[0]
    assert [(r.body, r.date, r.paragraph) for r in third.references] == [("Kommunstyrelsen", date(2023, 10, 4), 201)]
    assert fourth.distribution == conv(["Ali Rahimi", "Lönecenter"])
    (meeting,) = ex.meetings
    assert (meeting.body, meeting.paragraph_range, meeting.chair, meeting.adjusters, len(meeting.attendance)) == (
        "Socialnämnden", (87, 90), "Maria Hedlund", ["Johan Forsberg"], 15)


# --- the general forms, one at a time ------------------------------------------------------

_ROWS = [("Anna Ek (S)", 0), ("Bo Lind (M)", 1), ("Carl Ny (C)", 0), ("Dan Berg (V)", 2)]
EXPECTED = (2, 1, 1, ["Anna Ek (S)", "Carl Ny (C)"], ["Bo Lind (M)"], ["Dan Berg (V)"])


def _tab_table() -> str:
    rows = [name + "\t" * (col + 1) + "X" + "\t" * (2 - col) for name, col in _ROWS]
    return "\n".join(["Ledamot\tJa\tNej\tAvstår", *rows])


def _pipe_table() -> str:
    rows = ["| " + name + " | " + " | ".join("X" if k == col else "" for k in range(3)) + " |" for name, col in _ROWS]
    return "\n".join(["| Ledamot | Ja | Nej | Avstår |", "|---|---|---|---|", *rows])


def _party_column_table() -> str:
    rows = [f"{name[:-4]:<19}{name[-2:-1]:<8}" + " " * (5 * col) + "X" for name, col in _ROWS]
    return "\n".join(["Ledamot            Parti   Ja   Nej   Avstår", *rows])


@pytest.mark.parametrize("table", [_tab_table(), _pipe_table(), _party_column_table()], ids=["tabs", "pipes", "party"])
def test_roll_call_table_layouts(table):
    (vote,) = extract_votes("Omröstning\n" + table + "\n")
    assert (vote.yes, vote.no, vote.abstain, vote.yes_names, vote.no_names, vote.abstain_names) == EXPECTED


def test_a_roll_call_table_stays_inside_its_paragraph():
    text = (f"§ 5\nDnr KS 2024/1\nTitel\nBeslut\nPlanen antas.\nOmröstning\n{_tab_table()}\n\n"
            "Beslutet skickas till\nKommunstyrelsen\n")
    (item,) = items_of(text)
    assert ([(v.yes, v.no, v.abstain) for v in item.votes], item.decisions, item.distribution) == (
        [(2, 1, 1)], ["Planen antas."], ["Kommunstyrelsen"])


def test_a_summa_row_is_the_stated_count_even_where_names_differ():
    table = "Ledamot     Ja   Nej\nAnna Ek (S)  X\nBo Lind (M)       X\nSumma        2    1\n"
    (vote,) = extract_votes("Omröstning\n" + table)
    assert (vote.yes, vote.no, vote.yes_names) == (2, 1, ["Anna Ek (S)"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Omröstning begärs och verkställs. Med 7 röster mot 4 beslutar nämnden att bifalla förslaget.", (7, 4, None)),
        ("Med 41 röster mot 20 och 4 som avstår bifaller fullmäktige förslaget.", (41, 20, 4)),
        ("Med 41 ja-röster mot 20 nej-röster och 4 som avstår beslutar kommunfullmäktige enligt förslaget.", (41, 20, 4)),
    ],
)
def test_short_and_full_stated_counts(text, expected):
    (vote,) = extract_votes(text)
    assert (vote.yes, vote.no, vote.abstain) == expected


def test_proposition_in_the_den_som_form():
    (vote,) = extract_votes("Omröstning\nDen som vill bifalla kommunstyrelsens förslag röstar ja, den som vill bifalla "
                            "Lina Perssons yrkande röstar nej.\nMed 30 ja-röster mot 20 nej-röster bifalls förslaget.")
    assert (vote.yes, vote.no, vote.proposition) == (30, 20, "Den som vill bifalla kommunstyrelsens förslag röstar ja, "
                                                     "den som vill bifalla Lina Perssons yrkande röstar nej")


def test_omrostning_and_omrostningsresultat_headings_are_one_vote():
    text = ("Omröstning\nJa-röst för bifall till förslaget, nej-röst för avslag.\n\nOmröstningsresultat\n"
            "Med 5 ja-röster mot 2 nej-röster bifalls förslaget.\n")
    assert [(v.yes, v.no, v.proposition) for v in extract_votes(text)] == [
        (5, 2, "Ja-röst för bifall till förslaget, nej-röst för avslag")]


def test_people_named_after_the_verb_and_under_headings_without_it():
    text = ("§ 5\nDnr KS 2024/1\nTitel\nJäv\nPå grund av jäv deltar inte Anna Svensson (M) i handläggningen.\n"
            "Yrkanden\nAnna Ek (S): Bifall till motionen.\nBo Lind (M) yrkar avslag på\nmotionen.\n"
            "Beslut\nMotionen bifalls.\nReservation\nMot beslutet reserverar sig Dan Berg (V) och Bo Lind (M) till förmån "
            "för Bo Linds (M) yrkande.\nEva Ås (SD), Per Al (SD)\nSkriftlig reservation bilägges.\n")
    (item,) = items_of(text)
    assert item.conflicts_of_interest == ["Anna Svensson (M)"]
    assert item.motions == ["Anna Ek (S): Bifall till motionen.", "Bo Lind (M) yrkar avslag på motionen."]
    assert item.reservations == ["Dan Berg (V)", "Bo Lind (M)", "Eva Ås (SD)", "Per Al (SD)"]
    assert item.decisions == ["Motionen bifalls."]


@pytest.mark.parametrize(
    ("final", "expected"),
    [
        ("Kommunfullmäktige bifaller kommunstyrelsens förslag.", ["att anta planen."]),
        ("Förslaget bifalls.", ["att anta planen."]),
        ("Kommunfullmäktige beslutar\natt återremittera ärendet.", ["att återremittera ärendet."]),
    ],
)
def test_final_decision_over_a_proposal_to_the_protocols_body(final, expected):
    text = (f"§ 30\nDnr KS 2024/10\nPlan\nKommunstyrelsens förslag till kommunfullmäktige\natt anta planen.\n"
            f"Yrkanden\nAnna Ek (S) yrkar återremiss.\nBeslut\n{final}\n")
    (item,) = items_of(text, protocol_body="Kommunfullmäktige")
    assert (item.body, item.proposed_by, item.decision_kind, item.decisions) == (
        "Kommunfullmäktige", "Kommunstyrelsen", "decision", expected)


def test_draft_under_forslag_till_beslut_and_the_decision_adopting_it():
    text = ("§ 4\nDnr SN 2024/3\nRiktlinjer\nFörslag till beslut\nSocialnämnden beslutar\natt anta riktlinjerna.\n"
            "Beslutsgång\nOrdföranden finner att nämnden bifaller förslaget.\nBeslut\n"
            "Socialnämnden beslutar i enlighet med förvaltningens förslag.\n")
    (item,) = items_of(text)
    assert (item.body, item.decision_kind, item.decisions) == ("Socialnämnden", "decision", ["att anta riktlinjerna."])


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ("Expedieras till: Byggnadsnämnden, Mark- och exploateringsenheten och\nLantmäteriet\n",
         ["Byggnadsnämnden", "Mark- och exploateringsenheten", "Lantmäteriet"]),
        ("Beslutet skickas till:\nKultur- och fritidsnämnden, Motionären\nLöneenheten\n",
         ["Kultur- och fritidsnämnden", "Motionären", "Löneenheten"]),
        ("Protokollsutdrag skickas till\nVård och omsorg\nEkonomienheten\n", ["Vård och omsorg", "Ekonomienheten"]),
        ("Exp: Kommunstyrelsen, Ekonomiavdelningen\n", ["Kommunstyrelsen", "Ekonomiavdelningen"]),
        ("Exp. till: Socialnämnden och Revisorerna\n", ["Socialnämnden", "Revisorerna"]),
    ],
)
def test_distribution_lists(lines, expected):
    (item,) = items_of("§ 5\nDnr KS 2024/1\nTitel\nBeslut\nGodkänns.\n" + lines)
    assert item.distribution == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kommunfullmäktige beslutade den 29 februari 2024, § 22, att interpellationen fick ställas.",
         ("Kommunfullmäktige", date(2024, 2, 29), 22)),
        ("Byggnadsnämnden godkände planen den 18 januari 2024, § 9.", ("Byggnadsnämnden", date(2024, 1, 18), 9)),
        ("Kommunstyrelsen beslutade den 4 oktober 2023, $ 201, att remittera motionen.",
         ("Kommunstyrelsen", date(2023, 10, 4), 201)),
        ("Frågan avgjordes den 3 maj 2021, § 12.", (None, date(2021, 5, 3), 12)),
    ],
)
def test_earlier_decision_told_as_a_sentence(text, expected):
    (ref,) = extract_references(text)
    assert (ref.body, ref.date, ref.paragraph) == expected


def test_ocr_cover_heading_with_box_edges_opens_the_cover():
    text = ("SAMMANTRADESPROTOKOLL |\nSocialnamnden\n\nSammantradesdatum 2023-11-22\n\nJusterande\nBo Ek\n\n"
            "§ 1\nDnr SN 2023/1\nTitel\nBeslut\nGodkanns.\n")
    assert [s.kind for s in segment(DocText.from_text(text))] == ["protocol_cover", "paragraph_extract"]


def test_roll_call_names_wrapped_after_och():
    (vote,) = extract_votes("Omröstning\nBertil Ek (S), Sara Holm (M), Jonas Berg (L) och\nMaja Lind (C) röstar Ja (4).\n"
                            "Ahmed Rashid (V) röstar Nej (1).\n")
    assert (vote.yes, vote.no, vote.yes_names, vote.no_names) == (
        4, 1, ["Bertil Ek (S)", "Sara Holm (M)", "Jonas Berg (L)", "Maja Lind (C)"], ["Ahmed Rashid (V)"])


def test_roll_call_table_name_with_a_particle():
    table = "Ledamot                  Ja   Nej\nAnna af Klercker (M)     X\nBo Lind (S)              X\nEva Ek (S)                    X\n"
    (vote,) = extract_votes("Omröstning\n" + table)
    assert (vote.yes, vote.no, vote.yes_names, vote.no_names) == (
        2, 1, ["Anna af Klercker (M)", "Bo Lind (S)"], ["Eva Ek (S)"])


@pytest.mark.parametrize("name", ["sundsvall_sn_protocol", "sundsvall_sn_ocr_damaged"])
def test_protocol_notes_and_special_statements_are_kept_whole(name):
    items = {i.number: i for i in extract(name).items}
    assert [s.replace("ä", "a") for s in items["88"].notes] == [
        "Sara Nyberg (V) lamnar en protokollsanteckning om att barnkonsekvensanalys saknas."]
    assert [s.replace("ä", "a") for s in items["89"].statements] == ["Gunilla Westin (L) lamnar ett sarskilt yttrande."]
    assert not items["88"].statements and not items["89"].notes
    assert all("protokollsanteckning" not in d.lower() for i in items.values() for d in i.decisions)


def test_notes_and_statements_under_their_headings_without_the_word():
    (item,) = items_of(
        "§ 5\nDnr KS 2024/12\nTitel\nBeslut\nKommunstyrelsen beslutar att anta planen.\n"
        "Protokollsanteckning\nAnna Ek (S): Vi vill se en uppföljning.\n\n"
        "Särskilda yttranden\nPer Berg (M) och Lisa Holm (KD): Planen saknar en kostnadskalkyl.\n",
        protocol_body="Kommunstyrelsen",
    )
    assert item.notes == ["Anna Ek (S): Vi vill se en uppföljning."]
    assert item.statements == ["Per Berg (M) och Lisa Holm (KD): Planen saknar en kostnadskalkyl."]
    assert item.decisions == ["att anta planen."]
