"""Health reports through the batch API: reports/s of POST /api/v1/health-reports against a bare insert of the same rows.

    shaodian bench reports [--residents 5000] [--reports 100000] [--batch 5000] [--rounds 3] [--database-url URL]

A demo city is built (or reused, --residents; the reports concern monitoring rows, not the register) and every
resident of staff_a's community is put under monitoring. Reports come as the phones send them: random UUID
client_ids, times in the last two days with a +08:00 offset, a temperature (one in fifty feverish: an alert and a
task each) and now and then a symptom. Ours: the whole path in-process through Django's test client with
staff_a's bearer token — middleware, auth, JSON, validation per item, the period lookup, the duplicate check,
the insert, the alerts — in 5,000-report batches. Baseline: the same rows (as ours stored them) into the same,
emptied table, in batches of the same size, one transaction each, by executemany of the bare driver cursor.
Each round empties the table, runs ours, empties it again and runs the baseline; the medians are compared.
Target: ratio (ours / baseline, reports per second) ≥ 0.5.
"""

import datetime as dt
import json
import random
import statistics
import sys
import time
import uuid

from shaodian_bench import _support

NAME = "reports"
MODULE = "shaodian_bench.reports"
TARGET = 0.5
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
ACTOR = "staff_a"


def _options(argv):
    p = _support.parser(NAME, __doc__.splitlines()[0])
    p.add_argument("--residents", type=int, default=5_000)
    p.add_argument("--reports", type=int, default=100_000)
    p.add_argument("--batch", type=int, default=5_000)
    p.add_argument("--rounds", type=int, default=3)
    return p.parse_args(argv)


def main(argv: list[str]) -> int:
    opts = _options(argv)
    url = opts.database_url or _support.sqlite_url(f"reports-{opts.residents}-s{opts.seed}.sqlite3")
    return _support.relaunch(MODULE, argv, url)


def _periods(actor) -> list[int]:
    """An active period for every resident of the actor's community (made once, reused)."""
    from django.utils import timezone

    from shaodian.people.selectors import residents_for
    from shaodian.tracing.models import Monitoring

    today = timezone.localdate()
    people = list(residents_for(actor).values_list("pk", flat=True))
    have = set(Monitoring.objects.filter(resident_id__in=people, status="active", starts_on__lte=today - dt.timedelta(days=3),
                                         ends_on__gte=today).values_list("resident_id", flat=True))
    Monitoring.objects.filter(resident_id__in=people, status="active").exclude(resident_id__in=have).delete()
    Monitoring.objects.bulk_create([
        Monitoring(resident_id=pk, reason="home_quarantine", starts_on=today - dt.timedelta(days=4),
                   ends_on=today + dt.timedelta(days=9)) for pk in people if pk not in have], batch_size=2000)
    return list(Monitoring.objects.filter(resident_id__in=people, status="active").values_list("pk", flat=True))


def _items(rng: random.Random, n: int, periods: list[int]) -> list[dict]:
    from shaodian.monitoring import rules

    now = dt.datetime.now(SHANGHAI).replace(microsecond=0)
    items = []
    for _ in range(n):
        fever = rng.random() < 0.02
        items.append({
            "client_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "monitoring": rng.choice(periods),
            "at": (now - dt.timedelta(seconds=rng.randrange(2 * 86400))).isoformat(),
            "temperature": round(rng.uniform(37.4, 39.5) if fever else rng.uniform(35.9, 37.1), 1),
            "symptoms": [rng.choice(rules.SYMPTOMS)] if rng.random() < 0.01 else []})
    return items


def _empty() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        for table in ("tasks_task", "monitoring_healthalert", "monitoring_healthreport"):
            if table == "tasks_task":
                cur.execute("DELETE FROM tasks_task WHERE source = 'health_alert'")
            else:
                cur.execute(f"DELETE FROM {table}")


