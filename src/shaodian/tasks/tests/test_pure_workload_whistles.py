"""Workload flags and the whistle state machine, without Django, against brute-force references."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shaodian.tasks import whistle_states as ws
from shaodian.tasks import workload

TZ = ZoneInfo("Asia/Shanghai")
BASE = dt.datetime(2026, 11, 1, tzinfo=TZ)
shift = st.tuples(st.integers(0, 14 * 24 * 4), st.integers(1, 20 * 4)).map(
    lambda p: (BASE + dt.timedelta(minutes=15 * p[0]), BASE + dt.timedelta(minutes=15 * (p[0] + p[1]))))


def brute_hours(shifts):
    """Quarter-hour buckets, each counted once, on the local date it starts in."""
    buckets = set()
    for s, e in shifts:
        t = s
        while t < e:
            buckets.add(t)
            t += dt.timedelta(minutes=15)
    out = {}
    for b in buckets:
        out[b.date()] = out.get(b.date(), dt.timedelta()) + dt.timedelta(minutes=15)
    return out


@settings(deadline=None)  # the quarter-hour reference is slow on a loaded machine
@given(st.lists(shift, max_size=12))
def test_it_counts_hours_per_day_as_the_buckets_do(shifts):
    assert workload.hours_per_day(shifts) == brute_hours(shifts)


@given(st.sets(st.integers(0, 40), max_size=25))
def test_it_finds_the_longest_streak(days):
    dates = [dt.date(2026, 11, 1) + dt.timedelta(days=d) for d in days]
    best = max((n for start in days for n in range(1, 41) if all(start + i in days for i in range(n))), default=0)
    assert workload.longest_streak(dates) == best


def test_it_flags_a_long_day_a_streak_and_the_ratio():
    week = [(BASE + dt.timedelta(days=d, hours=8), BASE + dt.timedelta(days=d, hours=17)) for d in range(7)]
    assert workload.load(week, residents=300).reasons == ("streak",)
    night = [(BASE + dt.timedelta(hours=7), BASE + dt.timedelta(hours=20))]
    assert workload.load(night, residents=300).reasons == ("long_day",)
    assert workload.load([], residents=361).reasons == ("ratio",)
    assert not workload.load(week[:6], residents=360).overloaded


T0 = dt.datetime(2026, 11, 2, 1, tzinfo=dt.UTC)
GRACE = dt.timedelta(hours=4)


@given(st.lists(st.tuples(st.sampled_from(list(ws.Action)), st.integers(0, 600), st.booleans()), max_size=10))
def test_a_whistle_moves_only_as_the_table_says(moves):
    state, now = ws.State(ws.Status.RAISED, T0 + dt.timedelta(hours=2)), T0
    for action, minutes, top in moves:
        now += dt.timedelta(minutes=minutes)
        allowed = state.status in ws.FROM[action] and (
            action != ws.Action.ESCALATE or (now > state.due_at and not top))
        try:
            new = ws.transition(state, action, now=now, grace=GRACE, top=top)
        except ws.IllegalMove:
            assert not allowed
            continue
        assert allowed
        if action == ws.Action.ESCALATE:
            assert new.level == state.level + 1 and new.due_at == now + GRACE and new.status == ws.Status.RAISED
        state = new


def test_a_whistle_does_not_escalate_before_its_deadline():
    with pytest.raises(ws.IllegalMove) as exc:
        ws.transition(ws.State(ws.Status.RAISED, T0), ws.Action.ESCALATE, now=T0, grace=GRACE)
    assert exc.value.code == "not_late"
