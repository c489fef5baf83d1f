from datetime import date
from pathlib import Path

import pytest

from extractors.dates import MONTHS, document_date, extract_dates
from extractors.meetings import extract_meetings
from extractors.patternfile import fragment
from extractors.text import DocText


def _document_date(text: str) -> date | None:
    """The document's date as extract_document reads it: from the meetings extracted once, then the letterheads."""
    doc = DocText.from_text(text)
    return document_date(doc, [], extract_meetings(doc, []))


def test_month_fragment_lists_the_months():
    """patterns/dates.jsonl spells the month names out for the regex (longest first); MONTHS gives their numbers."""
    assert fragment("month", "dates") == "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"


SEEDS = Path(__file__).parents[2] / "samples/seeds"


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "doc_date", "expected_text", "value", "role"),
    [
        ("Sammanträdesdatum 2021-02-03", None, "2021-02-03", date(2021, 2, 3), "meeting"),
        ("Datum 2020-11-05\nTid 09:00-11:00\nPlats Rådhuset", None, "2020-11-05", date(2020, 11, 5), "meeting"),
        ("Datum: 2023-03-09\n\nTid: 13.00-15.00", None, "2023-03-09", date(2023, 3, 9), "meeting"),
        ("Plats och tid: Stadshuset, 2023-03-14 kl. 08.30-11.45", None, "2023-03-14 kl. 08.30", date(2023, 3, 14), "meeting"),
        ("Tid och plats  Onsdagen den 7 februari 2024, kl. 13.00", None, "Onsdagen den 7 februari 2024, kl. 13.00",
         date(2024, 2, 7), "meeting"),
        ("Tid: 2022-05-10 kl. 18.30", None, "2022-05-10 kl. 18.30", date(2022, 5, 10), "meeting"),
        ("Tid för inlämning 2023-05-01 kl 12", None, "2023-05-01 kl 12", date(2023, 5, 1), "event"),
        ("Justeringens plats och tid 2021-02-08 kl. 10:00", None, "2021-02-08 kl. 10:00", date(2021, 2, 8), "adjusted"),
        ("Justeringens plats\n och tid Stadshuset 2021-02-09", None, "2021-02-09", date(2021, 2, 9), "adjusted"),
        ("Datum då anslaget sätts upp 2021-02-10", None, "2021-02-10", date(2021, 2, 10), "notice_posted"),
        ("Datum da anslaget tas ned 2021-03-04", None, "2021-03-04", date(2021, 3, 4), "notice_removed"),
        ("Svar önskas senast den 30 september 2021.", None, "den 30 september 2021", date(2021, 9, 30), "deadline"),
        ("Beslutet ska meddelas oss senast 1/10 2021.", None, "1/10 2021", date(2021, 10, 1), "deadline"),
        ("Senast den **3 maj 2022** vill vi ha svar", None, "3 maj 2022", date(2022, 5, 3), "deadline"),
        ("Styrelsen beslutade vid sitt sammanträde den 9 mars 2020 att", None, "den 9 mars 2020", date(2020, 3, 9), "decision"),
        ("Förbundet har vid sammanträde den 2 oktober 2020 beslutat:", None, "den 2 oktober 2020", date(2020, 10, 2), "decision"),
        ("Nätverket beslutade 240517 att anta planen", date(2024, 9, 1), "240517", date(2024, 5, 17), "decision"),
        ("3. Föregående minnesanteckningar 240823 (Bilaga A)", date(2024, 9, 20), "240823", date(2024, 8, 23), "event"),
        ("Vid mötet den 12 mars beslutades", date(2024, 4, 2), "den 12 mars", date(2024, 3, 12), "event"),
        ("Konferensen planeras till torsdagen den 5 mars 2026 i Gävle.", None, "torsdagen den 5 mars 2026", date(2026, 3, 5), "event"),
        ("Den 14/9 kl. 10-12 har vi ett webbinarium", date(2020, 6, 1), "Den 14/9 kl. 10", date(2020, 9, 14), "event"),
        ("tisdag 2020-02-11 09:12", None, "tisdag 2020-02-11 09:12", date(2020, 2, 11), "document"),
        ("\n2017-11-30\n\nAnna Andersson\nHandläggare", None, "2017-11-30", date(2017, 11, 30), "document"),
        ("Skickat: 2020-02-11:09:12", None, "2020-02-11:09:12", date(2020, 2, 11), "document"),
        ("i enlighet med beslut 2019-01-01 gäller", None, "2019-01-01", date(2019, 1, 1), "other"),
        ("Kommunstyrelsens arbetsutskott 2023-02-14 § 31", None, "2023-02-14", date(2023, 2, 14), "decision"),
        ("Kommunfullmäktige 2021-11-22, § 145", None, "2021-11-22", date(2021, 11, 22), "decision"),
        # OCR without diacritics
        ("Sammantradesdatum 2018-10-01", None, "2018-10-01", date(2018, 10, 1), "meeting"),
        ("svar senast den 1 december 2022", None, "den 1 december 2022", date(2022, 12, 1), "deadline"),
    ],
)
def test_date_forms_and_roles(text, doc_date, expected_text, value, role):
    facts = extract_dates(text, doc_date=doc_date)
    assert [(f.text, f.value, f.role) for f in facts] == [(expected_text, value, role)]


