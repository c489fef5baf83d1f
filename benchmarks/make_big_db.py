"""Build a database of at least 10 000 items by replicating the seed extractions with varied
municipalities, dates, § and case numbers (for benchmarks/query_bench.py).

    .venv/bin/python benchmarks/make_big_db.py --db sqlite:///big.db --items 10000
    .venv/bin/python benchmarks/make_big_db.py --db sqlite:///big1m.db --items 1000000

Small databases go through store_extraction like ingested documents (the seed's text as their page); from BULK_FROM
items on, synthetic protocols (all 290 municipalities, ten bodies each, 2015-2025) are written with bulk inserts of
the rows pipeline.store.repository reads back (see bulk_build).
"""

from __future__ import annotations

import argparse
import json
import copy
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dataclasses import dataclass  # noqa: E402
from datetime import date  # noqa: E402
from typing import Any  # noqa: E402

from sqlalchemy import JSON, Connection, func, insert, select, text  # noqa: E402

from extractors.bodies import normalise_body  # noqa: E402

from extractors.document import extract_document  # noqa: E402
from models import municipalities  # noqa: E402
from models.db import get_engine, session_scope, upgrade  # noqa: E402
from models.paths import path_key  # noqa: E402
from extractors.version import EXTRACTOR_VERSION  # noqa: E402
from models.records import Extraction, Item, PageMethod, PageText  # noqa: E402
from models.schema import Base, Body, Case, Document, DocumentVersion, ExtractionRecord, ItemRecord, MunicipalityRecord, Page, Party, Person, utcnow  # noqa: E402
from pipeline.store.extractions import store_extraction  # noqa: E402
from pipeline.store.repository import ITEM_LISTS  # noqa: E402
from pipeline.store.rows import name_key  # noqa: E402

SEEDS = Path(__file__).resolve().parents[1] / "samples" / "seeds"


