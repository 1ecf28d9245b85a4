"""The summary's moves, pure: applying them along any history of a complaint set equals a recount from scratch."""

from hypothesis import given, settings
from hypothesis import strategies as st

from shaodian.complaints.tally import COUNTERS, ZERO, moves, recount, share

rows = st.fixed_dictionaries({
    "key": st.tuples(st.sampled_from(["d1", "d2"]), st.sampled_from(["body-a", "body-b"]),
                     st.sampled_from(["medical_access", "fire_lane", "other"])),
    "status": st.sampled_from(["new", "assigned", "in_progress", "resolved", "closed_unresolved"]),
    "answered_in_24h": st.booleans(),
    "satisfied": st.sampled_from([None, True, False]),
    "reopen_count": st.integers(0, 3),
    "escalated": st.booleans(),
})


def _item(row):
    return row["key"], share(**{k: v for k, v in row.items() if k != "key"})


def test_a_share_counts_closed_unresolved_as_closed_never_as_resolved():
    s = dict(zip(COUNTERS, share(status="closed_unresolved", answered_in_24h=True, satisfied=False,
                                 reopen_count=0, escalated=False), strict=True))
    assert s == {"filed": 1, "closed": 1, "resolved": 0, "closed_unresolved": 1, "feedback": 1, "satisfied": 0,
                 "responded_24h": 1, "reopened": 0, "escalated": 0}


def test_no_move_when_nothing_changed_and_two_when_the_key_moved():
    a = ("d1", "body-a", "other"), share(status="new", answered_in_24h=False, satisfied=None, reopen_count=0,
                                         escalated=False)
    assert moves(a, a) == []
    b = ("d1", "body-b", "other"), a[1]
    assert sorted(moves(a, b)) == sorted([(a[0], tuple(-v for v in a[1])), (b[0], a[1])])
    assert moves(None, a) == [a]


@settings(max_examples=300, deadline=None)
@given(st.lists(rows, min_size=1, max_size=6), st.lists(st.tuples(st.integers(0, 5), rows), max_size=30))
def test_moves_along_any_history_equal_a_recount(start, changes):
    state = list(start)
    summary: dict = {}
    for row in state:
        for key, delta in moves(None, _item(row)):
            summary[key] = tuple(a + b for a, b in zip(summary.get(key, ZERO), delta, strict=True))
    for i, row in changes:
        i %= len(state)
        for key, delta in moves(_item(state[i]), _item(row)):
            summary[key] = tuple(a + b for a, b in zip(summary.get(key, ZERO), delta, strict=True))
        state[i] = row
    # brute force: count each condition straight from the rows, no share() involved
    reference: dict = {}
    for r in state:
        acc = reference.setdefault(r["key"], [0] * len(COUNTERS))
        closed = r["status"] in ("resolved", "closed_unresolved")
        for j, hit in enumerate([True, closed, r["status"] == "resolved", r["status"] == "closed_unresolved",
                                 r["satisfied"] is not None, r["satisfied"] is True, r["answered_in_24h"],
                                 r["reopen_count"] > 0, r["escalated"]]):
            acc[j] += int(hit)
    assert {k: v for k, v in summary.items() if any(v)} == {k: tuple(v) for k, v in reference.items()}
    assert recount(_item(r) for r in state) == {k: tuple(v) for k, v in reference.items()}
    assert all(min(v) >= 0 for v in summary.values())
