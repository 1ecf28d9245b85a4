"""Risk of every building (风险研判) as the district commander: risk_data.assess_buildings against bare SQL.

    shaodian bench risk [--residents 1000000] [--cases N] [--scan-rate 0.3] [--repeat 3] [--database-url URL]

Ours is the service end to end: its grouped queries, the indicator arrays, `risk.assess_many`, and the
sorted rows with their explanations. The baseline computes the same 12 values with one hand-written
aggregate SQL query per indicator family through a raw cursor, then scores them with `assess_many`:
the gap is the ORM, the Python bookkeeping and the explanations. Both must agree on every value.

On SQLite the bench works on its own copy of the cached demo city (risk-N-sS.sqlite3, copied from the
list/export benches' city-N-sS.sqlite3 when that exists), because it adds an outbreak to it: a few
hundred cases in clusters, their contacts and monitoring, and a week of gate scans. The outbreak is
pinned to the moment it was made (stored in bench_meta), so reruns measure the same numbers.
"""

import datetime as dt
import sqlite3
import statistics
import sys
import time
from pathlib import Path

from shaodian_bench import _support

NAME = "risk"
MODULE = "shaodian_bench.risk"
TARGET_S = 5.0
OUTBREAK_VERSION = "1"


def _options(argv):
    p = _support.parser(NAME, __doc__.splitlines()[0])
    p.add_argument("--residents", type=int, default=1_000_000)
    p.add_argument("--cases", type=int, default=None, help="cases of the outbreak (default 0.04 %% of residents)")
    p.add_argument("--scan-rate", type=float, default=0.3, help="gate scans per resident per day, for 7 days")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--user", default="commander")
    return p.parse_args(argv)


def main(argv: list[str]) -> int:
    opts = _options(argv)
    url = opts.database_url
    if not url:
        target = _support.bench_dir() / f"risk-{opts.residents}-s{opts.seed}.sqlite3"
        source = _support.bench_dir() / f"city-{opts.residents}-s{opts.seed}.sqlite3"
        if not target.exists() and source.exists():
            _copy_sqlite(source, target)
        url = f"sqlite:///{target}"
    return _support.relaunch(MODULE, argv, url)


