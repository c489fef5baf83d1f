import pytest

from extractors.case_numbers import CaseKey, case_key, extract_case_numbers, parse_case_number, unique_case_numbers
from models.records import CaseNumber

# (printed text, [(normalised, year, register, serial, classification, rule)])
FORMS = [
        ("Dnr 2019/KS 0222 12\n\nUTDRAG", [("2019/KS 0222 12", 2019, "KS", "0222", "12", "year_register_serial")]),
        ("Dnr 2019/ÅON 0042 010", [("2019/ÅON 0042 010", 2019, "ÅON", "0042", "010", "year_register_serial")]),
        ("Diariumnummer\n2019/ÄON 0042\n", [("2019/ÄON 0042", 2019, "ÄON", "0042", None, "year_register_serial")]),
        ("Dnr 2021/BUN 0311 600", [("2021/BUN 0311 600", 2021, "BUN", "0311", "600", "year_register_serial")]),
        ("Diarienummer 00367/20221.1.1.", [("00367/2022", 2022, None, "00367", "1.1.1", "serial_year")]),
        ("Diarienummer 00512/2023 3.4.2", [("00512/2023", 2023, None, "00512", "3.4.2", "serial_year")]),
        ("Dnr KS 2019/123", [("KS 2019/123", 2019, "KS", "123", None, "register_year_serial")]),
        ("enligt KS/2019:123 och", [("KS 2019/123", 2019, "KS", "123", None, "register_year_serial")]),
        ("Ärende SBN 2020.0456", [("SBN 2020/0456", 2020, "SBN", "0456", None, "register_year_serial")]),
        ("Dnr 123/2019", [("123/2019", 2019, None, "123", None, "serial_year")]),
        ("Ärendenr: 18/00295", [("18/00295", 2018, None, "00295", None, "yy_serial")]),
        ("Vårt ärendenr: 22/00731", [("22/00731", 2022, None, "00731", None, "yy_serial")]),
        ("Ärendenummer SLK-2024-00074", [("SLK-2024-00074", 2024, "SLK", "00074", None, "register_dash_year_serial")]),
        # OCR-damaged labels: diacritics lost, letters swapped for symbols
        ("Arendenr: 22/00731", [("22/00731", 2022, None, "00731", None, "yy_serial")]),
        ("&rendenr: 21/01234", [("21/01234", 2021, None, "01234", None, "yy_serial")]),
        ("Diarienr 45/2021", [("45/2021", 2021, None, "45", None, "serial_year")]),
        ("med hänvisning till ärendenummer 18/00295.", [("18/00295", 2018, None, "00295", None, "yy_serial")]),
        # register-year/serial with a hyphen, labelled or not
        ("Diarienummer: KS-2023/00187", [("KS 2023/00187", 2023, "KS", "00187", None, "register_dash_year_slash_serial")]),
        ("remissen (MBN-2022/312) besvaras", [("MBN 2022/312", 2022, "MBN", "312", None, "register_dash_year_slash_serial")]),
        # register, then year-serial: only after a label (an unlabelled "LSS 2019-2020" is a year span)
        ("Dnr BUN 2023-00012", [("BUN 2023/00012", 2023, "BUN", "00012", None, "register_year_dash_serial")]),
        # year then serial, with / . or -: only after a label
        ("Dnr 2022/00123", [("2022/00123", 2022, None, "00123", None, "year_serial")]),
        ("Diarienr: 2021.0345", [("2021/0345", 2021, None, "0345", None, "year_serial")]),
        ("Dnr: 2022-000123", [("2022/000123", 2022, None, "000123", None, "year_serial")]),
]


@pytest.mark.parametrize(("text", "expected"), FORMS)
def test_case_number_forms(text, expected):
    got = [(c.normalised, c.year, c.register, c.serial, c.classification, c.rule) for c in extract_case_numbers(text)]
    assert got == expected


@pytest.mark.parametrize(
    "text",
    [
        "Justeringens plats och tid 2019-04-29 kl. 16:00",
        "Telefon: 08-452 70 00, 0703-20 85 41",
        "Mot bakgrund av SOU 2008:18 tecknade regeringen",
        "Org nr: 222000-0315",
        "MEDDELANDE FRÅN STYRELSEN NR 12/2022",
        "under år 2019/2020 och 15/6 2019",
        "Paragrafer 1031–1044\n2008-2009",
        "123/2019 utan etikett",
        "LSS 2019-2020 och KS 2021-2022",
        "2022/00123 utan etikett",
        "Dnr 2022-03-14",
    ],
)
def test_no_case_number_without_label_or_register_shape(text):
    assert extract_case_numbers(text) == []


def test_span_is_document_offset_and_raw_keeps_print():
    case = extract_case_numbers("xx\nDnr 2019/KS 0222 12\n", base=100)[0]
    assert (case.raw, case.span.page, case.span.start, case.span.end) == ("Dnr 2019/KS 0222 12", 0, 103, 122)


