"""Kommunallagen procedure rules with lagen (1930:173) day counting."""

from datetime import date

from models.records import AttendanceEntry, Meeting
from pipeline.consistency.rules.procedure import late_adjustment, late_notice, quorum, short_notice, statutory_deadline
from tests.rules.helpers import facts


def _doc(**meeting):
    return facts("p", "Protokoll", doc_type="protocol", meetings=[Meeting(body="Kulturnämnden", **meeting)])


def test_notice_on_third_day_is_on_time_when_the_second_is_a_public_holiday():
    # Adjusted Sunday 2023-06-04; the second day after is Tuesday 6 June, Nationaldagen, so Wednesday is on time.
    doc = _doc(date=date(2023, 5, 25), adjusted_on=date(2023, 6, 4), notice_posted=date(2023, 6, 7))
    assert statutory_deadline(date(2023, 6, 4), 2) == date(2023, 6, 7)
    assert late_notice([doc]) == []


def test_notice_on_third_day_is_late_without_a_holiday():
    doc = _doc(date=date(2023, 9, 7), adjusted_on=date(2023, 9, 11), notice_posted=date(2023, 9, 14))
    assert [(f.kind, f.values) for f in late_notice([doc])] == [("late_notice", ["2023-09-11", "2023-09-14"])]


def test_weekend_moves_the_deadline_to_monday():
    assert statutory_deadline(date(2023, 9, 14), 2) == date(2023, 9, 18)


def test_late_adjustment():
    late = _doc(date=date(2023, 9, 1), adjusted_on=date(2023, 9, 19))
    on_time = _doc(date=date(2023, 9, 1), adjusted_on=date(2023, 9, 15))
    assert [f.kind for f in late_adjustment([late])] == ["late_adjustment"]
    assert late_adjustment([on_time]) == []


def test_short_notice():
    short = _doc(notice_posted=date(2023, 9, 4), notice_removed=date(2023, 9, 20))
    full = _doc(notice_posted=date(2023, 9, 4), notice_removed=date(2023, 9, 26))
    assert [(f.kind, f.values) for f in short_notice([short])] == [("short_notice", ["2023-09-04", "2023-09-20"])]
    assert short_notice([full]) == []


def _attendance(present: int, absent: int) -> list[AttendanceEntry]:
    people = [AttendanceEntry(name=f"Ledamot {i}", role="member") for i in range(present)]
    return people + [AttendanceEntry(name=f"Frånvarande {i}", role="absent") for i in range(absent)]


def test_quorum_needs_more_than_half():
    assert [(f.kind, f.values) for f in quorum([_doc(attendance=_attendance(3, 3))])] == [
        ("quorum", ["3 present", "6 seats"])
    ]
    assert quorum([_doc(attendance=_attendance(4, 3))]) == []


def test_substitute_fills_the_seat_of_an_absent_member():
    entries = _attendance(3, 3) + [AttendanceEntry(name="Ersättare E", role="member", serving_for="Frånvarande 0")]
    assert quorum([_doc(attendance=entries)]) == []
