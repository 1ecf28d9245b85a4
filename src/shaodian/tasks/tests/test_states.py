"""The task state machine, without Django: every move against a brute-force table of what is allowed."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shaodian.tasks.states import CLOSED, Action, IllegalMove, State, Status, transition

T0 = dt.datetime(2026, 11, 1, 8, tzinfo=dt.UTC)
ALLOWED = {  # (from, action) → to, written out by hand
    (Status.OPEN, Action.ACKNOWLEDGE): Status.ACKNOWLEDGED,
    (Status.OPEN, Action.COMPLETE): Status.DONE,
    (Status.ACKNOWLEDGED, Action.COMPLETE): Status.DONE,
    (Status.OPEN, Action.CANCEL): Status.CANCELLED,
    (Status.ACKNOWLEDGED, Action.CANCEL): Status.CANCELLED,
    (Status.OPEN, Action.REASSIGN): Status.OPEN,
    (Status.ACKNOWLEDGED, Action.REASSIGN): Status.OPEN,
}


@given(st.lists(st.tuples(st.sampled_from(list(Action)), st.booleans()), max_size=12))
def test_it_follows_the_table_for_any_sequence(moves):
    state, now = State(), T0
    for action, evidence in moves:
        now += dt.timedelta(minutes=7)
        expected = ALLOWED.get((state.status, action))
        if action == Action.COMPLETE and not evidence and expected is not None:
            expected = None
        try:
            new = transition(state, action, now=now, has_evidence=evidence)
        except IllegalMove:
            assert expected is None
            continue
        assert new.status == expected
        assert (new.closed_at is not None) == (new.status in CLOSED)
        assert new.status != Status.ACKNOWLEDGED or new.acknowledged_at is not None
        state = new


def test_it_refuses_completion_without_evidence():
    with pytest.raises(IllegalMove) as exc:
        transition(State(), Action.COMPLETE, now=T0)
    assert exc.value.code == "evidence_missing"


def test_it_keeps_a_closed_task_closed():
    done = transition(State(), Action.COMPLETE, now=T0, has_evidence=True)
    for action in Action:
        with pytest.raises(IllegalMove) as exc:
            transition(done, action, now=T0, has_evidence=True)
        assert exc.value.code == "task_closed"
