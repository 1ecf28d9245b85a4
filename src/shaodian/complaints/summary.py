"""The daily summary (ComplaintDay) the KPI page reads, kept in the same transaction as every complaint write.

A writer takes `before = summary.snapshot(c)` once it holds the row (or None for a new one), changes and saves
the complaint, then calls `summary.keep(before, c)`. One upsert per changed key, the same SQL on SQLite and
PostgreSQL (INSERT … ON CONFLICT DO UPDATE adding the deltas), so two writers never lose each other's counts.
`rebuild()` recounts the whole table from the complaints (after a bulk load, or to repair).
"""

from django.db import connection, transaction
from django.db.models import Count, Q

from shaodian.complaints import tally
from shaodian.complaints.models import Complaint, ComplaintDay

LOCATION = ("city_id", "district_id", "street_id", "community_id", "grid_id")
Snapshot = tuple[tuple, tuple[int, ...], tuple]  # (key, counts, location ids)


def share_of(c: Complaint) -> tuple[int, ...]:
    return tally.share(status=c.status, answered_in_24h=c.answered_in_24h, satisfied=c.satisfied,
                       reopen_count=c.reopen_count, escalated=c.escalated_at is not None)


def snapshot(c: Complaint) -> Snapshot:
    key = (c.filed_day, c.place_id, c.body, c.category)
    return key, share_of(c), tuple(getattr(c, f) for f in LOCATION)


def _upsert_sql() -> str:
    table = connection.ops.quote_name(ComplaintDay._meta.db_table)
    cols = ["day", "place_id", "body", "category", *LOCATION, *tally.COUNTERS]
    sets = ", ".join(f"{n} = {table}.{n} + excluded.{n}" for n in tally.COUNTERS)
    return (f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))}) "
            f"ON CONFLICT (day, place_id, body, category) DO UPDATE SET {sets}")


def keep(before: Snapshot | None, c: Complaint) -> None:
    """Move the summary from the complaint's old share to its new one (inside the writer's transaction)."""
    after = snapshot(c)
    located = {after[0]: after[2]}
    if before is not None:
        located.setdefault(before[0], before[2])
    changes = tally.moves(before[:2] if before else None, after[:2])
    if not changes:
        return
    with connection.cursor() as cur:
        cur.executemany(_upsert_sql(), [[*key, *located[key], *delta] for key, delta in changes])


def _counts() -> dict:
    closed = Q(status__in=tally.CLOSED)
    return {
        "filed": Count("pk"),
        "closed": Count("pk", filter=closed),
        "resolved": Count("pk", filter=Q(status="resolved")),
        "closed_unresolved": Count("pk", filter=Q(status="closed_unresolved")),
        "feedback": Count("pk", filter=Q(satisfied__isnull=False)),
        "satisfied": Count("pk", filter=Q(satisfied=True)),
        "responded_24h": Count("pk", filter=Q(answered_in_24h=True)),
        "reopened": Count("pk", filter=Q(reopen_count__gt=0)),
        "escalated": Count("pk", filter=Q(escalated_at__isnull=False)),
    }


def recount_rows():
    """The summary as one aggregate over the complaints: the brute-force reference and the rebuild's source."""
    return (Complaint.objects.order_by().values("filed_day", "place_id", "body", "category", *LOCATION)
            .annotate(**_counts()))


KEY = ("day", "place_id", "body", "category")


def drift() -> list[tuple]:
    """The keys (day, place, body, category) where the kept summary and a recount disagree; empty when in step."""
    kept = {tuple(r[:4]): tuple(r[4:]) for r in ComplaintDay.objects.filter(filed__gt=0)
            .values_list(*KEY, *tally.COUNTERS).iterator(chunk_size=5000)}
    counted = {(r["filed_day"], r["place_id"], r["body"], r["category"]): tuple(r[n] for n in tally.COUNTERS)
               for r in recount_rows().iterator(chunk_size=5000)}
    return sorted((k for k in kept.keys() | counted.keys() if kept.get(k) != counted.get(k)), key=str)


def rebuild(batch: int = 5000) -> int:
    """Replace the summary by a recount of every complaint; returns the number of summary rows."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Writers wait (their upserts need ROW EXCLUSIVE) until the recount is committed, so none is lost
            # between the delete and the insert; readers of the KPI page go on reading the old rows meanwhile.
            with connection.cursor() as cur:
                cur.execute(f"LOCK TABLE {connection.ops.quote_name(ComplaintDay._meta.db_table)} IN EXCLUSIVE MODE")
        ComplaintDay.objects.all().delete()
        rows, made = [], 0
        for r in recount_rows().iterator(chunk_size=batch):
            rows.append(ComplaintDay(day=r["filed_day"], place_id=r["place_id"], body=r["body"],
                                     category=r["category"], **{f: r[f] for f in LOCATION},
                                     **{n: r[n] for n in tally.COUNTERS}))
            if len(rows) >= batch:
                ComplaintDay.objects.bulk_create(rows)
                made, rows = made + len(rows), []
        ComplaintDay.objects.bulk_create(rows)
    return made + len(rows)
