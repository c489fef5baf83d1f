import pytest

from extractors.bodies import body_before, body_for_minutes_item, is_body_name, normalise_body, same_body
from extractors.minutes import minutes_body


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Kommunledningsutskottets", "Kommunledningsutskottet"),
        ("Arbetsmarknads- och socialnämndens", "Arbetsmarknads- och socialnämnden"),
        ("Äldre- och omsorgsnämndens", "Äldre- och omsorgsnämnden"),
        ("Barn- och utbildningsnämndens", "Barn- och utbildningsnämnden"),
        ("kommunstyrelsen", "Kommunstyrelsen"),
        ("Kommunfullmäktiges", "Kommunfullmäktige"),
        ("Kommunstyrelsens arbetsutskotts", "Kommunstyrelsens arbetsutskott"),
        ("Socialchefsnätverket", "Socialchefsnätverket"),
        ("SKL:s", "SKL"),
        ("Aldre- och omsorgsnamndens", "Aldre- och omsorgsnämnden"),  # OCR without diacritics: the body noun is restored
        ("  Miljö-  och byggnämnden ", "Miljö- och byggnämnden"),
    ],
)
def test_normalise_body(name, expected):
    assert normalise_body(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Tekniska nämnden", True), ("Regionstyrelsen", True), ("KS", True), ("Tyresö kommun", False), ("förslag", False)],
)
def test_is_body_name(name, expected):
    assert is_body_name(name) is expected


def test_body_before_takes_compound_name_only():
    text = "Bilagor: Miljö- och byggnämndens protokollsutdrag"
    assert body_before(text, text.index("protokollsutdrag") - 1) == ("Miljö- och byggnämnden", 9)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Socialchefsnätverket", "Socialchefsnätverket i Dalarna", True),
        ("Länsnätverket för äldreomsorg i Jämtland", "Länsnätverket för äldreomsorg", True),
        ("Kommunstyrelsens", "kommunstyrelsen", True),
        ("Socialnamnden", "Socialnämnden", True),
        ("Socialnämnden", "Socialchefsnätverket i Dalarna", False),
        ("Kommunstyrelsen", "Kommunfullmäktige", False),
        (None, "Kommunstyrelsen", False),
    ],
)
def test_same_body(a, b, expected):
    assert same_body(a, b) is expected


@pytest.mark.parametrize(
    ("rest", "expected"),
    [
        ("Socialchefsnätverket i Dalarna  ", "Socialchefsnätverket i Dalarna"),
        ("från mötet med Länsnätverket för äldreomsorg 2024-02-09", "Länsnätverket för äldreomsorg"),
        ("Styrgruppen, 12 mars 2024", "Styrgruppen"),
        ("250912", None),
        ("", None),
    ],
)
def test_minutes_body(rest, expected):
    assert minutes_body(rest) == expected


@pytest.mark.parametrize(
    ("printed", "heading", "expected"),
    [
        ("Socialchefsnätverket", "Socialchefsnätverket i Dalarna", "Socialchefsnätverket i Dalarna"),
        (None, "Socialchefsnätverket i Dalarna", "Socialchefsnätverket i Dalarna"),
        ("Styrgruppen", "Socialchefsnätverket i Dalarna", "Styrgruppen"),  # another body decided: keep it
        ("Styrgruppen", None, "Styrgruppen"),
    ],
)
def test_body_for_minutes_item(printed, heading, expected):
    assert body_for_minutes_item(printed, heading) == expected