def seed_text(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def seed(prefix: str) -> Extraction:
    return extract_document([PageText(number=1, text=seed_text(prefix), method=PageMethod.TEXT)])


def variant(base: Extraction, rng: random.Random, n: int) -> Extraction:
    """The same document as if another municipality had written it on another day, with other numbers."""
    e = copy.deepcopy(base)
    kommun = rng.choice(municipalities.registry().municipalities)
    shift = timedelta(days=rng.randrange(-3000, 2000))
    offset = rng.randrange(1, 400)
    e.municipality, e.municipality_code = kommun.name, kommun.code
    e.date = e.date + shift if e.date else None
    for m in e.meetings:
        m.date = m.date + shift if m.date else None
        for a in m.attendance:
            a.municipality = None
    for item in e.items:
        item.meeting_date = item.meeting_date + shift if item.meeting_date else None
        if item.paragraph is not None:
            item.paragraph += offset
            item.number = str(item.paragraph)
        if item.case_number:
            cn = item.case_number
            year = (item.meeting_date or e.date).year if (item.meeting_date or e.date) else cn.year
            serial = f"{(int(cn.serial or 0) + n) % 10000:04d}"
            cn.year, cn.serial = year, serial
            cn.normalised = f"{year}/{cn.register} {serial}" + (f" {cn.classification}" if cn.classification else "")
            cn.raw = "Dnr " + cn.normalised
    e.case_numbers = [i.case_number for i in e.items if i.case_number]
    return e


def build(url: str, items: int, seed_value: int = 7, batch: int = 25) -> int:
    """At least `items` items in the database at `url` (an existing database with enough is used as it is)."""
    if items >= BULK_FROM:
        return bulk_build(url, items, seed_value)
    upgrade(url)
    rng = random.Random(seed_value)
    prefixes = ("001", "004", "000", "003")
    bases, texts = [seed(p) for p in prefixes], [seed_text(p) for p in prefixes]
    with session_scope(url) as s:
        have = s.scalar(select(func.count()).select_from(ItemRecord))
    n = 0
    while have < items:
        with session_scope(url) as s:
            for _ in range(batch):
                e = variant(bases[n % len(bases)], rng, n)
                doc = Document(path=f"synthetic/{n:06d}.pdf", status="ok")
                s.add(doc)
                s.flush()
                version = DocumentVersion(document_id=doc.id, version=1, sha256=f"{n:064d}", size=1, status="ok", page_count=1)
                s.add(version)
                s.flush()
                # The page the sections' text is cut from.
                s.add(Page(version_id=version.id, number=1, method=PageMethod.TEXT, text=texts[n % len(bases)]))
                store_extraction(s, version.id, e)
                doc.current_version_id = version.id
                have += len(e.items)
                n += 1
    return have


# --- national scale: bulk rows -------------------------------------------------------------------------------
#
# A million items cannot go through store_records one document at a time (hours).  Above BULK_FROM items the
# rows are generated here and written in large batches: PostgreSQL COPY, SQLite executemany with
# synchronous=OFF.  Each synthetic document is one meeting of one of a municipality's bodies, with 10-30 §
# whose titles and decisions are the seed items' (so `--text` words occur as often as in the seeds), a case
# number on most §, attendance drawn from the municipality's own members, and now and then a roll-call vote.

BULK_FROM = 50_000
DOCUMENTS_PER_BATCH = 2_000
BODIES = (
    ("Kommunfullmäktige", "KF"), ("Kommunstyrelsen", "KS"), ("Kommunledningsutskottet", "KS"), ("Socialnämnden", "SN"),
    ("Barn- och utbildningsnämnden", "BUN"), ("Miljö- och byggnadsnämnden", "MBN"), ("Tekniska nämnden", "TN"),
    ("Kultur- och fritidsnämnden", "KFN"), ("Äldre- och omsorgsnämnden", "ÄON"), ("Arbetsmarknads- och socialnämnden", "ASN"),
)
FIRST_NAMES = (
    "Anna Eva Maria Karin Sara Lena Kerstin Emma Ingrid Malin Johanna Linda Sofia Elin Ida Hanna Marie Ulla Birgitta Helena "
    "Erik Lars Karl Anders Johan Per Nils Jan Mikael Hans Peter Olof Gustav Fredrik Daniel Magnus Stefan Mats Jonas Henrik"
).split()
SURNAMES = (
    "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson Pettersson Jonsson Jansson "
    "Hansson Bengtsson Jönsson Lindberg Jakobsson Magnusson Olofsson Lindström Lindqvist Lindgren Berg Axelsson Bergström "
    "Lundberg Lind Lundgren Lundqvist Mattsson Berglund Fredriksson Sandberg Henriksson Forsberg Sjöberg Wallin Engström "
    "Eklund Danielsson Lundin Håkansson Björk Bergman Gunnarsson Holm Wikström Samuelsson Isaksson Fransson Bergqvist "
    "Nyström Holmberg Arvidsson Löfgren Söderberg Nyberg Blomqvist Claesson Nordström Mårtensson Lundström Ali Viklund"
).split()
PARTIES = ("S", "M", "SD", "C", "V", "KD", "L", "MP")
MEMBERS_PER_MUNICIPALITY = 45
ATTENDEES = (9, 21)
VOTE_SHARE = 0.01


@dataclass(frozen=True, slots=True)
class ItemTemplate:
    """A seed item's words, stored on every synthetic § made from it."""

    title: str
    clauses: list[str]
    kind: str | None
    search_text: str
    stems: str
    item: Item


def item_templates() -> list[ItemTemplate]:
    from models.search_words import item_text, stemmed_text

    found = []
    for prefix in ("001", "004"):
        for item in seed(prefix).items:
            clauses = list(item.decisions)
            words = item_text(item.title, clauses)
            found.append(ItemTemplate(item.title or "", clauses, str(item.decision_kind) if item.decision_kind else None, words, stemmed_text(words), item))
    return found


class Ids:
    """Next free primary key per table: rows are written with their ids, so children can point at parents."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.next: dict[str, int] = {}

    def take(self, table: str) -> int:
        if table not in self.next:
            self.next[table] = (self.conn.execute(text(f"SELECT max(id) FROM {table}")).scalar() or 0) + 1
        value = self.next[table]
        self.next[table] += 1
        return value


class Writer:
    """Batched rows per table, written with COPY (PostgreSQL) or executemany (SQLite)."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.postgres = conn.dialect.name == "postgresql"

    def add(self, table: str, **row: Any) -> None:
        self.rows.setdefault(table, []).append(row)

    def flush(self) -> None:
        # Parents before children, for the foreign keys.
        for name in ("documents", "document_versions", "extractions", "spans", "meetings", "attendance", "cases", "case_aliases",
                     "items", "decisions", "item_references", "item_entries", "votes", "vote_choices", "case_mentions", "flags",
                     "flag_documents", "items_fts"):
            rows = self.rows.pop(name, [])
            if not rows:
                continue
            if name == "items_fts":
                self.conn.execute(text("INSERT INTO items_fts(rowid, stems) VALUES (:id, :stems)"), rows)
            elif self.postgres:
                self._copy(Base.metadata.tables[name], rows)
            else:
                self.conn.execute(insert(Base.metadata.tables[name]), rows)

    def _copy(self, table: Any, rows: list[dict[str, Any]]) -> None:
        columns = list(rows[0])
        as_json = {c for c in columns if isinstance(table.c[c].type, JSON)}
        cursor = self.conn.connection.dbapi_connection.cursor()
        names = ", ".join(f'"{c}"' for c in columns)
        with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([json.dumps(row[c], ensure_ascii=False) if c in as_json and row[c] is not None else row[c] for c in columns])


def _bodies(conn: Connection, municipalities_by_code: dict[str, int]) -> dict[str, list[tuple[int, str, str]]]:
    """(id, name, register) of each municipality's bodies, created when missing."""
    wanted = [(code, name, name_key(normalise_body(name)), register) for code in municipalities_by_code for name, register in BODIES]
    have = {(s, k): i for i, s, k in conn.execute(select(Body.id, Body.scope, Body.key))}
    missing = [{"scope": c, "municipality_id": municipalities_by_code[c], "name": normalise_body(n), "key": k} for c, n, k, _ in wanted if (c, k) not in have]
    if missing:
        conn.execute(insert(Body), missing)
        have = {(s, k): i for i, s, k in conn.execute(select(Body.id, Body.scope, Body.key))}
    result: dict[str, list[tuple[int, str, str]]] = {}
    for code, name, key, register in wanted:
        result.setdefault(code, []).append((have[(code, key)], normalise_body(name), register))
    return result


def _parties(conn: Connection) -> dict[str, int]:
    have = dict(conn.execute(select(Party.abbreviation, Party.id)).all())
    missing = [{"abbreviation": p} for p in PARTIES if p not in have]
    if missing:
        conn.execute(insert(Party), missing)
        have = dict(conn.execute(select(Party.abbreviation, Party.id)).all())
    return have


def _members(conn: Connection, ids: Ids, rng: random.Random, municipalities_by_code: dict[str, int], parties: dict[str, int]):
    """Each municipality's elected members: (person id, printed name, party abbreviation, party id)."""
    members: dict[str, list[tuple[int, str, str, int]]] = {}
    rows = []
    for code, municipality_id in sorted(municipalities_by_code.items()):
        names = {f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}" for _ in range(MEMBERS_PER_MUNICIPALITY)}
        for name in sorted(names):
            party = rng.choice(PARTIES)
            person_id = ids.take("persons")
            rows.append({"id": person_id, "scope": code, "municipality_id": municipality_id, "name": name, "key": name_key(name)})
            members.setdefault(code, []).append((person_id, name, party, parties[party]))
    conn.execute(insert(Person), rows)
    return members


def bulk_build(url: str, items: int, seed_value: int = 7) -> int:
    """Add synthetic documents with bulk inserts until the database holds at least `items` items."""
    upgrade(url)
    engine = get_engine(url)
    rng = random.Random(seed_value)
    templates = item_templates()
    registry = municipalities.registry()
    with engine.begin() as conn:
        have = conn.execute(select(func.count()).select_from(ItemRecord)).scalar()
        if have >= items:
            return have
        municipalities_by_code = dict(conn.execute(select(MunicipalityRecord.code, MunicipalityRecord.id)).all())
        names_by_code = {m.code: m.name for m in registry.municipalities}
        bodies = _bodies(conn, municipalities_by_code)
        parties = _parties(conn)
        ids = Ids(conn)
        members = _members(conn, ids, rng, municipalities_by_code, parties)
        known_cases = {(s, n) for s, n in conn.execute(select(Case.scope, Case.normalised))}
    codes = sorted(municipalities_by_code)
    serials: dict[tuple[str, int], int] = {}
    open_cases: dict[str, list[tuple[int, str]]] = {}
    now = utcnow()
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            # A benchmark database can be built again: no fsync per batch (outside a transaction, as SQLite requires).
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
            conn.commit()
        ids.conn = conn
        while have < items:
            out = Writer(conn)
            for _ in range(DOCUMENTS_PER_BATCH):
                if have >= items:
                    break
                code = codes[rng.randrange(len(codes))]
                have += _document(out, ids, rng, code, municipalities_by_code[code], names_by_code[code], bodies[code], members[code],
                                  templates, serials, open_cases, known_cases, now)
            first, last = out.rows["documents"][0]["id"], out.rows["documents"][-1]["id"]
            out.flush()
            # documents and versions point at each other: the current version is set once both are written.
            conn.execute(text(
                "UPDATE documents SET current_version_id = (SELECT v.id FROM document_versions v WHERE v.document_id = documents.id) "
                "WHERE id BETWEEN :first AND :last"
            ), {"first": first, "last": last})
            conn.commit()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            for table in ("documents", "document_versions", "extractions", "spans", "meetings", "attendance", "cases", "case_aliases",
                          "items", "decisions", "item_references", "item_entries", "votes", "vote_choices", "case_mentions", "persons", "flags"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
            conn.execute(text("ANALYZE"))
        else:
            conn.exec_driver_sql("ANALYZE")
    return have


def stamp_extractions(url: str) -> int:
    """Mark the synthetic extractions as made by the running extractors (EXTRACTOR_VERSION is a digest of their
    code, which changes under a reused database), so that the export reads them; returns how many changed."""
    synthetic = select(DocumentVersion.id).join(Document, Document.id == DocumentVersion.document_id).where(Document.path.like("synthetic/%"))
    with get_engine(url).begin() as conn:
        return conn.execute(
            ExtractionRecord.__table__.update()
            .where(ExtractionRecord.extractor_version != EXTRACTOR_VERSION, ExtractionRecord.version_id.in_(synthetic))
            .values(extractor_version=EXTRACTOR_VERSION)
        ).rowcount


def _document(out: Writer, ids: Ids, rng: random.Random, code: str, municipality_id: int, municipality: str,
              bodies: list[tuple[int, str, str]], members: list[tuple[int, str, str, int]], templates: list[ItemTemplate],
              serials: dict[tuple[str, int], int], open_cases: dict[str, list[tuple[int, str]]],
              known_cases: set[tuple[str, str]], now: Any) -> int:
    """One protocol: document, version, extraction header, meeting with attendance, its § with decisions, references
    and lists, cases and spans."""
    document_id, version_id = ids.take("documents"), ids.take("document_versions")
    body_id, body, register = bodies[rng.randrange(len(bodies))]
    day = date(2015, 1, 1) + timedelta(days=rng.randrange(4000))
    path = f"synthetic/{code}/{day.year}/{document_id:07d}.pdf"
    out.add("documents", id=document_id, path=path, path_key=path_key(path), status="ok", current_version_id=None, created_at=now, updated_at=now)
    out.add("document_versions", id=version_id, document_id=document_id, version=1, sha256=f"{document_id:064x}", size=1, kind="pdf",
            status="ok", page_count=4, ocr=False, ingested_at=now)
    meeting_id, meeting_span = ids.take("meetings"), ids.take("spans")
    out.add("spans", id=meeting_span, document_id=document_id, version_id=version_id, page=1, start=0, end=400, box=None, confidence=None)
    attendance = rng.sample(members, min(len(members), rng.randrange(*ATTENDEES)))
    first = rng.randrange(1, 200)
    paragraphs = range(first, first + rng.randrange(10, 31))
    out.add("meetings", id=meeting_id, document_id=document_id, version_id=version_id, municipality_id=municipality_id, body_id=body_id,
            body=body, date=day, paragraph_first=paragraphs[0], paragraph_last=paragraphs[-1], adjusters=[], span_id=meeting_span)
    for person_id, name, party, party_id in attendance:
        out.add("attendance", id=ids.take("attendance"), meeting_id=meeting_id, person_id=person_id, party_id=party_id, name=name,
                party=party, role="member", paragraphs=[], times=[], municipality_id=municipality_id)
    for paragraph in paragraphs:
        template = templates[rng.randrange(len(templates))]
        item_id, span_id = ids.take("items"), ids.take("spans")
        case_id, normalised = _case(out, ids, rng, code, municipality_id, day, register, serials, open_cases, known_cases)
        page = 1 + (paragraph - first) // 6
        out.add("spans", id=span_id, document_id=document_id, version_id=version_id, page=page, start=0, end=200, box=None, confidence=None)
        year, case_register, serial = normalised.replace("/", " ").split() if case_id is not None else (None, None, None)
        out.add("items", id=item_id, document_id=document_id, version_id=version_id, meeting_id=meeting_id, municipality_id=municipality_id,
                body_id=body_id, case_id=case_id, case_number=normalised, case_normalised=normalised, case_year=int(year) if year else None,
                case_register=case_register, case_serial=serial, case_classification=None, case_rule="synthetic" if case_id is not None else None,
                case_number_confidence=1.0 if case_id is not None else None, case_span_id=None, number=str(paragraph), paragraph=paragraph,
                title=template.title, body=body, proposed_by=template.item.proposed_by, meeting_date=day, search_text=template.search_text,
                span_id=span_id, rule="synthetic")
        out.add("decisions", id=ids.take("decisions"), item_id=item_id, kind=template.kind, clauses=template.clauses,
                immediate_adjustment=template.item.immediate_adjustment)
        for reference in template.item.references:
            out.add("item_references", id=ids.take("item_references"), item_id=item_id, text=reference.text, body=reference.body,
                    date=reference.date, paragraph=reference.paragraph, rule=reference.rule, span_id=None)
        for field_name, kind in ITEM_LISTS.items():
            for line in getattr(template.item, field_name):
                out.add("item_entries", id=ids.take("item_entries"), item_id=item_id, kind=kind, text=line)
        if out.conn.dialect.name == "sqlite":
            out.add("items_fts", id=item_id, stems=template.stems)
        if case_id is not None:
            out.add("case_mentions", id=ids.take("case_mentions"), case_id=case_id, document_id=document_id, version_id=version_id,
                    raw=f"Dnr {normalised}", normalised=normalised, year=int(year), register=case_register, serial=serial,
                    classification=None, rule="synthetic", confidence=1.0, span_id=span_id)
        if rng.random() < VOTE_SHARE and attendance:
            vote_id = ids.take("votes")
            out.add("votes", id=vote_id, item_id=item_id, yes=None, no=None, abstain=None, proposition=None, span_id=span_id)
            for person_id, name, party, _ in rng.sample(members, min(len(members), 11)):
                out.add("vote_choices", id=ids.take("vote_choices"), vote_id=vote_id, person_id=person_id, name=name, printed=f"{name} ({party})",
                        choice=rng.choice(("yes", "no")))
    out.add("extractions", id=ids.take("extractions"), version_id=version_id, extractor_version=EXTRACTOR_VERSION, doc_type="minutes",
            municipality=municipality, municipality_code=code, document_date=day, created_at=now, checked_at=None)
    if document_id % 50 == 0:
        flag_id = ids.take("flags")
        out.add("flags", id=flag_id, identity=f"{document_id:064x}"[-16:], kind="synthetic_check", severity="info", message="synthetic flag",
                matter=None, values=[], evidence=[], status="open", first_seen=now, last_seen=now)
        out.add("flag_documents", flag_id=flag_id, document_id=document_id)
    return len(paragraphs)


def _case(out: Writer, ids: Ids, rng: random.Random, code: str, municipality_id: int, day: date, register: str,
          serials: dict[tuple[str, int], int], open_cases: dict[str, list[tuple[int, str]]], known_cases: set[tuple[str, str]]):
    """A case number for a §: none (one in five), a case of this municipality seen before (a case goes from
    committee to board to council), or a new one numbered in the municipality's series for the year."""
    roll = rng.random()
    if roll < 0.2:
        return None, None
    recent = open_cases.setdefault(code, [])
    if roll < 0.4 and recent:
        return recent[rng.randrange(len(recent))]
    while True:
        serials[(code, day.year)] = serial = serials.get((code, day.year), 0) + 1
        normalised = f"{day.year}/{register} {serial:04d}"
        if (code, normalised) not in known_cases:
            break
    known_cases.add((code, normalised))
    case_id = ids.take("cases")
    out.add("cases", id=case_id, scope=code, municipality_id=municipality_id, normalised=normalised, year=day.year, register=register,
            serial=str(serial), classification=None)
    out.add("case_aliases", id=ids.take("case_aliases"), case_id=case_id, scope=code, normalised=normalised, raw=f"Dnr {normalised}", variance=None)
    recent.append((case_id, normalised))
    del recent[:-200]
    return case_id, normalised


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--items", type=int, default=10_000)
    args = parser.parse_args()
    started = time.perf_counter()
    total = build(args.db, args.items)
    print(f"{args.db}: {total} items in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
