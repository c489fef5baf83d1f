"""Protocol covers laid out as other municipalities print them: body without an "Organ" label, a combined
"Plats och tid" label, people listed on the cover itself after inline labels, two-column "Label  value" layout."""

from datetime import date
from pathlib import Path

import pytest

from extractors.attendance import extract_attendance
from extractors.document import extract_document
from extractors.meetings import extract_meetings
from extractors.segment import segment
from extractors.text import DocText
from models.records import PageMethod, PageText

VARIANTS = Path(__file__).parents[2] / "benchmarks/gold/variants"


def extract(name: str):
    text = (VARIANTS / f"{name}.txt").read_text(encoding="utf-8")
    return extract_document([PageText(number=n, text=t, method=PageMethod.TEXT) for n, t in enumerate(text.split("\f"), 1)])


def meetings(text: str):
    doc = DocText.from_text(text)
    return extract_meetings(doc, segment(doc))


def people(meeting):
    return [(e.name, e.role, e.party, e.function, e.title, e.serving_for) for e in meeting.attendance]


def test_umea_cover_unlabelled_body_place_and_time_inline_people():
    ex = extract("umea_ksau_protocol")
    (meeting,) = ex.meetings
    assert (meeting.body, meeting.date, meeting.time, meeting.place, meeting.paragraph_range) == (
        "Kommunstyrelsens arbetsutskott", date(2023, 3, 14), "08:30-11:45", "Stadshuset, Skellefteåsalen", (45, 47))
    assert (meeting.chair, meeting.secretary, meeting.adjusters, meeting.adjusted_on, meeting.adjustment_place) == (
        "Hans Lindberg", "Kajsa Olofsson", ["Anders Ågren"], date(2023, 3, 20), "Stadshuset")
    assert people(meeting) == [
        ("Hans Lindberg", "member", "S", "ordförande", None, None),
        ("Anders Ågren", "member", "M", "vice ordförande", None, None),
        ("Nasra Ali", "member", "S", None, None, None),
        ("Veronica Kerr", "member", "KD", None, None, None),
        ("Lena Karlsson", "substitute", "V", None, None, None),
        ("Mattias Ottosson", "other", None, None, "kommundirektör", None),
    ]
    # the entry's span starts at the name, after the inline label
    text = (VARIANTS / "umea_ksau_protocol.txt").read_text(encoding="utf-8")
    first = meeting.attendance[0].span
    assert text[first.start : first.end] == "Hans Lindberg (S), ordförande"
    # the items take the meeting's date once the meeting has a body
    assert [(i.paragraph, i.body, i.meeting_date) for i in ex.items] == [
        (45, "Kommunstyrelsens arbetsutskott", date(2023, 3, 14)),
        (46, "Kommunstyrelsens arbetsutskott", date(2023, 3, 14)),
        (47, "Kommunstyrelsens arbetsutskott", date(2023, 3, 14)),
    ]


def test_falkoping_two_column_cover():
    ex = extract("falkoping_snau_protocol")
    (meeting,) = ex.meetings
    assert (meeting.body, meeting.date, meeting.time, meeting.place, meeting.paragraph_range) == (
        "Socialnämndens arbetsutskott", date(2024, 2, 7), "13:15-16:00", "Stadshuset, sal Mösseberg", (12, 13))
    assert (meeting.chair, meeting.secretary, meeting.adjusters, meeting.adjusted_on, meeting.adjustment_place) == (
        "Eva Lindqvist", "Anders Palm", ["Maria Ek"], date(2024, 2, 12), "Socialkontoret")
    assert (meeting.notice_posted, meeting.notice_removed, meeting.storage_place) == (
        date(2024, 2, 13), date(2024, 3, 6), "Socialkontoret")
    assert people(meeting) == [
        ("Eva Lindqvist", "member", "C", "ordförande", None, None),
        ("Kent Persson", "member", "S", "1:e vice ordförande", None, None),
        ("Maria Ek", "member", "M", None, None, None),
        ("Jonas Holm", "member", "L", "tjänstgörande ersättare", None, "Per Strand"),
        ("Birgitta Nyström", "substitute", "V", None, None, None),
        ("Sofia Berg", "other", None, None, "socialchef", None),
        ("Anders Palm", "other", None, None, "nämndsekreterare", None),
        ("Per Strand", "absent", "KD", None, None, None),
    ]
    assert {i.meeting_date for i in ex.items} == {date(2024, 2, 7)}


