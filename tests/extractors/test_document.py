from datetime import date
from pathlib import Path

import pytest

import extractors.document
from extractors.document import extract_document
from models.records import PageMethod, PageText

SEEDS = Path(__file__).parents[2] / "samples/seeds"


def pages_of(text: str) -> list[PageText]:
    return [PageText(number=i + 1, text=t, method=PageMethod.TEXT) for i, t in enumerate(text.split("\f"))]


def seed_extraction(prefix: str):
    return extract_document(pages_of(next(SEEDS.glob(f"{prefix}_*.txt")).read_text()))


@pytest.mark.parametrize(
    ("prefix", "doc_type", "n_items"),
    [("000", "letter", 0), ("001", "protocol_bundle", 3), ("002", "report", 0), ("003", "letter", 0), ("004", "minutes", 19)],
)
def test_seed_doc_type_and_item_count(prefix, doc_type, n_items):
    extraction = seed_extraction(prefix)
    assert (extraction.doc_type, len(extraction.items)) == (doc_type, n_items)


def test_seed_001_case_numbers_and_meeting_dates():
    extraction = seed_extraction("001")
    assert [c.normalised for c in extraction.case_numbers] == [
        "2019/KS 0222 12", "2019/ÅON 0042 010", "18/00295", "2019/ÄON 0042", "2019/ASN 0058 010", "2019/ASN 0058"]
    assert [(i.paragraph, i.meeting_date) for i in extraction.items] == [
        (55, date(2019, 5, 15)), (1039, date(2019, 4, 24)), (1034, date(2019, 4, 29))]


def test_seed_003_ocr_case_number():
    assert [c.normalised for c in seed_extraction("003").case_numbers] == ["22/00731"]


def test_seed_004_items_dated_from_minutes_header():
    assert {i.meeting_date for i in seed_extraction("004").items} == {date(2025, 10, 17)}


@pytest.mark.parametrize("prefix", ["000", "001", "004"])
def test_meetings_are_extracted_once_per_document(prefix, monkeypatch):
    """The document's date is read from the meetings the extraction found, not from a second reading of them."""
    calls = []
    extract_meetings = extractors.document.extract_meetings
    monkeypatch.setattr(extractors.document, "extract_meetings", lambda *a: calls.append(a) or extract_meetings(*a))
    extraction = seed_extraction(prefix)
    assert len(calls) == 1
    if extraction.meetings:
        assert extraction.date == max(m.date for m in extraction.meetings if m.date)


def test_spans_are_page_coordinates():
    text = "Inledning\f§ 4\nDnr KS 2020/77\nVal\nKommunstyrelsen beslutar att välja Eva Ek.\n"
    extraction = extract_document(pages_of(text))
    (item,) = extraction.items
    assert (item.span.page, item.span.start) == (2, 0)
    assert (item.case_number.span.page, item.case_number.span.start) == (2, 4)
    assert extraction.case_numbers[0].span.page == 2
    assert item.decisions == ["att välja Eva Ek."]


@pytest.mark.parametrize(
    ("text", "doc_type"),
    [
        # a handling put before the council, with the presidium's proposal
        ("Kommunfullmäktige\nHandling 2023 nr 18\nÅrsredovisning för stiftelsen\nTill Borås kommunfullmäktige\n"
         "Stiftelsens styrelse har lämnat sin årsredovisning.\nKommunfullmäktiges presidium föreslår att fullmäktige beslutar:\n"
         "Årsredovisningen godkänns.\nBorås den 3 mars 2023", "letter"),
        ("Revisionsberättelse för 2022\nTill kommunfullmäktige\nVi har granskat styrelsens och nämndernas verksamhet.\n"
         "Vi tillstyrker att fullmäktige beviljar ansvarsfrihet.", "letter"),
        # a councillor's motion stays other, even addressed to the council
        ("Motion: Fler laddplatser vid skolorna\nTill: Kommunfullmäktige\nLaddplatserna är för få.\nJag yrkar därför\n"
         "- Att kommunen bygger fler laddplatser\nEva Berg, Miljöpartiet\nDatum 2022-05-02", "other"),
        ("Motion om gång- och cykelväg\nTill kommunfullmäktige\nVägen behövs.\nJag yrkar därför att vägen byggs.", "other"),
    ],
)
def test_doc_type_of_letters_and_motions_to_the_council(text, doc_type):
    extraction = extract_document(pages_of(text))
    assert (extraction.doc_type, extraction.items, extraction.case_numbers) == (doc_type, [], [])


def test_ocr_damaged_protocol_is_still_a_protocol():
    """Every § sign misread: the headings fit the cover's range, so the items and the type survive."""
    text = ("SAMMANTRADESPROTOKOLL\nMiljonamnden\n\nSammantradesdatum 2024-02-06\n\nBeslutande\nOla Ek (S), ordforande\n\n"
            "Paragrafer 7-9\n\nSekreterare\nPia Ahl\n\f"
            "$:7\nDnr. MN 2024/4\nVal av justerare\n\nBeslut\nMiljonamnden beslutar\natt utse Ola Ek att justera.\n\n"
            "S 8\nDiarienr: MN 2024/9\nTillsynsplan\n\nBeslut\nMiljonamnden beslutar\natt anta tillsynsplanen.\n\n"
            "5 9\nDnr. MN 2024/11\nDelegationsbeslut\n\nBeslut\nMiljonamnden beslutar\natt lagga redovisningen till handlingarna.\n")
    extraction = extract_document(pages_of(text))
    assert extraction.doc_type == "protocol"
    assert [(i.number, i.case_number.normalised, i.title, i.confidence) for i in extraction.items] == [
        ("7", "MN 2024/4", "Val av justerare", 0.6), ("8", "MN 2024/9", "Tillsynsplan", 0.6),
        ("9", "MN 2024/11", "Delegationsbeslut", 0.6)]
