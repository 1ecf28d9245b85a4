"""Complaint KPIs (诉求办理指标) as the district commander over 1,000,000 complaints: kpi.kpis against bare SQL.

    shaodian bench kpi [--complaints 1000000] [--repeat 20] [--database-url URL]

Ours is the selector end to end as the page calls it: the overall, per-body and per-community sums with their
rates and the daily trend, read from the daily summary (ComplaintDay), plus the live count of open items past
due that the escalation job has not reached. The baseline is the bare aggregate SQL of the per-body table over
the complaints themselves through a raw cursor (what the page computed before the summary). Complaints are
spread over the last 30 days, every grid, every category and every state; open items past their deadline are
escalated, as the periodic escalation job leaves them. The rows are bulk-created (not through the services):
10,000 through the ORM, then copied in SQL with fresh tracking numbers up to the count asked for (a multiple of
10,000), so the summary is built afterwards by `summary.rebuild()`, one grouped recount, timed and printed. Target: p95 ≤ 300 ms.
The bench database is its own (kpi-N-sS.sqlite3), cached between runs.
"""

import datetime as dt
import random
import statistics
import sys
import time

from shaodian_bench import _support

NAME = "kpi"
MODULE = "shaodian_bench.kpi"
TARGET_MS = 300.0
BATCH = 5000
ORM_ROWS = 10_000  # a multiple of this is made as this many through the ORM, then copied in SQL


def _options(argv):
    p = _support.parser(NAME, __doc__.splitlines()[0])
    p.add_argument("--complaints", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=20)
    return p.parse_args(argv)


def main(argv: list[str]) -> int:
    opts = _options(argv)
    url = opts.database_url or _support.sqlite_url(f"kpi-{opts.complaints}-s{opts.seed}.sqlite3")
    return _support.relaunch(MODULE, argv, url)


def _copy(times: int) -> None:
    """The complaints made so far, copied `times` more times in SQL with fresh tracking numbers (each copy keeps
    the states, times and places of its original): a million rows in minutes instead of an hour of the ORM."""
    from django.db import connection

    from shaodian.complaints.models import Complaint

    table = connection.ops.quote_name(Complaint._meta.db_table)
    cols = [f.column for f in Complaint._meta.concrete_fields if f.column not in ("id", "number")]
    names = ", ".join(connection.ops.quote_name(c) for c in cols)
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(f"SELECT MAX(id) FROM {table}")
        last = cur.fetchone()[0]
        for k in range(1, times + 1):
            cur.execute(f"INSERT INTO {table} (number, {names}) SELECT '{k:03d}' || number, {names} FROM {table} "
                        f"WHERE id <= %s", [last])
            if k % 10 == 0:
                print(f"complaints: copy {k} of {times} ({time.perf_counter() - started:.0f} s)", flush=True)


def _fill(n: int, seed: int, now: dt.datetime) -> None:
    from django.utils import timezone

    from shaodian.complaints.models import Category, Complaint, Status
    from shaodian.places.models import Place, PlaceKind

    rng = random.Random(seed)
    grids = list(Place.objects.filter(kind=PlaceKind.GRID))
    streets = {p.pk: p for p in Place.objects.filter(kind=PlaceKind.STREET)}
    bodies = ["街道卫生健康办", "街道保供专班", "街道综合执法队", "社区居委会", "区消防救援大队"]
    started, made = time.perf_counter(), 0
    while made < n:
        rows = []
        for i in range(min(BATCH, n - made)):
            grid = rng.choice(grids)
            filed = now - dt.timedelta(seconds=rng.randrange(30 * 86400))
            status = rng.choice(Status.values)
            closed = status in (Status.RESOLVED, Status.CLOSED_UNRESOLVED)
            c = Complaint(number=f"B{made + i:011d}", access_hash="", channel="web",
                          category=rng.choice(Category.values), text="基准测试诉求", body=rng.choice(bodies),
                          handling_node=streets.get(grid.street_id) or grid, status=status,
                          answer_by=filed + dt.timedelta(hours=24), resolve_by=filed + dt.timedelta(hours=72),
                          responded_at=filed + dt.timedelta(hours=rng.choice([1, 12, 30])) if status != "new" else None,
                          closed_at=filed + dt.timedelta(hours=40) if closed else None,
                          satisfied=rng.choice([True, True, True, False, None]) if closed else None,
                          reopen_count=1 if rng.random() < 0.05 else 0, filed_at=filed, updated_at=filed,
                          filed_day=timezone.localtime(filed).date())
            c.answered_in_24h = c.responded_at is not None and c.responded_at - filed <= dt.timedelta(hours=24)
            if not closed and c.resolve_by < now:  # what the escalation job leaves behind
                c.escalated_at = c.resolve_by + dt.timedelta(minutes=5)
            c.locate_at(grid)
            rows.append(c)
        Complaint.objects.bulk_create(rows)
        made += len(rows)
        if made % 100_000 < BATCH:
            print(f"complaints: {made:,} ({time.perf_counter() - started:.0f} s)", flush=True)