def _ours(api, bodies: list[str]) -> float:
    import os

    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        api.post("/api/v1/health-reports", json.dumps({"reports": []}), content_type="application/json")
        prof = cProfile.Profile()
        prof.enable()
        api.post("/api/v1/health-reports", bodies[0], content_type="application/json")
        prof.disable()
        key = os.environ["BENCH_PROFILE"]
        pstats.Stats(prof).sort_stats(key if key in ("tottime", "cumulative") else "cumulative").print_stats(25)
        return 1.0
    t0 = time.perf_counter()
    for body in bodies:
        r = api.post("/api/v1/health-reports", body, content_type="application/json")
        assert r.status_code == 200, r.content[:300]
    return time.perf_counter() - t0


def _stored_rows() -> list[tuple]:
    from django.db import connection

    from shaodian.monitoring.reports import COLUMNS, TABLE

    with connection.cursor() as cur:
        cur.execute(f"SELECT {COLUMNS} FROM {TABLE} ORDER BY id")
        return cur.fetchall()


def _baseline(rows: list[tuple], batch: int) -> float:
    from django.db import connection

    from shaodian.monitoring.reports import INSERT

    connection.ensure_connection()
    raw = connection.connection
    sql = INSERT.replace("%s", "?") if connection.vendor == "sqlite" else INSERT
    t0 = time.perf_counter()
    sqlite = connection.vendor == "sqlite"  # its driver runs in autocommit here: one explicit transaction per batch
    for start in range(0, len(rows), batch):
        cur = raw.cursor()
        if sqlite:
            cur.execute("BEGIN")
        cur.executemany(sql, rows[start:start + batch])
        if sqlite:
            cur.execute("COMMIT")
        else:
            raw.commit()
        cur.close()
    return time.perf_counter() - t0


def run(opts) -> int:
    from django.db import connection
    from django.test import Client

    from shaodian.monitoring.models import HealthAlert, HealthReport
    from shaodian.security.models import ApiToken, User

    _support.ensure_city(opts.residents, opts.seed)
    actor = User.objects.select_related("node").get(username=ACTOR)
    periods = _periods(actor)
    rng = random.Random(opts.seed)
    items = _items(rng, opts.reports, periods)
    bodies = [json.dumps({"reports": items[i:i + opts.batch]}) for i in range(0, len(items), opts.batch)]
    _, token = ApiToken.issue(actor, name="bench reports")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="localhost")
    print(f"city: {opts.residents:,} residents; {len(periods):,} people under monitoring in {actor.node.name}; "
          f"{opts.reports:,} reports in batches of {opts.batch:,}")
    # The first request imports the URL configuration: a server has done that before its first batch.
    assert api.post("/api/v1/health-reports", json.dumps({"reports": []}), content_type="application/json").status_code == 200
    ours, base = [], []
    for round_ in range(opts.rounds):
        _empty()
        seconds = _ours(api, bodies)
        assert HealthReport.objects.count() == opts.reports, "ours did not store every report"
        alerts = HealthAlert.objects.count()
        retry = time.perf_counter()
        _ours(api, bodies[:1])  # a retry of one batch: all duplicates, nothing stored twice
        assert HealthReport.objects.count() == opts.reports
        retry = time.perf_counter() - retry
        rows = _stored_rows()
        _empty()
        connection.close()
        baseline = _baseline(rows, opts.batch)
        ours.append(opts.reports / seconds)
        base.append(opts.reports / baseline)
        print(f"round {round_ + 1}: ours {seconds:.2f} s ({alerts:,} alerts raised, each a task), "
              f"a retried batch {retry * 1000:.0f} ms, baseline {baseline:.2f} s")
    ours_rate, base_rate = statistics.median(ours), statistics.median(base)
    ratio = ours_rate / base_rate
    print(f"{connection.vendor}: {'meets' if ratio >= TARGET else 'misses'} the target ratio {TARGET}")
    print(f"{NAME}: ours {ours_rate:,.0f} reports/s, baseline {base_rate:,.0f} reports/s, ratio {ratio:.2f}")
    return 0


if __name__ == "__main__":
    print("database:", _support.setup_django())
    sys.exit(run(_options(sys.argv[1:])))
