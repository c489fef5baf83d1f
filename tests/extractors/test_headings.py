"""§ headings in every common template: body prefixes, letters, number first, continuation pages, § index tables,
and headings whose § sign OCR misread, taken by their place in the § sequence."""

from __future__ import annotations

import pytest

from extractors.document import extract_document
from extractors.headings import match_heading
from extractors.segment import segment
from extractors.text import DocText
from models.records import PageMethod, PageText, Region, RegionKind


def _items(text: str):
    return extract_document([PageText(number=n, text=t, method=PageMethod.TEXT) for n, t in enumerate(text.split("\f"), 1)]).items


def _labels(text: str) -> list[str]:
    return [s.label for s in segment(DocText.from_text(text)) if s.kind == "paragraph_extract"]


def _item(number: str, title: str, case: str | None = None, decision: str = "att godkänna förslaget.") -> str:
    return f"{number}\n" + (f"Dnr {case}\n" if case else "") + f"{title}\n\nBeslut\nNämnden beslutar\n{decision}\n\n"


@pytest.mark.parametrize(
    ("line", "label", "kind"),
    [
        ("KS § 2", "2", "heading"),
        ("KF § 14 Budget för 2025", "14", "heading"),
        ("SBN § 23", "23", "heading"),
        ("BUN § 7", "7", "heading"),
        ("§ 7 a", "7a", "heading"),
        ("KS § 7 b Taxa för torghandel", "7b", "heading"),
        ("188 §", "188", "heading"),
        ("188 § Val av protokolljusterare", "188", "heading"),
        ("§ 71 forts", "71", "continuation"),
        ("§ 71 (forts)", "71", "continuation"),
        ("forts. § 71", "71", "continuation"),
        ("§ 71, forts.", "71", "continuation"),
        ("$:213", "213", "ocr"),
        ("$. 41", "41", "ocr"),
        ("S 43", "43", "ocr"),
        ("5 44", "44", "ocr"),
        ("§§ 45", "45", "ocr"),
        ("8214 Diarienummer 2023/55", "214", "ocr"),
        ("544", "44", "ocr"),
        ("116 8 Anmälan av delegationsbeslut", "116", "ocr"),
        ("116 $ Anmälan av delegationsbeslut   Dnr 2023/7", "116", "ocr"),
        ("KS 8 112", "112", "ocr"),
        ("KS 3 113 forts Dnr KS 2024/188", "113", "continuation"),
    ],
)
def test_heading_forms(line, label, kind):
    found = match_heading(line)
    assert (found.label, found.kind) == (label, kind)


@pytest.mark.parametrize("line", ["och § 5 i lagen gäller", "92 § i kommunallagen kan styrelsen", "5 000 kronor", "Summa 6", "2018.",
                                  "2018"])
def test_prose_is_no_heading(line):
    assert match_heading(line) is None


def test_body_prefixed_and_lettered_headings_are_items():
    text = "Kommunstyrelsen\n\n" + _item("KS § 12", "Val av justerare") + _item("KS § 13 a", "Taxa för torghandel", "KS 2024/17") \
        + _item("KS § 13 b", "Ordningsföreskrifter", "KS 2024/18")
    items = _items(text)
    assert [(i.number, i.paragraph, i.title) for i in items] == [
        ("12", 12, "Val av justerare"), ("13a", 13, "Taxa för torghandel"), ("13b", 13, "Ordningsföreskrifter")]
    assert [i.case_number.normalised if i.case_number else None for i in items] == [None, "KS 2024/17", "KS 2024/18"]


