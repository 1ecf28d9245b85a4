"""KPIs (PUB-1) per body and per area from the daily summary (ComplaintDay): closure, resolution, satisfaction,
24-hour response and reopen rates against their targets, late items, and a trend over days.

The window is whole days (Asia/Shanghai): the complaints filed on the last `days` local days, today included.
"Late" is what the summary counts as escalated plus the few open items past their deadline that the escalation
job has not reached yet (read live from the complaints through the `complaint_late` index).
"""

import datetime as dt

from django.db.models import Count, Sum
from django.utils import timezone

from shaodian.complaints import selectors, tally

# Seed 003: blocked-door complaints closed 100 %, satisfaction ≥ 80 %; one province's 24 h response ≥ 90 %.
TARGETS = {"closure": 1.0, "satisfaction": 0.8, "response_24h": 0.9}
SUMS = {n: Sum(n) for n in tally.COUNTERS}


def _rates(row: dict) -> dict:
    for n in tally.COUNTERS:
        row[n] = row.get(n) or 0
    row["total"] = total = row["filed"]
    row["late"] = row["escalated"] + row.pop("late_open", 0)
    feedback = row["feedback"]
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


def _late_open(user, now, first_day, category) -> tuple[int, dict, dict]:
    """Open, past the resolve deadline, not yet escalated: total, per body, per community."""
    qs = selectors.complaints_for(user).filter(escalated_at=None, closed_at=None, resolve_by__lt=now,
                                               filed_day__gte=first_day)
    if category:
        qs = qs.filter(category=category)
    by_body, by_area, total = {}, {}, 0
    for r in qs.order_by().values("body", "community_id").annotate(n=Count("pk")):
        total += r["n"]
        by_body[r["body"]] = by_body.get(r["body"], 0) + r["n"]
        by_area[r["community_id"]] = by_area.get(r["community_id"], 0) + r["n"]
    return total, by_body, by_area


def _add(into: dict, row: dict) -> None:
    for n in tally.COUNTERS:
        into[n] = into.get(n, 0) + (row[n] or 0)


def kpis(user, *, now=None, days: int = 30, category: str = "") -> dict:
    """Totals, per body, per community, and a daily trend over the complaints in the user's scope: one grouped
    read of the summary (body × community × day, a few thousand rows at most for a district) added up here."""
    now = now or timezone.now()
    first_day = timezone.localtime(now).date() - dt.timedelta(days=days - 1)
    qs = selectors.complaint_days_for(user).filter(day__gte=first_day)
    if category:
        qs = qs.filter(category=category)
    qs = qs.filter(filed__gt=0).order_by()  # a key left with no complaint (its category changed) counts nothing
    late, late_body, late_area = _late_open(user, now, first_day, category)
    overall, bodies, areas, days_ = {}, {}, {}, {}
    for r in qs.values("body", "community_id", "community__name", "day").annotate(**SUMS):
        _add(overall, r)
        _add(bodies.setdefault(r["body"], {"body": r["body"]}), r)
        _add(areas.setdefault(r["community_id"], {"community_id": r["community_id"],
                                                  "community__name": r["community__name"]}), r)
        _add(days_.setdefault(r["day"], {"day": r["day"]}), r)
    overall = _rates({**overall, "late_open": late})
    by_body = sorted((_rates({**b, "late_open": late_body.get(k, 0)}) for k, b in bodies.items()),
                     key=lambda b: (-b["filed"], b["body"]))[:50]
    by_area = sorted((_rates({**a, "late_open": late_area.get(k, 0)}) for k, a in areas.items()),
                     key=lambda a: (-a["filed"], a["community__name"] or ""))[:50]
    trend = [{"day": d, "filed": t["filed"], "closed": t["closed"], "resolved": t["resolved"]}
             for d, t in sorted(days_.items())]
    return {"overall": overall, "by_body": by_body, "by_area": by_area, "trend": trend, "targets": TARGETS,
            "days": days}
