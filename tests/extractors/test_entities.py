"""Entities named in a text: spaCy's EntityRuler over a blank Swedish pipeline, linked to codes and base forms."""

from pathlib import Path

import pytest

from extractors.entities import extract_entities, load_patterns, municipality_patterns, nlp
from extractors.text import DocText
from models.records import PageMethod, PageText

SEEDS = Path(__file__).parents[2] / "samples/seeds"


def entities(*pages: str) -> list[tuple[str, str, str]]:
    doc = DocText.from_pages([PageText(number=n, text=t, method=PageMethod.TEXT) for n, t in enumerate(pages, 1)])
    return [(e.label, e.text, e.value) for e in extract_entities(doc)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tyresö kommun medverkar till finansieringen.", [("municipality", "Tyresö kommun", "0138")]),
        ("Yttrande till Stockholms stad", [("municipality", "Stockholms stad", "0180")]),
        ("Beslutet skickas till Härnösands kommun.", [("municipality", "Härnösands kommun", "2280")]),
        ("GÖTEBORGS STAD", [("municipality", "GÖTEBORGS STAD", "1480")]),
        ("Malung-Sälens kommun och Mora kommun", [("municipality", "Malung-Sälens kommun", "2023"), ("municipality", "Mora kommun", "2062")]),
        # A bare name is also a surname or a word: no mention without "kommun" / "stad".
        ("Anna Lund (S) och Per Berg (M) deltog.", []),
        ("varje kommun ska vara med", []),
        ("mora kommun", []),  # all lower case: not a name
    ],
)
def test_municipalities_need_their_kommun_or_stad(text, expected):
    assert entities(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kommunstyrelsen beslutar", [("body", "Kommunstyrelsen", "Kommunstyrelsen")]),
        ("enligt Kommunledningsutskottets förslag", [("body", "Kommunledningsutskottets", "Kommunledningsutskottet")]),
        ("Arbetsmarknads- och socialnämnden har yttrat sig", [("body", "Arbetsmarknads- och socialnämnden", "Arbetsmarknads- och socialnämnden")]),
        ("Tekniska nämnden föreslår", [("body", "Tekniska nämnden", "Tekniska nämnden")]),
        ("KF beslutade 2019-06-17", [("body", "KF", "KF")]),
        # A body noun on its own points back to a body named elsewhere.
        ("Nämnden beslutar att lägga informationen till handlingarna.", []),
        ("Styrelsen har behandlat ärendet.", []),
    ],
)
def test_bodies_in_base_form(text, expected):
    assert entities(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sveriges Kommuner och Landsting rekommenderar", [("organisation", "Sveriges Kommuner och Landsting", "SKL")]),
        ("Sveriges kommuner och regioner (SKR)", [("organisation", "Sveriges kommuner och regioner", "SKR"), ("organisation", "SKR", "SKR")]),
        ("SKL:s styrelse", [("organisation", "SKL:s", "SKL")]),
        ("i samarbete med Region Värmlands kansli", [("organisation", "Region Värmlands", "Region Värmland")]),
        ("Region Västra Götaland och Region Jämtland Härjedalen", [
            ("organisation", "Region Västra Götaland", "Region Västra Götaland"),
            ("organisation", "Region Jämtland Härjedalen", "Region Jämtland Härjedalen")]),
        ("Region Örebro län", [("organisation", "Region Örebro län", "Region Örebro län")]),
        ("Region Västra Götalands yttrande", [("organisation", "Region Västra Götalands", "Region Västra Götaland")]),
        # A table of contacts: "Halland/Region" ends a cell and a person's name starts the next.
        ("Halland/Region Maria Nilsson Kontakt regional nivå", []),
        ("Socialstyrelsens föreskrifter", [("organisation", "Socialstyrelsens", "Socialstyrelsen")]),
        ("Länsstyrelsen i Dalarnas län", [("organisation", "Länsstyrelsen i Dalarnas län", "Länsstyrelsen i Dalarnas län")]),
        ("anmälan till Inspektionen för vård och omsorg", [("organisation", "Inspektionen för vård och omsorg", "IVO")]),
    ],
)
def test_organisations_by_canonical_name(text, expected):
    assert entities(text) == expected


def test_each_entity_keeps_its_rule_and_page_span():
    doc = DocText.from_pages([
        PageText(number=1, text="Protokoll", method=PageMethod.TEXT),
        PageText(number=2, text="Beslut\nTyresö kommun medverkar.", method=PageMethod.TEXT),
    ])
    (found,) = extract_entities(doc)
    assert (found.rule, found.span.page, found.span.start, found.span.end) == ("municipality_name", 2, 7, 20)
    assert "Beslut\nTyresö kommun medverkar."[found.span.start:found.span.end] == "Tyresö kommun"


def test_patterns_are_validated_data_and_every_municipality_has_one():
    assert {p["label"] for p in load_patterns()} == {"BODY", "ORG"}
    ids = {p["id"] for p in municipality_patterns()}
    assert len(ids) == 290
    assert nlp().pipe_names == ["entity_ruler", "link_entities"]


def test_the_tyreso_bundle_names_its_own_municipality_bodies_and_skl():
    text = next(SEEDS.glob("001_*.txt")).read_text(encoding="utf-8")
    found = {(label, value) for label, _text, value in entities(text)}
    assert {
        ("municipality", "0138"),
        ("body", "Kommunledningsutskottet"),
        ("body", "Arbetsmarknads- och socialnämnden"),
        ("body", "Äldre- och omsorgsnämnden"),
        ("organisation", "SKL"),
    } <= found
    assert not {v for label, v in found if label == "body"} & {"Nämnden", "Styrelsen"}
