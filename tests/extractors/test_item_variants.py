"""§ items of full protocols laid out as other municipalities print them (benchmarks/gold/variants): proposal
lead-ins ("X föreslår Y besluta"), "Beslutsgång", numbered clauses under "X beslutar", immediate adjustment
as a clause, references in "Beslutsunderlag" lists, and the meeting date every item takes from its cover."""

from datetime import date
from pathlib import Path

import pytest

from extractors.document import extract_document
from extractors.items import extract_items
from extractors.segment import segment
from extractors.text import DocText
from models.records import PageMethod, PageText

VARIANTS = Path(__file__).parents[2] / "benchmarks/gold/variants"


def extract(name: str):
    text = (VARIANTS / f"{name}.txt").read_text(encoding="utf-8")
    return extract_document([PageText(number=n, text=t, method=PageMethod.TEXT) for n, t in enumerate(text.split("\f"), 1)])


def items_of(text: str, protocol_body: str | None = None):
    doc = DocText.from_text(text)
    return extract_items(doc, segment(doc), protocol_body=protocol_body)


def test_umea_full_protocol_items_take_the_meeting_date_and_are_proposals():
    ex = extract("umea_ksau_protocol")
    assert (ex.doc_type, ex.municipality_code, ex.date) == ("protocol", "2480", date(2023, 3, 14))
    assert [s.kind for s in ex.sections] == ["protocol_cover"] + ["paragraph_extract"] * 3
    assert [(i.paragraph, i.case_number.normalised, i.body, i.meeting_date, i.decision_kind) for i in ex.items] == [
        (45, "KS 2023/00187", "Kommunstyrelsens arbetsutskott", date(2023, 3, 14), "proposal"),
        (46, "KS 2023/00211", "Kommunstyrelsens arbetsutskott", date(2023, 3, 14), "information"),
        (47, "KS 2022/01045", "Kommunstyrelsens arbetsutskott", date(2023, 3, 14), "proposal"),
    ]
    first, second, third = ex.items
    assert first.decisions == ["att anta yttrandet enligt bilaga 1", "att uppdra åt kommundirektören att teckna avtalet."]
    assert second.decisions == ["Informationen noteras till protokollet."]
    assert third.decisions == ["att avslå motionen."]
    assert [(r.body, r.date, r.paragraph, r.text) for r in first.references] == [
        ("Kommunstyrelsens arbetsutskott", date(2023, 2, 14), 31, "Kommunstyrelsens arbetsutskott 2023-02-14 § 31")]
    assert third.motions == ["Lena Karlsson (V) yrkar bifall till motionen.", "Hans Lindberg (S) yrkar avslag på motionen."]
    assert third.reservations == ["Lena Karlsson (V)"]
    assert third.distribution == ["Kommunfullmäktige"]
    assert [i.title for i in ex.items] == [
        "Yttrande över remiss om ny hälso- och sjukvårdsavtal med Region Västerbotten",
        "Information om budgetuppföljning februari",
        "Motion om gratis kollektivtrafik för pensionärer",
    ]


def test_orebro_full_protocol_beslutsgang_numbered_clauses_and_adjustment_clause():
    ex = extract("orebro_ks_protocol")
    assert (ex.doc_type, ex.municipality_code, ex.date) == ("protocol", "1880", date(2022, 2, 1))
    assert [(i.paragraph, i.case_number.normalised, i.body, i.meeting_date, i.decision_kind, i.immediate_adjustment)
            for i in ex.items] == [
        (12, "KS 2021/00833", "Kommunstyrelsen", date(2022, 2, 1), "decision", True),
        (13, "KS 2021/00957", "Kommunstyrelsen", date(2022, 2, 1), "proposal", False),
        (14, "KS 2022/00021", "Kommunstyrelsen", date(2022, 2, 1), "information", False),
    ]
    first, second, third = ex.items
    assert first.title == "Rekommendation om samverkan kring socialtjänstens kunskapsstyrning"
    assert first.decisions == ["Godkänna rekommendationen om samverkan för åren 2022–2025.",
                               "Uppdra åt kommundirektören att teckna avtal med Region Örebro län."]
    assert [(r.body, r.date, r.paragraph) for r in first.references] == [("Kommunfullmäktige", date(2021, 11, 22), 145)]
    assert first.distribution == ["Socialnämnden", "Region Örebro län"]
    assert second.title == "Motion om fler laddstolpar vid kommunens anläggningar"
    assert second.decisions == ["Motionen anses besvarad."]
    assert second.motions == ["Petra Vik (V) yrkar bifall till motionen.",
                              "Johan Lund (M) yrkar att motionen ska anses besvarad."]
    assert [(v.yes, v.no, v.proposition) for v in second.votes] == [
        (4, 1, "Ja för Johan Lunds yrkande, Nej för Petra Viks yrkande")]
    assert second.reservations == ["Petra Vik (V)"]
    assert second.distribution == ["Kommunfullmäktige"]
    assert third.decisions == ["Kommunstyrelsen tackar för informationen."]


