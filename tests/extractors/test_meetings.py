from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from extractors.document import extract_document
from extractors.meetings import extract_meetings
from extractors.text import DocText
from models.records import PageMethod, PageText

SEEDS = Path(__file__).parents[2] / "samples/seeds"


def seed_doc(prefix: str) -> DocText:
    return DocText.from_text(next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8"))


COVER = """Kommunstyrelsen

Datum: 2022-03-14
  Tid 09.00–11.45
  Plats Rådhuset, sal A

Beslutande Se närvarolista

Justeringens plats
  och tid Stadshuset, 2022-03-17 kl. 15:00

Paragrafer 101–115
2001-2002

Sekreterare
  Kim Holm

Ordförande Lisa Berg
Lisa Berg

Justerande
  Omar Said
  Omar Said
  Hanna Ek

ANSLAG / BEVIS

Protokollet är justerat.

Organ Kommunstyrelsen
 Sammanträdesdatum 2022-03-14
 Datum då anslaget sätts upp 2022-03-18
 Datum då anslaget tas ned 2022-04-11
 Förvaringsplats för protokollet Kansliets arkiv

Underskrift Kim Holm
\fNärvarolista

Beslutande
Lisa Berg (S), ordförande
Omar Said (M)

Ersättare
Eva Lind (V)

Frånvarande
Hanna Ek (C)
"""


def test_cover_variant_with_wrapped_labels_and_next_line_values():
    doc = DocText.from_text(COVER)
    [meeting] = extract_meetings(doc, [])
    assert (meeting.body, meeting.date, meeting.time, meeting.place) == (
        "Kommunstyrelsen", date(2022, 3, 14), "09:00-11:45", "Rådhuset, sal A",
    )
    assert meeting.paragraph_range == (101, 115)
    assert (meeting.chair, meeting.secretary, meeting.adjusters) == ("Lisa Berg", "Kim Holm", ["Omar Said", "Hanna Ek"])
    assert (meeting.adjusted_on, meeting.adjustment_place) == (date(2022, 3, 17), "Stadshuset")
    assert (meeting.notice_posted, meeting.notice_removed, meeting.storage_place) == (
        date(2022, 3, 18), date(2022, 4, 11), "Kansliets arkiv",
    )
    assert [(e.name, e.role) for e in meeting.attendance] == [
        ("Lisa Berg", "member"), ("Omar Said", "member"), ("Eva Lind", "substitute"), ("Hanna Ek", "absent"),
    ]
    assert meeting.attendance[0].span.page == 2
    assert meeting.span.page == 1


MINUTES = """Minnesanteckningar Länsnätverket för äldreomsorg i Jämtland

Datum: 2024-02-09

Tid: 13.00-15.30

Plats: Teams

Närvarande: (överstruken = frånvarande)

Östersund Pia Ström Kalle Berg
Åre Maja Lund (tf)
Strömsund  Jon Ek  Lisa Ny
FoU Jämtland Ann Ros

1. Mötets öppnande
"""


def test_minutes_variant():
    [meeting] = extract_meetings(DocText.from_text(MINUTES), [])
    assert (meeting.body, meeting.date, meeting.time, meeting.place) == (
        "Länsnätverket för äldreomsorg i Jämtland", date(2024, 2, 9), "13:00-15:30", "Teams",
    )
    assert [(e.name, e.municipality, e.function, e.role) for e in meeting.attendance] == [
        ("Pia Ström", "Östersund", None, "member"),
        ("Kalle Berg", "Östersund", None, "member"),
        ("Maja Lund", "Åre", "tf", "member"),
        ("Jon Ek", "Strömsund", None, "member"),
        ("Lisa Ny", "Strömsund", None, "member"),
        ("Ann Ros", None, None, "member"),
    ]
    assert meeting.attendance[-1].department == "FoU Jämtland"


def test_no_meetings_in_a_letter():
    assert extract_meetings(seed_doc("000"), []) == []
    assert extract_meetings(seed_doc("002"), []) == []


def test_seed_001_three_meetings_every_cover_field():
    meetings = extract_meetings(seed_doc("001"), [])
    got = [
        (m.body, m.date, m.time, m.place, m.paragraph_range, m.chair, m.secretary, m.adjusters,
         m.adjusted_on, m.adjustment_place, m.notice_posted, m.notice_removed, m.storage_place)
        for m in meetings
    ]
    assert got == [
        ("Äldre- och omsorgsnämnden", date(2019, 4, 24), "18:30-19:31", "Myggdalen, plan 1", (1035, 1047),
         "Tony Thorén", "Helena Wiberg", ["Peter Freij"], date(2019, 4, 29), None,
         date(2019, 5, 2), date(2019, 5, 24), "Förvaltningens för liv och hälsa arkiv"),
        ("Arbetsmarknads- och socialnämnden", date(2019, 4, 29), "18:30-20:50", "Myggdalen, plan 1 Kommunhuset",
         (1031, 1044), "Ajda Asgari", "Linda Grafström", ["Dick Bengtson"], date(2019, 4, 30), None,
         date(2019, 4, 30), date(2019, 5, 22), "Förvaltningen för liv och hälsas arkiv"),
        ("Kommunledningsutskottet", date(2019, 5, 15), "13:00-14:20", "Sammanträdesrum Bollmora, kommunhuset",
         (48, 57), "Anita Mattsson", "Hillevi Elvhage", ["Anki Svensson"], date(2019, 5, 20), "Kommunkansliet",
         date(2019, 5, 22), date(2019, 6, 13), "Kommunkansliets arkiv plan 6"),
    ]
    counts = [Counter(e.role for e in m.attendance) for m in meetings]
    assert counts == [
        Counter(member=11, substitute=8, other=10, absent=3),
        Counter(member=11, substitute=6, other=8, absent=5),
        Counter(member=10, substitute=5, other=12, absent=3),
    ]
    assert sum(len(m.attendance) for m in meetings) == 92


def test_seed_004_minutes_meeting():
    [meeting] = extract_meetings(seed_doc("004"), [])
    assert (meeting.body, meeting.date, meeting.time, meeting.place) == (
        "Socialchefsnätverket i Dalarna", date(2025, 10, 17), "09:00-12:00", "Stängslet, Myntgatan 2, Falun",
    )
    assert len(meeting.attendance) == 25
    municipalities = {e.municipality for e in meeting.attendance} - {None}
    assert len(municipalities) == 15
    assert {(e.name, e.municipality) for e in meeting.attendance if e.function == "tf"} == {
        ("Emelie Forslund", "Hedemora"), ("Anna-Karin Olsson", "Vansbro"),
    }
    assert all(e.role == "member" for e in meeting.attendance)


NETWORK_MINUTES = """Styrgrupp för äldrefrågor

Minnesanteckningar Länsnätverket för äldreomsorg i Jämtland

Datum: 2031-05-06

Tid: 10.00-12.00

Plats: Teams

Närvarande:
Östersund Pia Ström

1. Mötets öppnande

Länsnätverket beslutade
att öppna mötet.

2. Information om budget

Informationen noterades.

3. Val av sekreterare

Styrgruppen beslutade
att utse Pia Ström.
"""


@pytest.mark.parametrize(
    ("text", "body", "item_bodies"),
    [
        # the heading names the body in full; items print the short form, or none, or another body
        (NETWORK_MINUTES, "Länsnätverket för äldreomsorg i Jämtland",
         ["Länsnätverket för äldreomsorg i Jämtland", "Länsnätverket för äldreomsorg i Jämtland", "Styrgruppen"]),
        (NETWORK_MINUTES.replace("Minnesanteckningar Länsnätverket för äldreomsorg i Jämtland", "Minnesanteckningar Länsnätverket"),
         "Länsnätverket", ["Länsnätverket", "Länsnätverket", "Styrgruppen"]),
    ],
)
def test_minutes_are_one_meeting_whose_body_items_share(text, body, item_bodies):
    ex = extract_document([PageText(number=1, text=text, method=PageMethod.TEXT)])
    assert [(m.body, m.date) for m in ex.meetings] == [(body, date(2031, 5, 6))]
    assert [i.body for i in ex.items] == item_bodies
    assert {i.meeting_date for i in ex.items} == {date(2031, 5, 6)}


def test_seed_004_one_meeting_and_items_of_its_body():
    text = next(SEEDS.glob("004_*.txt")).read_text(encoding="utf-8")
    ex = extract_document([PageText(number=1, text=text, method=PageMethod.TEXT)])
    assert [(m.body, m.date) for m in ex.meetings] == [("Socialchefsnätverket i Dalarna", date(2025, 10, 17))]
    assert {i.body for i in ex.items} == {"Socialchefsnätverket i Dalarna"}
