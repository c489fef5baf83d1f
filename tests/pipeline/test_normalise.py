"""Entity resolution when storing extractions: municipalities, bodies, persons, parties, cases; replacement of a document's rows."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models.db import session_scope
from models.records import AttendanceEntry, CaseNumber, Extraction, Item, Meeting, Span, Vote
from models.schema import (
    Attendance,
    Body,
    Case,
    CaseAlias,
    Document,
    DocumentVersion,
    ItemRecord,
    MeetingRecord,
    MunicipalityRecord,
    Party,
    Person,
    SpanRecord,
    VoteChoice,
    VoteRecord,
)
from pipeline.store.rows import clean_name, registers_match
from tests.pipeline.relational_helpers import count, seed_extraction, store


def protocol(*entries: AttendanceEntry, body: str = "Kommunstyrelsen", day: date = date(2020, 3, 2), items: list[Item] | None = None, municipality: str = "0138") -> Extraction:
    return Extraction(
        doc_type="protocol",
        municipality="Tyresö",
        municipality_code=municipality,
        date=day,
        meetings=[Meeting(body=body, date=day, attendance=list(entries), span=Span(1, 0, 10))],
        items=items or [],
    )


def case_number(raw: str, year: int, register: str | None, serial: str, classification: str | None = None) -> CaseNumber:
    normalised = f"{year}/{register} {serial}" + (f" {classification}" if classification else "")
    return CaseNumber(raw=raw, normalised=normalised, year=year, register=register, serial=serial, classification=classification, rule="year_register_serial")


@pytest.mark.parametrize(
    ("printed", "expected"),
    [("Anna Lund Anna Lund", "Anna Lund"), ("Anna  Lund", "Anna Lund"), ("Anna Lund", "Anna Lund"), ("Lund Lund", "Lund")],
)
def test_clean_name_says_a_name_printed_twice_once(printed, expected):
    assert clean_name(printed) == expected


@pytest.mark.parametrize(
    ("a", "b", "linked"),
    [("ÅON", "ÄON", True), ("AON", "ÄON", True), ("ASN", "ASM", True), ("KS", "KF", False), ("BUN", "SN", False), (None, None, True), ("KS", None, False)],
)
def test_registers_match(a, b, linked):
    assert registers_match(a, b) is linked


def test_same_person_across_meetings_and_spellings_is_one_person(database_url):
    store(database_url, "a.pdf", protocol(AttendanceEntry("Tony Thorén", "member", "L")))
    store(database_url, "b.pdf", protocol(AttendanceEntry("Tony Thoren", "member", "L"), body="Kommunfullmäktige", day=date(2020, 4, 1)))
    store(database_url, "c.pdf", protocol(AttendanceEntry("Tony Thorén Tony Thorén", "member", None), day=date(2020, 5, 1)))
    with session_scope(database_url) as s:
        assert s.execute(select(Person.name, Person.scope)).all() == [("Tony Thorén", "0138")]
        assert count(database_url, Attendance) == 3


def test_different_known_parties_are_never_merged(database_url):
    store(database_url, "a.pdf", protocol(AttendanceEntry("Anna Lund", "member", "KD"), AttendanceEntry("Anna Lund", "substitute", "S")))
    with session_scope(database_url) as s:
        rows = s.execute(select(Person.name, Party.abbreviation).join(Attendance, Attendance.person_id == Person.id).join(Party, Party.id == Attendance.party_id).order_by(Party.abbreviation)).all()
    assert rows == [("Anna Lund", "KD"), ("Anna Lund", "S")]
    assert count(database_url, Person) == 2


def test_people_are_scoped_per_municipality(database_url):
    store(database_url, "a.pdf", protocol(AttendanceEntry("Maria Jonsson", "member", "S")))
    store(database_url, "b.pdf", protocol(AttendanceEntry("Maria Jonsson", "member", "S"), municipality="2080"))
    with session_scope(database_url) as s:
        assert sorted(s.scalars(select(Person.scope))) == ["0138", "2080"]


def test_ocr_damage_is_one_person_but_other_names_are_not(database_url):
    store(database_url, "a.pdf", protocol(
        AttendanceEntry("Margareta Ternstedt", "member", "L"),
        AttendanceEntry("Margareta Temstedt", "member", "L"),
        AttendanceEntry("Anna Lund", "member", "KD"),
        AttendanceEntry("Hanna Lund", "member", "KD"),
        AttendanceEntry("Anna Maria Lund", "member", "KD"),
    ))
    with session_scope(database_url) as s:
        assert sorted(s.scalars(select(Person.name))) == ["Anna Lund", "Anna Maria Lund", "Hanna Lund", "Margareta Ternstedt"]


def test_serving_for_links_the_member_replaced(database_url):
    store(database_url, "a.pdf", protocol(
        AttendanceEntry("Ulrica Riis-Pedersen", "member", "C", paragraphs=[48, 49]),
        AttendanceEntry("Anna Lund", "member", "KD", function="tjänstgörande ersättare", paragraphs=[50, 51], serving_for="Ulrica Riis-Pedersen"),
    ))
    with session_scope(database_url) as s:
        ulrica = s.scalar(select(Person.id).where(Person.name == "Ulrica Riis-Pedersen"))
        anna = s.scalars(select(Attendance).where(Attendance.name == "Anna Lund")).one()
        assert (anna.serving_for_id, anna.paragraphs) == (ulrica, [50, 51])
    assert count(database_url, Person) == 2


def test_bodies_are_one_entity_per_municipality_whatever_the_inflection(database_url):
    items = [
        Item(number="55", paragraph=55, body="Kommunledningsutskottets", meeting_date=date(2020, 3, 2), title="A"),
        Item(number="56", paragraph=56, body="kommunledningsutskottet", meeting_date=date(2020, 3, 2), title="B"),
    ]
    store(database_url, "a.pdf", protocol(body="Kommunledningsutskottet", items=items))
    store(database_url, "b.pdf", protocol(body="Kommunledningsutskottet", municipality="0114"))
    with session_scope(database_url) as s:
        bodies = s.execute(select(Body.scope, Body.name).order_by(Body.scope)).all()
        assert bodies == [("0114", "Kommunledningsutskottet"), ("0138", "Kommunledningsutskottet")]
        meeting_id = s.scalar(select(MeetingRecord.id).join(Document, Document.id == MeetingRecord.document_id).where(Document.path == "a.pdf"))
        assert set(s.scalars(select(ItemRecord.meeting_id))) == {meeting_id}


def test_ocr_damaged_case_numbers_join_one_case_and_keep_the_variance(database_url):
    first = Item(number="1039", paragraph=1039, body="Äldre- och omsorgsnämnden", title="Kunskapsstyrning",
                 case_number=case_number("Dnr 2019/ÅON 0042 010", 2019, "ÅON", "0042", "010"))
    second = Item(number="7", paragraph=7, body="Kommunstyrelsen", title="Kunskapsstyrning",
                  case_number=case_number("Diariumnummer 2019/ÄON 0042", 2019, "ÄON", "0042"))
    other = Item(number="8", paragraph=8, body="Kommunstyrelsen", title="Annat", case_number=case_number("Dnr 2019/KF 0042", 2019, "KF", "0042"))
    store(database_url, "a.pdf", protocol(items=[first]))
    store(database_url, "b.pdf", protocol(items=[second, other]))
    with session_scope(database_url) as s:
        cases = s.execute(select(Case.normalised, Case.register, Case.serial).order_by(Case.id)).all()
        assert cases == [("2019/ÅON 0042 010", "ÅON", "42"), ("2019/KF 0042", "KF", "42")]
        aliases = s.execute(select(CaseAlias.normalised, CaseAlias.variance).order_by(CaseAlias.id)).all()
        assert aliases == [
            ("2019/ÅON 0042 010", None),
            ("2019/ÄON 0042", "register ÄON vs ÅON; classification missing vs 010"),
            ("2019/KF 0042", None),
        ]
        assert len(set(s.scalars(select(ItemRecord.case_id).where(ItemRecord.title == "Kunskapsstyrning")))) == 1


def test_votes_name_people(database_url):
    item = Item(number="5", paragraph=5, body="Kommunfullmäktige", title="Budget",
                votes=[Vote(yes=1, no=1, abstain=0, yes_names=["Anna Lund (KD)"], no_names=["Jörgen Fogelklou (SD)"])])
    store(database_url, "a.pdf", protocol(AttendanceEntry("Anna Lund", "member", "KD"), items=[item], body="Kommunfullmäktige"))
    with session_scope(database_url) as s:
        choices = s.execute(select(VoteChoice.name, VoteChoice.choice, Person.name).join(Person, Person.id == VoteChoice.person_id).order_by(VoteChoice.choice)).all()
    assert choices == [("Jörgen Fogelklou", "no", "Jörgen Fogelklou"), ("Anna Lund", "yes", "Anna Lund")]
    assert count(database_url, Person) == 2


def test_a_new_version_replaces_the_documents_rows_without_duplicating_entities(database_url):
    item = Item(number="1", paragraph=1, body="Kommunstyrelsen", title="Gammal", case_number=case_number("Dnr 2020/KS 0001", 2020, "KS", "0001"), span=Span(1, 0, 5))
    store(database_url, "a.pdf", protocol(AttendanceEntry("Anna Lund", "member", "KD"), items=[item]))
    item.title = "Ny"
    _, version_id = store(database_url, "a.pdf", protocol(AttendanceEntry("Anna Lund", "member", "KD"), items=[item]))
    with session_scope(database_url) as s:
        assert s.execute(select(ItemRecord.title, ItemRecord.version_id)).all() == [("Ny", version_id)]
        assert s.scalar(select(SpanRecord.version_id).distinct()) == version_id
    assert (count(database_url, Person), count(database_url, Case), count(database_url, Body), count(database_url, MeetingRecord), count(database_url, Attendance)) == (1, 1, 1, 1, 1)
    assert count(database_url, DocumentVersion) == 2
    assert count(database_url, MunicipalityRecord) == 290


def test_seed_001_tyreso_bundle(database_url):
    extraction = seed_extraction("001")
    store(database_url, "001.txt", extraction)
    with session_scope(database_url) as s:
        assert s.scalar(select(MunicipalityRecord.code).join(ItemRecord, ItemRecord.municipality_id == MunicipalityRecord.id).distinct()) == "0138"
        assert count(database_url, MeetingRecord) == 3
        assert count(database_url, Attendance) == 92
        assert count(database_url, ItemRecord) == 3
        for name in ("Tony Thorén", "Anna Lund"):
            assert s.scalars(select(Person.id).where(Person.name == name)).all().__len__() == 1, name
            assert len(set(s.scalars(select(Attendance.meeting_id).join(Person, Person.id == Attendance.person_id).where(Person.name == name)))) >= 2, name
        bodies = set(s.scalars(select(Body.name)))
        assert {"Kommunledningsutskottet", "Äldre- och omsorgsnämnden", "Arbetsmarknads- och socialnämnden"} <= bodies
        aon = s.scalar(select(CaseAlias.case_id).where(CaseAlias.normalised == "2019/ÅON 0042 010"))
        assert s.scalar(select(CaseAlias.case_id).where(CaseAlias.normalised == "2019/ÄON 0042")) == aon
    # The same bytes stored again change nothing.
    before = [count(database_url, m) for m in (Person, Case, Body, Attendance, ItemRecord)]
    with session_scope(database_url) as s:
        from pipeline.store.rows import store_records

        document_id, version_id = s.execute(select(DocumentVersion.document_id, DocumentVersion.id)).one()
        store_records(s, version_id, document_id, extraction)
    assert [count(database_url, m) for m in (Person, Case, Body, Attendance, ItemRecord)] == before


def test_seed_004_network_minutes_scope_people_by_their_municipality(database_url):
    store(database_url, "004.txt", seed_extraction("004"))
    assert count(database_url, ItemRecord) == 19
    with session_scope(database_url) as s:
        scopes = dict(s.execute(select(Person.name, Person.scope).where(Person.name.in_(["Anna-Karin Stillfors", "Tommy Berglund"]))).all())
    assert scopes == {"Anna-Karin Stillfors": "2084", "Tommy Berglund": "2081"}


def test_rows_keep_how_each_record_was_found_and_how_sure_the_rule_is(database_url):
    damaged = Item(number="12", paragraph=12, body="Kommunstyrelsen", title="Budget", rule="heading_ocr_sequence", confidence=0.6,
                   case_number=CaseNumber(raw="2020/KS 0001", normalised="2020/KS 0001", year=2020, register="KS", serial="0001",
                                          span=Span(1, 0, 12), rule="year_register_serial", confidence=0.7),
                   votes=[Vote(yes=5, no=2, abstain=0, rule="roll_call", confidence=0.5)])
    whole = Item(number="13", paragraph=13, body="Kommunstyrelsen", title="Taxor")
    extraction = protocol(AttendanceEntry("Anna Lund", "member", "KD", rule="beslutande", confidence=0.5), items=[damaged, whole])
    extraction.meetings[0].rule, extraction.meetings[0].confidence = "cover_labels", 0.5
    store(database_url, "a.pdf", extraction)
    with session_scope(database_url) as s:
        items = s.execute(select(ItemRecord.paragraph, ItemRecord.rule, ItemRecord.confidence, ItemRecord.case_number_confidence)
                          .order_by(ItemRecord.paragraph)).all()
        assert items == [(12, "heading_ocr_sequence", 0.6, 0.7), (13, "", 1.0, None)]
        assert s.execute(select(VoteRecord.rule, VoteRecord.confidence)).all() == [("roll_call", 0.5)]
        assert s.execute(select(Attendance.rule, Attendance.confidence)).all() == [("beslutande", 0.5)]
        assert s.execute(select(MeetingRecord.rule, MeetingRecord.confidence)).all() == [("cover_labels", 0.5)]
