"""What a reviewer is shown as the quote around a value: its sentence, or its lines in a layout."""

from __future__ import annotations

import pytest

from pipeline.consistency.claims import quote_bounds

LETTERHEAD = (
    "Falu kommun\nKommunledningskontoret\nAnna Berg\nUtredare\nTJÄNSTESKRIVELSE\n2021-02-03\n1 (2)\n"
    "Diarienummer\nKS 2021/0117\nKommunstyrelsen\nYttrande över remiss om gemensam upphandling av "
    "larmtjänster för kommunerna i länet\nFörslag till beslut\n1. Yttrandet godkänns."
)
PROSE = (
    "Regionen har i ärendet KS 2021/0117 begärt att kommunerna ska yttra sig över förslaget till\n"
    "gemensam upphandling och lämna sitt svar till regionens kansli senast den 1 mars 2021, med\n"
    "hänvisning till det avtal som gäller för samverkan inom länet och den beredning som skett\n"
    "i det gemensamma presidiet. Nästa mening."
)


def _quote(text: str, value: str) -> str:
    start = text.index(value)
    s, e = quote_bounds(text, start, start + len(value))
    return text[s:e]


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        (LETTERHEAD, "KS 2021/0117", "Diarienummer\nKS 2021/0117\nKommunstyrelsen"),
        (PROSE, "KS 2021/0117", PROSE.removesuffix(" Nästa mening.")),
        ("Kort mening om 2021-03-01 här. Nästa.", "2021-03-01", "Kort mening om 2021-03-01 här."),
        ("Dnr\nKS 2021/0117\n\nRubrik", "KS 2021/0117", "Dnr\nKS 2021/0117"),
    ],
    ids=["letterhead: the line and its neighbours", "wrapped prose: the whole sentence", "short sentence", "blank line ends the quote"],
)
def test_quote_bounds(text, value, expected):
    assert _quote(text, value) == expected
