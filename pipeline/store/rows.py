"""Store one document's extraction as relational rows, resolving the entities documents share.

Municipalities come from the official registry; bodies are one row per
municipality and base form; parties by abbreviation; persons are matched by
similarity of their folded names within a municipality (never across two
different known parties); cases by normalised number, with OCR-damaged
variants of a register code linked to the same case and the variance kept in
`case_aliases`.  Everything runs in the caller's transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein
from sqlalchemy import delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from extractors.bodies import normalise_body
from extractors.text import fold
from models import municipalities
from models.records import CaseNumber, Extraction, Span, VoteChoiceKind
from models.schema import (
    AmountRecord,
    Attendance,
    Body,
    Case,
    CaseAlias,
    CaseMention,
    DateFactRecord,
    Decision,
    EntityRecord,
    ItemEntry,
    ItemRecord,
    MeetingRecord,
    MunicipalityRecord,
    Party,
    PeriodRecord,
    Person,
    ReferenceRecord,
    SectionRecord,
    SpanRecord,
    VoteChoice,
    VoteRecord,
)
from models.search_words import item_text
from pipeline.store import search
from pipeline.store.repository import ITEM_LISTS

# Held for the rest of the transaction while entities are resolved, so two
# processes never create the same person or case twice.  One lock, always
# taken first: the lock order is fixed and cannot deadlock.
ENTITY_LOCK = 727003

# fuzz.ratio on folded names: "Tony Thorén" / "Tony Thoren" = 100, one OCR slip in a 12-letter name ≈ 92.
PERSON_THRESHOLD = 90.0

# Case numbers in the issuer's own yy/serial series (SKL/SKR "Ärendenr 18/00295") belong to no municipality's diarium.
UNSCOPED_CASE_RULES = frozenset({"yy_serial"})

_NAME_PARTY = re.compile(r"^(?P<name>.*?)\s*\((?P<party>[^()]{1,25})\)\s*$")
_NOT_NAME = re.compile(r"[^\w\s-]")


def name_key(name: str) -> str:
    """Folded name without punctuation, single spaces: what person matching compares."""
    return " ".join(_NOT_NAME.sub(" ", fold(name)).split())


def clean_name(name: str) -> str:
    """A person's name with spaces collapsed and a name printed twice ("Anna Lund Anna Lund") said once."""
    words = name.split()
    half = len(words) // 2
    if len(words) % 2 == 0 and half and name_key(" ".join(words[:half])) == name_key(" ".join(words[half:])):
        words = words[:half]
    return " ".join(words)


def same_shape(a: str, b: str) -> bool:
    """Same number of name words with the same initials: OCR damages letters inside words, while
    "Anna"/"Hanna" or a dropped middle name are different people as often as not."""
    wa, wb = a.split(), b.split()
    return len(wa) == len(wb) and all(x[:1] == y[:1] for x, y in zip(wa, wb))


def split_party(name: str) -> tuple[str, str | None]:
    """'Jörgen Fogelklou (SD)' -> ('Jörgen Fogelklou', 'SD')."""
    m = _NAME_PARTY.match(name.strip())
    if m:
        return m["name"], m["party"].strip()
    return name.strip(), None


def serial_key(serial: str | None) -> str | None:
    """Serial without leading zeros, so "0042" and "42" are the same number."""
    if serial is None:
        return None
    stripped = serial.lstrip("0")
    return stripped or "0"


def case_scope(case: CaseNumber, scope: str) -> str:
    return "" if case.rule in UNSCOPED_CASE_RULES else scope


def registers_match(a: str | None, b: str | None) -> bool:
    """Register codes equal after folding (ÅON/ÄON/AON) or one OCR edit apart (ASN/ASM)."""
    if a is None or b is None:
        return a is None and b is None
    fa, fb = fold(a), fold(b)
    # Two-letter codes one edit apart are usually different registers (KS, KF), not OCR damage.
    return fa == fb or (min(len(fa), len(fb)) >= 3 and Levenshtein.distance(fa, fb) <= 1)


def case_variance(case: Case, number: CaseNumber) -> str | None:
    """How a printed case number differs from its case's canonical form, or None when only spacing differs."""
    parts = []
    if (number.register or None) != (case.register or None):
        parts.append(f"register {number.register} vs {case.register}")
    if (number.classification or None) != (case.classification or None):
        parts.append(f"classification {number.classification or 'missing'} vs {case.classification or 'missing'}")
    return "; ".join(parts) or None


