import re
from collections import Counter
from pathlib import Path

import pytest

from extractors.attendance import expand_paragraphs, extract_attendance

SEEDS = Path(__file__).parents[2] / "samples/seeds"


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("48-49, 53 och 57", [48, 49, 53, 57]),
        ("50-52 och 54-56", [50, 51, 52, 54, 55, 56]),
        ("1031–1044", list(range(1031, 1045))),
        ("49 och 57", [49, 57]),
        ("§ 12", [12]),
        ("3, 5, 7 samt 9-10", [3, 5, 7, 9, 10]),
        ("20-18", []),
    ],
)
def test_expand_paragraphs(text, expected):
    assert expand_paragraphs(text) == expected


LIST = """Närvarolista

Beslutande

Karin Ek (S), ordförande
Karin Ek (S), ordförande
Olle Berg (M), 1:e vice ordförande
Sara Lind (V), 2:e vice ordförande
Per Holm (C), § 10-11, 14 och 16
Eva Strand (KD), tjänstgörande ersättare för Per Holm § 12-13 och 15
Jan de Vries (SPI)

Ersättare

Lena Åström (S)

Övriga

Maria Falk, ekonomichef, kommunstyrelseförvaltningen, §10-12
Nils Grön, chef för gata och park,
samhällsbyggnadsförvaltningen
Ida Sten, controller, ekonomiavdelningen, 14.05-14.40

| Justerandes sign |  | Utdragsbestyrkande |
|---|---|---|

Frånvarande

Ali Nur (MP)

| Justerandes sign |  | Utdragsbestyrkande |

Bo Björk (SD)

§ 10

Dnr KS 2021/17
"""


def test_attendance_variant_list():
    entries = extract_attendance(LIST)
    got = [(e.name, e.role, e.party, e.function, e.paragraphs, e.serving_for) for e in entries]
    assert got == [
        ("Karin Ek", "member", "S", "ordförande", [], None),
        ("Olle Berg", "member", "M", "1:e vice ordförande", [], None),
        ("Sara Lind", "member", "V", "2:e vice ordförande", [], None),
        ("Per Holm", "member", "C", None, [10, 11, 14, 16], None),
        ("Eva Strand", "member", "KD", "tjänstgörande ersättare", [12, 13, 15], "Per Holm"),
        ("Jan de Vries", "member", "SPI", None, [], None),
        ("Lena Åström", "substitute", "S", None, [], None),
        ("Maria Falk", "other", None, None, [10, 11, 12], None),
        ("Nils Grön", "other", None, None, [], None),
        ("Ida Sten", "other", None, None, [], None),
        ("Ali Nur", "absent", "MP", None, [], None),
        ("Bo Björk", "absent", "SD", None, [], None),
    ]
    others = {e.name: (e.title, e.department, e.times) for e in entries if e.role == "other"}
    assert others == {
        "Maria Falk": ("ekonomichef", "kommunstyrelseförvaltningen", []),
        "Nils Grön": ("chef för gata och park", "samhällsbyggnadsförvaltningen", []),
        "Ida Sten": ("controller", "ekonomiavdelningen", [("14:05", "14:40")]),
    }


def test_attendance_ocr_headings_without_diacritics():
    text = "NARVAROLISTA\nBeslutande:\nAnna Alm (S)\nErsattare:\nBo Ek (M)\nFranvarande:\nCia Ny (L)\n"
    assert [(e.name, e.role) for e in extract_attendance(text)] == [
        ("Anna Alm", "member"), ("Bo Ek", "substitute"), ("Cia Ny", "absent"),
    ]


def test_attendance_spans_point_at_lines():
    text = "Beslutande\nAnna Alm (S)\n"
    [entry] = extract_attendance(text, base=50)
    assert (entry.span.start, entry.span.end) == (61, 73)


def _seed_lists():
    text = seed("001")
    starts = [m.start() for m in re.finditer(r"^Närvarolista", text, re.M)]
    return [extract_attendance(text[s:], base=s) for s in starts]


def test_seed_001_three_lists_92_entries():
    lists = _seed_lists()
    counts = [Counter(e.role for e in entries) for entries in lists]
    assert counts == [
        Counter(member=11, substitute=8, other=10, absent=3),
        Counter(member=11, substitute=6, other=8, absent=5),
        Counter(member=10, substitute=5, other=12, absent=3),
    ]
    assert sum(len(entries) for entries in lists) == 92
    assert all(e.party for entries in lists for e in entries if e.role in ("member", "substitute", "absent"))


