"""The grid worker's home shows the sentinel work of the worker's own grid today, one query a count."""

import datetime as dt
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shaodian.monitoring.models import HealthAlert
from shaodian.monitoring.reports import reports_ingest
from shaodian.screening import services as screening
from shaodian.screening.models import VisitTask
from shaodian.security.roles import Perm
from shaodian.testing.factories import crowd
from shaodian.tracing.models import Monitoring

pytestmark = pytest.mark.django_db
LABELS = {"visits": "待走访户数", "monitored": "健康监测中", "not_reported": "今日未报告", "alerts": "未处理的健康预警"}
LINKS = {"visits": "/screening/field/", "monitored": "/monitoring/", "not_reported": "/monitoring/",
         "alerts": "/monitoring/alerts/"}
# Session, user and node; residents, special groups, checkpoints, cases, measures, tasks, scan alerts (21); and the
# sentinel panel's three: doors, the monitoring pair (one aggregate), alerts. Monitoring is no longer counted twice.
GRID_WORKER_QUERIES = 24


def _section(html: str) -> str:
    start = html.index('id="h-sentinel"')
    return html[start:html.index("</section>", start)]


def _counts(client) -> dict[str, int]:
    html = _section(client.get("/").content.decode())
    out = {}
    for key, label in LABELS.items():
        m = re.search(rf'<a class="stat[^"]*" href="([^"]+)"><b>([\d,]+)</b><span>{label}</span>', html)
        assert m, label
        assert unescape(m.group(1)) == LINKS[key], (key, m.group(1))
        out[key] = int(m.group(2).replace(",", ""))
    return out


def _monitor(people, days_ago=1):
    start = timezone.localdate() - dt.timedelta(days=days_ago)
    return [Monitoring.objects.create(resident=r, reason="home_quarantine", starts_on=start,
                                      ends_on=start + dt.timedelta(days=13)) for r in people]


def _sentinel_work(users, n_people=3):
    """A campaign over grid_a's street, one door visited; people monitored in grid_a and grid_b, with alerts."""
    grid_a, grid_b = users["grid_a"].node, users["grid_b"].node
    campaign = screening.campaign_start(actor=users["street_a"], place_id=users["street_a"].node_id, name="入户排查",
                                        purpose="摸清底数", deadline=timezone.now() + dt.timedelta(days=2))
    door = VisitTask.objects.filter(campaign=campaign, grid=grid_a).order_by("pk").first()
    away = VisitTask.objects.filter(campaign=campaign, grid=grid_a).order_by("-pk").first()
    done = screening.visits_record(actor=users["grid_a"], items=[
        {"client_id": "home-1", "task": door.pk, "outcome": "reached", "people_present": 2},
        {"client_id": "home-2", "task": away.pk, "outcome": "nobody_home"}])  # back tomorrow, not today
    assert [r["status"] for r in done] == ["accepted", "accepted"]
    mine = _monitor(crowd(grid_a, n_people))
    theirs = _monitor(crowd(grid_b, 2))
    reported = reports_ingest(actor=users["grid_a"], items=[
        {"client_id": "home-r1", "monitoring": mine[0].pk, "at": timezone.now().isoformat(), "temperature": 36.5}])
    assert reported[0]["status"] == "accepted"
    now = timezone.now()
    HealthAlert.objects.bulk_create([
        HealthAlert(monitoring=mine[1], kind="missed", day=timezone.localdate(), raised_at=now),
        HealthAlert(monitoring=mine[2], kind="fever", day=timezone.localdate(), temperature=38.2, raised_at=now,
                    acknowledged_at=now, acknowledged_by=users["grid_a"]),
        HealthAlert(monitoring=theirs[0], kind="missed", day=timezone.localdate(), raised_at=now),
    ])
    return campaign


def test_it_counts_todays_doors_monitoring_reports_and_open_alerts_of_the_own_grid(users, client_as):
    client = client_as("grid_a")
    before = _counts(client)
    campaign = _sentinel_work(users)
    after = _counts(client)

    doors = VisitTask.objects.filter(campaign=campaign, grid=users["grid_a"].node).count()
    assert after["visits"] - before["visits"] == doors - 2  # one reached, one nobody home: back tomorrow
    assert after["monitored"] - before["monitored"] == 3  # grid_b's two are not grid_a's
    assert after["not_reported"] - before["not_reported"] == 2  # one of the three reported today
    assert after["alerts"] - before["alerts"] == 1  # the acknowledged one and grid_b's are not counted


def test_a_closed_campaign_leaves_no_door_to_visit(users, client_as):
    client = client_as("grid_a")
    before = _counts(client)["visits"]
    campaign = _sentinel_work(users)
    assert _counts(client)["visits"] > before
    screening.campaign_close(actor=users["street_a"], campaign_id=campaign.pk)
    assert _counts(client)["visits"] == before


def test_the_grid_workers_home_runs_a_fixed_number_of_queries_whatever_the_rows(users, client_as,
                                                                               django_assert_num_queries):
    client = client_as("grid_a")
    client.get("/")  # session and user cached like any later visit
    with django_assert_num_queries(GRID_WORKER_QUERIES):
        client.get("/")
    _sentinel_work(users, n_people=40)
    with CaptureQueriesContext(connection) as many:
        client.get("/")
    assert len(many.captured_queries) == GRID_WORKER_QUERIES


def test_monitoring_is_counted_once_on_the_grid_workers_home(client_as):
    main = client_as("grid_a").get("/").content.decode().split("<main>", 1)[1]
    assert main.count("<span>健康监测中</span>") == 1


@pytest.mark.parametrize("username", ["staff_a", "street_a", "commander", "cdc", "guard_a", "volunteer_a", "admin"])
def test_other_roles_homes_have_no_sentinel_panel_and_keep_their_monitoring_count(users, client_as, username):
    page = client_as(username).get("/").content.decode()
    assert 'id="h-sentinel"' not in page
    if users[username].can(Perm.VIEW_CASES):
        assert "<span>健康监测中</span>" in _section_of(page, "h-tracing")


def _section_of(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start:html.index("</section>", start)]
