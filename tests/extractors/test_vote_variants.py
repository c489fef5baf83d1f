"""Votes and beslutande on the two unseen-template variants (benchmarks/gold/variants), checked against their gold:
a KF protocol whose attendance is on page 2 and whose § 15 holds a procedural and a main vote, and a nämnd
protocol with Ej beslutande, lower-case parties and a tab-separated voting table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors.document import extract_document
from models.claims import DocumentFacts
from models.records import PageMethod, PageText
from pipeline.consistency.rules.attendance import vote_count_mismatch

VARIANTS = Path(__file__).parents[2] / "benchmarks/gold/variants"


def _read(name: str):
    gold = json.loads((VARIANTS / f"{name}.json").read_text(encoding="utf-8"))
    text = (VARIANTS / f"{name}.txt").read_text(encoding="utf-8")
    pages = [PageText(number=n, text=p, method=PageMethod.TEXT) for n, p in enumerate(text.split("\f"), start=1)]
    return gold, text, extract_document(pages)


@pytest.mark.parametrize("name", ["bjurholm_kf_protocol", "ockelbo_kfn_protocol"])
def test_votes_and_beslutande_match_the_gold_and_raise_no_false_warning(name):
    gold, text, extraction = _read(name)
    got = {
        i.number: [(v.yes, v.no, v.abstain, v.proposition) for v in i.votes] for i in extraction.items if i.votes
    }
    want = {
        g["number"]: [(v["yes"], v["no"], v["abstain"], v["proposition"]) for v in g["votes"]]
        for g in gold["items"] if g.get("votes")
    }
    assert got == want
    (meeting,) = extraction.meetings
    assert sum(1 for a in meeting.attendance if a.role == "member") == gold["attendance_count"]
    facts = DocumentFacts(
        document=name, date=None, issuer=None, extraction=extraction,
        page_texts=dict(enumerate(text.split("\f"), start=1)),
    )
    assert vote_count_mismatch([facts]) == []


def test_the_roll_call_wrapped_over_lines_gives_every_voter():
    _, _, extraction = _read("bjurholm_kf_protocol")
    (item,) = [i for i in extraction.items if i.number == "15"]
    main = item.votes[1]
    assert (len(main.yes_names), len(main.no_names), len(main.abstain_names), main.confidence) == (7, 12, 2, 1.0)
    assert main.yes_names[-2:] == ["Tobias Renström (V)", "Nils Åkesson (S)"]