@pytest.mark.parametrize(
    ("lead", "inline"),
    [
        ("Kommunstyrelsen föreslår kommunfullmäktige besluta", []),
        ("Kommunstyrelsen föreslår kommunfullmäktige att besluta", []),
        ("Kommunstyrelsen föreslår att kommunfullmäktige beslutar:", []),
        ("Kommunstyrelsen föreslår kommunfullmäktige att anta planen", ["att anta planen"]),
    ],
)
def test_proposal_lead_in_forms(lead, inline):
    (item,) = items_of(f"§ 7\nDnr KS 2024/10\nPlan\n{lead}\natt avsätta medel.\n")
    assert (item.body, item.decision_kind, item.decisions) == ("Kommunstyrelsen", "proposal", inline + ["att avsätta medel."])


def test_proposal_lead_in_to_the_protocols_own_body_is_its_decision():
    text = "§ 30\nDnr KS 2024/10\nPlan\nBeslut\nKommunstyrelsen föreslår kommunfullmäktige besluta\natt anta planen.\n"
    (item,) = items_of(text, protocol_body="Kommunfullmäktige")
    assert (item.body, item.proposed_by, item.decision_kind, item.decisions) == (
        "Kommunfullmäktige", "Kommunstyrelsen", "decision", ["att anta planen."])


def test_proposal_retold_in_the_description_opens_no_block():
    text = ("§ 8\nDnr KS 2024/11\nTaxa\nBeslut\nKommunstyrelsen beslutar att anta taxan.\n"
            "Ärendebeskrivning\nSocialnämnden föreslår kommunstyrelsen besluta\natt höja taxan med 5 procent.\n")
    (item,) = items_of(text)
    assert (item.body, item.decision_kind, item.decisions) == ("Kommunstyrelsen", "decision", ["att anta taxan."])


def test_chairs_finding_naming_a_body_is_no_decision_heading():
    text = ("§ 9\nDnr KS 2024/12\nMotion\nBeslutsgång\nOrdföranden ställer proposition och finner att "
            "kommunstyrelsen beslutar enligt förslaget.\nBeslut\nMotionen avslås.\n")
    (item,) = items_of(text)
    assert (item.title, item.body, item.decision_kind, item.decisions) == ("Motion", None, "decision", ["Motionen avslås."])


def test_tjansteskrivelse_in_a_beslutsunderlag_list_is_no_attachment():
    listed = "§ 5\nDnr KS 2024/1\nTitel\nBeslut\nGodkänns.\nBeslutsunderlag\nTjänsteskrivelse 2024-01-10\nKS 2023-12-01 § 9\n"
    assert [s.kind for s in segment(DocText.from_text(listed))] == ["paragraph_extract"]
    attached = listed + "\nFalu kommun\nKommunledningskontoret\nAnna Berg\nUtredare\n\nTJÄNSTESKRIVELSE\n2024-01-10\n\nText.\n"
    assert [s.kind for s in segment(DocText.from_text(attached))] == ["paragraph_extract", "tjansteskrivelse"]


@pytest.mark.parametrize(
    "line", ["Paragrafen förklaras omedelbart justerad.", "Paragrafen justeras direkt.", "Omedelbar justering."])
def test_immediate_adjustment_wordings(line):
    (item,) = items_of(f"§ 3\nDnr KS 2024/2\nTitel\nKommunstyrelsen beslutar\n1. Anta planen.\n2. {line}\n")
    assert (item.immediate_adjustment, item.decisions) == (True, ["Anta planen."])


def test_cover_without_a_readable_body_dates_the_items_in_its_range():
    text = ("PROTOKOLL\nSammanträdesdatum\n2023-03-14\n\nBeslutande: Eva Ek (S), ordförande\nParagrafer: 1-2\n"
            "Sekreterare: Bo Al\n\n§ 1\nDnr KS 2023/1\nA\nBeslut\nGodkänns.\n\n§ 2\nDnr KS 2023/2\nB\nBeslut\nAvslås.\n"
            "\n§ 3\nDnr KS 2023/3\nC\nBeslut\nBordläggs.\n")
    ex = extract_document([PageText(1, text, PageMethod.TEXT)])
    assert [(i.paragraph, i.meeting_date) for i in ex.items] == [(1, date(2023, 3, 14)), (2, date(2023, 3, 14)), (3, None)]


def test_administrations_proposal_under_forslag_till_beslut_is_the_bodys_decision():
    text = ("§ 4\nDnr SN 2024/3\nRiktlinjer\nFörslag till beslut\nSocialförvaltningen föreslår socialnämnden besluta\n"
            "att anta riktlinjerna.\n")
    (item,) = extract_document([PageText(1, "Socialnämnden\n\n" + text, PageMethod.TEXT)]).items
    assert (item.body, item.decision_kind, item.decisions) == ("Socialnämnden", "decision", ["att anta riktlinjerna."])
