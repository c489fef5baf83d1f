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


# --- cover templates from other municipalities (text written for these tests) -------------------------------------

def _meeting(text: str):
    pages = [PageText(number=n, text=p, method=PageMethod.TEXT) for n, p in enumerate(text.split("\f"), start=1)]
    doc = DocText.from_pages(pages)
    (meeting,) = extract_meetings(doc, [])
    return meeting


# The cover refers its list elsewhere; the list on page 2 is printed label first, values beside and under it.
REFERRED = """Fritidsnämnden                         Sammanträdesprotokoll
2023-09-12
Plats och tid        Medborgarhuset, sal 3, kl 09.00-12.10, ajournering kl 10.30-10.45
Beslutande           Enligt särskild förteckning, sidan 2
Övriga närvarande    Enligt särskild förteckning, sidan 2
Utses att justera    Jan Ruud
Justeringens
plats och tid        Medborgarhuset 2023-09-15
Underskrifter        Paragrafer 31-38
Sekreterare          Mona Vik
Ordförande           Åke Dahl
Justerande           Jan Ruud
ANSLAG/BEVIS
Nämnd / styrelse     Fritidsnämnden
Sammanträdesdatum    2023-09-12
Datum för anslags uppsättande   2023-09-18
Datum för anslags nedtagande    2023-10-10
Förvaringsplats
för protokollet      Medborgarhuset
\fFritidsnämnden                         Sammanträdesprotokoll
2023-09-12
Beslutande:          Åke Dahl (C), ordförande
                     Jan Ruud (S)
                     Eva Rosén (M)
                     Pär Lind (S) tjänstgör för Gull Ek (S)
                     Nina Fors (sd)
Närvarande ersättare:
                     Kurt Ås (M)
Övriga närvarande:   Mona Vik, nämndsekreterare
                     Olle Berg, fritidschef, §§ 33-35
\fFritidsnämnden                         Sammanträdesprotokoll
§ 31 Dnr 2023/12
Val av justerare
"""


def test_cover_found_by_its_labels_with_the_list_on_the_page_it_refers_to():
    meeting = _meeting(REFERRED)
    assert (meeting.body, meeting.date, meeting.time, meeting.place, meeting.paragraph_range) == (
        "Fritidsnämnden", date(2023, 9, 12), "09:00-12:10", "Medborgarhuset, sal 3", (31, 38)
    )
    assert (meeting.chair, meeting.secretary, meeting.adjusters, meeting.adjusted_on) == (
        "Åke Dahl", "Mona Vik", ["Jan Ruud"], date(2023, 9, 15)
    )
    assert (meeting.notice_posted, meeting.notice_removed, meeting.storage_place) == (
        date(2023, 9, 18), date(2023, 10, 10), "Medborgarhuset"
    )
    assert (meeting.rule, meeting.confidence) == ("cover_labels+referred_list", 1.0)
    assert [(a.name, a.role, a.party, a.function, a.serving_for, a.paragraphs) for a in meeting.attendance] == [
        ("Åke Dahl", "member", "C", "ordförande", None, []),
        ("Jan Ruud", "member", "S", None, None, []),
        ("Eva Rosén", "member", "M", None, None, []),
        ("Pär Lind", "member", "S", "tjänstgörande ersättare", "Gull Ek", []),
        ("Nina Fors", "member", "SD", None, None, []),
        ("Kurt Ås", "substitute", "M", None, None, []),
        ("Mona Vik", "other", None, None, None, []),
        ("Olle Berg", "other", None, None, None, [33, 34, 35]),
    ]


def test_a_referred_list_that_is_not_there_leaves_the_meeting_unsure():
    meeting = _meeting(REFERRED.split("\f")[0] + "\f§ 31 Dnr 2023/12\nVal av justerare\n")
    assert (meeting.body, meeting.attendance, meeting.confidence) == ("Fritidsnämnden", [], 0.5)


def test_a_kallelse_head_is_no_protocol_cover():
    text = "Kallelse\nTid: Onsdagen den 4 december 2024 kl. 13.30\nPlats: Stadshuset\nOrdförande: Eva Ek\nSekreterare: Bo Al\n"
    doc = DocText.from_text(text)
    assert extract_meetings(doc, []) == []


