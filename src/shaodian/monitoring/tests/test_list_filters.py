"""The list and the alerts page read their filters from the address through a form: a bad value shows the default."""

import pytest
from django.utils import timezone

from shaodian.monitoring.models import HealthAlert
from shaodian.testing.factories import ResidentFactory
from shaodian.tracing.models import MonitoringStatus

pytestmark = pytest.mark.django_db

HUGE = "x" * 5_000_000


def test_it_filters_by_a_known_status_and_by_open_alerts(client_as, period, person):
    active = period()
    ended = period(resident=ResidentFactory(household=person.household, name="李结束"))
    ended.status = MonitoringStatus.ENDED
    ended.save(update_fields=["status"])
    c = client_as("grid_a")
    assert f"/monitoring/{ended.pk}/" in c.get("/monitoring/?status=ended").content.decode()
    page = c.get("/monitoring/").content.decode()
    assert f"/monitoring/{active.pk}/" in page and f"/monitoring/{ended.pk}/" not in page
    assert f"/monitoring/{active.pk}/" not in c.get("/monitoring/?alerts=1").content.decode()
    HealthAlert.objects.create(monitoring=active, kind="missed", day=timezone.localdate(), raised_at=timezone.now())
    with_alerts = c.get("/monitoring/?alerts=1").content.decode()
    assert f"/monitoring/{active.pk}/" in with_alerts and 'name="alerts" value="1" checked' in with_alerts


@pytest.mark.parametrize("query", ["status=nonsense", "status=" + HUGE, "status=active&status="])
def test_it_shows_the_active_periods_for_a_bad_filter(client_as, period, query):
    m = period()
    r = client_as("grid_a").get("/monitoring/?" + query)
    assert r.status_code == 200 and f"/monitoring/{m.pk}/" in r.content.decode()


def test_the_alerts_page_shows_acknowledged_ones_only_when_asked(client_as, period):
    m = period()
    HealthAlert.objects.create(monitoring=m, kind="missed", day=timezone.localdate(), raised_at=timezone.now(),
                               acknowledged_at=timezone.now(), note="已处理")
    c = client_as("street_a")
    assert "王*测" not in c.get("/monitoring/alerts/").content.decode()
    assert "王*测" in c.get("/monitoring/alerts/?all=1").content.decode()
    assert "王*测" not in c.get("/monitoring/alerts/?all=false").content.decode()
    r = c.get("/monitoring/alerts/?all=" + HUGE)
    assert r.status_code == 200