def test_clock_is_kept_beside_the_date():
    [fact] = extract_dates("Justeringens plats och tid 2021-02-08, kl. 13:30")
    assert (fact.value, fact.time, fact.rule) == (date(2021, 2, 8), "13:30", "iso/role.adjusted")


@pytest.mark.parametrize(
    ("text", "doc_date", "value"),
    [
        ("vid sitt möte den 26 september", date(2025, 10, 17), date(2025, 9, 26)),
        ("nästa möte den 15 januari", date(2024, 12, 10), date(2025, 1, 15)),
        ("föregående möte den 20 december", date(2025, 1, 8), date(2024, 12, 20)),
        ("inför mötet 231005", date(2023, 9, 28), date(2023, 10, 5)),
    ],
)
def test_yearless_and_compact_dates_take_the_nearest_year(text, doc_date, value):
    assert [f.value for f in extract_dates(text, doc_date=doc_date)] == [value]


@pytest.mark.parametrize(
    "text",
    [
        "Telefon 070-123 45 67, org nr 212000-1234",
        "BORAS 114592 66 928 150 588",
        "Dnr 18/00295 och 22/00731",
        "en fjärdedel, 1/4 av kostnaden",
        "den 26 september",  # year-less without a document date is left unresolved
        "beslutade 251340 att",  # invalid month
        "2019-13-45",
    ],
)
def test_not_dates(text):
    assert extract_dates(text) == []


def test_compact_date_far_from_document_date_is_rejected():
    assert extract_dates("protokoll 120101", doc_date=date(2025, 1, 1)) == []


def test_spans_are_relative_to_base():
    [fact] = extract_dates("xx 2020-01-02", base=100)
    assert (fact.span.page, fact.span.start, fact.span.end) == (0, 103, 113)


def test_seed_001_deadlines_and_decision():
    facts = extract_dates(seed("001"), doc_date=date(2019, 5, 15))
    deadlines = {f.value for f in facts if f.role == "deadline"}
    assert deadlines == {date(2019, 6, 15), date(2018, 6, 15)}
    assert date(2018, 12, 14) in {f.value for f in facts if f.role == "decision"}
    covers = {(f.value, f.role) for f in facts if f.role in ("meeting", "adjusted", "notice_posted", "notice_removed")}
    assert covers == {
        (date(2019, 4, 24), "meeting"), (date(2019, 4, 29), "adjusted"),
        (date(2019, 5, 2), "notice_posted"), (date(2019, 5, 24), "notice_removed"),
        (date(2019, 4, 29), "meeting"), (date(2019, 4, 30), "adjusted"),
        (date(2019, 4, 30), "notice_posted"), (date(2019, 5, 22), "notice_removed"),
        (date(2019, 5, 15), "meeting"), (date(2019, 5, 20), "adjusted"),
        (date(2019, 5, 22), "notice_posted"), (date(2019, 6, 13), "notice_removed"),
    }
    mail = [f for f in facts if f.text == "onsdag 2019-03-06 15:34"]
    assert mail and mail[0].role == "document" and mail[0].time == "15:34"


