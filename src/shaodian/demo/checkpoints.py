"""Gates and venues of the demo city, and two weeks of scans at them."""

import datetime as dt
import random

from django.db import connection
from django.utils import timezone

from shaodian.checkpoints.models import Checkpoint
from shaodian.people.models import Resident
from shaodian.places.models import Place

VENUES_PER_COMMUNITY = (("community_gate", "东门"), ("community_gate", "西门"), ("restaurant", "社区食堂"),
                        ("other", "便民超市"), ("office", "党群服务中心"))
VENUES_PER_STREET = (("market", "农贸市场"), ("supermarket", "大型超市"), ("school", "小学"))
VENUES_PER_DISTRICT = (("hospital", "区人民医院"), ("station", "地铁站"))
POINT_KINDS = ("community_gate", "road", "station")


def build_venues() -> dict[int, list]:
    """Gates and venues at each level; returns {community id: [checkpoints a resident there uses]}."""
    made = []
    for level, spec in (("district", VENUES_PER_DISTRICT), ("street", VENUES_PER_STREET),
                        ("community", VENUES_PER_COMMUNITY)):
        for place in Place.objects.filter(kind=level).order_by("code"):
            for kind, name in spec:
                c = Checkpoint(name=f"{place.name}{name}", kind=kind, code=f"{place.code[-9:]}{kind[:2]}{len(made)}"[:16])
                c.locate_at(place)
                made.append(c)
    Checkpoint.objects.bulk_create(made, batch_size=1000)
    by_place: dict[int, list] = {}
    for c in Checkpoint.objects.all():
        by_place.setdefault(c.place_id, []).append(c)
    reach: dict[int, list] = {}
    for community in Place.objects.filter(kind="community"):
        reach[community.pk] = (by_place.get(community.pk, []), by_place.get(community.street_id, []),
                               by_place.get(community.district_id, []))
    return reach


def build_scans(rng: random.Random, reach: dict, *, days: int = 14, now: dt.datetime | None = None,
                visit_rate: float = 0.25, gate_rate: float = 0.3, progress=None) -> int:
    """Two weeks of scans: venue visits (in and out, some out-scans forgotten) and gate passages."""
    now = now or timezone.now()
    start = (timezone.localtime(now) - dt.timedelta(days=days)).replace(hour=0, minute=0, second=0, microsecond=0)
    ops = connection.ops
    columns = "client_id, resident_id, checkpoint_id, at, direction, temperature, received_at"
    sql = f"INSERT INTO checkpoints_scan ({columns}) VALUES (%s,%s,%s,%s,%s,%s,%s)"
    received = ops.adapt_datetimefield_value(now)
    rows, total = [], 0

    def flush():
        nonlocal rows, total
        with connection.cursor() as cur:
            cur.executemany(sql, rows)
        total += len(rows)
        rows = []

    residents = Resident.objects.values_list("pk", "community_id").order_by("pk").iterator(chunk_size=20000)
    done = 0
    for pk, community in residents:
        done += 1
        if progress is not None and done % 1000 == 0:
            progress(1000)
        own, street, district = reach.get(community, ([], [], []))
        gates = [c for c in own if c.kind in POINT_KINDS]
        venues = [c for c in own if c.kind not in POINT_KINDS]
        for day in range(days):
            base = start + dt.timedelta(days=day)
            if gates and rng.random() < gate_rate:
                at = base + dt.timedelta(minutes=rng.randint(6 * 60, 22 * 60))
                if at < now:
                    rows.append((f"demo-{pk}-{day}-g", pk, rng.choice(gates).pk, ops.adapt_datetimefield_value(at),
                                 rng.choice(("in", "out")), round(rng.uniform(36.0, 37.2), 1), received))
            if rng.random() < visit_rate:
                pool = rng.choices((venues, street, district), weights=(70, 25, 5))[0] or venues or street
                if not pool:
                    continue
                venue = rng.choice(pool)
                at = base + dt.timedelta(minutes=rng.randint(7 * 60, 20 * 60))
                out = at + dt.timedelta(minutes=rng.randint(10, 90))
                if out >= now:
                    continue
                rows.append((f"demo-{pk}-{day}-i", pk, venue.pk, ops.adapt_datetimefield_value(at), "in", None, received))
                if rng.random() > 0.1:  # one in ten forgets to scan out
                    rows.append((f"demo-{pk}-{day}-o", pk, venue.pk, ops.adapt_datetimefield_value(out), "out", None, received))
        if len(rows) >= 20000:
            flush()
    if rows:
        flush()
    if progress is not None and done % 1000:
        progress(done % 1000)
    return total
