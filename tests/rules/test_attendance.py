"""attendance_conflict and vote_count_mismatch."""

from datetime import date

from extractors.votes import extract_votes
from models.records import AttendanceEntry, Item, Meeting, Vote
from pipeline.consistency.rules.attendance import attendance_conflict, too_many_members, vote_count_mismatch
from pipeline.consistency.rules.procedure import quorum
from tests.rules.helpers import facts

DAY = date(2023, 3, 14)


def _doc(attendance, items=()):
    meeting = Meeting(body="Byggnadsnämnden", date=DAY, attendance=attendance)
    return facts("a", "Protokoll", doc_type="protocol", meetings=[meeting], items=list(items))


def test_person_present_and_absent():
    doc = _doc([AttendanceEntry(name="Eva Berg", role="member"), AttendanceEntry(name="Eva  Berg", role="absent")])
    assert [(f.kind, f.values) for f in attendance_conflict([doc])] == [
        ("attendance_conflict", ["Eva Berg", "present", "absent"])
    ]


def test_absent_for_other_paragraphs_is_fine():
    doc = _doc(
        [
            AttendanceEntry(name="Eva Berg", role="member", paragraphs=[10, 11]),
            AttendanceEntry(name="Eva Berg", role="absent", paragraphs=[12]),
        ]
    )
    assert attendance_conflict([doc]) == []


def test_substitute_serving_for_a_member_present_at_the_same_paragraph():
    doc = _doc(
        [
            AttendanceEntry(name="Eva Berg", role="member", paragraphs=[10, 11]),
            AttendanceEntry(name="Ola Ek", role="member", paragraphs=[11, 12], serving_for="Eva Berg"),
        ]
    )
    assert [f.values for f in attendance_conflict([doc])] == [["Ola Ek", "Eva Berg", "§ 11"]]


def test_substitute_for_other_paragraphs_is_fine():
    doc = _doc(
        [
            AttendanceEntry(name="Eva Berg", role="member", paragraphs=[10]),
            AttendanceEntry(name="Ola Ek", role="member", paragraphs=[11, 12], serving_for="Eva Berg"),
        ]
    )
    assert attendance_conflict([doc]) == []


def _members(n):
    return [AttendanceEntry(name=f"Ledamot {i}", role="member") for i in range(n)]


def _item(vote):
    return Item(number="7", paragraph=7, body="Byggnadsnämnden", meeting_date=DAY, votes=[vote])


def test_named_list_shorter_than_the_count():
    vote = Vote(yes=3, no=1, yes_names=["A", "B"], no_names=["C"])
    assert [f.values for f in vote_count_mismatch([_doc(_members(5), [_item(vote)])])] == [["Ja 3", "2 names"]]


def test_more_votes_than_members_present():
    vote = Vote(yes=4, no=2, abstain=0)
    assert [f.values for f in vote_count_mismatch([_doc(_members(5), [_item(vote)])])] == [["6 votes", "5 present"]]


def test_consistent_vote():
    vote = Vote(yes=3, no=1, abstain=1, yes_names=["A", "B", "C"], no_names=["D"], abstain_names=["E"])
    assert vote_count_mismatch([_doc(_members(5), [_item(vote)])]) == []


def test_two_substitutes_in_one_seat_make_more_members_than_seats():
    # Three seats (Eva Berg absent, substituted): at § 11 both substitutes vote for her.
    doc = _doc(
        [
            AttendanceEntry(name="Per Holm", role="member"),
            AttendanceEntry(name="Lisa Ek", role="member"),
            AttendanceEntry(name="Ola Ek", role="member", paragraphs=[10, 11], serving_for="Eva Berg"),
            AttendanceEntry(name="Sara Lind", role="member", paragraphs=[11, 12], serving_for="Eva Berg"),
            AttendanceEntry(name="Eva Berg", role="absent"),
        ]
    )
    assert [(f.kind, f.values) for f in too_many_members([doc])] == [
        ("too_many_members", ["4 voting", "3 seats", "§ 11"])
    ]


