"""arithmetic_mismatch detectors on short hand-written texts."""

import pytest

from pipeline.consistency.rules.arithmetic import arithmetic_mismatch, holds
from tests.rules.helpers import facts


def _values(text):
    return [f.values for f in arithmetic_mismatch([facts("x", text)])]


RATE = "Avgiften blir 2,40 kronor per invånare.\n\n"


def test_per_capita_example_off_by_more_than_rounding():
    assert _values(RATE + "- En kommun med 20 000 invånare betalar ca 45 000 kr per år.") == [
        ["20 000 × 2,40 = 48 000", "ca 45 000"]
    ]


def test_per_capita_example_within_rounding():
    assert _values(RATE + "- En kommun med 20 300 invånare betalar ca 49 000 kr per år.") == []


def test_per_capita_example_without_a_rate_is_not_checked():
    assert _values("- En kommun med 20 000 invånare betalar ca 45 000 kr per år.") == []


def test_written_product_and_its_rounding():
    assert _values("Folkmängd 31207*2,40= 74 900 dvs cirka 75 000.") == []
    assert _values("Folkmängd 31207*2,40= 74 900 dvs cirka 80 000.") == [["31207 × 2,40 = 74 896,8", "cirka 80 000"]]


PARTS = (
    "Kostnad för del A: 3,2 mkr.\n\nKostnad för del A: 1,1 mkr.\n\nKostnad för del A: 0,7 mkr.\n\n"
    "Sammanlagt blir kostnaden {total} mkr per år."
)


def test_parts_that_add_up_to_the_total():
    assert _values(PARTS.format(total="5,0")) == []


def test_parts_that_do_not_add_up_to_the_total():
    assert _values(PARTS.format(total="5,4")) == [["3,2 mkr + 1,1 mkr + 0,7 mkr = 5 mkr", "5,4 mkr"]]


def test_list_under_a_total():
    text = "Regionerna betalar sammanlagt 44 mkr:\n- register = 25 mkr.\n- enkät = 10 mkr.\n- stöd = 6 mkr."
    assert _values(text) == [["25 mkr + 10 mkr + 6 mkr = 41 mkr", "44 mkr"]]


def test_percentage_split():
    assert _values("Nämnd A står för 60 procent av kostnaden medan nämnd B står för 40 procent.") == []
    assert _values("Nämnd A står för 60 procent av kostnaden medan nämnd B står för 30 procent.") == [
        ["60 + 30 = 90 %", "100 %"]
    ]


def test_percentages_describing_a_change_are_not_a_split():
    assert _values("Andelen minskade från 40 procent till 25 procent av kostnaden.") == []


@pytest.mark.parametrize(
    ("computed", "stated", "approximate", "ok"),
    [
        (9750.0, "9 500", True, False),
        (9750.0, "9 800", True, True),
        (93617.55, "93 600", False, True),
        (93617.55, "93 700", False, False),
        (19.5, "19,5", False, True),
    ],
)
def test_tolerance(computed, stated, approximate, ok):
    assert holds(computed, stated, approximate) is ok
