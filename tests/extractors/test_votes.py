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


# --- forms met in other municipalities' protocols (text written for these tests) -----------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Med 40 Ja-röster, 9 Nej-röster och 2 ledamöter som avstår beslutar fullmäktige att bifalla förslaget.", (40, 9, 2)),
        ("Omröstningen utfaller med 6 ja-röster och 5 nej-röster. Nämnden har således bifallit förslaget.", (6, 5, None)),
        ("Omröstning begärs. Vid omröstningen avges 12 röster för bifall och 9 för avslag.", (12, 9, None)),
        ("Vid omröstningen avgavs 21 röster för bifall till motionen och 30 röster för avslag.", (21, 30, None)),
        ("Omröstning genomförs. 9 ledamöter röstar ja, 4 röstar nej och 2 avstår.", (9, 4, 2)),
    ],
)
def test_counts_in_prose(text, expected):
    (vote,) = extract_votes(text)
    assert (vote.yes, vote.no, vote.abstain) == expected


def test_counts_with_the_voters_in_parentheses_over_lines_with_margin_debris():
    text = (
        "Omröstningsresultat\n"
        "Med 4 JA-röster (Åsa Lind (M), Bo Ek (M), Nora Fjäll-\n"
        "7\n"
        "c mark (L), Carl-\n"
        "Johan Berg (C)) mot 2 NEJ-röster (Kim Dal (S), Ulla\n"
        "Ros (S)) beslutar nämnden att avgöra ärendet i dag.\n"
    )
    (vote,) = extract_votes(text)
    assert (vote.yes, vote.no, vote.abstain, vote.confidence, vote.rule) == (4, 2, None, 1.0, "counts_ja_nej")
    assert vote.yes_names == ["Åsa Lind (M)", "Bo Ek (M)", "Nora Fjällmark (L)", "Carl-Johan Berg (C)"]
    assert vote.no_names == ["Kim Dal (S)", "Ulla Ros (S)"]


TWO_VOTES = """Yrkanden
Bo Ek (M) yrkar att ärendet bordläggs. Kim Dal (S) yrkar bifall till förvaltningens förslag.
Omröstning om bordläggning
Omröstning begärs. Följande beslutsgång godkänns:
JA-röst för att avgöra ärendet i dag
NEJ-röst för bordläggning
Omröstningsresultat
Med 5 JA-röster mot 2 NEJ-röster beslutar nämnden att ärendet ska avgöras i dag.
Beslutsgång
Ordföranden ställer proposition på förvaltningens förslag mot avslag och finner att nämnden bifaller förslaget.
Omröstning i huvudfrågan
Omröstning begärs. Ja-röst för bifall till förvaltningens förslag, nej-röst för avslag.
Omröstningen utfaller med 3 ja-röster och 4 nej-röster. Nämnden har alltså avslagit förslaget.
"""


def test_a_procedural_vote_then_the_main_vote_that_overturns_the_chair():
    votes = extract_votes(TWO_VOTES)
    assert [(v.yes, v.no, v.abstain, v.proposition) for v in votes] == [
        (5, 2, None, "JA-röst för att avgöra ärendet i dag NEJ-röst för bordläggning"),
        (3, 4, None, "Ja-röst för bifall till förvaltningens förslag, nej-röst för avslag"),
    ]


def test_named_roll_call_in_prose_wrapped_over_lines_with_functions_before_names():
    text = (
        "Omröstning\n"
        "Ja-röst för bifall till motionen, nej-röst för avslag.\n"
        "Gun Lo (V), Eva Alm (S), Per Ek (S), tjänstgörande ersättaren Ali Haj (V) och ordföranden Siv\n"
        "Öst (S) röstar Ja (5).\n"
        "Bo Ström (M), Lars Åkerlund (M) och Ylva\n"
        "Berg (KD) röstar Nej (3). Tor Vik (SD) avstår från att rösta (1).\n"
    )
    (vote,) = extract_votes(text)
    assert (vote.yes, vote.no, vote.abstain, vote.confidence) == (5, 3, 1, 1.0)
    assert vote.yes_names == ["Gun Lo (V)", "Eva Alm (S)", "Per Ek (S)", "Ali Haj (V)", "Siv Öst (S)"]
    assert vote.no_names == ["Bo Ström (M)", "Lars Åkerlund (M)", "Ylva Berg (KD)"]
    assert vote.abstain_names == ["Tor Vik (SD)"]


@pytest.mark.parametrize(
    "rows",
    [
        # one cell per column, an empty cell where there is no mark
        "Ledamot\tJa\tNej\tAvstår\nGun Lo (v)\tX\t\t\nBo Ström (m)\t\tX\t\nTor Vik (sd)\t\t\tX\nEva Alm (s)\tX\t\t\n",
        # the same as markdown-like pipes
        "| Ledamot | Ja | Nej | Avstår |\n| Gun Lo (v) | X | | |\n| Bo Ström (m) | | X | |\n| Tor Vik (sd) | | | X |\n"
        "| Eva Alm (s) | X | | |\n",
    ],
)
def test_voting_table_with_a_cell_per_column(rows):
    (vote,) = extract_votes("Omröstning\nJa-röst för förslaget, nej-röst för avslag.\n" + rows)
    assert (vote.yes, vote.no, vote.abstain) == (2, 1, 1)
    assert (vote.yes_names, vote.no_names, vote.abstain_names) == (
        ["Gun Lo (v)", "Eva Alm (s)"], ["Bo Ström (m)"], ["Tor Vik (sd)"]
    )


def test_a_voting_table_cut_by_a_page_break_is_a_partial_read():
    # Three Ja marks read before the page ends; the stated count says four: the rest of the table was not read.
    text = (
        "Omröstning\nJa-röst för förslaget, nej-röst för avslag.\n"
        "Ledamot\tJa\tNej\tAvstår\nGun Lo (V)\tX\t\t\nEva Alm (S)\tX\t\t\nPer Ek (S)\tX\t\t\n"
        "\fTyngby kommun   Sammanträdesprotokoll\nBo Ström (M)\t\tX\t\n"
        "Omröstningen utfaller med 4 ja-röster och 1 nej-röst.\n"
    )
    (vote,) = extract_votes(text)
    assert (vote.yes, vote.no, len(vote.yes_names), vote.confidence) == (4, 1, 3, 0.5)


def test_a_whole_voting_table_that_disagrees_with_its_count_is_read_with_full_confidence():
    text = (
        "Omröstning\nJa-röst för förslaget, nej-röst för avslag.\n"
        "Ledamot\tJa\tNej\tAvstår\nGun Lo (V)\tX\t\t\nEva Alm (S)\tX\t\t\nBo Ström (M)\t\tX\t\n"
        "Omröstningen utfaller med 3 ja-röster och 1 nej-röst.\n"
    )
    (vote,) = extract_votes(text)
    assert (vote.yes, vote.no, len(vote.yes_names), vote.confidence) == (3, 1, 2, 1.0)
