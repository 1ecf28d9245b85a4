"""Tasks other apps create and close by their source: idempotent, never checked against the admission list."""

import datetime as dt

import pytest

from shaodian.core.models import OutboxItem
from shaodian.errors import ServiceError
from shaodian.tasks import services
from shaodian.tasks.models import AdmissionList, Kind, Status, Task

T0 = dt.datetime(2026, 11, 2, 1, tzinfo=dt.UTC)


def alert_task(users, **kw):
    args = {"kind": Kind.ALERT, "node": users["grid_a"].node, "title": "体温 38.2 °C 告警", "due_at": T0 + dt.timedelta(hours=2),
            "source": "monitoring.alert", "source_id": 41, "assignee": users["grid_a"], "now": T0}
    args.update(kw)
    return services.task_for_system(**args)


def test_it_creates_a_system_task_once_per_source(users):
    first = alert_task(users)
    again = alert_task(users, title="另一个标题")
    assert again.pk == first.pk and again.title == "体温 38.2 °C 告警"
    assert Task.objects.filter(source="monitoring.alert").count() == 1
    assert first.created_by is None and first.grid_id == users["grid_a"].node_id
    assert OutboxItem.objects.filter(key__startswith=f"notify:task:{first.pk}:new:").exists()


def test_it_ignores_the_admission_list_for_system_tasks(users):
    AdmissionList.objects.create(place=users["staff_a"].node, city=users["staff_a"].node.city,
                                 community=users["staff_a"].node, name="名苑社区准入清单", kinds=["visit"], updated_at=T0)
    assert alert_task(users).status == Status.OPEN


def test_it_closes_a_task_by_its_source_once(users):
    t = alert_task(users)
    closed = services.task_close_for_source(source="monitoring.alert", source_id="41", note="已确认为误报")
    assert closed.pk == t.pk and closed.status == Status.DONE and closed.evidence_note == "已确认为误报"
    again = services.task_close_for_source(source="monitoring.alert", source_id=41, note="再次")
    assert again.evidence_note == "已确认为误报"
    assert services.task_close_for_source(source="monitoring.alert", source_id=999, note="x") is None


def test_it_refuses_a_system_task_without_source_or_with_a_naive_deadline(users):
    with pytest.raises(ServiceError) as exc:
        alert_task(users, source="")
    assert "source" in exc.value.errors
    with pytest.raises(ServiceError) as exc:
        alert_task(users, due_at=dt.datetime(2026, 11, 2, 10))
    assert "due_at" in exc.value.errors
    with pytest.raises(ServiceError):
        alert_task(users, kind="bogus")