def test_continuation_headings_on_later_pages_are_not_new_items():
    text = ("Miljönämnden\n\n§ 31\nDnr 2024/5\nTillsynsplan\n\nÄrendebeskrivning\nPlanen gäller två år.\n\f"
            "§ 31 forts\nBeslut\nMiljönämnden beslutar\natt anta tillsynsplanen.\n\n"
            "§ 32 Dnr 2024/9\nDelegationsbeslut\n\f§ 32 (forts)\nBeslut\nMiljönämnden beslutar\natt lägga redovisningen till handlingarna.\n"
            "\fforts. § 32\nBeslutet skickas till\nMiljöenheten\n")
    items = _items(text)
    assert [(i.number, i.case_number.normalised) for i in items] == [("31", "2024/5"), ("32", "2024/9")]
    assert items[0].decisions == ["att anta tillsynsplanen."]
    assert items[1].distribution == ["Miljöenheten"]


def test_a_repeated_heading_is_the_same_item():
    text = "§ 5\nDnr 2023/7\nBudget\nBeskrivning.\nMer.\n\f§ 5\nBeslut\natt anta budgeten.\n§ 6\nDnr 2024/2\nTaxa\nBeslut\nText.\nSlut.\n"
    assert _labels(text) == ["5", "6"]


def test_index_table_under_its_heading_never_starts_items():
    text = ("Paragrafförteckning\n§ 40 Val av justerare\n§ 41 Budget\n\n"
            + _item("§ 40", "Val av justerare") + _item("§ 41", "Budget", "2024/12"))
    assert _labels(text) == ["40", "41"]
    assert [s.start for s in segment(DocText.from_text(text)) if s.kind == "paragraph_extract"][0] == text.index("§ 40\n")


def test_index_table_without_heading_is_told_by_its_page_numbers():
    """Rows of '§ N title case page' a line or two apart, a title wrapped over two lines, then the real headings."""
    rows = ("§7 Val av justerare 2023/7 3\n§8 Taxor och avgifter för upplåtelse av offentlig 2024/4 4 - 5\nplats\n"
            "§9 Meddelanden 2024/2 6\n")
    text = "Tekniska nämnden\n" + rows + "\f" + _item("§7 Dnr 2023/7", "Val av justerare") \
        + _item("§8 Dnr 2024/4", "Taxor och avgifter") + _item("§9 Dnr 2024/2", "Meddelanden")
    items = _items(text)
    assert [(i.number, i.case_number.normalised, i.title) for i in items] == [
        ("7", "2023/7", "Val av justerare"), ("8", "2024/4", "Taxor och avgifter"), ("9", "2024/2", "Meddelanden")]


def test_index_table_region_from_the_layout_never_starts_items():
    page = "Ärenden\n§ 3 Budget\n§ 4 Taxor\n\n" + _item("§ 3", "Budget") + _item("§ 4", "Taxor")
    end = page.index("\n\n") + 1
    pages = [PageText(number=1, text=page, method=PageMethod.TEXT, regions=[Region(RegionKind.INDEX_TABLE, 0, end)])]
    assert [(i.number, i.title) for i in extract_document(pages).items] == [("3", "Budget"), ("4", "Taxor")]


def test_case_number_right_aligned_on_the_heading_line():
    (item,) = _items("Kommunstyrelsen\n\n§ 66   Översyn av reglemente   Dnr 2023/7\n\nBeslut\nKommunstyrelsen beslutar\natt anta reglementet.\n")
    assert (item.number, item.title, item.case_number.normalised) == ("66", "Översyn av reglemente", "2023/7")


def test_number_first_headings_with_the_case_number_above():
    """A Finland-Swedish föredragningslista: "NN §" headings, the case number printed on the line above."""
    text = ("Föredragningslista 9/2023\nOrgan Stadsstyrelsen\n\n"
            "41 §\nSammanträdets laglighet\nStadsstyrelsens beslut:\n\n"
            "ABC/310/00.02.07/2023\n42 § Anmälningsärenden\nFörslag:\nAnmälningarna antecknas.\nStadsstyrelsens beslut:\n\n"
            "ABC/311/10.03.01/2023\n43 § Ansökan om undantag\nStadsstyrelsen 4.9.2023, 40 §\nStadsstyrelsens beslut:\n")
    ex = extract_document([PageText(number=n, text=t, method=PageMethod.TEXT) for n, t in enumerate(text.split("\f"), 1)])
    assert [(i.number, i.case_number.normalised if i.case_number else None) for i in ex.items] == [
        ("41", None), ("42", "ABC/310/00.02.07/2023"), ("43", "ABC/311/10.03.01/2023")]
    assert ex.doc_type == "agenda"


