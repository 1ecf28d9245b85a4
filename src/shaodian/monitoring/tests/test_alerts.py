"""Alerts with frozen time: a missing report after the hour, raised once however often the job runs;
acknowledging stops it showing upward; periods end by themselves through the outbox job."""

import datetime as dt

import pytest
from django.utils import timezone

from shaodian.core import outbox
from shaodian.monitoring import alerts, reports
from shaodian.monitoring.models import HealthAlert
from shaodian.tracing.models import Monitoring, MonitoringStatus

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def test_a_missing_report_is_raised_after_the_hour_once(period, users):
    m = period(days_ago=0, days=5)
    start = m.starts_on
    second = start + dt.timedelta(days=1)
    assert alerts.alerts_scan(at(second, 9, 59)) == 0
    assert alerts.alerts_scan(at(second, 10, 0)) == 1
    assert alerts.alerts_scan(at(second, 10, 10)) == 0
    assert alerts.alerts_scan(at(second, 23, 50)) == 0
    [a] = HealthAlert.objects.filter(monitoring=m)
    assert (a.kind, a.day) == ("missed", second)
    # The third day is reported in time: nothing; the fourth is not: one more.
    reports.reports_ingest(actor=users["grid_a"], items=[
        {"client_id": "d3", "monitoring": m.pk, "at": at(start + dt.timedelta(days=2), 8).isoformat(),
         "temperature": 36.4}], now=at(start + dt.timedelta(days=2), 8, 1))
    assert alerts.alerts_scan(at(start + dt.timedelta(days=3), 11)) == 1
    assert sorted(HealthAlert.objects.filter(monitoring=m).values_list("day", flat=True)) == [
        second, start + dt.timedelta(days=3)]


def test_the_job_catches_a_fever_the_ingest_did_not_raise(period, users):
    m = period(days_ago=0, days=3)
    reports.reports_ingest(actor=users["grid_a"], items=[
        {"client_id": "f1", "monitoring": m.pk, "at": timezone.now().isoformat(), "temperature": 38.0}])
    HealthAlert.objects.all().delete()  # as if the process had died between the report and its alert
    assert alerts.alerts_scan(timezone.now()) == 1
    assert HealthAlert.objects.get().kind == "fever"


def test_acknowledging_stops_the_alert_showing_upward(period, users, client_as):
    from shaodian.monitoring.selectors import open_alerts

    m = period(days_ago=3, days=10)
    alerts.alerts_scan(timezone.now())
    assert open_alerts(users["street_a"]) and not open_alerts(users["grid_b"])
    a = open_alerts(users["commander"])[0]["a"]
    from shaodian.errors import NotFound

    with pytest.raises(NotFound):
        alerts.alert_acknowledge(actor=users["grid_b"], alert_id=a.pk)
    alerts.alert_acknowledge(actor=users["staff_a"], alert_id=a.pk, note="已电话联系")
    assert a.pk not in {x["a"].pk for x in open_alerts(users["street_a"])}
    from shaodian.errors import ServiceError

    with pytest.raises(ServiceError):
        alerts.alert_acknowledge(actor=users["staff_a"], alert_id=a.pk)
    assert m.alerts.count() >= 1


def test_monitoring_ends_by_itself_through_the_outbox(period, users):
    from shaodian.monitoring.services import link_issue, link_open, LinkGone

    m = period(days_ago=14, days=14)  # its last day was yesterday
    raw = link_issue(actor=users["grid_a"], monitoring_id=period(days_ago=1, days=5,
                                                                  resident=_other(users)).pk)
    assert outbox.schedule_periodic() >= 1
    outbox.work(worker="test")
    m.refresh_from_db()
    assert m.status == MonitoringStatus.ENDED
    assert Monitoring.objects.filter(status=MonitoringStatus.ACTIVE).exists()  # the running one stays
    link_open(raw)  # still live
    ended = Monitoring.objects.get(status=MonitoringStatus.ACTIVE)
    ended.status = MonitoringStatus.ENDED
    ended.save()
    with pytest.raises(LinkGone):
        link_open(raw)


def _other(users):
    from shaodian.testing.factories import ResidentFactory
    from shaodian.testing.factories import BuildingFactory, HouseholdFactory, UnitFactory

    unit = UnitFactory(building=BuildingFactory(grid=users["grid_a"].node))
    return ResidentFactory(household=HouseholdFactory(unit=unit))


def test_an_alert_is_a_task_for_the_grid_worker_closed_by_its_acknowledgement(period, users):
    from shaodian.tasks.models import Task
    from shaodian.tasks.selectors import my_tasks

    m = period(days_ago=1, days=5)
    reports.reports_ingest(actor=users["grid_a"], items=[
        {"client_id": "t1", "monitoring": m.pk, "at": timezone.now().isoformat(), "temperature": 38.3}])
    a = HealthAlert.objects.get(monitoring=m)
    assert not Task.objects.filter(source="health_alert").exists()  # the outbox makes it, after the answer
    outbox.work(worker="test")
    a.refresh_from_db()
    task = Task.objects.get(source="health_alert", source_id=str(a.pk))
    assert a.task_id == task.pk and task.kind == "alert" and task.grid_id == users["grid_a"].node_id
    assert task.pk in {t.pk for t in my_tasks(users["grid_a"])}
    assert task.pk not in {t.pk for t in my_tasks(users["grid_b"])}
    alerts.alerts_scan(timezone.now())  # the job sees it raised: no second alert, no second task
    assert alerts.alert_tasks_make() == 0
    assert Task.objects.filter(source="health_alert").count() == HealthAlert.objects.count()
    alerts.alert_acknowledge(actor=users["street_a"], alert_id=a.pk, note="已送医")
    task.refresh_from_db()
    assert task.status == "done"


def test_an_open_alert_without_its_task_gets_one_from_the_job(period, users):
    from shaodian.core.models import OutboxItem
    from shaodian.tasks.models import Task

    m = period(days_ago=1, days=5)
    reports.reports_ingest(actor=users["grid_a"], items=[
        {"client_id": "t2", "monitoring": m.pk, "at": timezone.now().isoformat(), "temperature": 37.6}])
    OutboxItem.objects.filter(event="monitoring.alert_tasks").delete()  # as if the item had been lost
    assert alerts.alert_tasks_make() == 1 and Task.objects.filter(source="health_alert").count() == 1
