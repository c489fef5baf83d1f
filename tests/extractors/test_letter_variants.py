"""Documents other than protocols (benchmarks/gold/variants): a municipality's letter to a region, a kallelse with
its föredragningslista, a tjänsteskrivelse; and the general forms they exercise, each on a tiny text."""

from datetime import date
from pathlib import Path

import pytest

from extractors.amounts import extract_amounts
from extractors.dates import extract_dates
from extractors.document import extract_document
from extractors.municipality import detect_municipality
from extractors.periods import extract_periods
from models.records import PageMethod, PageText

VARIANTS = Path(__file__).parents[2] / "benchmarks/gold/variants"


def extract(name: str):
    text = (VARIANTS / f"{name}.txt").read_text()
    return extract_document([PageText(number=n, text=t, method=PageMethod.TEXT) for n, t in enumerate(text.split("\f"), 1)])


def amounts(ex):
    return [(a.text, a.value, a.unit, a.approximate, a.per) for a in ex.amounts]


def periods(ex):
    return [(p.text, p.start, p.end, p.stated_years) for p in ex.periods]


def dates(ex):
    return [(d.text, d.value, d.role) for d in ex.dates]


# --- the three documents --------------------------------------------------------------------------------------


def test_letter_to_region_with_reference_grid_amounts_periods_and_deadline():
    ex = extract("harnosand_letter_to_region")
    assert (ex.doc_type, ex.municipality, ex.municipality_code, ex.date) == ("letter", "Härnösand", "2280", date(2025, 2, 10))
    assert [c.normalised for c in ex.case_numbers] == ["KS 2025/0087", "24/01122"]
    assert ex.items == []
    assert dates(ex) == [
        ("2025-02-10", date(2025, 2, 10), "document"),
        ("den 4 februari 2025", date(2025, 2, 4), "decision"),
        ("1 januari 2025", date(2025, 1, 1), "other"),
        ("31 december 2026", date(2026, 12, 31), "other"),
        ("fredag den 14 mars 2025", date(2025, 3, 14), "deadline"),
    ]
    assert ex.dates[0].span.page == 1 and ex.dates[-1].span.page == 2
    assert periods(ex) == [
        ("2024–2027", 2024, 2027, None),
        ("2024–2027", 2024, 2027, None),
        ("fr.o.m. 2024 t.o.m. 2026", 2024, 2026, None),
        ("1 januari 2025 – 31 december 2026", 2025, 2026, None),
        ("åren 2025 och 2026", 2025, 2026, None),
    ]
    assert amounts(ex) == [
        ("1,2 mnkr", 1_200_000, "SEK", False, None),
        ("350 tkr", 350_000, "SEK", False, None),
        ("12,5 miljoner kronor", 12_500_000, "SEK", False, None),
        ("2 400 000 kronor", 2_400_000, "SEK", False, None),
        ("ca 40 kr per invånare", 40, "SEK", True, "capita"),
        ("3,5 procent", 3.5, "%", False, None),
        ("12 %", 12, "%", False, None),
    ]


def test_kallelse_is_an_agenda_of_one_meeting_not_minutes():
    ex = extract("skelleftea_bun_kallelse")
    assert (ex.doc_type, ex.municipality_code, ex.date) == ("agenda", "2482", date(2024, 11, 27))
    [called] = ex.meetings
    assert (called.body, called.date, called.time, called.place, called.chair, called.secretary) == (
        "Barn- och utbildningsnämnden", date(2024, 12, 4), "13:30", "Stadshuset, sammanträdesrum Kåge", "Maria Lundgren", "Johan Nyström")
    assert (called.paragraph_range, called.adjusters, called.attendance) == (None, [], [])
    assert [(i.number, i.paragraph, i.case_number.normalised if i.case_number else None) for i in ex.items] == [
        ("1", None, None), ("2", None, None), ("3", None, "BUN 2024/0214"), ("4", None, "BUN 2024/0188"),
        ("5", None, "BUN 2024/0097"), ("6", None, "BUN 2024/0003"), ("7", None, None)]
    assert {(i.body, i.meeting_date, i.decision_kind) for i in ex.items} == {
        ("Barn- och utbildningsnämnden", date(2024, 12, 4), None)}
    assert dates(ex) == [
        ("2024-11-27", date(2024, 11, 27), "document"),
        ("Onsdagen den 4 december 2024 kl. 13.30", date(2024, 12, 4), "meeting"),
        ("den 9 december 2024", date(2024, 12, 9), "adjusted"),
        ("den 20 januari 2025", date(2025, 1, 20), "deadline"),
        ("den 2 december", date(2024, 12, 2), "deadline"),
    ]
    assert periods(ex) == [("2025–2027", 2025, 2027, None)]
    assert amounts(ex) == [("4,8 mnkr", 4_800_000, "SEK", False, None), ("1 612 miljoner kronor", 1_612_000_000, "SEK", False, None)]


