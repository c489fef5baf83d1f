"""Which documents `protokoll summary` lists for a human look (pipeline/attention.py)."""

from pipeline.research.attention import paragraph_gaps, reasons


def _item(n, case="KS 2024/1", confidence=1.0, votes=()):
    return {"paragraph": n, "case_number": case, "confidence": confidence, "votes": list(votes)}


def test_a_complete_protocol_needs_no_look():
    doc = {"items": [_item(n, f"KS 2024/{n}") for n in (12, 13, 14, 15)], "meetings": [{"attendance": [{"name": "A", "confidence": 1.0}]}]}
    assert reasons(doc) == []


def test_gaps_in_the_paragraph_sequence_are_named():
    assert paragraph_gaps([66, 67, 69, 70, 70, 73]) == [68, 71, 72]
    assert paragraph_gaps([5, 200]) == []  # two protocols' extracts in one bundle, not a hole
    doc = {"doc_type": "protocol", "items": [_item(n) for n in (66, 67, 69)], "meetings": []}
    assert reasons(doc) == ["§ sequence has gaps: § 68"]
    # a bundle of extracts copies chosen §§: its holes are not misses
    assert reasons(dict(doc, doc_type="protocol_bundle")) == []


def test_low_confidence_items_votes_and_attendance_are_counted():
    doc = {
        "items": [_item(1, confidence=0.6), _item(2, votes=[{"yes": 7, "no": 4, "confidence": 0.5}]), _item(3)],
        "meetings": [{"attendance": [{"name": "A", "confidence": 0.5}, {"name": "B", "confidence": 0.5}, {"name": "C"}]}],
    }
    assert reasons(doc) == ["1 item found with low confidence", "1 vote read in part", "2 attendance entries read in part"]


def test_an_item_without_case_number_among_neighbours_that_print_one():
    doc = {"items": [_item(1), _item(2), _item(3, case=None), _item(4)], "meetings": []}
    assert reasons(doc) == ["no case number on § 3 where the other items print one"]
    # a protocol that prints case numbers on only a few items is a habit, not a miss
    sparse = {"items": [_item(1), _item(2, case=None), _item(3, case=None), _item(4, case=None)], "meetings": []}
    assert reasons(sparse) == []
