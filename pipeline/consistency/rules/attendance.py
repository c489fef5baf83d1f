"""Attendance and votes that contradict themselves (DOMAIN.md, inconsistencies 8-9)."""

from __future__ import annotations

from models.claims import DocumentFacts, Flag
from models.records import AttendanceEntry, Meeting
from pipeline.consistency.link import same_body
from pipeline.consistency.rules import Rule, rule
from pipeline.consistency.rules._evidence import person_key, record_evidence
from pipeline.consistency.rules.procedure import SURE, read_whole, seats, voting_members, voting_present

RULES: dict[str, Rule] = {}


def _sure(record) -> bool:
    """A vote or attendance entry read whole (see procedure.SURE)."""
    return record.confidence >= SURE


def _overlap(a: AttendanceEntry, b: AttendanceEntry) -> list[int] | None:
    """Paragraphs both entries cover; [] means the whole meeting, None means no overlap."""
    if not a.paragraphs or not b.paragraphs:
        return sorted(set(a.paragraphs or b.paragraphs))
    common = sorted(set(a.paragraphs) & set(b.paragraphs))
    return common or None


def _where(common: list[int]) -> str:
    return "the whole meeting" if not common else "§ " + ", ".join(map(str, common))


@rule(RULES, "attendance_conflict", "warning", input="facts", scope="document")
def attendance_conflict(docs: list[DocumentFacts]) -> list[Flag]:
    """A person both present and absent, or a substitute serving for a member who is present (DOMAIN.md 8)."""
    flags: list[Flag] = []
    for facts in docs:
        for m in facts.extraction.meetings:
            members = [a for a in m.attendance if a.role == "member" and _sure(a)]
            absent = [a for a in m.attendance if a.role == "absent" and _sure(a)]
            for a in members:
                for b in absent:
                    common = _overlap(a, b)
                    if person_key(a.name) == person_key(b.name) and common is not None:
                        flags.append(
                            Flag(
                                kind="attendance_conflict",
                                severity="warning",
                                message=f"{a.name} is listed both as present and as absent ({_where(common)}).",
                                values=[a.name, "present", "absent"],
                                evidence=[record_evidence(facts, a.span, a.name), record_evidence(facts, b.span, b.name)],
                            )
                        )
            for sub in members:
                if not sub.serving_for:
                    continue
                for member in members:
                    if member is sub or person_key(member.name) != person_key(sub.serving_for):
                        continue
                    common = _overlap(sub, member)
                    if common is not None:
                        flags.append(
                            Flag(
                                kind="attendance_conflict",
                                severity="warning",
                                message=f"{sub.name} serves for {member.name}, who is present at {_where(common)}.",
                                values=[sub.name, member.name, _where(common)],
                                evidence=[
                                    record_evidence(facts, sub.span, sub.name),
                                    record_evidence(facts, member.span, member.name),
                                ],
                            )
                        )
    return flags


def _paragraphs(m: Meeting) -> list[int | None]:
    """The § at which presence can differ: every § some entry names, or the whole meeting (None)."""
    named = sorted({p for a in m.attendance for p in a.paragraphs})
    return named or [None]


@rule(RULES, "too_many_members", "warning", input="facts", scope="body")
def too_many_members(docs: list[DocumentFacts]) -> list[Flag]:
    """More voting members (beslutande) at a § than the body has seats (DOMAIN.md 8).

    The body's size is the most seats any of its närvarolistor shows (members, the
    members substitutes serve for, and the absent), so two people holding one seat at
    the same § stand out even when no list states the size.
    """
    meetings = [
        (facts, m) for facts in docs for m in facts.extraction.meetings if m.attendance and m.body and read_whole(m)
    ]
    flags: list[Flag] = []
    for facts, m in meetings:
        size = max(seats(other) for _, other in meetings if same_body(other.body, m.body))
        for paragraph in _paragraphs(m):
            present = voting_present(m, paragraph)
            if present <= size:
                continue
            where = "the whole meeting" if paragraph is None else f"§ {paragraph}"
            when = f" {m.date.isoformat()}" if m.date else ""
            voting = voting_members(m, paragraph)
            flags.append(
                Flag(
                    kind="too_many_members",
                    severity="warning",
                    message=f"{present} voting members at {where} of {m.body}{when}, but the body has {size} seats.",
                    values=[f"{present} voting", f"{size} seats", where],
                    evidence=[record_evidence(facts, a.span, a.name) for a in voting][:6],
                )
            )
    return flags


def _meeting_for(docs: list[DocumentFacts], body: str | None, day) -> Meeting | None:
    for facts in docs:
        for m in facts.extraction.meetings:
            if m.attendance and m.date == day and same_body(m.body, body):
                return m
    return None


def _recused_members(meeting: Meeting, item) -> int:
    """Voting members present at the item who are named for jäv on it ("Ali Rahimi (S)" matches "Ali Rahimi")."""
    named = {person_key(name.split("(")[0]) for name in item.conflicts_of_interest}
    return sum(1 for a in voting_members(meeting, item.paragraph) if person_key(a.name) in named)


@rule(RULES, "vote_count_mismatch", "warning", input="facts", scope="roll_call")
def vote_count_mismatch(docs: list[DocumentFacts]) -> list[Flag]:
    """Named roll-call list vs stated count; yes + no + abstain above the voting members present (DOMAIN.md 9)."""
    flags: list[Flag] = []
    for facts in docs:
        for item in facts.extraction.items:
            for vote in item.votes:
                if not _sure(vote):
                    continue
                evidence = [record_evidence(facts, vote.span, vote.proposition or f"§ {item.number}")]
                for label, count, names in (
                    ("Ja", vote.yes, vote.yes_names),
                    ("Nej", vote.no, vote.no_names),
                    ("Avstår", vote.abstain, vote.abstain_names),
                ):
                    if count is not None and names and len(names) != count:
                        flags.append(
                            Flag(
                                kind="vote_count_mismatch",
                                severity="warning",
                                message=f"§ {item.number}: {label} is counted as {count} but {len(names)} names are listed.",
                                values=[f"{label} {count}", f"{len(names)} names"],
                                evidence=evidence,
                            )
                        )
                cast = sum(v or 0 for v in (vote.yes, vote.no, vote.abstain))
                meeting = _meeting_for(docs, item.body, item.meeting_date)
                if meeting is None or not read_whole(meeting):
                    continue
                present = voting_present(meeting, item.paragraph)
                # A member with a conflict of interest (jäv) takes no part in the decision (KL 6:28).
                recused = _recused_members(meeting, item)
                voting = present - recused
                if present and cast > voting:
                    detail = f" ({present} present, {recused} disqualified by jäv)" if recused else ""
                    flags.append(
                        Flag(
                            kind="vote_count_mismatch",
                            severity="warning",
                            message=f"§ {item.number}: {cast} votes cast but only {voting} voting members could vote{detail}.",
                            values=[f"{cast} votes", f"{voting} present" + (f" less {recused} jäv" if recused else "")],
                            evidence=evidence,
                        )
                    )
    return flags
