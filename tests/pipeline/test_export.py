"""The JSON Lines object of one document (docs: EXPORT.md), built from a real extraction."""

from __future__ import annotations

from pathlib import Path

from extractors.document import extract_document
from models.records import PageMethod, PageText
from pipeline.research.export import document_object

VARIANTS = Path(__file__).parents[2] / "benchmarks/gold/variants"


def test_items_carry_jav_notes_statements_and_distribution_beside_the_contract_keys():
    text = (VARIANTS / "sundsvall_sn_protocol.txt").read_text(encoding="utf-8")
    extraction = extract_document([PageText(n, t, PageMethod.TEXT) for n, t in enumerate(text.split("\f"), 1)])
    obj = document_object("sn.txt", "0" * 64, 1, False, extraction, [])
    items = {i["number"]: i for i in obj["items"]}
    assert {"paragraph", "number", "case_number", "body", "meeting_date", "title", "decision_kind", "decisions",
            "references", "votes", "reservations"} <= set(items["88"])
    assert items["88"]["notes"] == ["Sara Nyberg (V) lämnar en protokollsanteckning om att barnkonsekvensanalys saknas."]
    assert items["89"]["statements"] == ["Gunilla Westin (L) lämnar ett särskilt yttrande."]
    assert items["88"]["distribution"][:2] == ["Individ- och familjeomsorgen", "Ekonomiavdelningen"]
    assert items["89"]["conflicts_of_interest"] == ["Ali Rahimi (S)"]


def test_entities_are_listed_once_per_value_with_mentions_and_pages():
    pages = ["Sundsvalls kommun\nSocialnämnden", "Socialnämndens beslut skickas till Kommunstyrelsen.\nSocialnämnden"]
    extraction = extract_document([PageText(n, t, PageMethod.TEXT) for n, t in enumerate(pages, 1)])
    obj = document_object("sn.txt", "0" * 64, 2, False, extraction, [])
    entities = {(e["label"], e["value"]): e for e in obj["entities"]}
    assert list(entities) == [("municipality", "2281"), ("body", "Socialnämnden"), ("body", "Kommunstyrelsen")]
    assert entities[("municipality", "2281")]["name"] == "Sundsvall"
    social = entities[("body", "Socialnämnden")]
    assert (social["mentions"], social["pages"]) == (3, [1, 2])
    first = social["first"]
    assert (first["text"], first["rule"]) == ("Socialnämnden", "body_noun")
    assert (first["span"]["page"], first["span"]["start"], first["span"]["end"]) == (1, 18, 31)