def run(opts) -> int:
    from django.db import connection
    from django.utils import timezone

    from shaodian.complaints import kpi, summary
    from shaodian.complaints.models import Complaint
    from shaodian.security.models import User

    now = timezone.now().replace(microsecond=0)
    tag = f"complaints={opts.complaints} seed={opts.seed}"
    _support.migrate()
    if _support.meta_get("kpi") != tag or Complaint.objects.count() != opts.complaints:
        _support.ensure_city(2000, opts.seed, fresh=True)
        times = opts.complaints // ORM_ROWS - 1 if opts.complaints % ORM_ROWS == 0 else 0
        _fill(opts.complaints // (times + 1), opts.seed, now)
        if times:
            _copy(times)
        t0 = time.perf_counter()
        kept = summary.rebuild()
        print(f"summary: {kept:,} rows rebuilt from {opts.complaints:,} complaints in {time.perf_counter() - t0:.1f} s")
        _support.meta_set("kpi", tag)
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    else:
        print(f"complaints: reusing {opts.complaints:,}")
    user = User.objects.select_related("node").get(username="commander")
    ours, base = [], []
    at = timezone.now()
    first_day = timezone.localtime(at).date() - dt.timedelta(days=29)  # the page's window: 30 local days
    sql = ("SELECT body, COUNT(*), SUM(CASE WHEN status IN ('resolved','closed_unresolved') THEN 1 ELSE 0 END), "
           "SUM(CASE WHEN status = 'resolved' THEN 1 ELSE 0 END), SUM(CASE WHEN satisfied THEN 1 ELSE 0 END) "
           "FROM complaints_complaint WHERE district_id = %s AND filed_day >= %s GROUP BY body")
    for _ in range(opts.repeat):
        t0 = time.perf_counter()
        data = kpi.kpis(user, now=at)
        ours.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(sql, [user.node_id, first_day])
            rows = cur.fetchall()
        base.append((time.perf_counter() - t0) * 1000)
    assert sum(r[1] for r in rows) == data["overall"]["total"], "ours and the bare SQL disagree"
    assert {r[0]: (r[1], r[2], r[3]) for r in rows} == {
        b["body"]: (b["total"], b["closed"], b["resolved"]) for b in data["by_body"]}, "per body they disagree"

    def p95(xs):
        return statistics.quantiles(xs, n=20)[-1] if len(xs) > 1 else xs[0]

    print(f"{data['overall']['total']:,} complaints in scope; ours p50 {statistics.median(ours):.0f} ms "
          f"({'within' if p95(ours) <= TARGET_MS else 'over'} the {TARGET_MS:.0f} ms p95 target)")
    print(f"{NAME}: ours {p95(ours):.1f} ms, baseline {p95(base):.1f} ms, ratio {p95(ours) / p95(base):.1f}")
    return 0


if __name__ == "__main__":
    print("database:", _support.setup_django())
    sys.exit(run(_options(sys.argv[1:])))
