"""Resident list with a search: p95 latency of GET /residents/?q=… against the bare keyset SQL.

    shaodian bench list [--residents 1000000] [--per-kind 8] [--database-url URL]

Queries come from the data (names, last four of ID and phone numbers, addresses of residents
the user may see) and run as users at three levels: commander (district), staff_a (community)
and grid_a (grid). The baseline runs, through a raw cursor, the very SQL the page's selector
builds (same WHERE, ORDER BY id DESC LIMIT 21): the gap is the view, template, session and audit.
"""

import random
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlencode

from shaodian_bench import _support

NAME = "list"
MODULE = "shaodian_bench.list"
USERS = ("commander", "staff_a", "grid_a")
TARGET_MS = 100.0
SLOW_SQL_MS = 20.0  # a kind over the target shows its query plan when its bare SQL alone is this slow
COMMON_SURNAMES = "王李张刘陈杨黄赵吴周"
RARE_SURNAMES = "龚邵万钱严覃武戴莫孔"
TAGS = ("dialysis", "elderly_alone", "pregnant", "bedridden", "insulin", "mental_health")


@dataclass
class Search:
    kind: str
    user: str
    q: str = ""
    grid: int | None = None
    tag: str | None = None

    def url(self) -> str:
        params = {k: v for k, v in (("q", self.q), ("grid", self.grid), ("tag", self.tag)) if v}
        return "/residents/" + ("?" + urlencode(params) if params else "")


def _options(argv):
    p = _support.parser(NAME, __doc__.splitlines()[0])
    p.add_argument("--residents", type=int, default=1_000_000)
    p.add_argument("--per-kind", type=int, default=8, help="searches of each kind per user")
    return p.parse_args(argv)


def main(argv: list[str]) -> int:
    opts = _options(argv)
    url = opts.database_url or _support.sqlite_url(f"city-{opts.residents}-s{opts.seed}.sqlite3")
    return _support.relaunch(MODULE, argv, url)


def _searches(users, per_kind: int, rng: random.Random) -> list[Search]:
    """Realistic searches for each user, values taken from residents inside the user's scope."""
    from shaodian.people import selectors
    from shaodian.places.selectors import grids_for

    out: list[Search] = []
    for username in USERS:
        user = users[username]
        ids = list(selectors.residents_for(user).values_list("id", flat=True))
        picked = rng.sample(ids, min(len(ids), per_kind * 6))
        people = list(selectors.residents_for(user).select_related("household").filter(id__in=picked).order_by("id"))
        rng.shuffle(people)
        grids = list(grids_for(user).values_list("id", flat=True))

        phoned = [p for p in people if p.phone]

        def take(i: int, pool=people):
            return pool[i % len(pool)]

        for i in range(per_kind):
            p = take(i)
            surname = rng.choice(COMMON_SURNAMES) if i % 4 else rng.choice(RARE_SURNAMES)
            addr = p.household.address
            m = re.search(r"(\D+?)(\d+栋)(\d+单元)(\d+)室$", addr)
            xiaoqu, building, unit, room = m.groups() if m else (addr, "", "", "")
            xiaoqu = xiaoqu.split("街道")[-1]
            fragments = (xiaoqu, xiaoqu + building, building + unit + room, xiaoqu + building + unit)
            out += [
                Search("surname", username, q=surname),
                Search("full_name", username, q=take(i + per_kind).name),
                Search("id_last4", username, q=take(i + 2 * per_kind).id_number[-4:]),
                Search("phone_last4", username, q=take(i + 3 * per_kind, phoned).phone[-4:]),
                Search("id_full", username, q=take(i + 4 * per_kind).id_number),
                Search("phone_full", username, q=take(i + 5 * per_kind, phoned).phone),
                Search("address", username, q=fragments[i % len(fragments)]),
                Search("grid", username, grid=rng.choice(grids)),
                Search("grid+surname", username, q=surname, grid=rng.choice(grids)),
                Search("tag", username, tag=TAGS[i % len(TAGS)]),
                Search("tag+surname", username, q=rng.choice(COMMON_SURNAMES), tag=TAGS[(i + 1) % len(TAGS)]),
                Search("no filter", username),
            ]
    rng.shuffle(out)
    return out


def _sql(users, s: Search):
    """The SQL and parameters of the page's own query for this search."""
    from shaodian.people import selectors

    qs = selectors.resident_filter(users[s.user], q=s.q, grid=s.grid, tag=s.tag)
    qs = selectors.newest_first(qs.select_related("household"), q=s.q, tag=s.tag)[: selectors.PAGE_SIZE + 1]
    return qs.query.sql_with_params()