def test_seed_004_compact_and_yearless_dates():
    facts = extract_dates(seed("004"), doc_date=date(2025, 10, 17))
    by_text = {}
    for f in facts:
        by_text.setdefault(f.text, set()).add((f.value, f.role))
    assert by_text["2025-10-17"] == {(date(2025, 10, 17), "meeting")}
    assert by_text["250912"] == {(date(2025, 9, 12), "event")}
    assert by_text["250411"] == {(date(2025, 4, 11), "decision")}
    assert by_text["den 26 september"] == {(date(2025, 9, 26), "decision")}


def test_seed_000_letter_date_and_informationstillfalle():
    facts = extract_dates(seed("000"), doc_date=date(2018, 6, 27))
    assert [(f.value, f.role) for f in facts] == [
        (date(2018, 6, 27), "document"), (date(2018, 6, 27), "document"), (date(2018, 8, 21), "event"),
    ]


@pytest.mark.parametrize(("prefix", "expected"), [("000", date(2018, 6, 27)), ("001", date(2019, 5, 15)), ("004", date(2025, 10, 17))])
def test_document_date_of_seeds(prefix, expected):
    assert _document_date(seed(prefix)) == expected


# --- a year stated by the context governs year-less dates -------------------------

PROCESS_LIST = (
    "Beredningsprocess under 2016:\n\n"
    "1. Information till presidiet 3 februari.\n"
    "2. Avstämning med nätverket 11 mars, 20 maj och 9 september.\n"
    "3. Beslut i förbundsstyrelsen 8 december.\n\n"
    "Svar önskas den 2 juni."
)


@pytest.mark.parametrize(
    ("text", "doc_date", "expected"),
    [
        # a heading "… under YYYY:" governs its numbered list, even where the nearest year would differ
        (PROCESS_LIST, date(2017, 4, 1), [
            ("3 februari", date(2016, 2, 3), "event"), ("11 mars", date(2016, 3, 11), "event"),
            ("20 maj", date(2016, 5, 20), "event"), ("9 september", date(2016, 9, 9), "event"),
            ("8 december", date(2016, 12, 8), "event"),
            ("den 2 juni", date(2017, 6, 2), "deadline"),  # after the list: nearest to the document date again
        ]),
        # OCR-wrapped list items: the date on an item's second line still belongs to the list
        ("Forankringsprocess under 2016:\n\n1. Information till beredningen for socialpolitik\noch aldreomsorg 19 april.\n\n"
         "2. Information till AU 14 juni.\n", date(2017, 5, 1), [
             ("19 april", date(2016, 4, 19), "event"), ("14 juni", date(2016, 6, 14), "event"),
         ]),
        # "år YYYY" heading without a colon, a bulleted list with wrapped lines
        ("Mötesplan år 2030\n- 14 januari, digitalt\n  via länk\n- 2 december\n\nNästa termin startar den 10 januari.",
         date(2029, 12, 20), [
             ("14 januari", date(2030, 1, 14), "event"), ("2 december", date(2030, 12, 2), "event"),
             ("den 10 januari", date(2030, 1, 10), "event"),
         ]),
        # "YYYY:" heading, lettered items separated by blank lines
        ("Sammanträden 2027:\n\na) 18 februari\n\nb) 4 november\n\nÖvrigt\nUppföljning den 1 mars.", date(2028, 1, 10), [
            ("18 februari", date(2027, 2, 18), "event"), ("4 november", date(2027, 11, 4), "event"),
            ("den 1 mars", date(2028, 3, 1), "other"),
        ]),
        # the same sentence: "Under YYYY …" governs the list that follows it, not the next sentence
        ("Under 2015 hölls möten 12 april, 3 maj och 6 oktober. Nästa möte den 20 maj.", date(2016, 3, 1), [
            ("12 april", date(2015, 4, 12), "event"), ("3 maj", date(2015, 5, 3), "event"),
            ("6 oktober", date(2015, 10, 6), "event"), ("den 20 maj", date(2016, 5, 20), "event"),
        ]),
        # a year inside a range or a law reference states no context
        ("Planen gäller år 2020-2023 enligt lag 2017:725 och ses över den 3 april.", date(2021, 1, 10), [
            ("den 3 april", date(2021, 4, 3), "other"),
        ]),
    ],
)
def test_year_stated_by_context_governs_yearless_dates(text, doc_date, expected):
    assert [(f.text, f.value, f.role) for f in extract_dates(text, doc_date=doc_date)] == expected


