"""Alerts of health monitoring: raised once per person, kind and day (a unique row), shown upward until
acknowledged; each becomes a task for the person's grid worker through the tasks app.

Fever and symptom alerts are raised with the report that shows them; missing reports, and anything a
crash may have left unraised, by the periodic job `alerts_scan`, which asks the pure rules what is due.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from shaodian.core import outbox
from shaodian.errors import NotFound, ServiceError
from shaodian.monitoring import rules
from shaodian.monitoring.models import AlertKind, HealthAlert, HealthReport
from shaodian.places.models import Place
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm
from shaodian.security.scope import scoped
from shaodian.tracing.models import Monitoring, MonitoringStatus

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
SCAN_CHUNK = 500
NOTE_MAX = 200
TASK_DAYS = 1  # the grid worker follows an alert up within a day

TASK_TEXT = {
    AlertKind.FEVER: ("发热预警：请电话核实体温并安排就医", "Fever alert: call to check the temperature and arrange care"),
    AlertKind.SYMPTOM: ("症状预警：请电话核实症状", "Symptom alert: call to check the symptoms"),
    AlertKind.MISSED: ("未按时报告健康状况：请电话随访", "Health report missing: call the person"),
}


def alerts_for(user):
    """Alerts of people under monitoring in the user's jurisdiction."""
    return scoped(user, HealthAlert.objects.all(), (Perm.VIEW_SCREENING, Perm.MANAGE_MONITORING),
                  via="monitoring__resident__")


def _raise(candidates: list[HealthAlert], now: dt.datetime) -> list[int]:
    """Insert the alerts not raised yet (the unique constraint keeps a race from raising one twice); the new ids."""
    if not candidates:
        return []
    keys = {(a.monitoring_id, a.kind, a.day) for a in candidates}
    existing = set(HealthAlert.objects.filter(monitoring_id__in={k[0] for k in keys}, day__in={k[2] for k in keys})
                   .values_list("monitoring_id", "kind", "day"))
    new = [a for a in candidates if (a.monitoring_id, a.kind, a.day) not in existing]
    if not new:
        return []
    HealthAlert.objects.bulk_create(new, ignore_conflicts=True)
    # A key absent before the insert and present after it was raised by this insert.
    wanted = {(a.monitoring_id, a.kind, a.day) for a in new}
    ids = sorted(pk for pk, m, kind, day in HealthAlert.objects.filter(
        monitoring_id__in={k[0] for k in wanted}, day__in={k[2] for k in wanted}).values_list("pk", "monitoring_id", "kind", "day")
        if (m, kind, day) in wanted)
    if ids:  # the tasks (and their notifications) are the outbox's: a batch of reports does not wait for them
        outbox.enqueue("monitoring.alert_tasks", {"alerts": ids}, key=f"alert-tasks:{ids[0]}:{ids[-1]}:{len(ids)}")
    return ids


def alerts_from_reports(items, *, now: dt.datetime) -> list[int]:
    """The fever and symptom alerts of just-stored reports (reports.Item), in the caller's transaction; the new ids."""
    candidates: dict[tuple, HealthAlert] = {}
    for p in items:
        if p.temperature < rules.FEVER_AT - 1e-6 and not p.symptoms:
            continue
        found = rules.report_alerts([rules.Report(p.day, p.temperature, tuple(s for s in p.symptoms.split(",") if s))])
        for (kind, day), a in found.items():
            key = (p.monitoring, kind, day)
            old = candidates.get(key)
            if old is None or (a.temperature or 0) > (old.temperature or 0):
                candidates[key] = HealthAlert(monitoring_id=p.monitoring, kind=kind, day=day, temperature=a.temperature,
                                              raised_at=now)
    return _raise(list(candidates.values()), now)