def _copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of the cached city (the backup API also takes what sits in its WAL)."""
    started = time.perf_counter()
    tmp = target.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(tmp)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    tmp.rename(target)
    print(f"city: copied {source.name} to {target.name} in {time.perf_counter() - started:.1f} s")


# --- the outbreak --------------------------------------------------------------------------------


def _ensure_outbreak(opts) -> dt.datetime:
    from django.db import connection, transaction

    n_cases = opts.cases if opts.cases is not None else max(6, round(opts.residents * 0.0004))
    tag = f"v{OUTBREAK_VERSION} cases={n_cases} scan_rate={opts.scan_rate} seed={opts.seed}"
    if _support.meta_get("risk_outbreak") == tag and _support.meta_get("risk_now"):
        print(f"outbreak: reusing ({tag})")
        return dt.datetime.fromisoformat(_support.meta_get("risk_now"))
    from django.utils import timezone

    now = timezone.now().replace(second=0, microsecond=0)
    started = time.perf_counter()
    with transaction.atomic():
        _support.meta_set("risk_outbreak", "building")
        made = _make_outbreak(opts, now, n_cases)
        _support.meta_set("risk_now", now.isoformat())
        _support.meta_set("risk_outbreak", tag)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"outbreak: made {made} in {time.perf_counter() - started:.1f} s")
    return now


def _make_outbreak(opts, now: dt.datetime, n_cases: int) -> dict:
    import numpy as np
    from django.db import connection
    from django.utils import timezone

    from shaodian.demo import city as demo
    from shaodian.checkpoints.models import Checkpoint, Scan
    from shaodian.people.models import Resident
    from shaodian.security.models import User
    from shaodian.tracing.models import Case, Contact, Monitoring
    from shaodian.tracing.services import health_flags_refresh

    rng = np.random.default_rng(opts.seed)
    Monitoring.objects.all().delete()
    Case.objects.update(source=None)
    Contact.objects.all().delete()
    Case.objects.all().delete()
    Scan.objects.filter(client_id__startswith="risk-").delete()
    if not Checkpoint.objects.exists():
        demo.build_venues()
    gates: dict[int, list[int]] = {}
    for pk, community in Checkpoint.objects.filter(kind="community_gate").values_list("pk", "community_id"):
        gates.setdefault(community, []).append(pk)

    rows = np.asarray(list(Resident.objects.order_by("pk").values_list(
        "pk", "community_id", "household_id", "household__unit__building_id")), dtype=np.int64)
    person, community, household, building = rows.T

    # A week of gate scans: Poisson per resident, uniform in time, at a gate of the resident's community.
    per_person = rng.poisson(opts.scan_rate * 7, len(person))
    who = np.repeat(np.arange(len(person)), per_person)
    seconds = rng.integers(0, 7 * 86_400, len(who))
    gate_table = {c: np.asarray(g) for c, g in gates.items()}
    gate = np.zeros(len(who), dtype=np.int64)
    for c, g in gate_table.items():
        mask = community[who] == c
        gate[mask] = g[rng.integers(0, len(g), int(mask.sum()))]
    keep = gate > 0
    ops = connection.ops
    received = ops.adapt_datetimefield_value(now)
    sql = ("INSERT INTO checkpoints_scan (client_id, resident_id, checkpoint_id, at, direction, temperature, received_at)"
           " VALUES (%s,%s,%s,%s,%s,%s,%s)")
    start = now - dt.timedelta(days=7)
    temps = np.round(rng.normal(36.5, 0.25, len(who)), 1)
    batch = []
    with connection.cursor() as cur:
        for k in np.flatnonzero(keep).tolist():
            at = start + dt.timedelta(seconds=int(seconds[k]))
            batch.append((f"risk-{k}", int(person[who[k]]), int(gate[k]), ops.adapt_datetimefield_value(at),
                          "in" if k % 2 else "out", float(temps[k]), received))
            if len(batch) == 50_000:
                cur.executemany(sql, batch)
                batch = []
        if batch:
            cur.executemany(sql, batch)

    # Clusters of cases: an index case, its household and some neighbours as contacts, cases that grew
    # out of confirmed contacts (a known chain, found under monitoring) and a few unexplained ones.
    cdc = User.objects.get(username="cdc")
    today = timezone.localdate(now)
    order = np.argsort(building, kind="stable")
    b_sorted = building[order]
    b_ids, b_start, b_count = np.unique(b_sorted, return_index=True, return_counts=True)
    big = np.flatnonzero(b_count >= 6)
    used: set[int] = set()
    cases: list[tuple[Case, int]] = []  # (case, days ago)
    clusters = []
    for bi in rng.permutation(big).tolist():
        if len(cases) >= n_cases:
            break
        members = person[order[b_start[bi]:b_start[bi] + b_count[bi]]]
        hh = household[order[b_start[bi]:b_start[bi] + b_count[bi]]]
        free = [i for i in range(len(members)) if int(members[i]) not in used]
        if len(free) < 6:
            continue
        idx = free[int(rng.integers(len(free)))]
        ago = int(rng.integers(0, 14))
        index_case = Case(resident_id=int(members[idx]), kind="confirmed", test_date=today - dt.timedelta(days=ago),
                          onset_date=today - dt.timedelta(days=ago + 1), registered_by=cdc)
        used.add(int(members[idx]))
        cases.append((index_case, ago))
        others = [i for i in free if i != idx]
        near = [i for i in others if hh[i] == hh[idx]]
        far = [i for i in others if hh[i] != hh[idx]]
        picked = near + [far[j] for j in rng.permutation(len(far))[: int(rng.integers(2, 9))].tolist()]
        clusters.append((index_case, ago, [int(members[i]) for i in picked]))
        if rng.random() < 0.3 and len(cases) < n_cases:  # someone nobody traced
            lone = [i for i in others if i not in picked]
            if lone:
                r = int(members[lone[0]])
                used.add(r)
                a = int(rng.integers(0, 14))
                cases.append((Case(resident_id=r, kind="asymptomatic", test_date=today - dt.timedelta(days=a),
                                   registered_by=cdc), a))
    Case.objects.bulk_create([c for c, _ in cases])
    contacts, monitorings, grown = [], [], []
    for index_case, ago, people in clusters:
        for r in people:
            status = rng.choice(["confirmed", "proposed", "dismissed"], p=[0.75, 0.2, 0.05])
            contacts.append((Contact(case=index_case, resident_id=r, reason="household", status=str(status)), ago))
    Contact.objects.bulk_create([c for c, _ in contacts])
    for contact, ago in contacts:
        if contact.status != "confirmed":
            continue
        begins = today - dt.timedelta(days=ago)
        monitorings.append(Monitoring(resident_id=contact.resident_id, reason="close_contact", contact=contact,
                                      starts_on=begins, ends_on=begins + dt.timedelta(days=7), status="active"))
        later = ago - int(rng.integers(1, 4))
        if later >= 0 and contact.resident_id not in used and rng.random() < 0.15 and len(cases) + len(grown) < n_cases:
            used.add(contact.resident_id)
            monitorings[-1].status = "ended"
            grown.append((Case(resident_id=contact.resident_id, kind="asymptomatic", registered_by=cdc,
                               test_date=today - dt.timedelta(days=later), source=contact), later))
    Monitoring.objects.bulk_create(monitorings)
    Case.objects.bulk_create([c for c, _ in grown])
    everything = cases + grown
    for case, ago in everything:  # registered the day of the test, in the afternoon
        case.registered_at = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=ago), dt.time(15)))
    Case.objects.bulk_update([c for c, _ in everything], ["registered_at"], batch_size=1000)
    health_flags_refresh()  # written around tracing's services: the gates' flags follow here
    return {"cases": len(everything), "contacts": len(contacts), "monitoring": len(monitorings),
            "scans": int(keep.sum())}


# --- the baseline --------------------------------------------------------------------------------


def baseline(user, now: dt.datetime):
    """The same 12 values in hand-written aggregate SQL, then `assess_many`: (ids, values, batch)."""
    import numpy as np
    from django.db import connection
    from django.utils import timezone

    from shaodian.risk import indicators as risk_data, matrix as risk

    column, node = user.scope
    today = timezone.localdate(now)
    ops = connection.ops
    d = ops.adapt_datefield_value
    share_from, new_from = today - dt.timedelta(days=13), today - dt.timedelta(days=6)
    cutoff = risk_data._years_before(today, 60)
    reg_date = ("date(c.registered_at, '+8 hours')" if connection.vendor == "sqlite"
                else "(c.registered_at AT TIME ZONE 'Asia/Shanghai')::date")
    building_of = ("JOIN places_household h ON h.id = r.household_id JOIN places_unit u ON u.id = h.unit_id")

    def fetch(sql, params):
        with connection.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()

    areas = np.asarray(fetch(f"SELECT id, grid_id, community_id, district_id FROM places_building WHERE {column} = %s "
                             "ORDER BY id", [node]), dtype=np.int64).reshape(-1, 4)
    ids = areas[:, 0]
    n = len(ids)

    def scatter(rows, width):
        out = np.zeros((n, width))
        if rows:
            arr = np.asarray(rows, dtype=np.float64)
            at = np.searchsorted(ids, arr[:, 0].astype(np.int64))
            out[at] = arr[:, 1:]
        return out

    people, known, elderly = scatter(fetch(
        f"SELECT u.building_id, count(*), count(r.birth_date), sum(CASE WHEN r.birth_date <= %s THEN 1 ELSE 0 END) "
        f"FROM people_resident r {building_of} WHERE r.{column} = %s GROUP BY u.building_id",
        [d(cutoff), node]), 3).T
    new7, n_cases, chained, unmonitored = scatter(fetch(
        f"SELECT u.building_id, sum(CASE WHEN c.test_date >= %s THEN 1 ELSE 0 END), count(*), count(c.source_id), "
        f"sum(CASE WHEN EXISTS (SELECT 1 FROM tracing_monitoring m WHERE m.resident_id = c.resident_id "
        f"AND m.starts_on <= {reg_date} AND m.ends_on >= {reg_date}) THEN 0 ELSE 1 END) "
        f"FROM tracing_case c JOIN people_resident r ON r.id = c.resident_id {building_of} "
        f"WHERE r.{column} = %s AND c.test_date >= %s AND c.test_date <= %s GROUP BY u.building_id",
        [d(new_from), node, d(share_from), d(today)]), 4).T
    confirmed, traced_all = scatter(fetch(
        f"SELECT u.building_id, sum(CASE WHEN k.status = 'confirmed' THEN 1 ELSE 0 END), count(*) "
        f"FROM tracing_contact k JOIN tracing_case c ON c.id = k.case_id JOIN people_resident r ON r.id = c.resident_id "
        f"{building_of} WHERE r.{column} = %s AND c.test_date >= %s AND c.test_date <= %s "
        f"AND k.status IN ('proposed', 'confirmed') GROUP BY u.building_id",
        [node, d(share_from), d(today)]), 2).T
    # Written the obvious way (scans JOIN residents … WHERE at in the window) SQLite drives from the scan_at
    # index through every scan of the city (40+ s at a million residents); a per-resident count on the
    # (resident, at) index is what a person tuning this query by hand writes.
    (scans,) = scatter(fetch(
        f"SELECT u.building_id, sum((SELECT count(*) FROM checkpoints_scan s WHERE s.resident_id = r.id "
        f"AND s.at >= %s AND s.at < %s)) FROM people_resident r {building_of} WHERE r.{column} = %s GROUP BY u.building_id",
        [ops.adapt_datetimefield_value(now - dt.timedelta(days=7)), ops.adapt_datetimefield_value(now), node]), 1).T
    import json

    grids, g_inv = np.unique(areas[:, 1], return_inverse=True)
    km2 = dict.fromkeys(grids.tolist(), 0.0)
    for pk, boundary in fetch(f"SELECT id, boundary FROM places_place WHERE kind = 'grid' AND {column} = %s"
                              if column != "grid_id" else "SELECT id, boundary FROM places_place WHERE id = %s", [node]):
        if pk in km2:
            km2[pk] = risk_data._km2(json.loads(boundary) if isinstance(boundary, str) else boundary)
    grid_km2 = np.asarray([km2[g] for g in grids.tolist()])[g_inv]
    grid_people = np.bincount(g_inv, weights=people)[g_inv]
    _, c_inv = np.unique(areas[:, 2], return_inverse=True)
    dflt = risk_data.DISTRICT_DEFAULTS

    def ratio(a, b, empty):
        return np.divide(a, b, out=np.full(n, float(empty)), where=b > 0)

    values = {
        "new_cases_7d": new7,
        "unmonitored_case_share": ratio(unmonitored, n_cases, 0.0),
        "known_chain_share": ratio(chained, n_cases, 1.0),
        "contacts_traced_share": ratio(confirmed, traced_all, 1.0),
        "test_positivity": np.clip(ratio(np.bincount(c_inv, weights=new7)[c_inv],
                                         np.bincount(c_inv, weights=people)[c_inv] * dflt["testing_coverage"], 0.0), 0, 1),
        "mobility": ratio(scans, people * 7, 0.0) / risk_data.NORMAL_SCANS_PER_RESIDENT_DAY,
        "population_density": np.where(grid_km2 > 0, ratio(grid_people, grid_km2, 0.0), dflt["population_density"]),
        "elderly_share": ratio(elderly, known, 0.0),
        **{k: np.full(n, float(dflt[k])) for k in risk_data.DEFAULT_ONLY},
    }
    return ids.tolist(), values, risk.assess_many(values)


# --- the run -------------------------------------------------------------------------------------


def _median_time(fn, repeat: int):
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return out, statistics.median(times)


def run(opts) -> int:
    import numpy as np
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from shaodian.checkpoints.models import Scan
    from shaodian.risk import indicators as risk_data
    from shaodian.places.models import Building
    from shaodian.security.models import User
    from shaodian.tracing.models import Case, Contact

    _support.ensure_city(opts.residents, opts.seed)
    now = _ensure_outbreak(opts)
    if connection.vendor == "sqlite":  # fold the outbreak's write-ahead log into the file before measuring
        with connection.cursor() as cur:
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"city: {Building.objects.count():,} buildings, {Case.objects.count()} cases, "
          f"{Contact.objects.count()} contacts, {Scan.objects.count():,} scans; outbreak pinned at {now.isoformat()}")
    users = {u.username: u for u in User.objects.select_related("node").filter(username__in=[opts.user, "admin"])}
    results = {}
    for name in (opts.user, "admin"):
        user = users[name]
        risk_data.assess_buildings(user, now=now)  # warm the page cache and the code
        baseline(user, now)
        with CaptureQueriesContext(connection) as ctx:
            rows = risk_data.assess_buildings(user, now=now)
        (b_ids, b_values, batch), base_s = _median_time(lambda u=user: baseline(u, now), opts.repeat)
        rows, ours_s = _median_time(lambda u=user: risk_data.assess_buildings(u, now=now), opts.repeat)
        ids, values = risk_data.building_indicators(user, now=now)
        if ids != b_ids:
            raise SystemExit(f"{name}: ours and the baseline assess different buildings")
        for key, column in values.items():
            if not np.allclose(column, b_values[key], rtol=1e-12, atol=1e-12):
                bad = int(np.flatnonzero(~np.isclose(column, b_values[key]))[0])
                raise SystemExit(f"{name}: {key} differs at building {ids[bad]}: {column[bad]} vs {b_values[key][bad]}")
        ours_levels = {r["building_id"]: r["level"] for r in rows}
        if any(ours_levels[pk] != batch.level(i).value for i, pk in enumerate(b_ids)):
            raise SystemExit(f"{name}: ours and the baseline disagree on a level")
        counts = {lv.value: c for lv, c in batch.counts().items()}
        print(f"{name} ({user.node.kind} {user.node.name}): {len(rows):,} buildings, {len(ctx.captured_queries)} queries, "
              f"levels {counts}; ours {ours_s:.3f} s, baseline {base_s:.3f} s; values and levels agree")
        for r in rows[:3]:
            drivers = ", ".join(f"{e['key']}={e['value']:.3g}" for e in r["explanation"] if e["score"] >= 4)
            print(f"  {r['level']:<6} p {r['probability']:.2f} i {r['impact']:.2f}  {r['address']}  [{drivers}]")
        results[name] = (ours_s, base_s)
    ours_s, base_s = results[opts.user]
    verdict = "within" if ours_s <= TARGET_S else "OVER"
    print(f"target: {opts.user} ≤ {TARGET_S:.0f} s end to end: {verdict}")
    print(f"{NAME}: ours {ours_s:.3f} s, baseline {base_s:.3f} s, ratio {ours_s / base_s:.2f}")
    return 0


if __name__ == "__main__":
    print("database:", _support.setup_django())
    sys.exit(run(_options(sys.argv[1:])))
