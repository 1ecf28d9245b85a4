"""A deterministic synthetic city: the tree, buildings, households, residents and demo users.

Same seed, same city (names, numbers, tags; only the encryption nonces differ). About 312
residents a grid, ten grids a community, four communities a street — the seeds' ratio of one
grid worker to a few hundred residents — so 50,000 residents make 1 district, 4 streets,
16 communities and 160 grids, and a million make the same shape twenty times over.
"""

import datetime as dt
import random

from django.db import connection, transaction

from shaodian.demo.checkpoints import build_scans, build_venues
from shaodian.demo.complaints import build_complaints_story
from shaodian.demo.supplies import build_supplies_story
from shaodian.demo.delivery import build_delivery_story
from shaodian.demo.screening import build_screening_story
from shaodian.demo.measures import build_measures_story
from shaodian.demo.monitoring import build_monitoring_story
from shaodian.demo.people import GIVEN, SURNAME_WEIGHTS, SURNAMES, build_people
from shaodian.demo.places import Shape, assign_boundaries, build_tree, city_exists, shape_for
from shaodian.demo.tasks import build_tasks_story
from shaodian.demo.tracing import build_tracing_story
from shaodian.demo.users import DEMO_LOGINS, DEMO_PASSWORD, build_users, logins_text

# Read by the demo command, the benchmarks and the tests through this module.
__all__ = ["DEMO_LOGINS", "DEMO_PASSWORD", "GIVEN", "PHASES", "SURNAMES", "SURNAME_WEIGHTS", "Shape",
           "build_city", "build_measures_story", "build_venues", "city_exists", "logins_text"]

# The steps of a first start, as the demo command shows them (Chinese first; logs are read by operators).
PHASES = {
    "tree": "行政区划与演示账号 · tree and demo logins",
    "residents": "居民与住户 · residents and households",
    "scans": "两周扫码记录 · two weeks of scans",
    "tracing": "流调示例：病例与密接 · tracing story",
    "measures": "管控措施示例 · measures story",
    "commit": "写入数据库 · saving",
    "analyze": "更新查询统计 · planner statistics",
}


def build_city(*, residents: int = 50_000, seed: int = 1, today: dt.date | None = None, progress=None,
               with_scans: bool = True, with_measures: bool = True, phase=None) -> dict:
    """Build the whole demo city in one transaction; returns counts.

    `phase(key)` is called as each step of PHASES begins; `progress(n)` advances the step under way
    (residents built, then residents whose scans are made).
    """
    rng = random.Random(seed)
    today = today or dt.date(2026, 11, 1)
    shape = shape_for(residents)
    step = phase or (lambda key: None)
    with transaction.atomic():
        step("tree")
        grids = build_tree(rng, shape)
        boxes = assign_boundaries(grids)
        build_users(grids)
        step("residents")
        made = build_people(rng, grids, residents, today, progress, boxes)
        scans = 0
        if with_scans:
            step("scans")
            scans = build_scans(rng, build_venues(), progress=progress if phase else None)
            step("tracing")
            build_tracing_story(rng)
        if with_scans and with_measures:
            step("measures")
            build_measures_story(rng)
            build_complaints_story(rng)
            build_supplies_story(rng)
            build_delivery_story(rng)
            build_screening_story(rng)
            build_monitoring_story(rng)
            build_tasks_story(rng)
        step("commit")
    # Fresh statistics, so the planners pick the scope and name indexes from the first query.
    step("analyze")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return {"residents": made, "scans": scans, **shape.__dict__}
