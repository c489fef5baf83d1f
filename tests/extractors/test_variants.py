"""Variant documents from other municipalities (benchmarks/gold/variants): exact values the extractor must give."""

from datetime import date
from pathlib import Path

from extractors.document import extract_document
from models.records import PageMethod, PageText

VARIANTS = Path(__file__).parents[2] / "benchmarks/gold/variants"


def extract(name: str):
    text = (VARIANTS / f"{name}.txt").read_text()
    return extract_document([PageText(number=n, text=t, method=PageMethod.TEXT) for n, t in enumerate(text.split("\f"), 1)])


def test_goteborg_extract_with_arendenummer_vote_and_reservation():
    ex = extract("goteborg_ks_extract")
    (item,) = ex.items
    assert (item.paragraph, item.case_number.normalised, item.body, item.meeting_date, item.decision_kind) == (
        612, "SLK-2024-00074", "Kommunstyrelsen", date(2024, 9, 11), "decision")
    assert item.decisions == ["Kommunstyrelsen avger yttrande till Socialdepartementet i enlighet med stadsledningskontorets förslag."]
    assert item.immediate_adjustment
    assert [(v.yes, v.no) for v in item.votes] == [(8, 5)]
    assert item.reservations == ["Per Vallin (M)", "Lina Sjöberg (M)"]
    assert item.distribution == ["Socialdepartementet", "Stadsledningskontoret"]
    assert [(r.body, r.date, r.paragraph) for r in item.references] == [("Kommunstyrelsen", date(2024, 8, 28), 596)]
    assert {(d.value, d.role) for d in ex.dates} >= {(date(2024, 9, 30), "deadline"), (date(2024, 9, 11), "meeting")}


def test_lerum_kf_protocol_glued_classification_named_votes_and_partial_presence():
    ex = extract("lerum_kf_protocol")
    assert (ex.doc_type, ex.municipality_code) == ("protocol", "1441")
    assert [(i.number, i.case_number.normalised) for i in ex.items] == [
        ("101", "00367/2022"), ("102", "00412/2022"), ("103", "00419/2022")]
    assert ex.items[0].body == "Kommunfullmäktige"
    assert ex.items[2].decision_kind == "information"
    (vote,) = ex.items[1].votes
    assert (vote.yes, vote.no, vote.yes_names, vote.no_names) == (
        5, 1, ["Bertil Ek (S)", "Sara Holm (M)", "Jonas Berg (L)", "Maja Lind (C)", "Olof Strand (SD)"], ["Ahmed Rashid (V)"])
    assert ex.items[1].reservations == ["Ahmed Rashid (V)"]
    (meeting,) = ex.meetings
    assert (meeting.body, meeting.date, meeting.paragraph_range, meeting.adjusted_on, meeting.notice_posted,
            meeting.notice_removed, meeting.chair, meeting.secretary, meeting.adjusters) == (
        "Kommunfullmäktige", date(2022, 6, 16), (101, 103), date(2022, 6, 21), date(2022, 6, 22), date(2022, 7, 14),
        "Bertil Ek", "Helga Nordin", ["Sara Holm"])
    partial = {e.name: (e.role, e.paragraphs, e.serving_for) for e in meeting.attendance if e.paragraphs}
    assert partial == {"Olof Strand": ("member", [101, 102], None), "Elin Kvist": ("member", [103], "Olof Strand"),
                       "Tomas Ahlgren": ("other", [102], None)}
    assert len(meeting.attendance) == 12


def test_kiruna_extract_dash_clauses_and_reference_without_har():
    ex = extract("kiruna_ks_extract")
    (item,) = ex.items
    assert (item.case_number.normalised, item.body, item.meeting_date) == ("KS 2023/412", "Kommunstyrelsen", date(2023, 5, 8))
    assert item.decisions == ["anta rekommendationen om medfinansiering för åren 2024-2026",
                              "uppdra åt socialförvaltningen att rapportera utfallet senast den 30 september."]
    assert [(r.body, r.date, r.paragraph) for r in item.references] == [("Socialnämnden", date(2023, 4, 19), 45)]
    assert item.distribution == ["Socialnämnden", "Ekonomikontoret"]
    assert {(d.value, d.role) for d in ex.dates} >= {(date(2023, 9, 30), "deadline"), (date(2023, 6, 15), "deadline")}


def test_ocr_damaged_extract_restores_body_name():
    ex = extract("vaxjo_ocr_damaged")
    (item,) = ex.items
    assert (item.paragraph, item.case_number.normalised, item.body, item.meeting_date, item.decision_kind) == (
        23, "SN 2022/118", "Socialnämnden", date(2022, 10, 26), "proposal")
    assert item.decisions == ["Vaxjo kommun star fast vid rekommendationen &r 2023-2024.", "Kostnaden belastar socialnamndens budget."]
    assert ex.municipality_code == "0780"


def test_ocr_dollar_for_paragraph_sign_before_a_case_number():
    ex = extract_document([PageText(1, "$55\n\nDnr 2019/KS 0222 12\n\nTitel\n\nBeslut\nUppdraget godkänns.\n", PageMethod.OCR)])
    assert [(i.paragraph, i.case_number.normalised, i.title) for i in ex.items] == [(55, "2019/KS 0222 12", "Titel")]