def _explain(sql: str, params) -> str:
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("EXPLAIN QUERY PLAN " + sql, params)
            return " | ".join(str(r[-1]) for r in cur.fetchall())
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return " | ".join(r[0].strip() for r in cur.fetchall())[:1200]


def run(opts) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from shaodian.security.models import User

    _support.ensure_city(opts.residents, opts.seed)
    users = {u.username: u for u in User.objects.select_related("node").filter(username__in=USERS)}
    searches = _searches(users, opts.per_kind, random.Random(opts.seed))
    clients = {}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)
    compiled = [_sql(users, s) for s in searches]
    print(f"searches: {len(searches)} requests, {len({s.kind for s in searches})} kinds, users {', '.join(USERS)}")

    def page(s: Search) -> tuple[float, int]:
        t = time.perf_counter()
        response = clients[s.user].get(s.url())
        elapsed = (time.perf_counter() - t) * 1000
        body = response.content.decode()
        if response.status_code != 200 or 'class="errorlist"' in body:
            raise SystemExit(f"{s.url()} as {s.user}: status {response.status_code} or a search error")
        return elapsed, body.count('class="name"')

    def bare(sql, params) -> float:
        t = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(sql, params)
            cur.fetchall()
        return (time.perf_counter() - t) * 1000

    # Warm the database cache and the code paths once for every search; then measure, alternating.
    for _search, (sql, params) in zip(searches, compiled, strict=True):
        bare(sql, params)
    for name in USERS:
        page(Search("warm-up", name))
    queries_per_kind = {}
    for s in searches:
        if s.kind not in queries_per_kind:
            with CaptureQueriesContext(connection) as ctx:
                page(s)
            queries_per_kind[s.kind] = len(ctx.captured_queries)
    ours: dict[str, list[float]] = defaultdict(list)
    base: dict[str, list[float]] = defaultdict(list)
    by_user: dict[str, list[float]] = defaultdict(list)
    slowest: dict[str, tuple[float, int]] = {}
    found = defaultdict(int)
    for i, (s, (sql, params)) in enumerate(zip(searches, compiled, strict=True)):
        ms, rows = page(s)
        ours[s.kind].append(ms)
        by_user[s.user].append(ms)
        base[s.kind].append(bare(sql, params))
        found[s.kind] += rows > 0
        if ms > slowest.get(s.kind, (0.0, 0))[0]:
            slowest[s.kind] = (ms, i)

    pct = _support.percentile
    print(f"{'kind':<13} {'n':>4} {'hits':>5} {'sql#':>4}  {'ours p50':>8} {'p95':>7} {'max':>7}   {'bare p50':>8} {'p95':>7}   slowest (user q grid tag)")
    for kind in sorted(ours, key=lambda k: -pct(ours[k], 95)):
        ms_, bs = ours[kind], base[kind]
        worst = searches[slowest[kind][1]]
        print(f"{kind:<13} {len(ms_):>4} {found[kind]:>5} {queries_per_kind[kind]:>4}  {pct(ms_, 50):8.1f} {pct(ms_, 95):7.1f} "
              f"{max(ms_):7.1f}   {pct(bs, 50):8.2f} {pct(bs, 95):7.2f}   {worst.user} {worst.q!r} {worst.grid} {worst.tag}")
    for name in USERS:
        print(f"user {name:<10} p50 {pct(by_user[name], 50):6.1f} ms  p95 {pct(by_user[name], 95):6.1f} ms")
    for kind, values in ours.items():
        if pct(values, 95) > TARGET_MS and pct(base[kind], 95) > SLOW_SQL_MS:
            worst = max(range(len(searches)), key=lambda i: -1 if searches[i].kind != kind else bare(*compiled[i]))
            s = searches[worst]
            print(f"plan of the slowest {kind!r} SQL ({s.user} {s.q!r} {s.grid} {s.tag}): {_explain(*compiled[worst])}")
    all_ours = [v for vs in ours.values() for v in vs]
    all_base = [v for vs in base.values() for v in vs]
    p95_ours, p95_base = pct(all_ours, 95), pct(all_base, 95)
    print(f"all: ours p50 {pct(all_ours, 50):.1f} ms, bare SQL p50 {pct(all_base, 50):.2f} ms, {len(all_ours)} requests")
    print(f"{NAME}: ours {p95_ours:.1f} ms, baseline {p95_base:.2f} ms, ratio {p95_ours / p95_base:.1f}")
    return 0


if __name__ == "__main__":
    print("database:", _support.setup_django())
    sys.exit(run(_options(sys.argv[1:])))