def test_tjansteskrivelse_with_capital_letterhead_and_cost_table_in_tkr():
    ex = extract("sundsvall_sn_tjansteskrivelse")
    assert (ex.doc_type, ex.municipality, ex.municipality_code, ex.date) == ("letter", "Sundsvall", "2281", date(2025, 3, 18))
    assert dates(ex) == [("2025-03-18", date(2025, 3, 18), "document"), ("den 30 november 2025", date(2025, 11, 30), "deadline")]
    assert periods(ex) == [("2025–2027", 2025, 2027, None), ("2025-2027", 2025, 2027, 3)]
    assert amounts(ex)[:5] == [
        ("3,6 mnkr", 3_600_000, "SEK", False, None),
        ("cirka 2,1 miljoner kronor", 2_100_000, "SEK", True, None),
        ("500 tkr per år", 500_000, "SEK", False, "year"),
        ("ungefär 1 450 kronor", 1_450, "SEK", True, None),
        ("25 procent", 25, "%", False, None),
    ]
    table = [(a.text, a.value) for a in ex.amounts if a.rule == "amount.sek+table_caption"]
    assert table == [
        ("900", 900_000), ("700", 700_000), ("500", 500_000), ("2 100", 2_100_000),
        ("500", 500_000), ("500", 500_000), ("500", 500_000), ("1 500", 1_500_000),
        ("1 400", 1_400_000), ("1 200", 1_200_000), ("1 000", 1_000_000), ("3 600", 3_600_000),
    ]


# --- periods ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Avtalet gäller fr.o.m. 2024 t.o.m. 2026.", [("fr.o.m. 2024 t.o.m. 2026", 2024, 2026, None)]),
        ("från och med år 2024 till och med år 2026", [("från och med år 2024 till och med år 2026", 2024, 2026, None)]),
        ("under två år, fom 2025 tom 2026", [("fom 2025 tom 2026", 2025, 2026, 2)]),
        ("medel för åren 2025 och 2026", [("åren 2025 och 2026", 2025, 2026, None)]),
        ("under perioden 1 januari 2025 – 31 december 2026", [("1 januari 2025 – 31 december 2026", 2025, 2026, None)]),
        ("perioden den 1 juli 2024 till den 30 juni 2026", [("den 1 juli 2024 till den 30 juni 2026", 2024, 2026, None)]),
        ("från 1 december – 31 mars 2026", [("1 december – 31 mars 2026", 2025, 2026, None)]),
        ("2025-01-01 – 2025-12-31", [("2025-01-01 – 2025-12-31", 2025, 2025, None)]),
        ("en treårsperiod 2020-2022", [("2020-2022", 2020, 2022, 3)]),
        ("en fyraårig satsning 2024–2027", [("2024–2027", 2024, 2027, 4)]),
        ("en 4-årig plan (2024-2027)", [("2024-2027", 2024, 2027, 4)]),
    ],
)
def test_worded_periods(text, expected):
    assert [(p.text, p.start, p.end, p.stated_years) for p in extract_periods(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "åren 2019 och 2023",  # two separate years
        "Mellan 2009 och 2015 minskade trycksåren",  # two points compared, not a period
    ],
)
def test_not_worded_periods(text):
    assert extract_periods(text) == []


# --- dates -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vår referens     Er referens     Datum\nAnna Berg        Per Ek          2025-02-10\n",
         [("2025-02-10", date(2025, 2, 10), "document")]),
        ("Vår referens\tDatum\nAnna Berg\t2025-02-10\n", [("2025-02-10", date(2025, 2, 10), "document")]),
        ("Dnr KS 2025/0087    Datum 2025-02-10\n", [("2025-02-10", date(2025, 2, 10), "document")]),
        ("Härnösand 2025-02-10\n", [("2025-02-10", date(2025, 2, 10), "document")]),
        ("Stockholm den 14 mars 2025\n", [("den 14 mars 2025", date(2025, 3, 14), "document")]),
        ("Beslutsdatum 2025-02-10\n", [("2025-02-10", date(2025, 2, 10), "other")]),
        ("Svara gärna före den 14 mars 2025.", [("den 14 mars 2025", date(2025, 3, 14), "deadline")]),
        ("Remisstiden går ut den 14 mars 2025.", [("den 14 mars 2025", date(2025, 3, 14), "deadline")]),
        ("Svar önskas 2025-03-14.", [("2025-03-14", date(2025, 3, 14), "deadline")]),
        ("Svarsdatum: 2025-03-14", [("2025-03-14", date(2025, 3, 14), "deadline")]),
        ("Före den 1 januari 2025 gällde andra regler.", [("den 1 januari 2025", date(2025, 1, 1), "other")]),
        ("utses att justera protokollet den 9 december 2024", [("den 9 december 2024", date(2024, 12, 9), "adjusted")]),
        # "den" ending "perioden" is no part of the date
        ("under perioden 1 januari 2025", [("1 januari 2025", date(2025, 1, 1), "other")]),
    ],
)
def test_letter_date_roles(text, expected):
    assert [(f.text, f.value, f.role) for f in extract_dates(text, doc_date=date(2025, 2, 10))] == expected


