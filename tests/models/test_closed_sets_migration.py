"""Migration 0010 (closed sets, document dates) with data on both databases: a 0009 database holding every value of
every set reads back the same values as enums, strays are mapped, and a downgrade gives back the 0009 strings."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

import sqlalchemy as sa

from models import db
from models.claims import FlagStatus, ReviewDecision, Severity
from models.records import AttendanceRole, DateRole, DecisionKind, DocType, DocumentStatus, FileKind, PageMethod
from models.schema import Attendance, DateFactRecord, Decision, Document, DocumentVersion, ExtractionRecord, FlagRecord, Page, Review

NOW = datetime(2026, 12, 7, tzinfo=timezone.utc)
TABLES = ["documents", "document_versions", "pages", "extractions", "flags", "reviews", "meetings", "attendance", "items", "decisions", "date_facts"]
# (ORM column, its set, strays written at 0009 -> what 0010 reads)
SETS = [
    (Document.status, DocumentStatus, {" OK": DocumentStatus.OK, "queued": DocumentStatus.PENDING}),
    (DocumentVersion.status, DocumentStatus, {"bogus": DocumentStatus.PENDING}),
    (DocumentVersion.kind, FileKind, {"PDF": FileKind.PDF, "docx": None}),
    (Page.method, PageMethod, {"hocr": PageMethod.OCR}),
    (ExtractionRecord.doc_type, DocType, {"memo": DocType.OTHER}),
    (FlagRecord.severity, Severity, {"fatal": Severity.WARNING}),
    (FlagRecord.status, FlagStatus, {"closed": FlagStatus.OPEN}),
    (Review.decision, ReviewDecision, {"Dismissed": ReviewDecision.DISMISSED, "maybe": ReviewDecision.ACCEPTED}),
    (Attendance.role, AttendanceRole, {"chair": AttendanceRole.OTHER}),
    (Decision.kind, DecisionKind, {"referral": None}),
    (DateFactRecord.role, DateRole, {"birthday": DateRole.OTHER}),
]
DATES = {"2024-03-19": date(2024, 3, 19), "20190515": date(2019, 5, 15), "2024-02-30": None, "unknown": None}


class Rows:
    """Rows written with the 0009 tables as the database has them (the models describe the head), and the strings
    written to each closed-set column, in row order."""

    def __init__(self, conn: sa.Connection):
        self.conn = conn
        self.tables = sa.MetaData()
        # Not through the foreign keys: persons has an expression index SQLAlchemy cannot reflect.
        self.tables.reflect(conn, only=TABLES, resolve_fks=False)
        self.serial = 0
        self.written: dict[Any, list[str | None]] = {column: [] for column, _, _ in SETS}

    def add(self, table: str, **values: Any) -> int:
        return self.conn.execute(self.tables.tables[table].insert().values(**values).returning(sa.literal_column("id"))).scalar_one()

    def next(self) -> int:
        self.serial += 1
        return self.serial

    def document(self, status: str = "ok") -> int:
        self.written[Document.status].append(status)
        n = self.next()
        return self.add("documents", path=f"/d/{n}.pdf", path_key=f"{n:064d}", status=status, created_at=NOW, updated_at=NOW)

    def version(self, document_id: int, kind: str | None = "pdf", status: str = "ok") -> int:
        self.written[DocumentVersion.kind].append(kind)
        self.written[DocumentVersion.status].append(status)
        return self.add("document_versions", document_id=document_id, version=self.next(), sha256=f"{self.serial:064x}", size=1,
                        kind=kind, status=status, page_count=1, ocr=False, ingested_at=NOW)


def every_value(column: Any) -> list[str]:
    """Each member's string, then the strays."""
    _, members, strays = next(s for s in SETS if s[0] is column)
    return [m.value for m in members] + list(strays)


