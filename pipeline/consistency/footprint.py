"""What a document shows other documents: the keys by which each rule scope pairs it with them.

A Footprint is read from a document's records alone, never its page texts, so one can be made for every
document from a few columns of the relational rows (pipeline.store.flags.load_footprint_facts) and the
incremental check (pipeline.consistency.incremental) can find, without loading their facts, the documents a
new one can change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from extractors.case_numbers import CaseKey, case_key
from models.claims import DocumentFacts
from models.records import Meeting
from pipeline.consistency.link import LinkKeys, _case_numbers, link_keys
from pipeline.consistency.rules.attendance import _paragraphs, _sure
from pipeline.consistency.rules.procedure import read_whole, seats, voting_present

#: (body, date) of a meeting or an item.
Sitting = tuple[str, date | None]


@dataclass(frozen=True, slots=True)
class Footprint:
    """One document's keys, per scope (pipeline.consistency.rules.SCOPES)."""

    document: str
    link: LinkKeys
    # case: case keys printed with a register code (case_number_variant).
    registered: frozenset[CaseKey]
    # cover and reference: § of a known body and meeting date; covers (body, date) with a § range; references
    # naming body, date and §.
    paragraphs: tuple[tuple[str, date, int], ...]
    covers: tuple[Sitting, ...]
    references: tuple[tuple[str, date, int], ...]
    # roll_call: meetings with a närvarolista; items with a vote read whole.
    roll_calls: tuple[tuple[str | None, date | None], ...]
    votes: tuple[tuple[str | None, date | None], ...]
    # body: närvarolistor read whole, and whether one can show more voting members than seats.
    seats: tuple[tuple[str, bool], ...]


def _crowded(m: Meeting) -> bool:
    """Whether more voting members than this list's own seats are present at some §: only then can
    too_many_members flag it, whatever the body's size (at least its own seats)."""
    return max(voting_present(m, p) for p in _paragraphs(m)) > seats(m)


def footprint(facts: DocumentFacts) -> Footprint:
    """The keys of one document, read from its extraction's records (its page texts are not used)."""
    e = facts.extraction
    registered = frozenset(
        key for case in _case_numbers(facts) if (key := case_key(case)) is not None and key.register
    )
    paragraphs = tuple(
        (i.body, i.meeting_date, i.paragraph) for i in e.items if i.body and i.meeting_date and i.paragraph is not None
    )
    covers = tuple((m.body, m.date) for m in e.meetings if m.body and m.date and m.paragraph_range)
    references = tuple(
        (r.body, r.date, r.paragraph)
        for i in e.items
        for r in i.references
        if r.body and r.date is not None and r.paragraph is not None
    )
    roll_calls = tuple((m.body, m.date) for m in e.meetings if m.attendance)
    votes = tuple((i.body, i.meeting_date) for i in e.items if any(_sure(v) for v in i.votes))
    qualifying = [m for m in e.meetings if m.attendance and m.body and read_whole(m)]
    return Footprint(
        facts.document,
        link_keys(facts),
        registered,
        paragraphs,
        covers,
        references,
        roll_calls,
        votes,
        tuple((m.body, _crowded(m)) for m in qualifying),
    )
