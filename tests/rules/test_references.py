"""reference_mismatch, paragraph_out_of_range, case_number_variant and the linker."""

from datetime import date

from models.records import CaseNumber, Item, Meeting, Reference
from extractors.case_numbers import case_key
from pipeline.consistency.link import link_matters
from pipeline.consistency.rules.references import case_number_variant, paragraph_out_of_range, reference_mismatch
from tests.rules.helpers import facts

BODY = "Miljönämnden"


def _citing(day, paragraph):
    ref = Reference(text=f"Miljönämndens protokollsutdrag {day} § {paragraph}", body="Miljönämndens", date=day, paragraph=paragraph)
    return facts("ks", "Utdrag", doc_type="protocol_extract", items=[Item(number="20", paragraph=20, body="Kommunstyrelsen", references=[ref])])


def _cited(item_paragraph=512, paragraph_range=(505, 520)):
    meeting = Meeting(body=BODY, date=date(2022, 3, 2), paragraph_range=paragraph_range)
    item = Item(number=str(item_paragraph), paragraph=item_paragraph, body=BODY, meeting_date=date(2022, 3, 2))
    return facts("mn", "Protokoll", doc_type="protocol", meetings=[meeting], items=[item])


def test_reference_to_the_right_meeting_and_paragraph():
    assert reference_mismatch([_citing(date(2022, 3, 2), 512), _cited()]) == []


def test_reference_with_a_paragraph_outside_the_meeting():
    flags = reference_mismatch([_citing(date(2022, 3, 2), 530), _cited()])
    assert [f.values for f in flags] == [["Miljönämndens 2022-03-02 § 530", "§ 505-520"]]


def test_reference_with_the_wrong_date_for_a_known_paragraph():
    flags = reference_mismatch([_citing(date(2022, 3, 9), 512), _cited()])
    assert [f.values for f in flags] == [["Miljönämndens 2022-03-09 § 512", "Miljönämnden 2022-03-02 § 512"]]


def test_paragraph_out_of_range():
    assert [f.values for f in paragraph_out_of_range([_cited(item_paragraph=530)])] == [["§ 530", "§ 505-520"]]
    assert paragraph_out_of_range([_cited(item_paragraph=512)]) == []


def _with_case(doc_id, raw, register):
    return facts(doc_id, raw, case_numbers=[CaseNumber(raw=raw, normalised=raw, year=2021, register=register, serial="0077")])


def test_case_number_variants_are_linked_and_flagged():
    a = _with_case("a", "2021/ÖFN 0077 100", "ÖFN")
    b = _with_case("b", "2021/OFN 0077", "OFN")
    assert case_key(a.extraction.case_numbers[0]) == case_key(b.extraction.case_numbers[0])
    assert link_matters([a, b])["a"] == link_matters([a, b])["b"]
    assert [f.values for f in case_number_variant([a, b])] == [["2021/OFN 0077", "2021/ÖFN 0077 100"]]


def test_same_case_number_printed_alike_is_not_a_variant():
    a = _with_case("a", "2021/ÖFN 0077 100", "ÖFN")
    b = _with_case("b", "2021/ÖFN 0077", "ÖFN")
    assert case_number_variant([a, b]) == []


def test_unparsed_case_numbers_are_keyed_by_pattern():
    assert case_key(CaseNumber(raw="KS 2020/145", normalised="KS 2020/145")) == case_key(
        CaseNumber(raw="KS/2020:145", normalised="KS/2020:145")
    )
    assert case_key(CaseNumber(raw="KS 2020/145", normalised="KS 2020/145")) != case_key(
        CaseNumber(raw="KS 2020/146", normalised="KS 2020/146")
    )


def test_titles_link_documents():
    a = facts("a", "x", items=[Item(number="1", title="Rekommendation om gemensam upphandling av digitala tjänster för skolan")])
    b = facts("b", "x", items=[Item(number="9", title="Gemensam upphandling av digitala tjänster för skolan")])
    c = facts("c", "x", items=[Item(number="3", title="Detaljplan för kvarteret Hammaren i centrala staden")])
    matters = link_matters([a, b, c])
    assert matters["a"] == matters["b"] != matters["c"]