COVER = """PROTOKOLL

{head}
Sammanträdesdatum 2025-01-20

{place_time}
Beslutande: Se närvarolista
Justeringens plats och tid: Kommunhuset 2025-01-22
Paragrafer: 1-4
Sekreterare: Kim Holm
Ordförande: Lisa Berg
Justerande: Omar Said
"""


@pytest.mark.parametrize(
    ("place_time", "when", "place", "day"),
    [
        ("Plats och tid: Stadshuset, Skellefteåsalen, kl. 08.30-11.45", "08:30-11:45", "Stadshuset, Skellefteåsalen", None),
        ("Tid och plats: kl. 13:00–15:30, Rådhuset, sal A", "13:00-15:30", "Rådhuset, sal A", None),
        ("Plats och tid    Kommunhuset kl 18.00", "18:00", "Kommunhuset", None),
        ("Tid och plats: Måndagen den 20 januari 2025 kl. 9.00–12.00, Kommunhuset", "09:00-12:00", "Kommunhuset", date(2025, 1, 20)),
    ],
)
def test_combined_place_and_time_label(place_time, when, place, day):
    [meeting] = meetings(COVER.format(head="Tekniska nämnden", place_time=place_time))
    assert (meeting.time, meeting.place, meeting.date) == (when, place, date(2025, 1, 20))
    if day:
        dateless = COVER.format(head="Tekniska nämnden", place_time=place_time).replace("Sammanträdesdatum 2025-01-20", "")
        [meeting] = meetings(dateless)
        assert meeting.date == day


@pytest.mark.parametrize(
    ("head", "body"),
    [
        ("Umeå kommun\nKommunstyrelsens arbetsutskott", "Kommunstyrelsens arbetsutskott"),
        ("Bygg- och miljönämndens", "Bygg- och miljönämnden"),
        ("Kommunfullmäktige          Sida 1 (12)", "Kommunfullmäktige"),
        ("Lunds kommun", None),
    ],
)
def test_body_printed_without_label(head, body):
    [meeting] = meetings(COVER.format(head=head, place_time="Plats: Rådhuset"))
    assert meeting.body == body


def test_body_above_a_datum_cover_only_below_head_lines():
    cover = "Datum 2022-06-16\nTid 18:00-21:10\nPlats Rådhuset\nBeslutande Se närvarolista\nParagrafer 1-2\n"
    [meeting] = meetings("Lerums kommun\nSAMMANTRÄDESPROTOKOLL\nKultur- och fritidsnämnden\n\n" + cover)
    assert meeting.body == "Kultur- och fritidsnämnden"
    # the last lines of a preceding extract are not the cover's head
    text = "§ 4\nBeslut\nÄrendet avslutas.\n\nExpedieras till\nSocialnämnden\n\n" + cover
    [meeting] = meetings(text)
    assert meeting.body is None


def test_inline_headings_and_missing_comma_after_party():
    text = (
        "Ledamöter: Eva Ek (C) ordförande\nBo Alm (S)\n"
        "Tjänstgörande ersättare    Ida Ny (M), för Bo Berg (M)\n"
        "Närvarande ersättare       Jan Öst (V)\n"
        "Övriga deltagande: Åsa Lind, kommunsekreterare\n"
        "Frånvarande ledamöter: Bo Berg (M)\n"
        "Justerare: Bo Alm\n"
    )
    assert [(e.name, e.role, e.party, e.function, e.title, e.serving_for) for e in extract_attendance(text)] == [
        ("Eva Ek", "member", "C", "ordförande", None, None),
        ("Bo Alm", "member", "S", None, None, None),
        ("Ida Ny", "member", "M", "tjänstgörande ersättare", None, "Bo Berg"),
        ("Jan Öst", "substitute", "V", None, None, None),
        ("Åsa Lind", "other", None, None, "kommunsekreterare", None),
        ("Bo Berg", "absent", "M", None, None, None),
    ]


def test_inline_label_with_no_person_is_no_list():
    text = "Beslutande: Se närvarolista\nÖvriga deltagare: Se bilaga\n"
    assert extract_attendance(text) == []


def test_cover_list_ends_at_the_next_cover_label_even_without_colons():
    # "Justerare  Per Olsson" reads like a person's name; the cover's label list ends the attendance list there
    text = COVER.format(head="Kommunstyrelsen", place_time="Plats  Rådhuset").replace(
        "Beslutande: Se närvarolista", "Beslutande       Anna Alm (S), ordförande\n                 Bo Ek (M)\nJusterare        Per Olsson")
    [meeting] = meetings(text)
    assert [(e.name, e.role) for e in meeting.attendance] == [("Anna Alm", "member"), ("Bo Ek", "member")]
    assert meeting.adjusters == ["Per Olsson"]