def test_seed_001_partial_members():
    klu = {e.name: e for e in _seed_lists()[2]}
    riis, lund = klu["Ulrica Riis-Pedersen"], klu["Anna Lund"]
    assert (riis.role, riis.party, riis.paragraphs, riis.function) == ("member", "C", [48, 49, 53, 57], None)
    assert (lund.role, lund.party, lund.function, lund.serving_for, lund.paragraphs) == (
        "member", "KD", "tjänstgörande ersättare", "Ulrica Riis-Pedersen", [50, 51, 52, 54, 55, 56],
    )
    assert klu["Anita Mattsson"].function == "ordförande"
    assert klu["Torstein Tysklind"].paragraphs == [49, 57]
    assert klu["Britt-Marie Lundberg-Björk"].department == "kommunstyrelseförvaltningen"


def test_seed_001_split_absent_list_and_clock_windows():
    aon, asn, _ = _seed_lists()
    assert [e.name for e in asn if e.role == "absent"] == [
        "Petra Reinholdsson", "Henrik Oscarson", "Christer Flodfält", "Bjarne Vifell", "Johan Carlsson",
    ]
    assert {e.name: e.times for e in aon if e.times} == {
        "Katarina Elyas": [("18:35", "19:20")],
        "Eva Lindgren": [("18:40", "19:15")],
        "Marie Pilhjersta": [("18:35", "19:20")],
    }
    assert {e.name: e.paragraphs[:1] + e.paragraphs[-1:] for e in asn if e.paragraphs} == {
        "Irene Hededal": [1031, 1044], "Catrin Ullbrand": [1031, 1044], "Magnus Dahlquist": [1031, 1044],
        "Carina Engelke": [1031, 1032], "Johanna Lindholm": [1031, 1032], "Catarina Stavenberg": [1031, 1031],
    }


# --- list forms from other municipalities (text written for these tests) ------------------------------------------


def test_lower_case_and_finland_swedish_parties_are_parties_not_functions():
    text = "Beslutande\nSiv Lund (c), ordförande\nBo Al (kd)\nAnna Ek (SFP)\nMats Åkerman (sdp)\nEva Berg (tf)\n"
    assert [(e.name, e.party, e.function) for e in extract_attendance(text)] == [
        ("Siv Lund", "C", "ordförande"), ("Bo Al", "KD", None), ("Anna Ek", "SFP", None),
        ("Mats Åkerman", "SDP", None), ("Eva Berg", None, "tf"),
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Tove Ek (V) tjänstgör för Lars Berg (S)", ("member", "tjänstgörande ersättare", "Lars Berg", [])),
        ("Tove Ek (v), tjg ers för Lars Berg (s), §§ 69-71", ("member", "tjänstgörande ersättare", "Lars Berg", [69, 70, 71])),
        ("Tove Ek (V), tjänstgörande ersättare för Lars Berg (S)", ("member", "tjänstgörande ersättare", "Lars Berg", [])),
        ("Tove Ek (V), vice ordförande, § 4", ("member", "vice ordförande", None, [4])),
    ],
)
def test_member_lines_with_functions(line, expected):
    (entry,) = extract_attendance("Beslutande\n" + line + "\n")
    assert (entry.role, entry.function, entry.serving_for, entry.paragraphs) == expected


def test_ej_beslutande_and_ovriga_deltagande_headings():
    text = (
        "Närvarande beslutande\nSiv Lund (C)\nEj beslutande\nKim Falk (M), ersättare\n"
        "Övriga deltagande\nEva Holm, förvaltningschef\n"
    )
    assert [(e.name, e.role, e.title, e.rule) for e in extract_attendance(text)] == [
        ("Siv Lund", "member", None, "heading_beslutande_ledamoter"),
        ("Kim Falk", "substitute", None, "heading_ej_beslutande"),
        ("Eva Holm", "other", "förvaltningschef", "heading_ovriga"),
    ]


RUNNING_HEAD = "Tyngby kommun      Sammanträdesprotokoll\nSocialnämnden      Sida 3 (9)\n2024-02-01\n"


def test_a_list_goes_on_below_the_next_pages_running_head():
    text = "Beslutande\nSiv Lund (C)\nBo Al (S)\n\f" + RUNNING_HEAD + "Eva Ros (M)\nErsättare\nKim Falk (M)\n\f§ 4\nVal\n"
    entries = extract_attendance(text)
    assert [(e.name, e.role, e.confidence) for e in entries] == [
        ("Siv Lund", "member", 1.0), ("Bo Al", "member", 1.0), ("Eva Ros", "member", 1.0), ("Kim Falk", "substitute", 1.0)
    ]


def test_a_list_cut_by_a_page_break_is_read_with_low_confidence():
    # The "Ersättare" heading closes the page and the next page goes on with something else: the list is incomplete.
    text = "Beslutande\nSiv Lund (C)\nBo Al (S)\nErsättare\n\f" + RUNNING_HEAD + "§ 4 Val av justerare\n"
    entries = extract_attendance(text)
    assert [(e.name, e.confidence) for e in entries] == [("Siv Lund", 0.5), ("Bo Al", 0.5)]