def test_substitutes_taking_turns_in_one_seat_are_fine():
    doc = _doc(
        [
            AttendanceEntry(name="Per Holm", role="member"),
            AttendanceEntry(name="Ola Ek", role="member", paragraphs=[10], serving_for="Eva Berg"),
            AttendanceEntry(name="Sara Lind", role="member", paragraphs=[11, 12], serving_for="Eva Berg"),
            AttendanceEntry(name="Eva Berg", role="absent"),
        ]
    )
    assert too_many_members([doc]) == []


def test_a_member_disqualified_by_jav_cannot_be_among_the_votes():
    # Five members present, one of them jäv on § 7: five votes cast is one too many.
    item = _item(Vote(yes=4, no=1, abstain=0))
    item.conflicts_of_interest = ["Ledamot 2 (S)"]
    assert [(f.values, f.message) for f in vote_count_mismatch([_doc(_members(5), [item])])] == [
        (["5 votes", "4 present less 1 jäv"], "§ 7: 5 votes cast but only 4 voting members could vote (5 present, 1 disqualified by jäv).")
    ]


def test_jav_for_someone_not_among_the_members_changes_nothing():
    item = _item(Vote(yes=4, no=1, abstain=0))
    item.conflicts_of_interest = ["Någon Annan (M)"]
    assert vote_count_mismatch([_doc(_members(5), [item])]) == []


# --- confidence: a rule fires only on a parse it is sure of ------------------------------------------------------

# A roll call whose Ja list carries a piece that is no voter ("samt en ledamot till") next to the names it did read.
HALF_READ = """Omröstning
Ja-röst för bifall, nej-röst för avslag.
Eva Alm (S), Per Ek (S), Gun Lo (V) samt en ledamot till röstar Ja (4).
Bo Ström (M) röstar Nej (1).
"""
# Every piece reads as a voter, and there are two where the count says three: the document contradicts itself.
WHOLE_BUT_SHORT = """Omröstning
Ja-röst för bifall, nej-röst för avslag.
Eva Alm (S) och Per Ek (S) röstar Ja (3).
Bo Ström (M) röstar Nej (1).
"""


def test_half_read_roll_call_raises_no_vote_count_mismatch():
    (vote,) = extract_votes(HALF_READ)
    assert (vote.yes, vote.yes_names, vote.confidence) == (4, ["Eva Alm (S)", "Per Ek (S)", "Gun Lo (V)"], 0.5)
    assert vote_count_mismatch([_doc(_members(5), [_item(vote)])]) == []


def test_fully_read_roll_call_that_disagrees_still_raises():
    (vote,) = extract_votes(WHOLE_BUT_SHORT)
    assert vote.confidence == 1.0
    assert [f.values for f in vote_count_mismatch([_doc(_members(5), [_item(vote)])])] == [["Ja 3", "2 names"]]


def test_half_read_attendance_list_is_not_counted_against_the_votes():
    # Two members read from a list cut short: six votes against two sure members would be a false alarm.
    cut = [AttendanceEntry(name=f"Ledamot {i}", role="member", confidence=0.5) for i in range(2)]
    vote = Vote(yes=4, no=2, abstain=0)
    assert vote_count_mismatch([_doc(cut, [_item(vote)])]) == []
    assert [f.values for f in vote_count_mismatch([_doc(_members(2), [_item(vote)])])] == [["6 votes", "2 present"]]


def test_half_read_entries_raise_no_attendance_conflict():
    doc = _doc(
        [
            AttendanceEntry(name="Eva Berg", role="member"),
            AttendanceEntry(name="Eva Berg", role="absent", confidence=0.5),
        ]
    )
    assert attendance_conflict([doc]) == []


def test_a_half_read_list_raises_no_quorum_flag():
    # Two of five seats read before the list was cut: not a meeting without quorum, a list not read to its end.
    cut = [AttendanceEntry(name=f"Ledamot {i}", role="member", confidence=0.5) for i in range(2)]
    absent = [AttendanceEntry(name=f"Frånvarande {i}", role="absent", confidence=0.5) for i in range(3)]
    assert quorum([_doc(cut + absent)]) == []
    whole = [AttendanceEntry(name=a.name, role=a.role) for a in cut + absent]
    assert [f.values for f in quorum([_doc(whole)])] == [["2 present", "5 seats"]]
