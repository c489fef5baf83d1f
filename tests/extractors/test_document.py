from datetime import date
from pathlib import Path

import pytest

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


def test_spans_are_page_coordinates():
    text = "Inledning\f§ 4\nDnr KS 2020/77\nVal\nKommunstyrelsen beslutar att välja Eva Ek.\n"
    extraction = extract_document(pages_of(text))
    (item,) = extraction.items
    assert (item.span.page, item.span.start) == (2, 0)
    assert (item.case_number.span.page, item.case_number.span.start) == (2, 4)
    assert extraction.case_numbers[0].span.page == 2
    assert item.decisions == ["att välja Eva Ek."]
