"""Health reports through the API: one or a batch, idempotent on client_id under retries, bad input refused
per item with its reason, and the fever and symptom alerts they raise, once."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from shaodian.monitoring.models import HealthAlert, HealthReport

pytestmark = pytest.mark.django_db


def post(api, body):
    return api.post("/api/v1/health-reports", json.dumps(body), content_type="application/json")


def item(m, client_id, *, temperature=36.6, symptoms=(), at=None):
    return {"client_id": client_id, "monitoring": m.pk, "at": (at or timezone.now()).isoformat(),
            "temperature": temperature, "symptoms": list(symptoms)}


def test_one_report_and_its_retry(api_as, period):
    m = period()
    api = api_as("grid_a")
    r = post(api, item(m, "phone-1"))
    assert r.status_code == 200 and r.json()["results"] == [
        {"client_id": "phone-1", "status": "accepted", "reason": "", "code": ""}]
    assert post(api, item(m, "phone-1", temperature=39.0)).json()["results"][0]["status"] == "duplicate"
    assert HealthReport.objects.filter(monitoring=m).count() == 1
    assert not HealthAlert.objects.exists()  # the retry's other temperature changes nothing


def test_a_batch_answers_per_item_in_order(api_as, period):
    m = period()
    now = timezone.now()
    batch = [
        item(m, "b-1"),
        item(m, "b-2", temperature=33.9),
        item(m, "b-3", temperature=43.5),
        item(m, "b-4", at=now + dt.timedelta(hours=1)),
        item(m, "b-5", at=now - dt.timedelta(days=5)),
        item(m, "b-6", symptoms=["hiccups"]),
        {"client_id": "b-7", "monitoring": 999999, "at": now.isoformat(), "temperature": 36.5},
        {"monitoring": m.pk, "at": now.isoformat(), "temperature": 36.5},
        item(m, "b-1"),
        item(m, "b-8", temperature=38.2, symptoms=["cough"]),
        item(m, "b-9", at=now.replace(tzinfo=None)),
        item(m, "b-10", temperature=True),
    ]
    results = post(api_as("grid_a"), {"reports": batch}).json()["results"]
    assert [(r["client_id"], r["status"], r["code"]) for r in results] == [
        ("b-1", "accepted", ""), ("b-2", "rejected", "temperature_range"), ("b-3", "rejected", "temperature_range"),
        ("b-4", "rejected", "future"), ("b-5", "rejected", "too_old"), ("b-6", "rejected", "bad_symptoms"),
        ("b-7", "rejected", "unknown_monitoring"), (None, "rejected", "bad_client_id"), ("b-1", "duplicate", ""),
        ("b-8", "accepted", ""), ("b-9", "rejected", "bad_time"), ("b-10", "rejected", "bad_temperature")]
    assert all(" / " in r["reason"] for r in results if r["status"] == "rejected")
    assert sorted(HealthAlert.objects.values_list("kind", flat=True)) == ["fever", "symptom"]
    assert HealthAlert.objects.get(kind="fever").temperature == 38.2


def test_retrying_a_whole_batch_many_times_stores_it_once(api_as, period):
    m = period()
    now = timezone.now()
    batch = [item(m, f"r-{i}", temperature=36 + i / 10, at=now - dt.timedelta(minutes=i)) for i in range(20)]
    api = api_as("grid_a")
    first = post(api, {"reports": batch}).json()["results"]
    assert {r["status"] for r in first} == {"accepted"}
    for _ in range(3):
        again = post(api, {"reports": batch[::-1]}).json()["results"]
        assert {r["status"] for r in again} == {"duplicate"}
    assert HealthReport.objects.filter(monitoring=m).count() == 20
    assert HealthAlert.objects.filter(kind="fever").count() == 1  # 37.3 … 37.9 on one day: one fever alert


def test_a_report_outside_the_period_or_the_jurisdiction_is_refused(api_as, period, users):
    m = period(days_ago=0, days=3)
    yesterday = timezone.now() - dt.timedelta(days=1)
    results = post(api_as("grid_a"), {"reports": [item(m, "o-1", at=yesterday)]}).json()["results"]
    assert results[0]["code"] == "outside_period"
    results = post(api_as("grid_b"), {"reports": [item(m, "o-2")]}).json()["results"]
    assert results[0]["code"] == "unknown_monitoring" and not HealthReport.objects.exists()


def test_a_retry_whose_day_left_the_window_is_still_a_duplicate(api_as, period):
    from shaodian.monitoring.reports import reports_ingest

    m = period(days_ago=6)
    at = timezone.now() - dt.timedelta(days=2)
    reports_ingest(actor=_user("grid_a"), items=[item(m, "late-1", at=at)])
    later = timezone.now() + dt.timedelta(days=3)
    [result] = reports_ingest(actor=_user("grid_a"), items=[item(m, "late-1", at=at)], now=later)
    assert result["status"] == "duplicate"


def _user(name):
    from shaodian.security.models import User

    return User.objects.get(username=name)


def test_who_may_send(api_as, period):
    m = period()
    assert post(api_as("guard_a"), item(m, "g-1")).status_code == 403
    assert post(api_as("staff_a"), item(m, "s-1")).json()["results"][0]["status"] == "accepted"


def test_a_batch_runs_no_garbage_collection_and_leaves_the_collector_running(users, period, monkeypatch):
    """A full batch used to spend a quarter of its time in collections that found nothing to free."""
    import gc

    from shaodian.errors import ServiceError
    from shaodian.monitoring import reports

    m = period()
    now = timezone.now()
    batch = [item(m, f"gc-{i}", at=now - dt.timedelta(seconds=i)) for i in range(3000)]
    inside, during = [False], []
    real = reports._ingest

    def spy(*args, **kwargs):
        inside[0] = True
        try:
            return real(*args, **kwargs)
        finally:
            inside[0] = False

    def count(phase, info):
        if phase == "start" and inside[0]:
            during.append(info["generation"])

    monkeypatch.setattr(reports, "_ingest", spy)
    gc.collect()
    gc.callbacks.append(count)
    try:
        results = reports.reports_ingest(actor=users["grid_a"], items=batch)
        with pytest.raises(ServiceError):
            reports.reports_ingest(actor=users["grid_a"], items="not a list")
    finally:
        gc.callbacks.remove(count)
    assert {r["status"] for r in results} == {"accepted"} and HealthReport.objects.filter(monitoring=m).count() == 3000
    assert during == [] and gc.isenabled()


def test_the_stored_time_is_the_instant_sent(api_as, period):
    """The insert writes the time as text on SQLite: it must read back as the very instant, microseconds kept."""
    m = period()
    at = timezone.localtime(timezone.now()).replace(microsecond=123456) - dt.timedelta(minutes=3)
    assert post(api_as("grid_a"), item(m, "t-1", at=at)).json()["results"][0]["status"] == "accepted"
    stored = HealthReport.objects.get(client_id="t-1")
    assert stored.at == at and stored.day == timezone.localdate(at)