def write_0009(url: str) -> dict[Any, list[str | None]]:
    """Rows holding every value of every set and the strays (and dates, good and bad); the strings written."""
    with db.get_engine(url).begin() as conn:
        rows = Rows(conn)
        for status in every_value(Document.status):
            rows.document(status)
        document = rows.document()
        for status in every_value(DocumentVersion.status):
            rows.version(document, status=status)
        for kind in every_value(DocumentVersion.kind):
            rows.version(document, kind=kind)
        version = rows.version(document)
        for number, method in enumerate(every_value(Page.method), start=1):
            rows.written[Page.method].append(method)
            rows.add("pages", version_id=version, number=number, method=method, text="", rotation=0, skew=0.0)
        doc_types = every_value(ExtractionRecord.doc_type)
        for doc_type, text in zip(doc_types, [*DATES, *[None] * len(doc_types)]):
            rows.written[ExtractionRecord.doc_type].append(doc_type)
            rows.add("extractions", version_id=rows.version(document), extractor_version="0009", doc_type=doc_type,
                     document_date=text, data={}, created_at=NOW)
        severities, statuses = every_value(FlagRecord.severity), every_value(FlagRecord.status)
        flags = []
        for severity, status in zip(severities, [*statuses, *["open"] * len(severities)]):
            rows.written[FlagRecord.severity].append(severity)
            rows.written[FlagRecord.status].append(status)
            flags.append(rows.add("flags", identity=f"{rows.next():016x}", kind="test", severity=severity, message="", values=[],
                                  evidence=[], status=status, first_seen=NOW, last_seen=NOW))
        for decision in every_value(Review.decision):
            rows.written[Review.decision].append(decision)
            rows.add("reviews", flag_id=flags[0], decision=decision, note="seen", reviewer="r", created_at=NOW)
        person = conn.execute(sa.text("INSERT INTO persons (scope, name, key) VALUES ('', 'Anna Ek', 'anna ek') RETURNING id")).scalar_one()
        meeting = rows.add("meetings", document_id=document, version_id=version, adjusters=[], rule="", confidence=1.0)
        for role in every_value(Attendance.role):
            rows.written[Attendance.role].append(role)
            rows.add("attendance", meeting_id=meeting, person_id=person, name="Anna Ek", role=role, paragraphs=[], rule="", confidence=1.0)
        for kind in [*every_value(Decision.kind), None]:
            rows.written[Decision.kind].append(kind)
            item = rows.add("items", document_id=document, version_id=version, number="1", search_text="", rule="", confidence=1.0)
            rows.add("decisions", item_id=item, kind=kind, clauses=[], immediate_adjustment=False)
        for role in every_value(DateFactRecord.role):
            rows.written[DateFactRecord.role].append(role)
            rows.add("date_facts", document_id=document, version_id=version, role=role, value=date(2024, 1, 1), text="1 januari 2024", rule="")
    return rows.written


def read(url: str, column: Any) -> list[Any]:
    with db.session_scope(url) as s:
        return s.scalars(sa.select(column).order_by(column.class_.id)).all()


def test_0010_reads_every_value_of_every_set_and_maps_the_strays(database_url):
    db.downgrade(database_url, "0009")
    written = write_0009(database_url)
    db.upgrade(database_url, "0010")

    for column, members, strays in SETS:
        values = read(database_url, column)
        assert values == [None if s is None else strays[s] if s in strays else members(s) for s in written[column]], column
        assert {type(v) for v in values} <= {members, type(None)}, column
    with db.session_scope(database_url) as s:
        notes = s.scalars(sa.select(Review.note).order_by(Review.id)).all()
        dates = s.scalars(sa.select(ExtractionRecord.document_date).order_by(ExtractionRecord.id)).all()
    assert notes == ["seen", "seen", "seen", "[decision stored as 'maybe'] seen"]
    assert dates == [*DATES.values(), *[None] * (len(dates) - len(DATES))]

    db.downgrade(database_url, "0009")
    with db.get_engine(database_url).connect() as conn:
        texts = conn.execute(sa.text("SELECT document_date FROM extractions ORDER BY id")).scalars().all()
        roles = conn.execute(sa.text("SELECT role FROM date_facts ORDER BY id")).scalars().all()
    assert texts == ["2024-03-19", "2019-05-15", *[None] * (len(texts) - 2)]
    assert roles == [*(m.value for m in DateRole), "other"]
    db.upgrade(database_url)
    assert read(database_url, DateFactRecord.role) == [*DateRole, DateRole.OTHER]
