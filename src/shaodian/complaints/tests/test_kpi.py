"""KPIs: closed-unresolved counts as closed and never as resolved; satisfaction over feedback given; 24 h answers."""

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import Count, Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shaodian.complaints import intake, kpi, services, summary, tally
from shaodian.complaints.models import Complaint, ComplaintDay
from shaodian.complaints.tests.factories import make_town
from shaodian.errors import ServiceError

T0 = dt.datetime(2026, 11, 2, 1, tzinfo=dt.UTC)


@pytest.fixture
def town(db):
    return make_town()


def test_the_rates_keep_closed_and_resolved_apart(town):
    street = town.users["street"]
    made = []
    for i in range(4):
        c, code = intake.complaint_file(channel="web", text="侧门被锁", place_id=town.east_grid.pk,
                                        category="over_blocking", now=T0 + dt.timedelta(minutes=i))
        made.append((c, code))
    (a, code_a), (b, code_b), (c, _), (d, _) = made
    for x, hours in ((a, 1), (b, 30), (c, 2)):
        services.complaint_act(actor=street, complaint_id=x.pk, action="assign", now=T0)
        services.complaint_act(actor=street, complaint_id=x.pk, action="start", note="收到",
                               now=T0 + dt.timedelta(hours=hours))
    services.complaint_act(actor=street, complaint_id=a.pk, action="resolve", note="已拆除", now=T0 + dt.timedelta(hours=3))
    services.complaint_act(actor=street, complaint_id=b.pk, action="close_unresolved", note="无法处理",
                           now=T0 + dt.timedelta(hours=40))
    services.complaint_reporter_act(number=a.number, code=code_a, action="feedback", satisfied=True,
                                    now=T0 + dt.timedelta(hours=5))
    services.complaint_reporter_act(number=b.number, code=code_b, action="feedback", satisfied=False,
                                    now=T0 + dt.timedelta(hours=41))
    o = kpi.kpis(town.users["district"], now=T0 + dt.timedelta(days=3))["overall"]
    assert (o["total"], o["closed"], o["resolved"]) == (4, 2, 1)
    assert o["closure"] == 0.5 and o["resolution"] == 0.25 and o["satisfaction"] == 0.5
    assert o["response_24h"] == 0.5  # a and c within 24 h, b after 30 h, d never
    assert set(o["below_target"]) == {"closure", "satisfaction", "response_24h"}
    assert o["late"] == 2  # c and d: open past their 48 h resolve deadline


def _kept():
    return {(r.day, r.place_id, r.body, r.category): tuple(getattr(r, n) for n in tally.COUNTERS)
            for r in ComplaintDay.objects.all() if r.filed}


def _recounted():
    return {(r["filed_day"], r["place_id"], r["body"], r["category"]): tuple(r[n] for n in tally.COUNTERS)
            for r in summary.recount_rows()}


STEPS = st.lists(st.tuples(st.integers(0, 5), st.sampled_from(
    ["assign", "assign_medical", "assign_fire", "start", "resolve", "close_unresolved", "feedback_yes",
     "feedback_no", "reopen", "escalate", "file"]), st.integers(1, 40)), min_size=1, max_size=25)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_the_summary_equals_a_recount_after_random_transitions(town, steps):
    street = town.users["street"]
    with transaction.atomic():
        now = T0
        made = []
        for i in range(3):
            made.append(intake.complaint_file(channel="web", text="侧门被锁", category="over_blocking", now=now,
                                              place_id=(town.east_grid, town.west_grid, town.east)[i].pk))
        for which, step, hours in steps:
            now += dt.timedelta(hours=hours)
            c, code = made[which % len(made)]
            try:
                if step == "file":
                    made.append(intake.complaint_file(channel="hotline", actor=street, text="买不到药", now=now,
                                                      place_id=town.west_grid.pk, category="supply_shortage"))
                elif step == "escalate":
                    services.complaints_escalate(now=now)
                elif step.startswith("feedback") or step == "reopen":
                    services.complaint_reporter_act(number=c.number, code=code, action=step.split("_")[0],
                                                    satisfied=step == "feedback_yes", now=now)
                else:
                    category = {"assign_medical": "medical_access", "assign_fire": "fire_lane"}.get(step, "")
                    services.complaint_act(actor=street, complaint_id=c.pk, action=step.split("_")[0]
                                           if category else step, note="已处理", category=category, now=now)
            except ServiceError:
                pass  # an illegal move changes nothing, the summary included
        assert _kept() == _recounted()
        assert summary.rebuild() == len(_recounted())
        assert _kept() == _recounted()
        transaction.set_rollback(True)


def test_the_kpi_page_numbers_match_a_recount_from_the_complaints(town):
    street = town.users["street"]
    for i in range(6):
        c, code = intake.complaint_file(channel="web", text="物资短缺", place_id=town.west_grid.pk,
                                        category="supply_shortage", now=T0 + dt.timedelta(hours=i))
        services.complaint_act(actor=street, complaint_id=c.pk, action="assign", now=T0 + dt.timedelta(hours=i),
                               category="medical_access" if i % 2 else "")
        if i % 3 == 0:
            services.complaint_act(actor=street, complaint_id=c.pk, action="close_unresolved", note="无法处理",
                                   now=T0 + dt.timedelta(hours=i + 1))
    services.complaints_escalate(now=T0 + dt.timedelta(days=2))
    now = T0 + dt.timedelta(days=2, hours=12)
    data = kpi.kpis(town.users["district"], now=now)
    rows = Complaint.objects.filter(district=town.district)
    assert data["overall"]["total"] == rows.count() == 6
    assert data["overall"]["closed"] == rows.filter(status="closed_unresolved").count() == 2
    assert data["overall"]["resolved"] == 0
    late = rows.filter(Q(escalated_at__isnull=False) | Q(closed_at=None, resolve_by__lt=now)).count()
    assert data["overall"]["late"] == late and late > 0
    assert {r["body"]: r["total"] for r in data["by_body"]} == {
        r["body"]: r["n"] for r in rows.values("body").annotate(n=Count("pk"))}
    assert sum(t["filed"] for t in data["trend"]) == 6
    assert kpi.kpis(town.users["east_staff"], now=now)["overall"]["total"] == 0  # the west's complaints only