def alerts_scan(now: dt.datetime | None = None, *, deadline_hour: int = rules.DEADLINE_HOUR) -> int:
    """Raise every alert due by `now` and not raised yet, for every active period: the periodic job. Returns how many."""
    now = now or timezone.now()
    local = now.astimezone(SHANGHAI).replace(tzinfo=None)
    total, last = 0, 0
    while True:
        periods = list(Monitoring.objects.filter(status=MonitoringStatus.ACTIVE, pk__gt=last).order_by("pk")
                       .values_list("pk", "starts_on", "ends_on")[:SCAN_CHUNK])
        if not periods:
            return total
        last = periods[-1][0]
        ids = [p[0] for p in periods]
        reports: dict[int, list[rules.Report]] = {}
        for m, day, t, s in HealthReport.objects.filter(monitoring_id__in=ids).values_list(
                "monitoring_id", "day", "temperature", "symptoms"):
            reports.setdefault(m, []).append(rules.Report(day, t, tuple(x for x in s.split(",") if x)))
        raised: dict[int, set] = {}
        for m, kind, day in HealthAlert.objects.filter(monitoring_id__in=ids).values_list("monitoring_id", "kind", "day"):
            raised.setdefault(m, set()).add((kind, day))
        candidates = [
            HealthAlert(monitoring_id=pk, kind=a.kind, day=a.day, temperature=a.temperature, raised_at=now)
            for pk, starts_on, ends_on in periods
            for a in rules.alerts_due(starts_on=starts_on, ends_on=ends_on, reports=reports.get(pk, []), now_local=local,
                                      raised=raised.get(pk, set()), deadline_hour=deadline_hour)
        ]
        with transaction.atomic():
            total += len(_raise(candidates, now))


def alert_acknowledge(*, actor, alert_id, note: str = "", now: dt.datetime | None = None) -> HealthAlert:
    """Someone has taken the alert in hand: it stops showing upward. Acknowledging twice is refused."""
    if not (actor.can(Perm.MANAGE_MONITORING) or actor.can(Perm.VISIT)):
        raise ServiceError.forbidden()
    note = " ".join(str(note or "").split())
    if len(note) > NOTE_MAX:
        raise ServiceError.one("note", f"说明最多{NOTE_MAX}字", f"The note has at most {NOTE_MAX} characters")
    try:
        visible = alerts_for(actor).get(pk=int(alert_id))
    except (HealthAlert.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound from None
    with transaction.atomic():
        alert = HealthAlert.objects.select_for_update().get(pk=visible.pk)
        if alert.acknowledged_at is not None:
            raise ServiceError.one("alert", "该预警已有人处理", "This alert was already acknowledged", "acknowledged")
        alert.acknowledged_at, alert.acknowledged_by, alert.note = now or timezone.now(), actor, note
        alert.save(update_fields=["acknowledged_at", "acknowledged_by", "note"])
        audit(actor, AuditAction.UPDATE, "health_alert", alert.pk,
              detail={"acknowledged": True, "kind": alert.kind, "monitoring": alert.monitoring_id})
        task_close(alert, note)
    return alert


# --- tasks for the grid worker -------------------------------------------------------------------------------


def task_maker():
    """The tasks app's system-task function (idempotent on its source)."""
    from shaodian.tasks.services import task_for_system

    return task_for_system


def grids_of(resident_ids) -> dict[int, Place]:
    """The grid (a Place) of each resident, read through the monitoring rows rather than the register."""
    pairs = dict(Monitoring.objects.filter(resident_id__in=set(resident_ids)).values_list("resident_id", "resident__grid_id"))
    places = Place.objects.in_bulk(set(pairs.values()))
    return {r: places[g] for r, g in pairs.items() if g in places}


def alert_tasks_make(ids: list[int] | None = None) -> int:
    """A task for each of these alerts (or every open one) that has none yet: the outbox's handler, and the job's net."""
    qs = HealthAlert.objects.filter(task_id__isnull=True, acknowledged_at__isnull=True).select_related("monitoring")
    qs = qs.filter(pk__in=ids) if ids is not None else qs
    alerts = list(qs.order_by("pk")[:SCAN_CHUNK])
    _tasks_for(alerts)
    return len(alerts)


def _tasks_for(alerts: list[HealthAlert]) -> None:
    """One task per alert in the person's grid (its pool: every grid worker there sees it), due within a day."""
    if not alerts:
        return
    make = task_maker()
    grids = grids_of(a.monitoring.resident_id for a in alerts)
    for a in alerts:
        zh, _en = TASK_TEXT[AlertKind(a.kind)]  # a task's title is stored text, shown as written: the users' language
        task = make(kind="alert", node=grids[a.monitoring.resident_id], title=zh,
                    detail=f"健康监测记录 {a.monitoring_id}，{a.day.isoformat()}",
                    due_at=a.raised_at + dt.timedelta(days=TASK_DAYS), source="health_alert", source_id=str(a.pk),
                    now=a.raised_at)
        a.task_id = task.pk
    HealthAlert.objects.bulk_update(alerts, ["task_id"])


def task_close(alert: HealthAlert, note: str) -> None:
    from shaodian.tasks.services import task_close_for_source

    task_close_for_source(source="health_alert", source_id=str(alert.pk), note=note or "预警已确认")
