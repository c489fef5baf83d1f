"""The seeds end to end: extraction + check find the inconsistencies DOMAIN.md describes."""

from pathlib import Path

import pytest

from extractors.document import extract_document
from models.claims import DocumentFacts
from models.records import PageMethod, PageText
from pipeline.consistency.check import check

SEEDS = Path(__file__).resolve().parent.parent / "samples" / "seeds"


def _facts(prefix: str) -> DocumentFacts:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    pages = [
        PageText(number=i + 1, text=text, method=PageMethod.TEXT)
        for i, text in enumerate(path.read_text(encoding="utf-8").split("\f"))
    ]
    extraction = extract_document(pages)
    return DocumentFacts(path.name, extraction.date, None, extraction, {p.number: p.text for p in pages})


@pytest.fixture(scope="module")
def flags():
    return check([_facts("000"), _facts("001"), _facts("003")])


def _of(flags, kind, document=None):
    return [f for f in flags if f.kind == kind and (document is None or any(e.document.startswith(document) for e in f.evidence))]


@pytest.mark.parametrize(
    ("kind", "document"),
    [
        ("conflicting_period", "001"),
        ("conflicting_deadline", "001"),
        ("deadline_before_document", "001"),
        ("duration_mismatch", "001"),
        ("arithmetic_mismatch", "000"),
        ("erratum", "001"),
        ("amended_later", "003"),
        ("case_number_variant", "001"),
    ],
)
def test_seed_inconsistency_is_flagged(flags, kind, document):
    assert _of(flags, kind, document)


def test_erratum_explains_the_period_conflict(flags):
    conflict = _of(flags, "conflicting_period")[0]
    assert conflict.values == ["2020-2023", "2020-2024"]
    assert conflict.severity == "warning" and "erratum" in conflict.message


def test_deadline_conflict_values(flags):
    assert _of(flags, "conflicting_deadline")[0].values == ["2018-06-15", "2019-06-15"]


def test_arithmetic_flags_only_the_wrong_examples(flags):
    assert sorted(f.values[1] for f in _of(flags, "arithmetic_mismatch")) == ["ca 9 500", "ca 95 000"]


def test_earlier_recommendation_is_never_compared(flags):
    assert not [f for f in flags if any("2017-2018" in v for v in f.values)]


def test_holiday_makes_the_notice_on_time(flags):
    assert _of(flags, "late_notice") == []