def test_unique_by_normalised_form():
    cases = extract_case_numbers("Ärendenr: 18/00295 ... ärendenummer 18/00295. Dnr KS 2019/1")
    assert [c.normalised for c in unique_case_numbers(cases)] == ["18/00295", "KS 2019/1"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a bare serial after its label
        ("Diarienummer 12345", [("12345", None, None, "12345", None, "label_serial")]),
        # a one-digit serial, right-aligned on a § heading line
        ("§ 12   Översyn av reglementet   Dnr 2023/7", [("2023/7", 2023, None, "7", None, "year_serial")]),
        # the archive class glued to the year by the PDF's columns
        ("Diarienummer 00412/20231.2.1.", [("00412/2023", 2023, None, "00412", "1.2.1", "serial_year")]),
        # a label glued by a colon to a register code with a dotted serial
        ("DNR:AB/2006.12", [("AB 2006/12", 2006, "AB", "12", None, "register_year_serial")]),
        # Finland-Swedish register/serial/archive class/year, printed without a label
        ("ABCD/417/00.03.05/2021", [("ABCD/417/00.03.05/2021", 2021, "ABCD", "417", "00.03.05", "register_serial_class_year")]),
        # OCR forms of the label
        ("Diarienummer. BUN 2024/0031", [("BUN 2024/0031", 2024, "BUN", "0031", None, "register_year_serial")]),
        ("Dnr. 2024/3", [("2024/3", 2024, None, "3", None, "year_serial")]),
        ("Diarienr: BUN 2024/0050", [("BUN 2024/0050", 2024, "BUN", "0050", None, "register_year_serial")]),
        ("Vårt dnr 2023/77", [("2023/77", 2023, None, "77", None, "year_serial")]),
    ],
)
def test_case_number_forms_of_other_templates(text, expected):
    got = [(c.normalised, c.year, c.register, c.serial, c.classification, c.rule) for c in extract_case_numbers(text)]
    assert got == expected


@pytest.mark.parametrize(
    "text",
    [
        "Kommunfullmäktige\nHandling 2023 nr 118",
        "Bolaget, org.nr 556677-8899, och Staden, organisationsnummer 556677-8899",
        "Dnr 2024",
        "Diarienummer 2024-05-12",
    ],
)
def test_handling_and_organisation_numbers_are_not_case_numbers(text):
    assert extract_case_numbers(text) == []


def test_confidence_is_lower_without_the_label():
    labelled, unlabelled = extract_case_numbers("Dnr KS 2024/17 och remissen KS 2024/18")
    assert [(c.normalised, c.confidence) for c in (labelled, unlabelled)] == [("KS 2024/17", 1.0), ("KS 2024/18", 0.7)]


# --- one grammar for code that holds a case number as text (pipeline.consistency.link) ------------------------------


@pytest.mark.parametrize(("text", "expected"), FORMS)
def test_normal_form_parses_back_to_its_parts(text, expected):
    """Every normal form the grammar writes reads back as itself: the same year, register and serial (a
    classification the normal form leaves out is gone)."""
    for normalised, year, register, serial, _classification, _rule in expected:
        case = parse_case_number(normalised)
        assert case is not None
        assert (case.normalised, case.year, case.register, case.serial) == (normalised, year, register, serial)
        assert (case.raw, case.span.start, case.span.end) == (normalised, 0, len(normalised))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dnr KS 2019/123", ("KS 2019/123", "register_year_serial", 1.0)),
        ("KS/2019:123", ("KS 2019/123", "register_year_serial", 0.7)),
        ("  SLK-2024-00074 ", ("SLK-2024-00074", "register_dash_year_serial", 0.7)),
        ("2019/KS 0222 12", ("2019/KS 0222 12", "year_register_serial", 0.7)),
        ("123/2019", ("123/2019", "serial_year", 1.0)),
        ("18/00295", ("18/00295", "yy_serial", 1.0)),
        ("2023/7", ("2023/7", "year_serial", 1.0)),
        ("4711", ("4711", "label_serial", 1.0)),
        ("Dnr 123/2019.", ("123/2019", "serial_year", 1.0)),
    ],
)
def test_parse_case_number(text, expected):
    case = parse_case_number(text)
    assert (case.normalised, case.rule, case.confidence) == expected


@pytest.mark.parametrize(
    "text",
    ["", "KS 2019/123 och KS 2019/124", "KS 2019/123 gäller", "ks 2019/123", "SOU 2008:18", "2019-04-29", "§ 12", "Dnr"],
)
def test_parse_case_number_rejects_what_is_not_one_case_number(text):
    assert parse_case_number(text) is None


def test_case_key_ignores_how_the_case_was_printed():
    parsed = CaseNumber(raw="2021/ÖFN 0077 100", normalised="2021/ÖFN 0077 100", year=2021, register="ÖFN", serial="0077")
    damaged = CaseNumber(raw="2021/OFN 77", normalised="2021/OFN 77", year=2021, register="OFN", serial="77")
    assert case_key(parsed) == case_key(damaged) == CaseKey(2021, "ofn", 77)
    # kept as text only: read from the normal form, else the raw text
    assert case_key(CaseNumber(raw="KS 2020/145", normalised="KS 2020/145")) == case_key(
        CaseNumber(raw="KS/2020:145", normalised="KS/2020:145")
    ) == CaseKey(2020, "ks", 145)
    assert case_key(CaseNumber(raw="Dnr 123/2019", normalised="")) == CaseKey(2019, "", 123)
    assert case_key(CaseNumber(raw="KS 2020/146", normalised="KS 2020/146")) != case_key(
        CaseNumber(raw="KS 2020/145", normalised="KS 2020/145")
    )


def test_case_key_needs_a_year_and_a_reading():
    assert case_key(CaseNumber(raw="Dnr 4711", normalised="4711", serial="4711")) is None
    assert case_key(CaseNumber(raw="se bilaga", normalised="se bilaga")) is None


def test_case_key_of_every_form_is_the_key_of_its_normal_form():
    for text, expected in FORMS:
        for case in extract_case_numbers(text):
            assert case_key(case) == case_key(CaseNumber(raw=case.normalised, normalised=case.normalised))