@dataclass
class Resolver:
    """Finds or creates the shared entities of one transaction, caching what it has seen."""

    session: Session
    municipality_ids: dict[str, int | None] = field(default_factory=dict)
    body_ids: dict[tuple[str, str], int] = field(default_factory=dict)
    party_ids: dict[str, int] = field(default_factory=dict)
    persons: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    person_parties: dict[int, set[int]] = field(default_factory=dict)

    def _insert(self):
        return postgresql.insert if self.session.get_bind().dialect.name == "postgresql" else sqlite.insert

    def municipality(self, code: str | None) -> int | None:
        if not code:
            return None
        if code not in self.municipality_ids:
            self.municipality_ids[code] = self.session.scalar(select(MunicipalityRecord.id).where(MunicipalityRecord.code == code))
        return self.municipality_ids[code]

    def scope_of(self, name: str | None, default: str) -> str:
        """The municipality code a printed municipality name denotes, else `default`."""
        if name:
            found = municipalities.resolve(name)
            if found:
                return found.code
        return default

    def body(self, scope: str, name: str | None) -> int | None:
        if not name or not name.strip():
            return None
        base = normalise_body(name)
        key = name_key(base)
        if (scope, key) not in self.body_ids:
            self.session.execute(
                self._insert()(Body)
                .values(scope=scope, municipality_id=self.municipality(scope), name=base, key=key)
                .on_conflict_do_nothing(index_elements=["scope", "key"])
            )
            self.body_ids[(scope, key)] = self.session.scalar(select(Body.id).where(Body.scope == scope, Body.key == key))
        return self.body_ids[(scope, key)]

    def party(self, abbreviation: str | None) -> int | None:
        if not abbreviation:
            return None
        abbreviation = abbreviation.strip().upper()
        if abbreviation not in self.party_ids:
            self.session.execute(self._insert()(Party).values(abbreviation=abbreviation).on_conflict_do_nothing(index_elements=["abbreviation"]))
            self.party_ids[abbreviation] = self.session.scalar(select(Party.id).where(Party.abbreviation == abbreviation))
        return self.party_ids[abbreviation]

    def _load_scope(self, scope: str) -> list[tuple[int, str]]:
        if scope not in self.persons:
            self.persons[scope] = [tuple(r) for r in self.session.execute(select(Person.id, Person.key).where(Person.scope == scope))]
            rows = self.session.execute(
                select(Attendance.person_id, Attendance.party_id)
                .join(Person, Person.id == Attendance.person_id)
                .where(Person.scope == scope, Attendance.party_id.is_not(None))
                .distinct()
            )
            for person_id, party_id in rows:
                self.person_parties.setdefault(person_id, set()).add(party_id)
        return self.persons[scope]

    def person(self, scope: str, name: str, party_id: int | None) -> int:
        """The person of this name in this municipality; a different known party is a different person."""
        name = clean_name(name)
        key = name_key(name)
        candidates = self._load_scope(scope)
        if candidates:
            ids = [c[0] for c in candidates]
            for match, score, index in process.extract(key, [c[1] for c in candidates], scorer=fuzz.ratio, score_cutoff=PERSON_THRESHOLD, limit=5):
                if not same_shape(key, match):
                    continue
                person_id = ids[index]
                known = self.person_parties.get(person_id, set())
                if party_id is None or not known or party_id in known:
                    if party_id is not None:
                        known.add(party_id)
                        self.person_parties[person_id] = known
                    return person_id
        person = Person(scope=scope, municipality_id=self.municipality(scope), name=name, key=key)
        self.session.add(person)
        self.session.flush([person])
        candidates.append((person.id, key))
        if party_id is not None:
            self.person_parties[person.id] = {party_id}
        return person.id

    def case(self, scope: str, number: CaseNumber) -> int:
        """The case this printed number denotes; an OCR-damaged variant of a known number joins that case."""
        alias = self.session.scalar(select(CaseAlias.case_id).where(CaseAlias.scope == scope, CaseAlias.normalised == number.normalised))
        if alias is not None:
            return alias
        serial = serial_key(number.serial)
        case: Case | None = None
        if number.year is not None and serial is not None:
            for candidate in self.session.scalars(
                select(Case).where(Case.scope == scope, Case.year == number.year, Case.serial == serial).order_by(Case.id)
            ):
                if registers_match(candidate.register, number.register):
                    case = candidate
                    break
        if case is None:
            self.session.execute(
                self._insert()(Case)
                .values(
                    scope=scope,
                    municipality_id=self.municipality(scope),
                    normalised=number.normalised,
                    year=number.year,
                    register=number.register,
                    serial=serial,
                    classification=number.classification,
                )
                .on_conflict_do_nothing(index_elements=["scope", "normalised"])
            )
            case = self.session.scalars(select(Case).where(Case.scope == scope, Case.normalised == number.normalised)).one()
        self.session.execute(
            self._insert()(CaseAlias)
            .values(case_id=case.id, scope=scope, normalised=number.normalised, raw=number.raw, variance=case_variance(case, number))
            .on_conflict_do_nothing(index_elements=["scope", "normalised"])
        )
        return case.id


