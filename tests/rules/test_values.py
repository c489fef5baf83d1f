"""conflicting_values, erratum, amended_later and the claims they read."""

from datetime import date

from pipeline.consistency.check import check
from pipeline.consistency.claims import PRIOR_SUFFIX, claims_for
from tests.rules.helpers import datefact, facts, period

LETTER_A = "Avgiften gäller för tre år (2021-2023). Svar lämnas senast den 1 mars 2021."
LETTER_B = "Avgiften gäller för tre år (2021-2024). Svar lämnas senast den 1 april 2021."


def _letter(doc, text, day, p, d, dval):
    return facts(doc, text, day, periods=[period(text, p)], dates=[datefact(text, d, dval, "deadline")])


def _kinds(flags):
    return sorted((f.kind, f.severity, tuple(f.values)) for f in flags)


def test_conflicting_period_and_deadline_between_linked_letters():
    a = _letter("a", LETTER_A, date(2020, 11, 2), "2021-2023", "1 mars 2021", date(2021, 3, 1))
    b = _letter("b", LETTER_B, date(2020, 11, 9), "2021-2024", "1 april 2021", date(2021, 4, 1))
    a.extraction.case_numbers = b.extraction.case_numbers = []
    from models.records import CaseNumber

    a.extraction.case_numbers.append(CaseNumber(raw="20/00111", normalised="20/00111"))
    b.extraction.case_numbers = [CaseNumber(raw="20/00111", normalised="20/00111")]
    flags = [f for f in check([a, b]) if f.kind.startswith("conflicting")]
    assert _kinds(flags) == [
        ("conflicting_deadline", "error", ("2021-03-01", "2021-04-01")),
        ("conflicting_period", "error", ("2021-2023", "2021-2024")),
    ]
    assert {e.document for e in flags[1].evidence} == {"a", "b"}


def test_same_values_do_not_conflict():
    a = _letter("a", LETTER_A, date(2020, 11, 2), "2021-2023", "1 mars 2021", date(2021, 3, 1))
    same = LETTER_A.replace("Avgiften", "Kostnaden")
    b = _letter("a2", same, date(2020, 11, 3), "2021-2023", "1 mars 2021", date(2021, 3, 1))
    assert [f for f in check([a, b]) if f.kind.startswith("conflicting")] == []


def test_unlinked_documents_are_not_compared():
    a = _letter("a", LETTER_A, date(2020, 11, 2), "2021-2023", "1 mars 2021", date(2021, 3, 1))
    b = _letter("b", LETTER_B, date(2020, 11, 9), "2021-2024", "1 april 2021", date(2021, 4, 1))
    assert [f for f in check([a, b]) if f.kind.startswith("conflicting")] == []


ERRATUM = (
    "Avgiften gäller för tre år (2021-2024). Rättelse: avgiften gäller för tre år (2021-2023). "
    "Inte 2021-2024 som felaktigt angavs i underlaget."
)


def test_erratum_marks_the_retracted_value_and_downgrades_the_conflict():
    doc = facts(
        "e",
        ERRATUM,
        date(2020, 5, 4),
        periods=[period(ERRATUM, "2021-2024"), period(ERRATUM, "2021-2023"), period(ERRATUM, "2021-2024", nth=1)],
    )
    claims = claims_for(doc)
    assert [(c.value, c.assertion, c.replaced_by) for c in claims] == [
        ("2021-2024", "stated", None),
        ("2021-2023", "stated", None),
        ("2021-2024", "corrected", "2021-2023"),
    ]
    assert "(2021-2023)" in claims[2].evidence.quote and "felaktigt" in claims[2].evidence.quote
    flags = check([doc])
    assert _kinds(f for f in flags if f.kind in ("erratum", "conflicting_period")) == [
        ("conflicting_period", "warning", ("2021-2023", "2021-2024")),
        ("erratum", "info", ("2021-2024", "2021-2023")),
    ]
    assert "explained by erratum" in next(f for f in flags if f.kind == "conflicting_period").message.lower()


def test_ska_vara_marks_the_first_value_corrected():
    text = "I beslutet om avgiften står 2021-2024 men det ska vara 2021-2023."
    doc = facts("s", text, date(2020, 5, 4), periods=[period(text, "2021-2024"), period(text, "2021-2023")])
    assert [(c.value, c.assertion) for c in claims_for(doc)] == [("2021-2024", "corrected"), ("2021-2023", "stated")]


def test_no_erratum_without_correction_words():
    text = "Avgiften gäller för tre år (2021-2023). Avgiften gäller även fortsatt för samma period (2021-2023)."
    doc = facts("n", text, date(2020, 5, 4), periods=[period(text, "2021-2023"), period(text, "2021-2023", nth=1)])
    assert all(c.assertion == "stated" for c in claims_for(doc))
    assert [f for f in check([doc]) if f.kind == "erratum"] == []


PRIOR = (
    "Förbundet rekommenderade i maj 2013 kommunerna att finansiera stödet under åren 2014-2015. "
    "Finansieringen gäller för två år (2016-2017)."
)


def test_period_about_an_earlier_arrangement_gets_its_own_matter():
    doc = facts("p", PRIOR, date(2015, 9, 1), periods=[period(PRIOR, "2014-2015"), period(PRIOR, "2016-2017")])
    matters = {c.value: c.matter for c in claims_for(doc)}
    assert matters == {"2014-2015": PRIOR_SUFFIX, "2016-2017": ""}
    assert [f for f in check([doc]) if "2014-2015" in f.values] == []


