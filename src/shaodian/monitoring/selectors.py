"""Reads of health monitoring, always as the acting user: periods, their reports, calls and alerts, lists."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone, translation

from shaodian.monitoring.alerts import alerts_for
from shaodian.monitoring.models import FollowUpCall, HealthAlert, HealthReport, RowStatus
from shaodian.monitoring.returnees import lists_for
from shaodian.monitoring.services import periods_for
from shaodian.people.selectors import masked_names
from shaodian.security.audit import audit_list
from shaodian.tracing.models import MonitoringStatus

LIST_LIMIT = 300


@dataclass
class Row:
    m: object
    name: str
    day_n: int
    days: int
    last_day: dt.date | None
    last_temperature: float | None
    open_alerts: int
    reported_today: bool


def day_of(m, today: dt.date) -> tuple[int, int]:
    """(day n, of N days) of a period; n stays within 1…N."""
    days = (m.ends_on - m.starts_on).days + 1
    return max(1, min(days, (today - m.starts_on).days + 1)), days


def monitoring_rows(user, *, status: str = MonitoringStatus.ACTIVE, alerts_only: bool = False) -> list[Row]:
    today = timezone.localdate()
    qs = periods_for(user)
    if status in MonitoringStatus.values:
        qs = qs.filter(status=status)
    qs = qs.annotate(open_alerts=Count("alerts", filter=Q(alerts__acknowledged_at__isnull=True), distinct=True),
                     last_day=Max("reports__day"))
    if alerts_only:
        qs = qs.filter(open_alerts__gt=0)
    periods = list(qs.order_by("-open_alerts", "ends_on", "pk")[:LIST_LIMIT])
    names = masked_names(user, [m.resident_id for m in periods])
    last = {}
    for mid, day, temperature in (HealthReport.objects.filter(monitoring__in=periods).order_by("monitoring_id", "-at")
                                  .values_list("monitoring_id", "day", "temperature")):
        last.setdefault(mid, (day, temperature))
    audit_list(user, "monitoring", periods, query={"status": status})
    rows = []
    for m in periods:
        n, days = day_of(m, today)
        day, temperature = last.get(m.pk, (None, None))
        rows.append(Row(m, names.get(m.resident_id, "—"), n, days, day, temperature, m.open_alerts, day == today))
    return rows


def reporting_today(user, *, today: dt.date | None = None) -> dict[str, int]:
    """People under monitoring in the user's jurisdiction, and how many of them have no report for today: one query."""
    today = today or timezone.localdate()
    reported = HealthReport.objects.filter(monitoring=OuterRef("pk"), day=today)
    return periods_for(user).filter(status=MonitoringStatus.ACTIVE).aggregate(
        monitored=Count("pk"), not_reported=Count("pk", filter=~Exists(reported)))


def open_alert_count(user) -> int:
    """Alerts of the user's jurisdiction nobody has acknowledged yet (the alerts page lists them)."""
    return alerts_for(user).filter(acknowledged_at__isnull=True).count()


def period_detail(user, m) -> dict:
    today = timezone.localdate()
    n, days = day_of(m, today)
    return {
        "name": masked_names(user, [m.resident_id]).get(m.resident_id, "—"), "day_n": n, "days": days,
        "reports": list(HealthReport.objects.filter(monitoring=m).order_by("-at")[:100]),
        "calls": list(FollowUpCall.objects.filter(monitoring=m).select_related("by")[:50]),
        "alerts": list(HealthAlert.objects.filter(monitoring=m).order_by("-day", "kind")),
    }


def open_alerts(user, *, include_acknowledged: bool = False) -> list[dict]:
    qs = alerts_for(user).select_related("monitoring", "acknowledged_by").order_by("acknowledged_at", "-raised_at")
    if not include_acknowledged:
        qs = qs.filter(acknowledged_at__isnull=True)
    alerts = list(qs[:LIST_LIMIT])
    names = masked_names(user, [a.monitoring.resident_id for a in alerts])
    audit_list(user, "health_alert", alerts)
    return [{"a": a, "name": names.get(a.monitoring.resident_id, "—")} for a in alerts]


def list_rows(user, lst) -> list[dict]:
    """A returnee list's rows: names masked; matched rows with the person's masked name."""
    from shaodian.security import crypto

    rows = list(lst.rows.all())
    names = masked_names(user, [r.resident_id for r in rows if r.resident_id])
    audit_list(user, "returnee_row", rows, query={"list": lst.pk})
    english = (translation.get_language() or "").startswith("en")

    def problem(text: str) -> str:  # stored "中文 / English" for each problem, joined by "；"
        parts = [p.partition(" / ") for p in text.split("；") if p]
        return "；".join((en or zh) if english else zh for zh, _, en in parts)

    return [{"r": r, "name": crypto.mask_name(r.name) if r.name else "—", "problem": problem(r.problem),
             "id_masked": crypto.mask_id_number(r.id_number) if r.id_number else "",
             "phone_masked": crypto.mask_phone(r.phone) if r.phone else "",
             "resident": names.get(r.resident_id, "") if r.resident_id else ""} for r in rows]


def lists_summary(user) -> list:
    return list(lists_for(user).annotate(
        total=Count("rows"), matched=Count("rows", filter=Q(rows__status=RowStatus.MATCHED)),
        unmatched=Count("rows", filter=Q(rows__status=RowStatus.UNMATCHED)),
        invalid=Count("rows", filter=Q(rows__status=RowStatus.INVALID)),
        risky=Count("rows", filter=Q(rows__risky=True))).order_by("-imported_at")[:100])


