"""The alert rules against a brute-force reference, with time frozen at every step of a period (no Django)."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from shaodian.monitoring import rules
from shaodian.monitoring.rules import FEVER, MISSED, SYMPTOM, Report, alerts_due

START = dt.date(2026, 3, 1)


def reference(starts_on, ends_on, reports, now_local, deadline_hour):
    """Every (kind, day) by the definitions, day by day, nothing clever."""
    out = set()
    day = starts_on
    while day <= ends_on:
        todays = [r for r in reports if r.day == day]
        if any(r.temperature >= 37.3 - 1e-9 for r in todays):
            out.add((FEVER, day))
        if any(s in rules.SYMPTOMS for r in todays for s in r.symptoms):
            out.add((SYMPTOM, day))
        deadline = dt.datetime.combine(day, dt.time(deadline_hour))
        if day != starts_on and not todays and now_local >= deadline:
            out.add((MISSED, day))
        day += dt.timedelta(days=1)
    return out


temperatures = st.sampled_from([35.8, 36.5, 37.2, 37.3, 37.29999999, 38.1, 39.5])
symptom_sets = st.lists(st.sampled_from([*rules.SYMPTOMS, "unknown"]), max_size=2).map(tuple)
# A report: (day offset, hour of the day it arrives, temperature, symptoms).
arrivals = st.lists(st.tuples(st.integers(0, 9), st.integers(0, 23), temperatures, symptom_sets), max_size=12)


@settings(max_examples=300, deadline=None)
@given(days=st.integers(0, 8), arrivals=arrivals, checks=st.lists(st.integers(0, 11 * 24), max_size=20),
       deadline_hour=st.integers(0, 23))
def test_no_alert_is_lost_and_none_is_raised_twice(days, arrivals, checks, deadline_hour):
    ends_on = START + dt.timedelta(days=days)
    # Reports arrive over time (a report for day d arrives on day d at its hour); the job looks at frozen moments.
    events = sorted(dt.datetime.combine(START + dt.timedelta(days=d), dt.time(h)) for d, h, *_ in arrivals)
    moments = sorted({*(dt.datetime.combine(START, dt.time()) + dt.timedelta(hours=c) for c in checks), *events})
    raised: list[tuple[str, dt.date]] = []
    for now in moments:
        seen = [Report(START + dt.timedelta(days=d), t, s) for d, h, t, s in arrivals
                if dt.datetime.combine(START + dt.timedelta(days=d), dt.time(h)) <= now]
        new = alerts_due(starts_on=START, ends_on=ends_on, reports=seen, now_local=now, raised=set(raised),
                         deadline_hour=deadline_hour)
        raised += [(a.kind, a.day) for a in new]
        # Never twice, and everything due by now is raised by now.
        assert len(raised) == len(set(raised))
        due = reference(START, ends_on, seen, now, deadline_hour)
        # A missed day stays raised even if a late report comes in afterwards: it did go missing.
        assert due <= set(raised)
        assert {k for k in raised if k[0] != MISSED} <= due


@given(arrivals=arrivals, deadline_hour=st.integers(0, 23), hours=st.integers(0, 12 * 24))
def test_one_look_equals_the_reference(arrivals, deadline_hour, hours):
    now = dt.datetime.combine(START, dt.time()) + dt.timedelta(hours=hours)
    reports = [Report(START + dt.timedelta(days=d), t, s) for d, _h, t, s in arrivals]
    ends_on = START + dt.timedelta(days=7)
    got = alerts_due(starts_on=START, ends_on=ends_on, reports=reports, now_local=now, raised=set(),
                     deadline_hour=deadline_hour)
    assert {(a.kind, a.day) for a in got} == reference(START, ends_on, [r for r in reports if r.day <= ends_on], now,
                                                        deadline_hour)


def test_fever_threshold_and_highest_reading():
    got = alerts_due(starts_on=START, ends_on=START, now_local=dt.datetime(2026, 3, 1, 8), raised=set(),
                     reports=[Report(START, 37.2), Report(START, 37.3), Report(START, 38.4)])
    assert got == [rules.Alert(FEVER, START, 38.4)]
    assert alerts_due(starts_on=START, ends_on=START, now_local=dt.datetime(2026, 3, 1, 8), raised=set(),
                      reports=[Report(START, 37.2, ("hiccups",))]) == []


def test_the_missing_report_waits_for_the_hour_and_the_first_day_is_excused():
    second = START + dt.timedelta(days=1)
    kw = dict(starts_on=START, ends_on=START + dt.timedelta(days=5), reports=[], raised=set(), deadline_hour=10)
    assert alerts_due(now_local=dt.datetime(2026, 3, 1, 23), **kw) == []
    assert alerts_due(now_local=dt.datetime(2026, 3, 2, 9, 59), **kw) == []
    assert alerts_due(now_local=dt.datetime(2026, 3, 2, 10), **kw) == [rules.Alert(MISSED, second)]


def test_temperature_bounds():
    assert rules.temperature_problem(34.0) is None and rules.temperature_problem(43) is None
    for bad in (33.9, 43.1, "37", True, float("nan"), None):
        assert rules.temperature_problem(bad) is not None
