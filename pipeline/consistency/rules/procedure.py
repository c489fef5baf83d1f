"""Procedure under Kommunallagen (2017:725) with time computed per lagen (1930:173) (DOMAIN.md 7).

- 6 kap. 35 § / 5 kap. 69 §: the protocol is adjusted within 14 days of the meeting.
- 8 kap. 12 §: the adjustment is announced on the notice board no later than
  the second day after adjustment.
- 13 kap. 5 §: the appeal period is three weeks from the day of the notice, so
  the notice stays up at least that long.
- 6 kap. 27 § / 5 kap. 41 §: a body may decide only when more than half of its
  members are present.
Lagen (1930:173): a deadline that falls on a Saturday, Sunday or public holiday
moves to the next weekday.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

from models.claims import DocumentFacts, Evidence, Flag
from models.records import AttendanceEntry, Meeting
from pipeline.consistency.rules import Rule, rule
from pipeline.consistency.rules._evidence import person_key, record_evidence

RULES: dict[str, Rule] = {}

ADJUSTMENT_DAYS = 14
NOTICE_DAYS = 2
APPEAL_DAYS = 21


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> holidays.HolidayBase:
    return holidays.Sweden(years=year)


def is_public_holiday(day: date) -> bool:
    """A Swedish public holiday proper; some holidays versions also list every Sunday, which we ignore here."""
    name = _public_holidays(day.year).get(day)
    return bool(name) and "söndag" not in name.lower() and "sunday" not in name.lower()


def statutory_deadline(start: date, days: int) -> date:
    """start + days, moved past Saturdays, Sundays and public holidays (lagen 1930:173)."""
    deadline = start + timedelta(days=days)
    while deadline.weekday() >= 5 or is_public_holiday(deadline):
        deadline += timedelta(days=1)
    return deadline


def _cover(facts: DocumentFacts, m: Meeting, text: str) -> Evidence:
    return record_evidence(facts, m.span, text)


def _meetings(docs: list[DocumentFacts]):
    for facts in docs:
        for m in facts.extraction.meetings:
            yield facts, m


def _flag(kind: str, message: str, values: list[str], evidence: list[Evidence]) -> Flag:
    return Flag(kind=kind, severity="warning", message=message, values=values, evidence=evidence)


@rule(RULES, "late_adjustment", "warning", input="facts", scope="document")
def late_adjustment(docs: list[DocumentFacts]) -> list[Flag]:
    """Adjusted (justerat) later than 14 days after the meeting (KL 6:35, 5:69; lagen 1930:173)."""
    flags = []
    for facts, m in _meetings(docs):
        if m.date and m.adjusted_on and m.adjusted_on > statutory_deadline(m.date, ADJUSTMENT_DAYS):
            flags.append(
                _flag(
                    "late_adjustment",
                    f"{m.body or 'The body'} met {m.date.isoformat()} but the protocol was adjusted "
                    f"{m.adjusted_on.isoformat()}, more than {ADJUSTMENT_DAYS} days later.",
                    [m.date.isoformat(), m.adjusted_on.isoformat()],
                    [_cover(facts, m, f"Justering {m.adjusted_on.isoformat()}")],
                )
            )
    return flags


@rule(RULES, "late_notice", "warning", input="facts", scope="document")
def late_notice(docs: list[DocumentFacts]) -> list[Flag]:
    """Notice (anslag) posted later than the second day after adjustment (KL 8:12; lagen 1930:173)."""
    flags = []
    for facts, m in _meetings(docs):
        if not (m.adjusted_on and m.notice_posted):
            continue
        deadline = statutory_deadline(m.adjusted_on, NOTICE_DAYS)
        if m.notice_posted > deadline:
            flags.append(
                _flag(
                    "late_notice",
                    f"Adjusted {m.adjusted_on.isoformat()}, notice posted {m.notice_posted.isoformat()}; "
                    f"the last day was {deadline.isoformat()}.",
                    [m.adjusted_on.isoformat(), m.notice_posted.isoformat()],
                    [_cover(facts, m, f"Datum då anslaget sätts upp {m.notice_posted.isoformat()}")],
                )
            )
    return flags


@rule(RULES, "short_notice", "warning", input="facts", scope="document")
def short_notice(docs: list[DocumentFacts]) -> list[Flag]:
    """Notice taken down before the three-week appeal period ended (KL 13:5)."""
    flags = []
    for facts, m in _meetings(docs):
        if m.notice_posted and m.notice_removed and (m.notice_removed - m.notice_posted).days < APPEAL_DAYS:
            flags.append(
                _flag(
                    "short_notice",
                    f"The notice was up from {m.notice_posted.isoformat()} to {m.notice_removed.isoformat()}, "
                    f"less than three weeks.",
                    [m.notice_posted.isoformat(), m.notice_removed.isoformat()],
                    [_cover(facts, m, f"Datum då anslaget tas ned {m.notice_removed.isoformat()}")],
                )
            )
    return flags


def seats(m: Meeting) -> int:
    """The body's size as the närvarolista shows it: ordinary members present, those substituted for, and the absent."""
    names = set()
    for a in m.attendance:
        if a.role == "member":
            names.add(person_key(a.serving_for) if a.serving_for else person_key(a.name))
        elif a.role == "absent":
            names.add(person_key(a.name))
    return len(names)


def voting_members(m: Meeting, paragraph: int | None = None) -> list[AttendanceEntry]:
    """Voting members (beslutande) present, at one § when given."""
    return [
        a for a in m.attendance
        if a.role == "member" and (paragraph is None or not a.paragraphs or paragraph in a.paragraphs)
    ]


def voting_present(m: Meeting, paragraph: int | None = None) -> int:
    """How many voting members (beslutande) are present, at one § when given."""
    return len(voting_members(m, paragraph))


# A record read in part (a list cut by a page break, a roll call whose names did not all parse) has a confidence
# below this; a rule counts only on what was read whole, or a half-read list becomes a contradiction.
SURE = 0.75


def read_whole(m: Meeting) -> bool:
    """The meeting and every entry of its närvarolista were read with full confidence."""
    return m.confidence >= SURE and all(a.confidence >= SURE for a in m.attendance)


@rule(RULES, "quorum", "warning", input="facts", scope="document")
def quorum(docs: list[DocumentFacts]) -> list[Flag]:
    """Voting members present are not more than half the body's seats (KL 6:27, 5:41)."""
    flags = []
    for facts, m in _meetings(docs):
        if not read_whole(m):
            continue
        size = seats(m)
        present = voting_present(m)
        if size >= 3 and present * 2 <= size:
            flags.append(
                _flag(
                    "quorum",
                    f"{present} of {size} members of {m.body or 'the body'} present: not more than half.",
                    [f"{present} present", f"{size} seats"],
                    [_cover(facts, m, f"{m.body or ''} {m.date.isoformat() if m.date else ''}".strip())],
                )
            )
    return flags