DOCUMENT_ROWS = (
    ItemRecord, Decision, VoteRecord, VoteChoice, ReferenceRecord, ItemEntry, MeetingRecord, Attendance,
    CaseMention, DateFactRecord, PeriodRecord, AmountRecord, EntityRecord, SectionRecord, SpanRecord,
)


def delete_document_records(session: Session, document_id: int) -> None:
    """Remove every relational row of a document (all its versions); shared entities stay."""
    search.unindex_document(session, document_id)
    for model in (ItemRecord, MeetingRecord, CaseMention, DateFactRecord, PeriodRecord, AmountRecord, EntityRecord, SectionRecord, SpanRecord):
        session.execute(delete(model).where(model.document_id == document_id), execution_options={"synchronize_session": False})
    # Rows removed by ON DELETE CASCADE are unknown to the session; forget them so reused ids do not collide.
    for instance in [obj for obj in session.identity_map.values() if isinstance(obj, DOCUMENT_ROWS)]:
        if instance in session:
            session.expunge(instance)


def store_records(session: Session, version_id: int, document_id: int, extraction: Extraction) -> None:
    """Replace the relational records of `document_id` with those of this version's extraction (made from the
    version's stored pages: a section's text is read back from them)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ENTITY_LOCK})
    delete_document_records(session, document_id)
    resolver = Resolver(session)
    scope = extraction.municipality_code or ""
    municipality_id = resolver.municipality(scope)

    def span(value: Span | None) -> SpanRecord | None:
        if value is None:
            return None
        return SpanRecord(
            document_id=document_id,
            version_id=version_id,
            page=value.page,
            start=value.start,
            end=value.end,
            box=list(value.box) if value.box else None,
            confidence=value.confidence,
        )

    meetings_by_key: dict[tuple[int | None, object], MeetingRecord] = {}
    for meeting in extraction.meetings:
        body_id = resolver.body(scope, meeting.body)
        record = MeetingRecord(
            document_id=document_id,
            version_id=version_id,
            municipality_id=municipality_id,
            body_id=body_id,
            date=meeting.date,
            time=meeting.time,
            place=meeting.place,
            paragraph_first=meeting.paragraph_range[0] if meeting.paragraph_range else None,
            paragraph_last=meeting.paragraph_range[1] if meeting.paragraph_range else None,
            chair=meeting.chair,
            secretary=meeting.secretary,
            adjusters=list(meeting.adjusters),
            adjusted_on=meeting.adjusted_on,
            notice_posted=meeting.notice_posted,
            notice_removed=meeting.notice_removed,
            body=meeting.body,
            adjustment_place=meeting.adjustment_place,
            storage_place=meeting.storage_place,
            span=span(meeting.span),
            rule=meeting.rule,
            confidence=meeting.confidence,
        )
        for entry in meeting.attendance:
            entry_scope = resolver.scope_of(entry.municipality, scope)
            party_id = resolver.party(entry.party)
            name = clean_name(entry.name)
            record.attendance.append(
                Attendance(
                    person_id=resolver.person(entry_scope, entry.name, party_id),
                    party_id=party_id,
                    name=name,
                    printed_name=entry.name if entry.name != name else None,
                    party=entry.party,
                    municipality=entry.municipality,
                    times=[list(t) for t in entry.times],
                    role=entry.role,
                    function=entry.function,
                    title=entry.title,
                    department=entry.department,
                    paragraphs=list(entry.paragraphs),
                    serving_for_id=resolver.person(entry_scope, entry.serving_for, None) if entry.serving_for else None,
                    serving_for=entry.serving_for,
                    municipality_id=resolver.municipality(entry_scope),
                    span=span(entry.span),
                    rule=entry.rule,
                    confidence=entry.confidence,
                )
            )
        session.add(record)
        meetings_by_key.setdefault((body_id, meeting.date), record)

    items: list[ItemRecord] = []
    for item in extraction.items:
        body_id = resolver.body(scope, item.body)
        case_id = resolver.case(case_scope(item.case_number, scope), item.case_number) if item.case_number else None
        record = ItemRecord(
            document_id=document_id,
            version_id=version_id,
            meeting=meetings_by_key.get((body_id, item.meeting_date)),
            municipality_id=municipality_id,
            body_id=body_id,
            case_id=case_id,
            case_number=item.case_number.raw if item.case_number else None,
            number=item.number,
            paragraph=item.paragraph,
            title=item.title,
            meeting_date=item.meeting_date,
            search_text=item_text(item.title, item.decisions),
            span=span(item.span),
            rule=item.rule,
            confidence=item.confidence,
            body=item.body,
            proposed_by=item.proposed_by,
        )
        if item.case_number:
            number = item.case_number
            record.case_number_confidence = number.confidence
            record.case_normalised, record.case_year, record.case_register = number.normalised, number.year, number.register
            record.case_serial, record.case_classification, record.case_rule = number.serial, number.classification, number.rule
            record.case_span = span(number.span)
        for reference in item.references:
            record.references.append(
                ReferenceRecord(
                    text=reference.text, body=reference.body, date=reference.date, paragraph=reference.paragraph,
                    rule=reference.rule, span=span(reference.span),
                )
            )
        for field_name, kind in ITEM_LISTS.items():
            record.entries.extend(ItemEntry(kind=kind, text=line) for line in getattr(item, field_name))
        if item.decision_kind or item.decisions or item.immediate_adjustment:
            record.decision = Decision(kind=item.decision_kind, clauses=list(item.decisions), immediate_adjustment=item.immediate_adjustment)
        for vote in item.votes:
            vote_record = VoteRecord(
                yes=vote.yes, no=vote.no, abstain=vote.abstain, proposition=vote.proposition, span=span(vote.span),
                rule=vote.rule, confidence=vote.confidence,
            )
            for choice, names in ((VoteChoiceKind.YES, vote.yes_names), (VoteChoiceKind.NO, vote.no_names), (VoteChoiceKind.ABSTAIN, vote.abstain_names)):
                for printed in names:
                    name, party = split_party(printed)
                    vote_record.choices.append(
                        VoteChoice(
                            person_id=resolver.person(scope, name, resolver.party(party)), name=clean_name(name), choice=choice, printed=printed,
                        )
                    )
            record.votes.append(vote_record)
        items.append(record)
    session.add_all(items)

    for number in extraction.case_numbers:
        session.add(
            CaseMention(
                case_id=resolver.case(case_scope(number, scope), number),
                document_id=document_id,
                version_id=version_id,
                raw=number.raw,
                normalised=number.normalised,
                year=number.year,
                register=number.register,
                serial=number.serial,
                classification=number.classification,
                rule=number.rule,
                confidence=number.confidence,
                span=span(number.span),
            )
        )
    for fact in extraction.dates:
        session.add(
            DateFactRecord(
                document_id=document_id, version_id=version_id, role=fact.role, value=fact.value,
                text=fact.text, time=fact.time, rule=fact.rule, span=span(fact.span),
            )
        )
    for period in extraction.periods:
        session.add(
            PeriodRecord(
                document_id=document_id, version_id=version_id, start=period.start, end=period.end,
                stated_years=period.stated_years, text=period.text, rule=period.rule, span=span(period.span),
            )
        )
    for amount in extraction.amounts:
        session.add(
            AmountRecord(
                document_id=document_id, version_id=version_id, value=amount.value, unit=amount.unit,
                approximate=amount.approximate, per=amount.per, text=amount.text, rule=amount.rule, span=span(amount.span),
            )
        )
    for entity in extraction.entities:
        session.add(
            EntityRecord(
                document_id=document_id, version_id=version_id, label=entity.label, text=entity.text, value=entity.value,
                rule=entity.rule, span=span(entity.span),
            )
        )
    for section in extraction.sections:
        session.add(
            SectionRecord(
                document_id=document_id, version_id=version_id, kind=section.kind, start=section.start, end=section.end,
                page_start=section.page_start, page_end=section.page_end, rule=section.rule, label=section.label,
            )
        )
    session.flush()
    search.index_items(session, items)
