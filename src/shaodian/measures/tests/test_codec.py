"""The stored JSON of a measure reads back as the very same MeasureState (no database)."""

import datetime as dt
import json

from freezegun import freeze_time

from shaodian.measures import codec, lifecycle as L

T0 = dt.datetime(2026, 11, 1, 8, tzinfo=dt.UTC)
STAFF = L.Actor("1", L.Role.COMMUNITY_STAFF, L.Level.COMMUNITY)
CDC = L.Actor("2", L.Role.HEALTH, L.Level.DISTRICT)


def a_state() -> L.MeasureState:
    s = L.propose(area_level=L.Level.GRID, starts_at=T0 + dt.timedelta(days=2), ends_at=T0 + dt.timedelta(days=9),
                  restrictions=("stay_at_home",), actor=STAFF, now=T0)
    person = L.SpecialGroupPerson("7", frozenset({L.SpecialGroup.DIALYSIS, L.SpecialGroup.ELDERLY_ALONE}), None,
                                  "送货", "透析", "3")
    s = L.transition(s, L.Evaluate(("楼内病例",), 40, 1, (person,)), CDC, T0 + dt.timedelta(minutes=1))
    s = L.transition(s, L.RecordVote((L.Vote("1", True), L.Vote("9", True)), frozenset({"1", "2"})), STAFF,
                     T0 + dt.timedelta(minutes=2))
    return L.transition(s, L.RecordGate((person,)), STAFF, T0 + dt.timedelta(minutes=3))


def test_it_round_trips_a_state_through_json():
    state = a_state()
    assert codec.load(json.loads(json.dumps(codec.dump(state)))) == state


def test_it_reads_back_under_a_frozen_clock():
    raw = json.loads(json.dumps(codec.dump(a_state())))
    with freeze_time(T0):
        loaded = codec.load(raw)
    assert loaded == a_state() and isinstance(loaded.updated_at, dt.datetime)
