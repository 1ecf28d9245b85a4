"""KPIs: closed-unresolved counts as closed and never as resolved; satisfaction over feedback given; 24 h answers."""

import datetime as dt

import pytest

from shaodian.complaints import intake, kpi, selectors, services
from shaodian.complaints.tests.factories import make_town

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
    o = kpi.kpis(selectors.complaints_for(town.users["district"]), now=T0 + dt.timedelta(days=3))["overall"]
    assert (o["total"], o["closed"], o["resolved"]) == (4, 2, 1)
    assert o["closure"] == 0.5 and o["resolution"] == 0.25 and o["satisfaction"] == 0.5
    assert o["response_24h"] == 0.5  # a and c within 24 h, b after 30 h, d never
    assert set(o["below_target"]) == {"closure", "satisfaction", "response_24h"}
    assert o["late"] == 2  # c and d: open past their 48 h resolve deadline