def test_nämnd_cover_with_ej_beslutande_and_lower_case_parties():
    text = (
        "Sammanträdesdatum       2024-10-08\n"
        "Plats och tid           Kulturhuset, kl. 14.00–16.30\n"
        "Beslutande              Siv Lund (c), ordförande\n"
        "                        Ali Rahim (s), vice ordförande\n"
        "                        Per Hed (m), §§ 5-6\n"
        "                        Ann Ros (kd), tjg ers för Per Hed (m) § 7\n"
        "                        Lo Berg (mp), tjg ers för Ida Nord (v)\n"
        "Ej beslutande           Kim Falk (m), ersättare\n"
        "Övriga deltagande       Eva Holm, förvaltningschef\n"
        "Utsedd att justera      Ali Rahim\n"
        "Justeringens plats och tid    Kulturhuset 2024-10-14\n"
        "Protokollet omfattar    §§ 5–7\n"
    )
    meeting = _meeting(text)
    assert (meeting.date, meeting.paragraph_range, meeting.adjusters) == (date(2024, 10, 8), (5, 7), ["Ali Rahim"])
    assert [(a.name, a.role, a.party, a.function, a.serving_for, a.paragraphs, a.rule) for a in meeting.attendance] == [
        ("Siv Lund", "member", "C", "ordförande", None, [], "heading_beslutande"),
        ("Ali Rahim", "member", "S", "vice ordförande", None, [], "heading_beslutande"),
        ("Per Hed", "member", "M", None, None, [5, 6], "heading_beslutande"),
        ("Ann Ros", "member", "KD", "tjänstgörande ersättare", "Per Hed", [7], "heading_beslutande"),
        ("Lo Berg", "member", "MP", "tjänstgörande ersättare", "Ida Nord", [], "heading_beslutande"),
        ("Kim Falk", "substitute", "M", "ersättare", None, [], "heading_ej_beslutande"),
        ("Eva Holm", "other", None, None, None, [], "heading_ovriga"),
    ]


def test_a_wrapped_adjustment_label_with_its_value_beside_the_first_line_and_no_date():
    text = (
        "Plats och tid        Stadshuset, kl 13.00-15.00\n"
        "Sammanträdesdatum    2023-05-04\n"
        "Beslutande          Enligt särskild förteckning\n"
        "Utses att justera    Jan Ruud\n"
        "Justeringens Digitalt via e-tjänst\n"
        "plats och tid\n"
        "Underskrifter        Paragrafer 1-4\n"
    )
    meeting = _meeting(text)
    assert (meeting.adjusted_on, meeting.adjustment_place, meeting.adjusters, meeting.paragraph_range) == (
        None, "Digitalt via e-tjänst", ["Jan Ruud"], (1, 4)
    )


def test_a_bundle_with_covers_of_two_templates_gives_both_meetings():
    first = (
        "Socialnämnden\nDatum 2023-02-01\nTid 13.00-15.00\nPlats Rådhuset\nBeslutande Anna Alm (S)\nParagrafer 4-6\n"
        "\f§ 4\nVal av justerare\nBeslut\nAnna Alm utses att justera.\n"
    )
    second = (
        "Byggnadsnämnden\n"
        "Sammanträdesdatum    2023-02-09\n"
        "Plats och tid        Stadshuset, kl 09.00-11.00\n"
        "Beslutande           Per Ek (M), ordförande\n"
        "                     Lisa Berg (C)\n"
        "Utses att justera    Lisa Berg\n"
        "Underskrifter        Paragrafer 20-24\n"
    )
    doc = DocText.from_text(first + "\f" + second)
    assert [(m.date, m.paragraph_range, m.rule, len(m.attendance)) for m in extract_meetings(doc, [])] == [
        (date(2023, 2, 1), (4, 6), "cover_datum_tid", 1),
        (date(2023, 2, 9), (20, 24), "cover_labels", 2),
    ]
