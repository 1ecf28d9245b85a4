"""Starting a screening campaign over the whole city: one visit task per household, against a bare bulk insert.

    shaodian bench campaign [--residents 1000000] [--runs 2] [--database-url URL]

Ours is `screening.services.campaign_start` as a city-level commander: the campaign row, one visit task per
household (INSERT … SELECT with each grid's worker) and the per-grid coverage counters, in one transaction.
The baseline inserts the very same task rows, read beforehand into Python, with a plain executemany in one
transaction (what a hand-written bulk loader would do). Runs alternate; each starts from empty tables.
"""

import statistics
import sys
import time

from shaodian_bench import _support

NAME = "campaign"
MODULE = "shaodian_bench.campaign"
TARGET_S = 20.0
BENCH_USER = "bench_city_commander"


def _options(argv):
    p = _support.parser(NAME, __doc__.splitlines()[0])
    p.add_argument("--residents", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=2)
    return p.parse_args(argv)


def main(argv: list[str]) -> int:
    opts = _options(argv)
    url = opts.database_url or _support.sqlite_url(f"city-{opts.residents}-s{opts.seed}.sqlite3")
    return _support.relaunch(MODULE, argv, url)


def city_commander():
    """A commander at the city node (the demo has none): who starts a city-wide campaign."""
    from shaodian.places.models import Place, PlaceKind
    from shaodian.security.models import RoleChoice, User

    city = Place.objects.filter(kind=PlaceKind.CITY).order_by("id").first()
    user, _ = User.objects.get_or_create(username=BENCH_USER, defaults={
        "role": RoleChoice.DISTRICT_COMMANDER, "node": city, "display_name": "市指挥部（基准测试）"})
    return User.objects.select_related("node").get(pk=user.pk)


def empty_tables() -> None:
    from django.db import connection, transaction

    from shaodian.screening.models import Campaign, Coverage, VisitRecord, VisitTask

    tables = [m._meta.db_table for m in (VisitRecord, VisitTask, Coverage, Campaign)]
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("TRUNCATE " + ", ".join(tables) + " CASCADE")
        else:
            for t in tables:
                cur.execute(f"DELETE FROM {t}")


def _rows(campaign_id: int, today) -> list[tuple]:
    """The task rows campaign_start makes, as tuples (read once, outside the timing)."""
    from django.db import connection

    from shaodian.security.models import RoleChoice

    with connection.cursor() as cur:
        cur.execute(
            "SELECT h.city_id, h.district_id, h.street_id, h.community_id, h.grid_id, h.id, w.uid "
            "FROM places_household h LEFT JOIN (SELECT node_id, MIN(id) AS uid FROM security_user "
            "WHERE role = %s AND is_active = %s GROUP BY node_id) w ON w.node_id = h.grid_id",
            [RoleChoice.GRID_WORKER.value, True])
        return [(*r[:5], campaign_id, r[5], r[6], "pending", today, 0, False, "") for r in cur.fetchall()]


def baseline(campaign_id: int, rows: list[tuple]) -> float:
    from django.db import connection, transaction

    sql = ("INSERT INTO screening_visittask (city_id, district_id, street_id, community_id, grid_id, campaign_id, "
           "household_id, assignee_id, status, due_day, attempts, symptomatic, notes) "
           "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)")
    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.executemany(sql, rows)
    return time.perf_counter() - t


def run(opts) -> int:
    import datetime as dt

    from django.utils import timezone

    from shaodian.screening import services
    from shaodian.screening.models import Campaign, VisitTask

    _support.ensure_city(opts.residents, opts.seed)
    user = city_commander()
    ours, base = [], []
    made = 0
    for i in range(opts.runs):
        empty_tables()
        t = time.perf_counter()
        campaign = services.campaign_start(actor=user, place_id=user.node_id, name=f"全市排查 {i + 1}", purpose="基准测试",
                                           deadline=timezone.now() + dt.timedelta(days=3))
        ours.append(time.perf_counter() - t)
        made = VisitTask.objects.filter(campaign=campaign).count()
        print(f"run {i + 1}: ours {ours[-1]:.2f} s for {made:,} tasks", flush=True)
        rows = _rows(campaign.pk, timezone.localdate())
        empty_tables()
        # The baseline's campaign row exists, as ours does, so the foreign key holds.
        campaign = Campaign(name="baseline", purpose="基准", deadline=timezone.now() + dt.timedelta(days=3),
                            started_by=user, started_at=timezone.now())
        campaign.locate_at(user.node)
        campaign.save()
        rows = [(*r[:5], campaign.pk, *r[6:]) for r in rows]
        base.append(baseline(campaign.pk, rows))
        print(f"run {i + 1}: baseline {base[-1]:.2f} s for {len(rows):,} rows", flush=True)
    empty_tables()
    # Leave one campaign for the coverage benchmark.
    services.campaign_start(actor=user, place_id=user.node_id, name="全市排查", purpose="基准测试",
                            deadline=timezone.now() + dt.timedelta(days=3))
    o, b = statistics.median(ours), statistics.median(base)
    print(f"households: {made:,}; target ≤ {TARGET_S:.0f} s: {'met' if o <= TARGET_S else 'MISSED'}")
    print(f"{NAME}: ours {o:.2f} s, baseline {b:.2f} s, ratio {o / b:.2f}")
    return 0


if __name__ == "__main__":
    print("database:", _support.setup_django())
    sys.exit(run(_options(sys.argv[1:])))
