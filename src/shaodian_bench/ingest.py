"""Scan batches over real HTTP: scans/s of POST /api/v1/scans/batch against a bare insert of the same rows.

    shaodian bench ingest [--residents 20000] [--scans 200000] [--batch 5000] [--threads 2]
                          [--server-workers N] [--server-threads 4] [--rounds 3] [--database-url URL]

A demo city is built (or reused), with gates in guard_a's community and a few care passes.
Scans come like a gate's phones send them: random UUID client_ids, times in the last two days
with a +08:00 offset, mostly ids of residents of the guard's community, a fifth signed personal
QR codes of anyone, some with a pass and some with a temperature (a few feverish: alerts). Ours: `shaodian serve --workers N` (waitress; N = cores, at most 4)
on the bench database, fed 5,000-scan batches over keep-alive HTTP by client threads, with
guard_a's bearer token — the whole path: HTTP, auth, JSON, validation, signatures, lookups,
insert, response. Baseline: the same resolved rows into the same, emptied, checkpoints_scan
table (same indexes), in batches of the same size, one transaction each: executemany of the bare
sqlite3 driver, or psycopg COPY on PostgreSQL. Each round runs ours on a freshly started server
(cold caches), then the baseline; the medians of the rounds are compared, since one run on a
shared machine can be off by a third either way.
"""

import datetime as dt
import json
import os
import random
import statistics
import sys
import time
import uuid

from shaodian_bench import _support
from shaodian_bench._server import Server, send_all, token

NAME = "ingest"
MODULE = "shaodian_bench.ingest"
TARGET = 35_000.0
COLUMNS = ("client_id", "resident_id", "checkpoint_id", "at", "direction", "temperature", "permit_id",
           "received_at", "device_user_id")
GUARD = "guard_a"
BATCH_PATH = "/api/v1/scans/batch"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
P_TOKEN, P_PASS, P_TEMPERATURE, P_ID_AS_TEXT = 0.20, 0.01, 0.5, 0.1


def _options(argv):
    p = _support.parser(NAME, __doc__.splitlines()[0])
    p.add_argument("--residents", type=int, default=20_000)
    p.add_argument("--scans", type=int, default=200_000)
    p.add_argument("--batch", type=int, default=5_000)
    p.add_argument("--threads", type=int, default=2, help="client threads sending batches")
    p.add_argument("--rounds", type=int, default=3,
                   help="rounds of ours then the baseline, on an emptied table each; the medians are compared")
    p.add_argument("--server-threads", type=int, default=4, help="threads of each server process")
    p.add_argument("--server-workers", type=int, default=min(os.cpu_count() or 1, 4),
                   help="server processes (shaodian serve --workers); default: one per core, at most 4")
    return p.parse_args(argv)


def main(argv: list[str]) -> int:
    opts = _options(argv)
    url = opts.database_url or _support.sqlite_url(f"ingest-{opts.residents}-s{opts.seed}.sqlite3")
    return _support.relaunch(MODULE, argv, url)


# --- data ---------------------------------------------------------------------------------------------


def _fixtures(rng: random.Random):
    """guard_a, the checkpoints it scans at (some made here if the city has few) and care passes."""
    from django.utils import timezone

    from shaodian.checkpoints import services
    from shaodian.checkpoints.models import Checkpoint
    from shaodian.places.models import Place
    from shaodian.security.models import User

    users = {u.username: u for u in User.objects.select_related("node").filter(username__in=[GUARD, "staff_a"])}
    guard, staff = users[GUARD], users["staff_a"]
    services._scope_cache.clear()
    allowed = sorted(services.scan_checkpoint_ids(guard))
    if len(allowed) < 6:
        grids = list(Place.objects.filter(community_id=staff.node_id, kind="grid").order_by("pk")[:4])
        for place, name, kind in [(staff.node, "东门", "community_gate"), (staff.node, "西门", "community_gate"),
                                  *[(g, f"{g.name}北口", "road") for g in grids]]:
            services.checkpoint_create(actor=staff, place=place, name=f"测压{name}", kind=kind)
        allowed = sorted(services.scan_checkpoint_ids(guard))
    gates = list(Checkpoint.objects.filter(pk__in=allowed).order_by("pk"))
    from shaodian.people.models import Resident

    holders = list(Resident.objects.filter(community_id=staff.node_id).order_by("pk").values_list("pk", flat=True)[:40])
    now = timezone.now()
    passes = []
    for pk in rng.sample(holders, min(20, len(holders))):
        permit = services.pass_issue(actor=staff, kind="medical", checkpoint_ids=[c.pk for c in gates[:3]],
                                     valid_from=now - dt.timedelta(days=3), valid_to=now + dt.timedelta(days=3),
                                     reason="压测复诊", resident_id=pk)
        passes.append((permit, services.pass_token(permit)))
    return guard, gates, passes


