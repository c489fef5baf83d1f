"""deadline_before_document and duration_mismatch."""

from datetime import date

from pipeline.consistency.check import matter_claims
from pipeline.consistency.rules.dates import deadline_before_document, duration_mismatch
from tests.rules.helpers import datefact, facts, period

TEXT = "Brev\n2021-02-10\n\nKommunerna ska meddela sitt beslut senast den 30 april {year}."


def _flags(year: int):
    text = TEXT.format(year=year)
    doc = facts(
        "d",
        text,
        date(2021, 2, 10),
        dates=[
            datefact(text, "2021-02-10", date(2021, 2, 10), "document"),
            datefact(text, f"30 april {year}", date(year, 4, 30), "deadline"),
        ],
    )
    return deadline_before_document(matter_claims([doc], {"d": "m"}))


def test_deadline_before_the_letter_date_is_flagged():
    flags = _flags(2020)
    assert [(f.kind, f.severity, f.values) for f in flags] == [
        ("deadline_before_document", "error", ["2020-04-30", "2021-02-10"])
    ]


def test_deadline_after_the_letter_date_is_fine():
    assert _flags(2021) == []


def test_deadline_reported_in_past_tense_is_history():
    text = "Brev\n2021-02-10\n\nSvar skulle lämnas senast den 30 april 2020."
    doc = facts(
        "d",
        text,
        date(2021, 2, 10),
        dates=[
            datefact(text, "2021-02-10", date(2021, 2, 10), "document"),
            datefact(text, "30 april 2020", date(2020, 4, 30), "deadline"),
        ],
    )
    assert deadline_before_document(matter_claims([doc], {"d": "m"})) == []


def test_stated_length_shorter_than_the_range():
    text = "Avtalet gäller i tre år (2022-2025)."
    flags = duration_mismatch([facts("t", text, date(2021, 1, 1), periods=[period(text, "2022-2025")])])
    assert [(f.kind, f.values) for f in flags] == [("duration_mismatch", ["3 years", "2022-2025"])]


def test_stated_length_from_the_record_matching_the_range():
    text = "Avtalet gäller i fyra år (2022-2025)."
    p = period(text, "2022-2025", stated_years=4)
    assert duration_mismatch([facts("t", text, date(2021, 1, 1), periods=[p])]) == []


def test_range_without_stated_length():
    text = "Avtalet gäller 2022-2025."
    assert duration_mismatch([facts("t", text, date(2021, 1, 1), periods=[period(text, "2022-2025")])]) == []


def _date_range(text: str, needle: str, start: int, end: int, stated: int):
    from models.records import Period
    from tests.rules.helpers import span_of

    return Period(text=needle, start=start, end=end, stated_years=stated, span=span_of(text, needle), rule="date_range+stated_length")


def test_a_range_of_dates_is_measured_in_years_not_calendar_years():
    """1 July 2024 - 30 June 2026 is two years though it touches three calendar years."""
    text = "Projektet pågår i två år, 1 juli 2024 – 30 juni 2026."
    p = _date_range(text, "1 juli 2024 – 30 juni 2026", 2024, 2026, 2)
    assert duration_mismatch([facts("t", text, date(2024, 5, 2), periods=[p])]) == []


def test_a_range_of_dates_longer_than_stated_is_flagged():
    text = "Projektet pågår i två år, 1 januari 2024 – 31 december 2026."
    p = _date_range(text, "1 januari 2024 – 31 december 2026", 2024, 2026, 2)
    flags = duration_mismatch([facts("t", text, date(2023, 11, 2), periods=[p])])
    assert [(f.values, f.message) for f in flags] == [
        (["2 years", "2024-2026"], "Stated as 2 years but 1 januari 2024 – 31 december 2026 spans 3 years.")]
