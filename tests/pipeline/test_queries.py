"""Researcher queries (decisions, person, case) on both databases, through the functions and the CLI."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from typer.testing import CliRunner

from pipeline.cli.app import app
from pipeline.research.queries import DecisionFilters, UnknownMunicipalityError, case, decisions, person
from tests.pipeline.relational_helpers import seed_extraction, store

runner = CliRunner()


@pytest.fixture(scope="module")
def seeded(module_database_url) -> str:
    """Stored once per backend for the module: every test here only reads."""
    store(module_database_url, "001.txt", seed_extraction("001"))
    store(module_database_url, "004.txt", seed_extraction("004"))
    return module_database_url


def test_decisions_by_municipality_in_any_printed_form(seeded):
    for name in ("Tyresö", "TYRESO", "Tyresö kommuns", "0138"):
        rows = decisions(seeded, DecisionFilters(municipality=name))
        assert [(r.meeting_date, r.body, r.paragraph) for r in rows] == [
            (date(2019, 4, 24), "Äldre- och omsorgsnämnden", 1039),
            (date(2019, 4, 29), "Arbetsmarknads- och socialnämnden", 1034),
            (date(2019, 5, 15), "Kommunledningsutskottet", 55),
        ], name
    first = decisions(seeded, DecisionFilters(municipality="Tyresö"))[2]
    assert (first.municipality, first.municipality_code, first.case_number, first.document, first.page) == ("Tyresö", "0138", "Dnr 2019/KS 0222 12", "001.txt", 1)
    assert first.decisions[1] == "Kostnaden fördelas enligt förvaltningens förslag."


def test_unknown_municipality_is_an_error(seeded):
    with pytest.raises(UnknownMunicipalityError):
        decisions(seeded, DecisionFilters(municipality="Atlantis"))


def test_decisions_by_body_date_case_and_text(seeded):
    assert [r.paragraph for r in decisions(seeded, DecisionFilters(body="Kommunledningsutskottets"))] == [55]
    assert [r.paragraph for r in decisions(seeded, DecisionFilters(municipality="Tyresö", date_from=date(2019, 4, 25), date_to=date(2019, 5, 1)))] == [1034]
    assert [r.paragraph for r in decisions(seeded, DecisionFilters(case="2019/ÄON 0042"))] == [1039]
    assert len(decisions(seeded, DecisionFilters(text="kunskapsstyrningen"))) == 3
    assert [r.number for r in decisions(seeded, DecisionFilters(text="hedersrelaterat våld"))] == ["5d"]


def test_person_report(seeded):
    report = person(seeded, "Tony Thoren")
    assert [p.name for p in report.persons] == ["Tony Thorén"]
    tony = report.persons[0]
    assert len(tony.meetings) >= 2
    assert {m.party for m in tony.meetings} == {"L"}
    assert tony.parties[0][0] == "L"


def test_case_report_in_date_order(seeded):
    rows = case(seeded, "2019/ÅON 0042 010")
    assert [(r.kind, r.date, r.body, r.paragraph) for r in rows] == [("item", date(2019, 4, 24), "Äldre- och omsorgsnämnden", 1039)]
    assert case(seeded, "2099/XX 1") == []


def test_cli_decisions_formats(seeded, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    result = runner.invoke(app, ["decisions", "--municipality", "TYRESO", "--text", "kunskapsstyrningen", "--format", "json", "--db", seeded])
    assert result.exit_code == 0, result.output
    assert [r["paragraph"] for r in json.loads(result.output)] == [1039, 1034, 55]
    result = runner.invoke(app, ["decisions", "--body", "Kommunledningsutskottet", "--format", "csv", "--db", seeded])
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["municipality"], r["meeting_date"], r["paragraph"], r["case_number"]) for r in rows] == [("Tyresö", "2019-05-15", "55", "Dnr 2019/KS 0222 12")]
    table = runner.invoke(app, ["decisions", "--case", "2019/KS 0222 12", "--db", seeded])
    assert table.exit_code == 0 and "Kommunledningsutskottet" in table.output
    bad = runner.invoke(app, ["decisions", "--municipality", "Atlantis", "--db", seeded])
    assert bad.exit_code != 0


def test_cli_person_and_case(seeded, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    result = runner.invoke(app, ["person", "Anna Lund", "--format", "json", "--db", seeded])
    assert result.exit_code == 0, result.output
    persons = json.loads(result.output)[0]["persons"]
    assert [p["name"] for p in persons] == ["Anna Lund"]
    result = runner.invoke(app, ["case", "2019/ASN 0058", "--format", "csv", "--db", seeded])
    assert result.exit_code == 0, result.output
    assert "Arbetsmarknads- och socialnämnden" in result.output


@pytest.mark.parametrize(
    ("query", "numbers"),
    [
        ("kunskapsstyrningen OR hedersrelaterat", ["1039", "1034", "55", "5d"]),
        ('"hedersrelaterat våld"', ["5d"]),
        ('"våld hedersrelaterat"', []),
        ("finansiering -kunskapsstyrning", ["5d"]),
        ("handlingarna -informationen", ["3"]),  # 6b is titled "Information: …"
        ("godkänna OR uppdra -dagordningen -delårsrapporten", ["5a", "5b", "6c", "7a"]),
    ],
)
def test_cli_text_search_means_the_same_on_both_databases(seeded, query, numbers):
    result = runner.invoke(app, ["decisions", "--text", query, "--format", "json", "--db", seeded])
    assert result.exit_code == 0, result.output
    assert [r["number"] for r in json.loads(result.output)] == numbers


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (dict(limit=0), "limit must be at least 1, not 0"),
        (dict(limit=-1), "limit must be at least 1, not -1"),
        (dict(text=" "), "text must not be empty"),
        (dict(municipality=""), "municipality must not be empty"),
        (dict(body=""), "body must not be empty"),
        (dict(date_from=date(2019, 5, 2), date_to=date(2019, 5, 1)), "date_from 2019-05-02 is after date_to 2019-05-01"),
    ],
)
def test_filters_that_would_match_everything_or_fail_on_one_database_are_refused(filters, message):
    with pytest.raises(ValueError, match=message):
        DecisionFilters(**filters)


def test_limit_keeps_the_first_rows(seeded):
    assert [r.paragraph for r in decisions(seeded, DecisionFilters(municipality="Tyresö", limit=2))] == [1039, 1034]