def _scans(rng: random.Random, n: int, guard, gates, passes):
    """(items as the phones send them, the rows they must become), in the same order."""
    from django.db import connection
    from django.utils import timezone

    from shaodian.checkpoints import services
    from shaodian.people.models import Resident

    people = list(Resident.objects.values_list("pk", flat=True).order_by("pk"))
    # Bare ids count only inside the guard's jurisdiction (its community's residents); codes count anywhere.
    own = list(Resident.objects.filter(**{f"{guard.node.kind}_id": guard.node_id}).values_list("pk", flat=True)
               .order_by("pk"))
    with_code = rng.sample(people, min(5_000, len(people)))
    tokens = {r.pk: services.identity_token(r) for r in Resident.objects.filter(pk__in=with_code).only("pk", "qr_id")}
    token_people = list(tokens)
    now = timezone.now()
    ops = connection.ops
    items, rows = [], []
    for _ in range(n):
        client_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        gate = rng.choice(gates)
        at = now - dt.timedelta(seconds=rng.randint(60, 2 * 86_400), microseconds=rng.randint(0, 999) * 1000)
        direction = rng.choice(("in", "out"))
        temperature = round(rng.uniform(35.8, 37.4), 1) if rng.random() < P_TEMPERATURE else None
        item = {"client_id": client_id, "checkpoint": gate.pk, "at": at.astimezone(SHANGHAI).isoformat(),
                "direction": direction}
        permit_id = None
        draw = rng.random()
        if draw < P_PASS and passes:
            permit, token = rng.choice(passes)
            resident, gate = permit.resident_id, gates[rng.randrange(3)]
            item.update({"person": resident, "pass": token, "checkpoint": gate.pk})
            permit_id = permit.pk
        elif draw < P_PASS + P_TOKEN:
            resident = rng.choice(token_people)
            item["person"] = tokens[resident]
        else:
            resident = rng.choice(own)
            item["person"] = str(resident) if rng.random() < P_ID_AS_TEXT else resident
        if temperature is not None:
            item["temperature"] = temperature
        items.append(item)
        rows.append([client_id, resident, gate.pk, ops.adapt_datetimefield_value(at), direction, temperature,
                     permit_id, None, guard.pk])
    return items, rows


# --- the server and its client ------------------------------------------------------------------------


# --- the database ----------------------------------------------------------------------------------------


def _empty_scans() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("TRUNCATE checkpoints_scan" if connection.vendor == "postgresql" else "DELETE FROM checkpoints_scan")
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        with connection.cursor() as cur:
            cur.execute("CHECKPOINT")
    connection.close()


def _count() -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM checkpoints_scan")
        return cur.fetchone()[0]


