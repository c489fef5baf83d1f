from pathlib import Path

import pytest

from extractors.periods import extract_periods

SEEDS = Path(__file__).parents[2] / "samples/seeds"


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Avtalet gäller 2021-2024.", [("2021-2024", 2021, 2024, None)]),
        ("Planen gäller i tre år (2022-2024).", [("2022-2024", 2022, 2024, 3)]),
        ("gäller för 5 år (2019–2023)", [("2019–2023", 2019, 2023, 5)]),
        ("Finansieringen gäller för fyra år (2020-2024).", [("2020-2024", 2020, 2024, 4)]),
        ("under åren 2015-2016", [("2015-2016", 2015, 2016, None)]),
        ("fokusområden för 2026–2027 omfattar", [("2026–2027", 2026, 2027, None)]),
        ("under tva ar 2023 - 2024", [("2023 - 2024", 2023, 2024, 2)]),
        ("perioden 1998-2002 och 2010-2012", [("1998-2002", 1998, 2002, None), ("2010-2012", 2010, 2012, None)]),
    ],
)
def test_periods(text, expected):
    assert [(p.text, p.start, p.end, p.stated_years) for p in extract_periods(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Justeringens plats och tid 2021-02-08 kl. 10:00",  # a date
        "Telefon 2010-2020 00",  # a phone-like string after "Telefon"
        "Dnr 2019-2021/KS",  # a case number
        "Paragrafer 1031–1044",  # paragraph range, not years
        "mellan 2024-2019",  # end before start
        "1850-1860",  # implausible years
        "2001-2050",  # longer than 20 years
        "Paragrafer 12-20\n2011-2012\n",  # page furniture under a cover's Paragrafer line
    ],
)
def test_not_periods(text):
    assert extract_periods(text) == []


def test_spans_and_rule():
    [period] = extract_periods("i fyra år (2020-2023)", base=10)
    assert (period.span.start, period.span.end, period.rule) == (21, 30, "year_range+stated_length")


def test_seed_001_periods():
    periods = extract_periods(seed("001"))
    assert {(p.text, p.stated_years) for p in periods} == {
        ("2020-2023", 4), ("2020-2024", 4), ("2020-2024", None), ("2017-2018", None),
    }
    assert all(p.text not in ("2007-2008", "2008-2009") for p in periods)


def test_seed_000_earlier_recommendation_period():
    assert [(p.start, p.end) for p in extract_periods(seed("000"))] == [(2017, 2018)]
