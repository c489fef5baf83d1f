"""pipeline.consistency.link: which titles make two documents one matter."""

import pytest

from extractors.text import fold
from pipeline.consistency.link import similar_titles

HEADING = "Rekommendation om gemensam finansiering av ett samlat system för kunskapsstyrning"


@pytest.mark.parametrize(
    ("other", "same"),
    [
        ("Rekommendation till kommunerna om gemensam finansiering av ett samlat system för kunskapsstyrning i socialtjänsten", True),
        ("Gemensam finansiering av regionalt stöd för kunskapsstyrning inom socialtjänsten", False),
        # A whole agenda item's text holds the heading's words, and more: a subset is no match.
        (HEADING + " " + " ".join(["Nätverket diskuterade läget i länet och planerade arbetet under året."] * 6), False),
    ],
)
def test_similar_titles(other, same):
    assert similar_titles(fold(HEADING), fold(other)) is same
