from pathlib import Path

import pytest

from extractors.amounts import extract_amounts

SEEDS = Path(__file__).parents[2] / "samples/seeds"


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kostnaden är 12,5 mkr", [("12,5 mkr", 12_500_000, "SEK", False, None)]),
        ("totalt 3 miljoner kronor", [("3 miljoner kronor", 3_000_000, "SEK", False, None)]),
        ("en ram på 4,2 mnkr", [("4,2 mnkr", 4_200_000, "SEK", False, None)]),
        ("budget 850 tkr", [("850 tkr", 850_000, "SEK", False, None)]),
        ("avgiften 2,10 kr/invånare", [("2,10 kr/invånare", 2.10, "SEK", False, "capita")]),
        ("ca 3 kronor per invånare och år", [("ca 3 kronor per invånare", 3.0, "SEK", True, "capita")]),
        ("cirka 41 000 kronor", [("cirka 41 000 kronor", 41_000, "SEK", True, None)]),
        ("ungefär 7\u00a0300 kr", [("ungefär 7\u00a0300 kr", 7_300, "SEK", True, None)]),
        ("drygt 120 000 kr/år", [("drygt 120 000 kr/år", 120_000, "SEK", True, "year")]),
        ("omkring 1 250 000 kronor", [("omkring 1 250 000 kronor", 1_250_000, "SEK", True, None)]),
        ("12 400 kronor", [("12 400 kronor", 12_400, "SEK", False, None)]),
        ("maximalt 8,5 mkr årligen", [("8,5 mkr årligen", 8_500_000, "SEK", False, "year")]),
        ("3 mkr per år", [("3 mkr per år", 3_000_000, "SEK", False, "year")]),
        ("60 procent av kostnaden", [("60 procent", 60.0, "%", False, None)]),
        ("en rabatt på 15 %", [("15 %", 15.0, "%", False, None)]),
        ("minskade från 14,3 % till 7,5 %", [("14,3 %", 14.3, "%", False, None), ("7,5 %", 7.5, "%", False, None)]),
        ("ca 80 procent av kommunerna", [("ca 80 procent", 80.0, "%", True, None)]),
        ("kostar 2 miljarder kronor", [("2 miljarder kronor", 2e9, "SEK", False, None)]),
        # The currency code in front of the number.
        ("ett anslag om SEK 2 400 000 för 2024", [("SEK 2 400 000", 2_400_000, "SEK", False, None)]),
        ("ramen är MSEK 12,5 per år", [("MSEK 12,5 per år", 12_500_000, "SEK", False, "year")]),
        ("ca TSEK 300", [("ca TSEK 300", 300_000, "SEK", True, None)]),
        ("underskott SEK -150 000", [("SEK -150 000", -150_000, "SEK", False, None)]),
        ("SEK 2 400 000 kronor", [("2 400 000 kronor", 2_400_000, "SEK", False, None)]),
        # OCR without diacritics
        ("ungefar 1,95 kr/invanare", [("ungefar 1,95 kr/invanare", 1.95, "SEK", True, "capita")]),
    ],
)
def test_amounts(text, expected):
    assert [(a.text, a.value, a.unit, a.approximate, a.per) for a in extract_amounts(text)] == expected


@pytest.mark.parametrize(
    "text",
    ["år 2019 och 2020", "48009 invånare", "§ 12 och 14", "Kristianstad kommun", "kryssa i rutan", "SEK-kurs 2024", "i SEK"],
)
def test_not_amounts(text):
    assert extract_amounts(text) == []


def test_rule_and_span():
    [amount] = extract_amounts("xx ca 5 mkr/år", base=100)
    assert (amount.span.start, amount.span.end, amount.rule) == (103, 114, "amount.sek+approx+per_year")


def test_seed_000_amounts_and_per_capita_examples():
    amounts = [(a.text, a.value, a.approximate, a.per) for a in extract_amounts(seed("000"))]
    assert ("cirka 19,5 mkr/år", 19_500_000, True, "year") in amounts
    assert ("1,95 kronor per invånare", 1.95, False, "capita") in amounts
    assert ("19,5 miljoner kronor per år", 19_500_000, False, "year") in amounts
    examples = [a for a in amounts if a[0].startswith("ca ") and a[0].endswith("kr/år")]
    assert examples == [
        ("ca 9 500 kr/år", 9_500, True, "year"),
        ("ca 95 000 kr/år", 95_000, True, "year"),
        ("ca 195 000 kr/år", 195_000, True, "year"),
    ]
    assert {a[1] for a in amounts if a[0] in ("14,6 mkr", "2,4 mkr", "2,5 mkr")} == {14_600_000, 2_400_000, 2_500_000}


def test_seed_001_amounts():
    amounts = [(a.text, a.value, a.approximate, a.per) for a in extract_amounts(seed("001"))]
    assert ("19,5 mkr årligen", 19_500_000, False, "year") in amounts
    assert ("ca 1,95 kr/invånare/år", 1.95, True, "capita") in amounts
    assert ("cirka 94 000 kronor", 94_000, True, None) in amounts
    assert ("16 200 kronor", 16_200, False, None) in amounts
    assert ("cirka 66 000 kronor", 66_000, True, None) in amounts
    assert ("ungefär 28 000 kronor", 28_000, True, None) in amounts
    assert ("70 procent", 70.0, False, None) in amounts
