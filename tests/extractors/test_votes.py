import pytest

from extractors.votes import extract_votes

ROLL_CALL = """Propositionsordning
Följande propositionsordning godkänns: Ja för bifall till kommunstyrelsens förslag, Nej för bifall till Lisa Berg (V) yrkande.
Omröstning
Anna Ek (S), Bo Lind (M) och Carl Ny (C) röstar Ja (3). Lisa Berg (V) röstar Nej (1). Per Ås (SD) avstår från att rösta (1).
"""


def test_roll_call_with_proposition():
    (vote,) = extract_votes(ROLL_CALL)
    assert (vote.yes, vote.no, vote.abstain) == (3, 1, 1)
    assert vote.yes_names == ["Anna Ek (S)", "Bo Lind (M)", "Carl Ny (C)"]
    assert vote.no_names == ["Lisa Berg (V)"]
    assert vote.abstain_names == ["Per Ås (SD)"]
    assert vote.proposition == "Ja för bifall till kommunstyrelsens förslag, Nej för bifall till Lisa Berg (V) yrkande"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kommunfullmäktige beslutar med 55 Ja-röster och 6 Nej-röster att bifalla förslaget.", (55, 6, None)),
        ("Med 30 ja-röster mot 19 nej-röster, 2 ledamöter avstår, beslutar fullmäktige", (30, 19, 2)),
        ("Med 7 Ja-roster och 4 Nej-roster bifalls forslaget.", (7, 4, None)),  # OCR, no diacritics
        ("Ärendet bordläggs.", None),
    ],
)
def test_stated_counts(text, expected):
    votes = extract_votes(text)
    assert ((votes[0].yes, votes[0].no, votes[0].abstain) if votes else None) == expected


def test_one_vote_per_omrostning_block():
    text = "Omröstning 1\nA (S) röstar Ja (1). B (M) röstar Nej (1).\nOmröstning 2\nMed 5 Ja-röster mot 2 Nej-röster"
    assert [(v.yes, v.no) for v in extract_votes(text)] == [(1, 1), (5, 2)]