def test_seed_001_process_list_takes_the_heading_year():
    facts = extract_dates(seed("001"), doc_date=date(2019, 5, 15))
    listed = [f for f in facts if f.rule.startswith("long_yearless")]
    assert listed and {f.value.year for f in listed if f.value.month != 6} == {2018}
    assert {(f.text, f.role) for f in listed} >= {("19 april", "event"), ("13 september", "event")}


# --- day/month without year, "den" or clock ----------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "role"),
    [
        ("Nästa möte 21/8.", date(2030, 8, 21), "event"),
        ("Nästa sammanträde 4/9 i stadshuset.", date(2030, 9, 4), "event"),
        ("Nästa avstämning sker 12/10.", date(2030, 10, 12), "event"),
        ("Svaret ska lämnas senast 30/9.", date(2030, 9, 30), "deadline"),
        ("Utskottet håller sammanträde 3/7 kl 13.", date(2030, 7, 3), "event"),
    ],
)
def test_bare_day_month_is_a_date_when_context_says_so(text, value, role):
    facts = extract_dates(text, doc_date=date(2030, 6, 10))
    assert [(f.value, f.role) for f in facts] == [(value, role)]


@pytest.mark.parametrize(
    "text",
    ["Kommunen står för 1/4 av kostnaden.", "fördelas till 2/3 av beloppet", "en andel om 1/5 delar", "Resultatet blev 3/4."],
)
def test_fractions_are_not_dates(text):
    assert extract_dates(text, doc_date=date(2030, 6, 10)) == []


# --- decisions of other bodies -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected_text", "value"),
    [
        ("Förbundet har i meddelande från styrelsen den 3 mars 2031 rekommenderat medlemmarna att", "den 3 mars 2031",
         date(2031, 3, 3)),
        ("Miljönämnden behandlade ärendet 2031-02-11 § 17.", "2031-02-11", date(2031, 2, 11)),
        ("Kommunstyrelsen har behandlat ärendet den 9 januari 2031, § 4.", "den 9 januari 2031", date(2031, 1, 9)),
        ("Regionstyrelsen beslutade den 30 april 2031 att anta planen.", "den 30 april 2031", date(2031, 4, 30)),
        ("Byggnadsnämnden har den 2 maj 2031 beslutat att", "den 2 maj 2031", date(2031, 5, 2)),
        ("Styrelsen har 2031-06-01 § 12 rekommenderat kommunerna", "2031-06-01", date(2031, 6, 1)),
    ],
)
def test_decision_dates_of_other_bodies(text, expected_text, value):
    assert [(f.text, f.value, f.role) for f in extract_dates(text)] == [(expected_text, value, "decision")]


# --- the document date of letters and bundles of letters ----------------------------

LETTER_BUNDLE = (
    "Sammanfattning av tidigare beslut och bilagor utan eget datum.\n" + "Text om bakgrunden.\n" * 80 +
    "Förbundet  MEDDELANDE FRÅN   Vårt ärendenr:\n  STYRELSEN NR 3/2029  29/00117\n\n2029-03-02\n\nMedlemmarna\n\n"
    "Meddelande från styrelsen - Ny avgift\n\n" + "Mer text.\n" * 40 +
    "Förbundet  MEDDELANDE FRÅN   Vårt ärendenr:\n  STYRELSEN NR 9/2030  30/00201\n\n2030-11-20\n\nMedlemmarna\n\n"
    "Meddelande från styrelsen - Förlängd avgift\n\nStyrelsen beslutade den 12 november 2030.\n"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (LETTER_BUNDLE, date(2030, 11, 20)),  # the newest letter of the bundle
        (LETTER_BUNDLE.split("Mer text.")[0], date(2029, 3, 2)),  # one letterhead deep inside the text
        ("Rapport om arbetet under 2012\n\nInnehåll\n" + "Text.\n" * 50, None),  # no date printed: none invented
    ],
)
def test_document_date_of_letters(text, expected):
    assert _document_date(text) == expected


@pytest.mark.parametrize(("prefix", "expected"), [("002", None), ("003", date(2022, 6, 10))])
def test_document_date_of_report_and_ocr_bundle(prefix, expected):
    assert _document_date(seed(prefix)) == expected