def test_present_tense_period_is_current_even_with_an_earlier_year():
    text = "Styrelsen beslutade i maj 2013 att finansieringen gäller för två år (2014-2015)."
    doc = facts("q", text, date(2013, 6, 1), periods=[period(text, "2014-2015")])
    assert [c.matter for c in claims_for(doc)] == [""]


EXTENSION_DOC = (
    "Förbundet\n2023-03-01\n\nStyrelsen har beslutat att förlänga överenskommelsen om gemensam finansiering "
    "till och med 2025.\n\nTack för att ni finansierar satsningen under åren 2021-2025!"
)
ORIGINAL_DOC = "Förbundet\n2020-10-01\n\nFinansieringen gäller för fyra år (2021-2024)."


def _linked_pair():
    from models.records import CaseNumber

    ext = facts(
        "ext",
        EXTENSION_DOC,
        date(2023, 3, 1),
        periods=[period(EXTENSION_DOC, "2021-2025")],
        dates=[datefact(EXTENSION_DOC, "2023-03-01", date(2023, 3, 1), "document")],
        case_numbers=[CaseNumber(raw="20/00222", normalised="20/00222")],
    )
    orig = facts(
        "orig",
        ORIGINAL_DOC,
        date(2020, 10, 1),
        periods=[period(ORIGINAL_DOC, "2021-2024")],
        dates=[datefact(ORIGINAL_DOC, "2020-10-01", date(2020, 10, 1), "document")],
        case_numbers=[CaseNumber(raw="20/00222", normalised="20/00222")],
    )
    return ext, orig


def test_value_after_an_extension_is_amended_later_not_a_conflict():
    ext, orig = _linked_pair()
    claims = claims_for(ext)
    assert [(c.assertion, c.value) for c in claims if c.attribute == "period"] == [
        ("stated", "2021-2025"),
        ("extended", (None, 2025)),
    ]
    flags = check([ext, orig])
    assert _kinds(f for f in flags if f.kind in ("amended_later", "conflicting_period")) == [
        ("amended_later", "info", ("2021-2024", "2021-2025"))
    ]


def test_same_values_without_the_extension_conflict():
    ext, orig = _linked_pair()
    text = EXTENSION_DOC.replace("Styrelsen har beslutat att förlänga", "Styrelsen har beslutat om")
    ext.page_texts = {1: text}
    ext.extraction.periods = [period(text, "2021-2025")]
    ext.extraction.dates = [datefact(text, "2023-03-01", date(2023, 3, 1), "document")]
    flags = check([ext, orig])
    assert _kinds(f for f in flags if f.kind in ("amended_later", "conflicting_period")) == [
        ("conflicting_period", "error", ("2021-2024", "2021-2025"))
    ]


def test_a_yearly_cost_is_not_a_per_capita_claim():
    from models.records import Amount
    from pipeline.consistency.claims import amount_claims, _Anchors
    from tests.rules.helpers import span_of

    text = "Det innebär 1,95 kronor per invånare. För en kommun med 5 000 invånare blir kostnaden ca 9 500 kr/år."
    amounts = [
        Amount(text="1,95 kronor per invånare", value=1.95, unit="SEK", per="capita", span=span_of(text, "1,95 kronor per invånare")),
        Amount(text="ca 9 500 kr/år", value=9500.0, unit="SEK", approximate=True, per="year", span=span_of(text, "ca 9 500 kr/år")),
    ]
    doc = facts("d", text, date(2018, 6, 27), amounts=amounts)
    assert [(c.attribute, c.value) for c in amount_claims(doc, _Anchors(doc))] == [("per_capita", 1.95)]


def _one_extract(text: str, *deadlines: tuple[str, date]):
    from models.records import CaseNumber

    doc = facts("x", text, date(2023, 5, 8), dates=[datefact(text, t, v, "deadline") for t, v in deadlines])
    doc.extraction.case_numbers = [CaseNumber(raw="KS 2023/412", normalised="KS 2023/412")]
    return doc


def test_an_answer_due_and_a_report_due_are_not_one_deadline():
    text = "Beslutet ska meddelas senast 15/6 2023.\n\n- uppdra åt förvaltningen att rapportera utfallet senast den 30 september 2023."
    doc = _one_extract(text, ("15/6 2023", date(2023, 6, 15)), ("den 30 september 2023", date(2023, 9, 30)))
    assert sorted(c.attribute for c in claims_for(doc) if c.attribute.startswith("deadline")) == ["deadline", "deadline_report"]
    assert [f for f in check([doc]) if f.kind == "conflicting_deadline"] == []


def test_two_different_dates_for_the_same_answer_still_conflict():
    text = "Beslutet ska meddelas senast 15/6 2023.\n\nSvar lämnas till förbundet senast den 30 juni 2023."
    doc = _one_extract(text, ("15/6 2023", date(2023, 6, 15)), ("den 30 juni 2023", date(2023, 6, 30)))
    assert [tuple(f.values) for f in check([doc]) if f.kind == "conflicting_deadline"] == [("2023-06-15", "2023-06-30")]


def test_a_members_absence_notice_is_no_claim_about_the_matter():
    text = "Kallelse\n\nFörhinder anmäls till sekreteraren senast den 2 december 2024."
    doc = _one_extract(text, ("den 2 december 2024", date(2024, 12, 2)))
    assert [c for c in claims_for(doc) if c.attribute.startswith("deadline")] == []
