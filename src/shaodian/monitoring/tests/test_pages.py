"""The pages: the list (day n of N, last report, alerts), a period with a report, a call and its link,
the self-report link without an account (expired, revoked, another person's), alerts, risk areas, start."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from shaodian.monitoring import services
from shaodian.monitoring.models import FollowUpCall, HealthAlert, HealthReport, ReportLink
from shaodian.tracing.models import Monitoring, MonitoringStatus

pytestmark = pytest.mark.django_db


def test_the_list_shows_day_n_of_n_and_alerts(client_as, period):
    m = period(days_ago=2, days=14)
    HealthAlert.objects.create(monitoring=m, kind="fever", day=timezone.localdate(), temperature=38.1,
                               raised_at=timezone.now())
    for i in range(3):  # three reports must not count the one alert three times
        HealthReport.objects.create(monitoring=m, client_id=f"l-{i}", day=timezone.localdate(), at=timezone.now(),
                                    temperature=38.1, source="worker", received_at=timezone.now())
    page = client_as("grid_a").get("/monitoring/").content.decode()
    assert "1 条预警" in page
    assert "王*测" in page and "王监测" not in page
    assert re.search(r"第\s*3\s*天.*共\s*14\s*天|Day 3 of 14", page)
    assert f"/monitoring/{m.pk}/" in page
    assert "王*测" not in client_as("grid_b").get("/monitoring/").content.decode()


def test_the_grid_worker_reports_calls_and_issues_a_link(client_as, period):
    m = period()
    c = client_as("grid_a")
    r = c.post(f"/monitoring/{m.pk}/", {"action": "report", "client_id": "page-1", "temperature": "38.5",
                                        "symptoms": ["cough"]})
    assert r.status_code == 302
    assert c.post(f"/monitoring/{m.pk}/", {"action": "report", "client_id": "page-2", "temperature": "45"}).status_code == 422
    assert c.post(f"/monitoring/{m.pk}/", {"action": "call", "reached": "no", "note": "无人接听"}).status_code == 302
    assert HealthReport.objects.filter(monitoring=m).count() == 1
    assert set(HealthAlert.objects.filter(monitoring=m).values_list("kind", flat=True)) == {"fever", "symptom"}
    assert FollowUpCall.objects.get(monitoring=m).reached is False
    page = c.post(f"/monitoring/{m.pk}/", {"action": "link"}).content.decode()
    assert "/public/health/" in page and "data:image/svg+xml" in page
    assert str(m.resident_id) not in re.search(r"/public/health/([^/]+)/", page).group(1)
    detail = c.get(f"/monitoring/{m.pk}/").content.decode()
    assert "38.5" in detail and "无人接听" in detail


def test_the_self_report_link(client, users, period, person):
    m = period()
    raw = services.link_issue(actor=users["grid_a"], monitoring_id=m.pk)
    url = f"/public/health/{raw}/"
    page = client.get(url)
    assert page.status_code == 200 and "王*测" in page.content.decode()
    assert client.post(url, {"client_id": "self-1", "temperature": "37.0"}).status_code == 200
    assert client.post(url, {"client_id": "self-1", "temperature": "37.0"}).status_code == 200  # a double tap
    assert client.post(url, {"client_id": "self-2", "temperature": "33"}).status_code == 422
    assert HealthReport.objects.filter(monitoring=m, source="self").count() == 1
    # Another person's link opens only that person's period.
    from shaodian.testing.factories import ResidentFactory

    other = period(resident=ResidentFactory(household=person.household, name="李另一"))
    raw2 = services.link_issue(actor=users["grid_a"], monitoring_id=other.pk)
    text = client.get(f"/public/health/{raw2}/").content.decode()
    assert "李*一" in text and "王*测" not in text
    client.post(f"/public/health/{raw2}/", {"client_id": "self-3", "temperature": "36.6"})
    assert HealthReport.objects.get(client_id="self-3").monitoring_id == other.pk
    # Revoked: a new link replaces it; the old one answers a clear page and nothing else.
    services.link_issue(actor=users["grid_a"], monitoring_id=m.pk)
    gone = client.get(url)
    assert gone.status_code == 410 and "王" not in gone.content.decode()
    assert "换" in gone.content.decode() or "replaced" in gone.content.decode()
    assert client.post(url, {"client_id": "self-4", "temperature": "36.6"}).status_code == 410
    assert not HealthReport.objects.filter(client_id="self-4").exists()
    # Expired: past the end of the period.
    ReportLink.objects.filter(monitoring=other).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert client.get(f"/public/health/{raw2}/").status_code == 410
    assert client.get("/public/health/not-a-real-token-at-all/").status_code == 404


def test_alerts_are_acknowledged_from_above(client_as, period):
    m = period()
    a = HealthAlert.objects.create(monitoring=m, kind="missed", day=timezone.localdate(), raised_at=timezone.now())
    assert "王*测" in client_as("street_a").get("/monitoring/alerts/").content.decode()
    assert client_as("grid_b").post("/monitoring/alerts/", {"alert_id": a.pk}).status_code == 404
    assert client_as("street_a").post("/monitoring/alerts/", {"alert_id": a.pk, "note": "已核实"}).status_code == 302
    a.refresh_from_db()
    assert a.acknowledged_at and a.note == "已核实"


def test_putting_a_person_under_monitoring_and_ending_early(client_as, person):
    c = client_as("staff_a")
    assert c.get("/monitoring/start/").status_code == 200
    assert c.post("/monitoring/start/", {"resident_id": person.pk, "reason": "key_person", "days": "40"}).status_code == 422
    r = c.post("/monitoring/start/", {"resident_id": person.pk, "reason": "key_person", "days": "7"})
    m = Monitoring.objects.get(resident=person)
    assert r.status_code == 302 and (m.ends_on - m.starts_on).days == 6 and m.reason == "key_person"
    again = c.post("/monitoring/start/", {"resident_id": person.pk, "reason": "key_person", "days": "7"})
    assert again.status_code == 422 and "已在健康监测中" in again.content.decode()
    assert c.post(f"/monitoring/{m.pk}/", {"action": "stop", "note": ""}).status_code == 422
    assert c.post(f"/monitoring/{m.pk}/", {"action": "stop", "note": "转集中隔离"}).status_code == 302
    m.refresh_from_db()
    assert m.status == MonitoringStatus.ENDED
    assert client_as("grid_a").post("/monitoring/start/", {"resident_id": person.pk}).status_code == 403


def test_risk_areas(client_as):
    c = client_as("staff_a")
    assert c.post("/monitoring/risk-areas/", {"name": "某市某区", "level": "high", "valid_from": "2026-03-05",
                                              "valid_to": "2026-03-01"}).status_code == 422
    assert c.post("/monitoring/risk-areas/", {"name": "某市某区", "level": "high", "valid_from": "2026-03-01",
                                              "valid_to": "2026-03-14"}).status_code == 302
    assert "某市某区" in client_as("grid_a").get("/monitoring/risk-areas/").content.decode()
    assert client_as("grid_a").post("/monitoring/risk-areas/", {"name": "x"}).status_code == 403


def test_a_white_listed_supply_driver_is_followed_as_a_key_person_never_quarantined(client_as, users, person):
    from shaodian.supplies.models_fleet import Driver

    driver = Driver(name="王司机", phone="", phone_hash="", resident=person, whitelisted=True)
    driver.locate_at(users["staff_a"].node)
    driver.save()
    c = client_as("staff_a")
    for reason in ("home_quarantine", "close_contact"):
        refused = c.post("/monitoring/start/", {"resident_id": person.pk, "reason": reason, "days": "7"})
        assert refused.status_code == 422 and "白名单保供司机" in refused.content.decode()
    assert not Monitoring.objects.filter(resident=person).exists()
    assert c.post("/monitoring/start/", {"resident_id": person.pk, "reason": "key_person", "days": "7"}).status_code == 302
    Driver.objects.filter(pk=driver.pk).update(whitelisted=False)
    Monitoring.objects.filter(resident=person).update(status=MonitoringStatus.ENDED)
    assert c.post("/monitoring/start/", {"resident_id": person.pk, "reason": "home_quarantine", "days": "7"}).status_code == 302
