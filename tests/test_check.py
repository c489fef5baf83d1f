"""The check stage: registry, stable identities, dedupe and incremental re-checks."""

from datetime import date

from models.records import CaseNumber
from pipeline.consistency.check import check
from pipeline.consistency.rules import RULES
from tests.rules.helpers import facts, period


def _letter(doc_id, text, case="21/00333"):
    return facts(
        doc_id,
        text,
        date(2021, 1, 5),
        periods=[period(text, text[text.index("(") + 1:text.index(")")])],
        case_numbers=[CaseNumber(raw=case, normalised=case)],
    )


def test_every_rule_has_a_docstring_and_a_known_severity():
    for name, rule in RULES.items():
        assert rule.function.__doc__, name
        assert rule.severity in ("error", "warning", "info")
        assert rule.input in ("claims", "facts")


def test_identity_is_stable_across_runs_and_duplicates_are_removed():
    a = _letter("a", "Avgiften gäller för tre år (2022-2024).")
    b = _letter("b", "Avgiften gäller för tre år (2022-2025).")
    first, second = check([a, b]), check([b, a])
    assert [f.identity for f in first] == [f.identity for f in second]
    assert len({f.identity for f in first}) == len(first)
    assert sorted(f.kind for f in first) == ["conflicting_period", "duration_mismatch"]


def test_an_attachment_printed_twice_with_other_line_breaks_is_one_finding():
    text = "Finansieringen gäller för fyra år (2020-2024).\f Finansieringen\ngäller för fyra år (2020-2024)."
    first, second = text.split("\f")
    doc = facts("bundle", first + " " + second, date(2019, 5, 15),
                periods=[period(first + " " + second, "2020-2024", 0, stated_years=4), period(first + " " + second, "2020-2024", 1, stated_years=4)])
    assert [(f.kind, f.values) for f in check([doc])] == [("duration_mismatch", ["4 years", "2020-2024"])]


def test_touched_rechecks_only_the_matters_of_those_documents():
    a = _letter("a", "Avgiften gäller för tre år (2022-2024).")
    b = _letter("b", "Avgiften gäller för tre år (2022-2025).")
    c = _letter("c", "Bidraget gäller för fyra år (2022-2025).", case="21/00999")
    d = _letter("d", "Bidraget gäller för fem år (2023-2027).", case="21/00999")
    touched = check([a, b, c, d], touched={"c"})
    assert [(f.kind, f.values) for f in touched] == [("conflicting_period", ["2022-2025", "2023-2027"])]
    assert {f.kind for f in check([a, b, c, d])} == {"conflicting_period", "duration_mismatch"}
