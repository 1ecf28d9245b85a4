"""The state machine without a database: legal moves, refusals, and a random walk against a reference table."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shaodian.complaints.states import REOPEN_WINDOW, Action, IllegalMove, State, Status, transition

T0 = dt.datetime(2026, 11, 1, 8, tzinfo=dt.UTC)

# The reference: (status, action) → next status, written out by hand.
REFERENCE = {
    (Status.NEW, Action.ASSIGN): Status.ASSIGNED,
    (Status.ASSIGNED, Action.ASSIGN): Status.ASSIGNED,
    (Status.ASSIGNED, Action.START): Status.IN_PROGRESS,
    (Status.ASSIGNED, Action.CLOSE_UNRESOLVED): Status.CLOSED_UNRESOLVED,
    (Status.IN_PROGRESS, Action.RESOLVE): Status.RESOLVED,
    (Status.IN_PROGRESS, Action.CLOSE_UNRESOLVED): Status.CLOSED_UNRESOLVED,
    (Status.RESOLVED, Action.FEEDBACK): Status.RESOLVED,
    (Status.CLOSED_UNRESOLVED, Action.FEEDBACK): Status.CLOSED_UNRESOLVED,
    (Status.RESOLVED, Action.REOPEN): Status.ASSIGNED,
    (Status.CLOSED_UNRESOLVED, Action.REOPEN): Status.ASSIGNED,
}


def test_it_walks_the_happy_path():
    s = transition(State(), Action.ASSIGN, now=T0)
    s = transition(s, Action.START, now=T0 + dt.timedelta(hours=1))
    assert s.responded_at == T0 + dt.timedelta(hours=1)
    s = transition(s, Action.RESOLVE, now=T0 + dt.timedelta(hours=5))
    assert s.is_resolved and s.closed_at == T0 + dt.timedelta(hours=5)
    s = transition(s, Action.FEEDBACK, now=T0 + dt.timedelta(hours=6), by_reporter=True, satisfied=False)
    assert s.satisfied is False
    s = transition(s, Action.REOPEN, now=T0 + dt.timedelta(days=2), by_reporter=True)
    assert s.status == Status.ASSIGNED and s.reopen_count == 1 and s.closed_at is None


def test_closed_unresolved_is_not_resolved():
    s = transition(transition(State(), Action.ASSIGN, now=T0), Action.CLOSE_UNRESOLVED, now=T0)
    assert s.status == Status.CLOSED_UNRESOLVED and not s.is_resolved


def test_reopen_refused_after_seven_days():
    s = transition(transition(State(), Action.ASSIGN, now=T0), Action.CLOSE_UNRESOLVED, now=T0)
    transition(s, Action.REOPEN, now=T0 + REOPEN_WINDOW, by_reporter=True)
    with pytest.raises(IllegalMove) as e:
        transition(s, Action.REOPEN, now=T0 + REOPEN_WINDOW + dt.timedelta(seconds=1), by_reporter=True)
    assert e.value.code == "reopen_window"


def test_only_the_reporter_gives_feedback_and_the_reporter_only_that():
    s = transition(transition(State(), Action.ASSIGN, now=T0), Action.CLOSE_UNRESOLVED, now=T0)
    with pytest.raises(IllegalMove):
        transition(s, Action.FEEDBACK, now=T0, satisfied=True)
    with pytest.raises(IllegalMove):
        transition(State(), Action.ASSIGN, now=T0, by_reporter=True)


def test_feedback_once_per_closing():
    s = transition(transition(State(), Action.ASSIGN, now=T0), Action.CLOSE_UNRESOLVED, now=T0)
    s = transition(s, Action.FEEDBACK, now=T0, by_reporter=True, satisfied=True)
    with pytest.raises(IllegalMove):
        transition(s, Action.FEEDBACK, now=T0, by_reporter=True, satisfied=False)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(list(Action)), st.integers(0, 10 * 24), st.booleans()), max_size=30))
def test_random_walk_matches_the_reference(steps):
    s, now = State(), T0
    for action, hours, satisfied in steps:
        now = now + dt.timedelta(hours=hours)
        by_reporter = action in (Action.FEEDBACK, Action.REOPEN)
        expected = REFERENCE.get((s.status, action))
        if expected and action == Action.REOPEN and now - s.closed_at > REOPEN_WINDOW:
            expected = None
        if expected and action == Action.FEEDBACK and s.satisfied is not None:
            expected = None
        try:
            s2 = transition(s, action, now=now, by_reporter=by_reporter, satisfied=satisfied)
        except IllegalMove:
            assert expected is None
            continue
        assert s2.status == expected
        # Invariants: a closed item has a closing time, an open one none; only RESOLVED counts as resolved.
        assert (s2.closed_at is not None) == (s2.status in (Status.RESOLVED, Status.CLOSED_UNRESOLVED))
        assert s2.is_resolved == (s2.status == Status.RESOLVED)
        assert s2.satisfied is None or s2.closed_at is not None
        s = s2
