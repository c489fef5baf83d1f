from pathlib import Path

import pytest

from extractors.municipality import detect_municipality
from models.municipalities import registry, resolve

SEEDS = Path(__file__).parents[2] / "samples/seeds"


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def test_registry_holds_all_290():
    assert len(registry().municipalities) == 290


@pytest.mark.parametrize(
    ("name", "code", "canonical"),
    [
        ("Tyresö", "0138", "Tyresö"),
        ("TYRESO", "0138", "Tyresö"),
        ("Tyresö kommuns", "0138", "Tyresö"),
        ("Stockholms stad", "0180", "Stockholm"),
        ("GOTEBORG", "1480", "Göteborg"),
        ("Göteborgs Stad", "1480", "Göteborg"),
        ("Lunds kommun", "1281", "Lund"),
        ("Borås kommuns", "1490", "Borås"),
        ("Malung-Sälen", "2023", "Malung-Sälen"),
        ("MALUNG SALEN", "2023", "Malung-Sälen"),
        ("Upplands Bro", "0139", "Upplands-Bro"),
        ("Håbo kommun", "0305", "Håbo"),
        ("Habo", "0643", "Habo"),
        ("Mark", "1463", "Mark"),
    ],
)
def test_resolve(name, code, canonical):
    found = resolve(name)
    assert (found.code, found.name) == (code, canonical)


@pytest.mark.parametrize("word", ["mark", "vara", "berg", "Kommunen", "Dalarna", "Region Dalarna", "", "Sveriges Kommuner"])
def test_resolve_rejects_ordinary_words(word):
    assert resolve(word) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lunds kommun\nSocialförvaltningen\n\nTJÄNSTESKRIVELSE", ("Lund", "1281")),
        ("§ 12\n1. Kiruna kommun antar rekommendationen.\n2. Kostnaden belastar nämnden.", ("Kiruna", "2584")),
        ("Protokoll\nKommunstyrelsen i Vara kommun\n\n§ 4", ("Vara", "1470")),
        ("UMEA KOMMUN\nSocialtjänsten", ("Umeå", "2480")),
        # a contact table naming many municipalities decides nothing
        ("Län/kommun\tNamn\nSkåne/Osby\tA B\nSkåne/Lund\tC D\nOsby kommun\tE F", None),
        # an affiliation is not an issuer
        ("Föredragande: Kim Ek, socialchef, Borlänge kommun", None),
        ("Sveriges Kommuner och Regioner\nTill kommunstyrelserna", None),
        # two issuers of equal weight: undecided
        ("Ale kommun\n\nLerum kommun\n", None),
    ],
)
def test_detect_municipality(text, expected):
    assert detect_municipality(text) == expected


@pytest.mark.parametrize(("prefix", "expected"), [("000", None), ("001", ("Tyresö", "0138")), ("002", None), ("003", None), ("004", None)])
def test_detect_municipality_on_seeds(prefix, expected):
    assert detect_municipality(seed(prefix)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Göteborgs Stad\n\nProtokollsutdrag\nKommunstyrelsen", ("Göteborg", "1480")),
        ("GÖTEBORGS STAD\nStadsledningskontoret", ("Göteborg", "1480")),
        ("Stockholms stad\nSocialförvaltningen", ("Stockholm", "0180")),
        ("Malmö Stad\n\nTJÄNSTESKRIVELSE", ("Malmö", "1280")),
        ("Göteborgs Stad stadsledningskontoret\nYttrande", ("Göteborg", "1480")),
        ("MALMÖ STADS\nKommunstyrelse", ("Malmö", "1280")),
        # a city named in a sentence or a table is not the issuer
        ("Yttrandet skickas till Göteborgs Stad och andra remissinstanser.", None),
        ("Ort\tKontakt\tTelefon\nGöteborgs Stad\tA B\t031-1\nMalmö stad\tC D\t040-1", None),
    ],
)
def test_city_letterheads(text, expected):
    assert detect_municipality(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # no letterhead: the municipality the running text keeps naming
        ("Tekniska nämnden\n§ 4 Förfrågan om Ystads kommun vill sälja marken\nYstads kommun äger fastigheten sedan 1990."
         "\nMarken arrenderas av Ystads kommun till en förening.", ("Ystad", "1286")),
        ("Revisionsberättelse\nVi har granskat Borås Stads nämnder. Borås Stads revisorer bedömer\nverksamheten i Borås Stad"
         " som tillfredsställande.", ("Borås", "1490")),
        # Region Gotland is the municipality of Gotland
        ("Regionstyrelsen\nRegion Gotland har utrett frågan.\nRegion Gotland föreslås anta planen.\nBeslutet gäller Region Gotland.",
         ("Gotland", "0980")),
        # a neighbour in a joint matter named nearly as often decides nothing, nor does a single mention
        ("Ystads kommun och Skurups kommun samarbetar. Ystads kommun och Skurups kommun delar kostnaden.", None),
        ("Remissen kommer från Ystads kommun.", None),
    ],
)
def test_municipality_named_only_in_the_running_text(text, expected):
    assert detect_municipality(text) == expected
