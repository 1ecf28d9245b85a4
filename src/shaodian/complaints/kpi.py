"""KPIs (PUB-1) per body and per area, from one aggregate query each: closure, resolution, satisfaction, 24-hour
response and reopen rates against their targets, late items, and a trend over days."""

import datetime as dt

from django.db.models import Count, F, Q
from django.utils import timezone

from shaodian.complaints.models import Status

# Seed 003: blocked-door complaints closed 100 %, satisfaction ≥ 80 %; one province's 24 h response ≥ 90 %.
TARGETS = {"closure": 1.0, "satisfaction": 0.8, "response_24h": 0.9}


def _counts(now):
    closed = Q(status__in=[Status.RESOLVED, Status.CLOSED_UNRESOLVED])
    return {
        "total": Count("pk"),
        "closed": Count("pk", filter=closed),
        "resolved": Count("pk", filter=Q(status=Status.RESOLVED)),
        "feedback": Count("pk", filter=Q(satisfied__isnull=False)),
        "satisfied": Count("pk", filter=Q(satisfied=True)),
        "responded_24h": Count("pk", filter=Q(answered_in_24h=True)),
        "reopened": Count("pk", filter=Q(reopen_count__gt=0)),
        "late": Count("pk", filter=~closed & Q(resolve_by__lt=now) | Q(escalated_at__isnull=False)),
    }


def _rates(row: dict) -> dict:
    total, feedback = row["total"], row["feedback"]
    rates = {
        "closure": row["closed"] / total if total else None,
        "resolution": row["resolved"] / total if total else None,
        "satisfaction": row["satisfied"] / feedback if feedback else None,
        "response_24h": row["responded_24h"] / total if total else None,
        "reopen": row["reopened"] / total if total else None,
    }
    row.update(rates)
    row["below_target"] = [k for k, target in TARGETS.items() if rates[k] is not None and rates[k] < target]
    return row


def kpis(queryset, *, now=None, days: int = 30, category: str = "") -> dict:
    """Totals, per body, per community, and a daily trend over the complaints of `queryset` filed in `days`."""
    now = now or timezone.now()
    qs = queryset.filter(filed_at__gte=now - dt.timedelta(days=days))
    if category:
        qs = qs.filter(category=category)
    counts = _counts(now)
    overall = _rates(qs.aggregate(**counts))
    by_body = [_rates(r) for r in qs.values("body").annotate(**counts).order_by("-total", "body")[:50]]
    by_area = [_rates(r) for r in qs.values("community_id", "community__name").annotate(**counts)
               .order_by("-total", "community__name")[:50]]
    trend = list(qs.values(day=F("filed_day"))
                 .annotate(filed=Count("pk"), closed=Count("pk", filter=Q(closed_at__isnull=False)),
                           resolved=Count("pk", filter=Q(status=Status.RESOLVED))).order_by("day"))
    return {"overall": overall, "by_body": by_body, "by_area": by_area, "trend": trend, "targets": TARGETS,
            "days": days}
