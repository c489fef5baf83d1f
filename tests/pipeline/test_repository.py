"""pipeline.store.repository: the typed records read back from the rows are the extraction that was stored."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import event

from extractors.document import extract_document
from models.db import get_engine, session_scope
from models.records import (
    Amount,
    AttendanceEntry,
    CaseNumber,
    DateFact,
    Entity,
    Extraction,
    Item,
    Meeting,
    PageMethod,
    Period,
    Reference,
    Section,
    Span,
    Vote,
)
from models.schema import Document, DocumentVersion, Page
from pipeline.store import documents, extractions, repository
from tests.ingest_runs import ingest_directly

SEEDS = Path(__file__).parents[2] / "samples" / "seeds"

PAGES = ("Tyresö kommun\nProtokoll\n§ 5 Budget", "Beslut\nKommunstyrelsen beslutar att anta budgeten.")




def test_the_seeds_read_back_are_their_extraction(database_url):
    versions = [o.version_id for o in ingest_directly(sorted(SEEDS.glob("*.txt")), database_url)]
    with session_scope(database_url) as session:
        loaded = repository.load_extractions(session, versions)
    assert sorted(loaded) == sorted(versions)
    for version_id in versions:
        pages = [p for p in documents.pages_of(database_url, version_id) if not p.error]
        assert loaded[version_id] == extract_document(pages)


def every_field() -> Extraction:
    """An extraction with a value in every field the rows hold, printed forms that differ from resolved ones."""
    span = Span(1, 0, 5, (10, 20, 30, 40), 87.5)
    joined = "\f".join(PAGES)
    return Extraction(
        doc_type="protocol", municipality="Tyresö", municipality_code="0138", date=date(2020, 3, 2),
        sections=[Section("protocol_cover", 0, 22, 1, 1, joined[0:22], "cover", None), Section("paragraph_extract", 23, 60, 1, 2, joined[23:60], "para", "5")],
        meetings=[Meeting(
            body="Kommunstyrelsens", date=date(2020, 3, 2), time="13.00-15.00", place="Stadshuset", paragraph_range=(5, 9),
            chair="Anna Lund", secretary="Per Berg", adjusters=["Eva Ek"], adjusted_on=date(2020, 3, 5), adjustment_place="Kansliet",
            notice_posted=date(2020, 3, 6), notice_removed=date(2020, 3, 27), storage_place="Kommunarkivet", span=span, rule="cover", confidence=0.8,
            attendance=[
                AttendanceEntry("Anna Lund Anna Lund", "member", party="s", function="ordförande", title="Kommunalråd", department="KS",
                                paragraphs=[5, 6], serving_for="Bo Ek", times=[("13.00", "14.10")], municipality="Tyresö", span=span,
                                rule="roll", confidence=0.9),
                AttendanceEntry("Per Berg", "other"),
            ],
        )],
        items=[Item(
            number="5", paragraph=5, title="Budget 2021",
            case_number=CaseNumber("Dnr KS 2020/0042", "2020/KS 0042", 2020, "KS", "0042", "041", span, "register_year_serial", 0.7),
            body="Kommunstyrelsens", meeting_date=date(2020, 3, 2), decision_kind="decision", decisions=["Att anta budgeten."],
            immediate_adjustment=True, references=[Reference("KSAU 2020-02-10 § 12", "Kommunstyrelsens arbetsutskott", date(2020, 2, 10), 12, span, "ref")],
            votes=[Vote(7, 4, 0, "bifall", ["Anna Lund (S)", "Bo Ek (S)"], ["Jörgen Fogelklou (SD)"], [], span, "roll_call", 0.5)],
            motions=["Yrkande om återremiss"], reservations=["Jörgen Fogelklou (SD)"], conflicts_of_interest=["Eva Ek (M)"],
            notes=["En anteckning."], statements=["Ett yttrande."], distribution=["Ekonomiavdelningen", "Revisorerna"],
            span=span, rule="paragraph", proposed_by="Kommunstyrelsens arbetsutskott", confidence=0.6,
        ), Item(number="6")],
        case_numbers=[CaseNumber("Dnr KS 2020/0042", "2020/KS 0042", 2020, "KS", "0042", "041", span, "register_year_serial", 0.7)],
        dates=[DateFact("2 mars 2020", date(2020, 3, 2), "meeting", span, "date_text", "13.00")],
        periods=[Period("2020-2023", 2020, 2023, 4, span, "year_range")],
        amounts=[Amount("ca 5 mnkr", 5_000_000.0, "SEK", True, "year", span, "amount.mnkr")],
        entities=[Entity("municipality", "Tyresö kommun", "0138", "municipality_name", span), Entity("body", "Kommunstyrelsen", "Kommunstyrelsen")],
    )


def stored_version(url: str) -> int:
    with session_scope(url) as session:
        document = Document(path="/constructed/every_field.txt", status="ok")
        session.add(document)
        session.flush()
        version = DocumentVersion(document_id=document.id, version=1, sha256="e" * 64, size=1, kind="text", status="ok", page_count=2)
        session.add(version)
        session.flush()
        session.add_all(Page(version_id=version.id, number=n, method=PageMethod.TEXT, text=t) for n, t in enumerate(PAGES, 1))
        return version.id


def test_every_field_is_read_back_as_it_was_stored(database_url):
    version_id = stored_version(database_url)
    extraction = every_field()
    with session_scope(database_url) as session:
        extractions.store_extraction(session, version_id, extraction)
    with session_scope(database_url) as session:
        (loaded,) = repository.load_extractions(session, [version_id]).values()
        without_sections = repository.load_extractions(session, [version_id], with_sections=False)[version_id]
    extraction.extractor_version = loaded.extractor_version
    assert loaded == extraction
    assert without_sections.sections == [] and without_sections.items == extraction.items
    assert extractions.stored_extraction(database_url, version_id) == extraction


def test_a_batch_is_a_fixed_number_of_statements_whatever_its_documents(sqlite_url, monkeypatch):
    from models.db import ensure_schema

    ensure_schema(sqlite_url)
    versions = [o.version_id for o in ingest_directly(sorted(SEEDS.glob("*.txt")), sqlite_url)]
    statements: list[str] = []
    engine = get_engine(sqlite_url)

    def counted(*_args) -> None:
        statements.append(_args[2])

    def statements_for(ids: list[int]) -> int:
        statements.clear()
        event.listen(engine, "before_cursor_execute", counted)
        try:
            with session_scope(sqlite_url) as session:
                repository.load_extractions(session, ids)
        finally:
            event.remove(engine, "before_cursor_execute", counted)
        return len(statements)

    # The header, spans, pages, sections, meetings, attendance, items, references, entries, votes, choices, case
    # numbers, dates, periods, amounts, entities: at most one statement each per batch, however many documents.
    assert 12 <= statements_for(versions) <= 16
    monkeypatch.setattr(repository, "BATCH", 2)
    assert statements_for(versions) <= 3 * 16