# --- amounts ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,5 miljon kronor", [("1,5 miljon kronor", 1_500_000, "SEK", False, None)]),
        ("1 miljard kronor", [("1 miljard kronor", 1e9, "SEK", False, None)]),
        ("2.400.000 kronor", [("2.400.000 kronor", 2_400_000, "SEK", False, None)]),
        ("ett underskott på −4,8 mnkr", [("−4,8 mnkr", -4_800_000, "SEK", False, None)]),
        ("10–15 mnkr", [("10–15 mnkr", 10_000_000, "SEK", False, None), ("15 mnkr", 15_000_000, "SEK", False, None)]),
        ("mellan 10 och 15 mnkr",
         [("10 och 15 mnkr", 10_000_000, "SEK", False, None), ("15 mnkr", 15_000_000, "SEK", False, None)]),
        ("ca 10-15 mnkr", [("ca 10-15 mnkr", 10_000_000, "SEK", True, None), ("15 mnkr", 15_000_000, "SEK", True, None)]),
        ("ökade från 10 till 15 procent", [("15 procent", 15, "%", False, None)]),
        ("år 2024 - 15 mnkr", [("15 mnkr", 15_000_000, "SEK", False, None)]),
        ("Belopp i tkr\n\tBudget\tUtfall\nLöner\t1 200\t1 350\n\nText.",
         [("1 200", 1_200_000, "SEK", False, None), ("1 350", 1_350_000, "SEK", False, None)]),
        ("Andel (%)\nÅr  2023  2024\nKvinnor  52  54\n", [("52", 52, "%", False, None), ("54", 54, "%", False, None)]),
        ("Antal platser (st)\nA\t12\t14\n", []),
        ("Kostnaden blir 5 mkr (netto).\nA  1  2\n", [("5 mkr", 5_000_000, "SEK", False, None)]),
    ],
)
def test_letter_amounts(text, expected):
    assert [(a.text, a.value, a.unit, a.approximate, a.per) for a in extract_amounts(text)] == expected


# --- municipality and document type ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SUNDSVALLS KOMMUN Socialtjänsten\n\nTJÄNSTESKRIVELSE\n", ("Sundsvall", "2281")),
        ("SUNDSVALLS KOMMUNS SOCIALFÖRVALTNING\n\nTJÄNSTESKRIVELSE\n", ("Sundsvall", "2281")),
        ("SUNDSVALLS KOMMUN                 TJÄNSTESKRIVELSE\n2025-03-18\n", ("Sundsvall", "2281")),
        ("Sundsvalls kommun                 Tjänsteskrivelse\n2025-03-18\n", ("Sundsvall", "2281")),
        ("SUNDSVALLS KOMMUN HAR BESLUTAT\n", None),
        # a row of a space-aligned contact list far below the page top
        ("Brev\n\n\n\n\n\n\n\nKontakter\nHärnösands kommun    Anna Berg    socialchef\n", None),
        # a region's letter: the municipality in its head is the addressee
        ("Region Västernorrland\nRegionstyrelsen\n\n2025-01-01\n\nHärnösands kommun\nKommunstyrelsen\n\nÄmne\n", None),
    ],
)
def test_letterhead_municipality(text, expected):
    assert detect_municipality(text) == expected


def test_reference_grid_without_typed_sections_is_a_letter():
    text = "Vår referens     Er referens     Datum\nAnna Berg        Per Ek          2025-02-10\n\nÄmne\n\nBrödtext.\n"
    ex = extract_document([PageText(1, text, PageMethod.TEXT)])
    assert (ex.doc_type, ex.date) == ("letter", date(2025, 2, 10))


def test_a_kallelse_without_a_body_line_names_the_body_it_calls():
    text = (
        "UMEÅ KOMMUN\n\nKALLELSE\n2024-05-02\n\nKallelse till sammanträde med Tekniska nämnden\n\n"
        "Tid: Torsdagen den 16 maj 2024 kl. 08.30\nPlats: Stadshuset\n\nFöredragningslista\n\n"
        "1. Val av justerare\n\n2. Budgetuppföljning\nDnr TN 2024/0011\n"
    )
    ex = extract_document([PageText(number=1, text=text, method=PageMethod.TEXT)])
    assert ex.doc_type == "agenda"
    assert [(m.body, m.date, m.time, m.place) for m in ex.meetings] == [("Tekniska nämnden", date(2024, 5, 16), "08:30", "Stadshuset")]
    assert {(i.body, i.meeting_date) for i in ex.items} == {("Tekniska nämnden", date(2024, 5, 16))}