COVER = ("SAMMANTRÄDESPROTOKOLL\nSocialnämnden\n\nSammanträdesdatum 2024-03-19\n\nBeslutande\nAnna Ek (S), ordförande\n"
         "\nParagrafer {a}-{b}\n\nSekreterare\nLena Wiik\n\n")


def test_ocr_damaged_headings_taken_by_the_cover_range():
    text = COVER.format(a=213, b=216) + "\f" + _item("$:213", "Val av justerare", "2024/31") \
        + _item("8214 Diarienummer. 2024/44", "Skolplacering") + _item("S 215", "Lokalplan", "2024/50") \
        + _item("§§ 216.", "Delegationsbeslut", "2024/3")
    items = _items(text)
    assert [(i.number, i.case_number.normalised, i.title) for i in items] == [
        ("213", "2024/31", "Val av justerare"), ("214", "2024/44", "Skolplacering"), ("215", "2024/50", "Lokalplan"),
        ("216", "2024/3", "Delegationsbeslut")]
    assert {i.confidence for i in items} == {0.6}


def test_ocr_damaged_headings_taken_by_their_neighbours_without_a_cover():
    text = "Socialnämnden\n\n" + _item("§ 20", "Val av justerare") + _item("& 21", "Budget") + _item("§ 22", "Taxor")
    items = _items(text)
    assert [(i.number, i.confidence) for i in items] == [("20", 1.0), ("21", 0.6), ("22", 1.0)]


def test_ocr_reading_out_of_sequence_with_only_a_title_under_it_is_not_taken():
    text = COVER.format(a=40, b=41) + "\f" + _item("§ 40", "Val av justerare") + _item("§ 41", "Budget") \
        + "5 17\nRader ur tabellen\n"
    assert _labels(text) == ["40", "41"]


def test_number_first_prose_out_of_sequence_is_no_heading():
    text = ("Föredragningslista\n\n12 § Budget\nFörslag:\nBudgeten antas.\n\n13 § Taxor\nEnligt kommunallagen\n"
            "6 § Lagen om kommunal redovisning gäller.\n")
    assert _labels(text) == ["12", "13"]


def test_an_index_listing_one_item_before_it():
    text = "Paragrafförteckning\n§ 40 Val av justerare 2\n\n§ 40\nDnr 2023/7\nVal av justerare\n"
    assert _labels(text) == ["40"]


def test_ocr_readings_as_tesseract_gave_them_on_a_printed_scan():
    """The sign run into the number ("544", the case number on the next line) and a number-first heading whose sign
    became "8", each fitting the cover's range; a year wrapped onto its own line ("2018.") and list rows leaning only
    on each other are not headings."""
    text = COVER.format(a=43, b=45) + "\f" + _item("§ 43", "Lokalplan", "BUN 2024/50") \
        + "544\nDNR:BUN/2024.61\nDelegationsordning\n\nBeslut\nNämnden beslutar\natt anta ordningen.\n\n" \
        + "45 8 Anmälan av delegationsbeslut   Dnr 2024/3\n\nBeslut\nNämnden beslutar\natt lägga redovisningen till handlingarna.\n" \
        + "\nSkicka svaret senast den 15 juni\n2018.\nBilaga\n3 1\nFörsta raden\n3 2\nAndra raden\n"
    items = _items(text)
    assert [(i.number, i.case_number.normalised, i.title) for i in items] == [
        ("43", "BUN 2024/50", "Lokalplan"), ("44", "BUN 2024/61", "Delegationsordning"), ("45", "2024/3", "Anmälan av delegationsbeslut")]
    assert items[1].decisions == ["att anta ordningen."]