def _bare_insert(rows: list[list], batch: int) -> float:
    """The same rows through the bare driver, one transaction a batch; seconds."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    received = connection.ops.adapt_datetimefield_value(dt.datetime.now(dt.UTC))
    for row in rows:
        row[7] = received
    batches = [rows[i:i + batch] for i in range(0, len(rows), batch)]
    names = ", ".join(COLUMNS)
    started = time.perf_counter()
    if connection.vendor == "sqlite":
        sql = f"INSERT INTO checkpoints_scan ({names}) VALUES ({', '.join('?' * len(COLUMNS))})"
        for chunk in batches:
            raw.execute("BEGIN IMMEDIATE")
            raw.executemany(sql, chunk)
            raw.execute("COMMIT")
    else:
        raw.autocommit = True
        for chunk in batches:
            with raw.transaction(), raw.cursor() as cur, cur.copy(f"COPY checkpoints_scan ({names}) FROM STDIN") as copy:
                for row in chunk:
                    copy.write_row(row)
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


# --- the run --------------------------------------------------------------------------------------------


def _check(answers, items, batch: int) -> dict[str, int]:
    tally: dict[str, int] = {}
    for b, (status, body) in enumerate(answers):
        if status != 200:
            raise SystemExit(f"batch {b}: HTTP {status} {body[:300]!r}")
        results = json.loads(body)["results"]
        sent = items[b * batch:(b + 1) * batch]
        if [r["client_id"] for r in results] != [i["client_id"] for i in sent]:
            raise SystemExit(f"batch {b}: results are not in the order sent")
        for r in results:
            tally[r["status"]] = tally.get(r["status"], 0) + 1
            if r["status"] != "accepted":
                raise SystemExit(f"batch {b}: {r}")
    return tally


def _same_rows(rows: list[list], sample: int = 200) -> None:
    """A sample of stored rows equals what the items must become."""
    from shaodian.checkpoints.models import Scan

    picked = {r[0]: r for r in random.Random(0).sample(rows, min(sample, len(rows)))}
    for s in Scan.objects.filter(client_id__in=list(picked)):
        want = picked[s.client_id]
        got = (s.resident_id, s.checkpoint_id, s.direction, s.temperature, s.permit_id, s.device_user_id)
        if got != (want[1], want[2], want[4], want[5], want[6], want[8]):
            raise SystemExit(f"stored {s.client_id} as {got}, expected {want}")


def run(opts) -> int:
    from django.db import connection

    _support.ensure_city(opts.residents, opts.seed)
    rng = random.Random(opts.seed)
    guard, gates, passes = _fixtures(rng)
    t = time.perf_counter()
    items, rows = _scans(rng, opts.scans, guard, gates, passes)
    kinds = {"id": sum(1 for i in items if not isinstance(i["person"], str) or i["person"].isdigit()),
             "pass": sum(1 for i in items if "pass" in i)}
    kinds["token"] = len(items) - kinds["id"]
    bodies = [json.dumps({"scans": items[i:i + opts.batch]}, ensure_ascii=False).encode()
              for i in range(0, len(items), opts.batch)]
    connection.close()
    print(f"scans: {len(items):,} ({kinds['id']:,} resident ids, {kinds['token']:,} signed codes, {kinds['pass']:,} "
          f"with a pass) at {len(gates)} checkpoints, {len(bodies)} batches of ≤{opts.batch:,} "
          f"({sum(map(len, bodies)) / len(bodies) / 2**20:.2f} MB each), made in {time.perf_counter() - t:.1f} s")

    ours_runs, base_runs = [], []
    for n in range(1, opts.rounds + 1):
        ours_runs.append(_ours(opts, items, rows, bodies, n))
        base_runs.append(_baseline(opts, rows, n))
    ours, baseline = statistics.median(ours_runs), statistics.median(base_runs)
    if opts.rounds > 1:
        print(f"medians of {opts.rounds} rounds; ours {', '.join(f'{x:.0f}' for x in ours_runs)}, "
              f"baseline {', '.join(f'{x:.0f}' for x in base_runs)} scans/s")
    if ours < TARGET or ours / baseline < 0.5:
        print(f"below target: {TARGET:,.0f} scans/s and ratio 0.5")
    print(f"{NAME}: ours {ours:.0f} scans/s, baseline {baseline:.0f} scans/s, ratio {ours / baseline:.2f}")
    return 0


def _ours(opts, items, rows, bodies, round_no: int) -> float:
    """One round through a freshly started server (cold caches, as after a deploy); scans/s."""
    server = Server(opts.server_threads, opts.server_workers, name=NAME)
    try:
        bearer = token(server, GUARD)
        warm = [dict(i, client_id=f"warm-{n}") for n, i in enumerate(items[:opts.batch])]
        send_all(server, bearer, BATCH_PATH, [json.dumps({"scans": warm}).encode()], 1)
        _empty_scans()
        cpu = server.cpu_seconds()
        elapsed, answers = send_all(server, bearer, BATCH_PATH, bodies, opts.threads)
        cpu = server.cpu_seconds() - cpu
    finally:
        server.stop()
    tally = _check(answers, items, opts.batch)
    stored = _count()
    if stored != len(items):
        raise SystemExit(f"{stored:,} rows stored, {len(items):,} sent")
    _same_rows(rows)
    _empty_scans()
    print(f"round {round_no} ours: HTTP (shaodian serve, {opts.server_workers} processes × {opts.server_threads} threads; "
          f"{opts.threads} client threads, keep-alive): "
          f"{len(items):,} scans in {elapsed:.2f} s, {tally}, {stored:,} rows; {elapsed / len(bodies) * 1000:.0f} ms a batch, "
          f"server CPU {cpu:.2f} s ({cpu / len(items) * 1e6:.1f} µs a scan)")
    return len(items) / elapsed


def _baseline(opts, rows, round_no: int) -> float:
    from django.db import connection

    cpu = time.process_time()
    seconds = _bare_insert(rows, opts.batch)
    cpu = time.process_time() - cpu
    if _count() != len(rows):
        raise SystemExit("the baseline did not store every row")
    vendor = connection.vendor
    _empty_scans()
    how = "executemany (sqlite3)" if vendor == "sqlite" else "COPY (psycopg)"
    print(f"round {round_no} baseline: {how}, {len(rows):,} rows in {seconds:.2f} s, same table and indexes; "
          f"client CPU {cpu:.2f} s ({cpu / len(rows) * 1e6:.1f} µs a row)")
    return len(rows) / seconds


if __name__ == "__main__":
    print("database:", _support.setup_django())
    sys.exit(run(_options(sys.argv[1:])))
