"""A deterministic synthetic city: the tree, buildings, households, residents and demo users.

Same seed, same city (names, numbers, tags; only the encryption nonces differ). About 312
residents a grid, ten grids a community, four communities a street — the seeds' ratio of one
grid worker to a few hundred residents — so 50,000 residents make 1 district, 4 streets,
16 communities and 160 grids, and a million make the same shape twenty times over.
"""

import datetime as dt
import math
import random
from dataclasses import dataclass

from django.db import connection, transaction

from shaodian.people import idcard
from shaodian.people.models import CareNote, HouseLink, Resident, SpecialGroup
from shaodian.people.selectors import id_hashes, phone_hashes
from shaodian.places import geo
from shaodian.places.models import Building, Household, Place, PlaceKind, Unit
from shaodian.places.services import place_create
from shaodian.security.models import RoleChoice, User

DEMO_PASSWORD = "shaodian-demo"
# Printed once when the demo starts (by `demo-city`, whether it builds the city or finds it).
DEMO_LOGINS = (
    ("grid_a grid_b", "网格员 · grid workers"),
    ("staff_a", "社区工作者 · community staff"),
    ("street_a", "街道指挥部 · street command"),
    ("commander", "区指挥部 · district command"),
    ("cdc", "区疾控中心 · CDC"),
    ("legal", "法制审核 · legal review"),
    ("supply", "保供专班 · supplies"),
    ("guard_a", "卡口值守 · checkpoint guard"),
    ("volunteer_a", "志愿者 · volunteer"),
    ("supervisor", "社会监督员 · supervisor"),
    ("admin", "系统管理员 · administrator"),
)


def logins_text() -> str:
    width = max(len(names) for names, _ in DEMO_LOGINS)
    lines = [f"演示账号，密码 {DEMO_PASSWORD} · Demo logins, password {DEMO_PASSWORD}:"]
    lines += [f"  {names:<{width}}  {role}" for names, role in DEMO_LOGINS]
    return "\n".join(lines)
RESIDENTS_PER_GRID = 312.5
CITY_CODE = "110100"
DISTRICT_CODE = "110105"  # region code of the district: most residents' IDs start with it

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
# Rough frequency: the first surnames are far more common (王李张刘陈 cover about 30 %).
SURNAME_WEIGHTS = [max(1.0, 80 / (i + 1) ** 0.9) for i in range(len(SURNAMES))]
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红鹏飞辉建国志文斌宇浩凯鑫婷雪琳晨阳佳欣怡梓涵子轩"
    "浩然一诺雨萱思远俊博嘉欣晓东春梅海燕丹宁慧颖建华秀英玉兰德明永强国庆淑珍桂芝志强金凤丽娟小龙天佑若曦"
)
XIAOQU = (
    "海棠名苑", "阳光花园", "锦绣家园", "翠湖小区", "丽景苑", "幸福里", "和平新村", "东方明珠苑", "金色家园", "春晓公寓",
    "桂花园", "福满园", "康乐小区", "书香门第", "新华里", "长安小区", "望京花园", "清河苑", "百合家园", "滨江花园",
)
STREET_NAMES = ("海棠", "朝阳", "建国", "和平", "光明", "幸福", "振兴", "安华", "团结", "友谊", "新华", "长青", "双井", "望京",
                "东风", "三里", "麦子", "八里", "南磨", "高碑")
COMMUNITY_NAMES = ("名苑", "东里", "西里", "北里", "南里", "新村", "花园", "家园", "嘉园", "雅苑", "华庭", "丽园")


@dataclass
class Shape:
    districts: int
    streets: int
    communities: int
    grids: int


def shape_for(residents: int) -> Shape:
    grids = max(4, round(residents / RESIDENTS_PER_GRID))
    communities = max(2, math.ceil(grids / 10))
    streets = max(1, math.ceil(communities / 4))
    districts = max(1, math.ceil(streets / 20))
    return Shape(districts, streets, communities, grids)


def _birth_date(rng: random.Random, today: dt.date) -> dt.date:
    # China's 7th census: about 18 % under 15, 63 % 15–59, 19 % 60+ (2.5 % 80+).
    r = rng.random()
    if r < 0.18:
        age = rng.randint(0, 14)
    elif r < 0.81:
        age = rng.randint(15, 59)
    elif r < 0.975:
        age = rng.randint(60, 79)
    else:
        age = rng.randint(80, 99)
    return today - dt.timedelta(days=age * 365 + rng.randint(0, 364))


def _id_number(rng: random.Random, region: str, birth: dt.date, male: bool) -> str:
    seq = rng.randint(0, 99)
    sex_digit = rng.choice("13579" if male else "02468")
    first17 = f"{region}{birth:%Y%m%d}{seq:02d}{sex_digit}"
    return first17 + idcard.check_char(first17)


def _tags(rng: random.Random, age: int, male: bool, alone: bool) -> list[str]:
    tags = []
    if age >= 80:
        tags.append(SpecialGroup.ELDERLY)
    if alone and age >= 65:
        tags.append(SpecialGroup.ELDERLY_ALONE)
    if age <= 6:
        tags.append(SpecialGroup.CHILD)
    if not male and 20 <= age <= 40 and rng.random() < 0.025:
        tags.append(SpecialGroup.PREGNANT)
    if age >= 18 and rng.random() < 0.0008 + (0.002 if age >= 50 else 0):
        tags.append(SpecialGroup.DIALYSIS)
    if age >= 30 and rng.random() < (0.025 if age >= 50 else 0.006):
        tags.append(SpecialGroup.INSULIN)
    if rng.random() < 0.02 + (0.05 if age >= 60 else 0):
        tags.append(SpecialGroup.DISABLED)
    if age >= 40 and rng.random() < 0.05:
        tags.append(SpecialGroup.CHRONIC)
    if age >= 75 and rng.random() < 0.03:
        tags.append(SpecialGroup.BEDRIDDEN)
    if rng.random() < 0.004:
        tags.append(SpecialGroup.MENTAL_HEALTH)
    if rng.random() < 0.012:
        tags.append(SpecialGroup.LOW_INCOME)
    return sorted(set(tags))


def _name(rng: random.Random) -> str:
    surname = rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.75 else "")
    return surname + given


def _phone(rng: random.Random) -> str:
    return rng.choice(("13", "15", "17", "18", "19")) + f"{rng.randint(0, 999_999_999):09d}"


def city_exists() -> bool:
    return Place.objects.filter(kind=PlaceKind.CITY).exists()


def build_tree(rng: random.Random, shape: Shape) -> list[Place]:
    """City, districts, streets, communities and grids; returns the grids in order."""
    city = place_create(kind=PlaceKind.CITY, name="海棠市", code=CITY_CODE)
    districts = [
        place_create(kind=PlaceKind.DISTRICT, name="海棠区" if i == 0 else f"海棠第{i + 1}区",
                     code=DISTRICT_CODE if i == 0 else f"1101{50 + i:02d}", parent=city)
        for i in range(shape.districts)
    ]
    streets = []
    for i in range(shape.streets):
        d = districts[i % shape.districts]
        name = STREET_NAMES[i % len(STREET_NAMES)] + ("" if i < len(STREET_NAMES) else str(i // len(STREET_NAMES) + 1))
        streets.append(place_create(kind=PlaceKind.STREET, name=f"{name}街道", code=f"{d.code}{i + 1:03d}", parent=d))
    communities = []
    for i in range(shape.communities):
        s = streets[i % shape.streets]
        n = i // shape.streets
        name = s.name.removesuffix("街道") + COMMUNITY_NAMES[n % len(COMMUNITY_NAMES)] + (str(n // 12 + 1) if n >= 12 else "")
        communities.append(place_create(kind=PlaceKind.COMMUNITY, name=f"{name}社区", code=f"{s.code}{n + 1:03d}", parent=s))
    grids = []
    for i in range(shape.grids):
        c = communities[i % shape.communities]
        n = i // shape.communities
        grids.append(place_create(kind=PlaceKind.GRID, name=f"{c.name}第{n + 1}网格", code=f"{c.code}{n + 1:03d}", parent=c))
    return grids


CITY_BOX = (116.30, 39.85, 116.50, 40.00)


def assign_boundaries(grids: list[Place]) -> dict[int, tuple]:
    """Nested rectangles for every node (synthetic but consistent), so maps have something true to draw."""
    nodes = {p.pk: p for p in Place.objects.all()}
    children: dict[int | None, list[Place]] = {}
    for p in sorted(nodes.values(), key=lambda p: p.code):
        children.setdefault(p.parent_id, []).append(p)
    boxes: dict[int, tuple] = {}
    stack = [(p, CITY_BOX) for p in children.get(None, [])]
    while stack:
        node, box = stack.pop()
        boxes[node.pk] = box
        node.boundary = geo.rectangle(*box)
        kids = children.get(node.pk, [])
        stack += list(zip(kids, geo.split(box, len(kids)), strict=True))
    Place.objects.bulk_update(nodes.values(), ["boundary"], batch_size=500)
    return boxes


def build_users(grids: list[Place]) -> dict[str, User]:
    """The demo logins of the brief, all with the password shaodian-demo."""
    grid_a = grids[0]
    community_a = Place.objects.get(pk=grid_a.community_id)
    # grid_b: the first grid of another community.
    grid_b = next(g for g in grids if g.community_id != grid_a.community_id)
    street_a = Place.objects.get(pk=grid_a.street_id)
    district = Place.objects.get(pk=grid_a.district_id)
    city = Place.objects.get(pk=grid_a.city_id)
    spec = [
        ("grid_a", "网格员甲", RoleChoice.GRID_WORKER, grid_a),
        ("grid_b", "网格员乙", RoleChoice.GRID_WORKER, grid_b),
        ("staff_a", "社区工作者甲", RoleChoice.COMMUNITY_STAFF, community_a),
        ("street_a", "街道指挥部甲", RoleChoice.STREET_COMMANDER, street_a),
        ("commander", "区指挥部", RoleChoice.DISTRICT_COMMANDER, district),
        ("cdc", "区疾控中心", RoleChoice.HEALTH_OFFICIAL, district),
        ("legal", "区司法局法制审核", RoleChoice.LEGAL_REVIEWER, district),
        ("supply", "区保供专班", RoleChoice.SUPPLY_OFFICER, district),
        ("guard_a", "卡口值守甲", RoleChoice.CHECKPOINT_GUARD, community_a),
        ("volunteer_a", "志愿者甲", RoleChoice.VOLUNTEER, community_a),
        ("supervisor", "社会监督员", RoleChoice.SUPERVISOR, district),
        ("admin", "系统管理员", RoleChoice.ADMIN, city),
    ]
    users = {}
    for username, display, role, node in spec:
        user, _ = User.objects.update_or_create(
            username=username, defaults={"display_name": display, "role": role, "node": node, "is_active": True}
        )
        if username == "admin":
            user.is_staff = user.is_superuser = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        users[username] = user
    return users


def _building_plan(rng: random.Random, target: int) -> list[tuple[int, int, int]]:
    """(units, floors, rooms per floor) for buildings until their households hold about `target` people."""
    plan, capacity = [], 0
    while capacity < target:
        units, floors, per_floor = rng.randint(1, 3), rng.randint(4, 12), rng.randint(2, 3)
        plan.append((units, floors, per_floor))
        capacity += int(units * floors * per_floor * 2.6)
    return plan


def build_people(
    rng: random.Random, grids: list[Place], residents: int, today: dt.date, progress=None, boxes: dict | None = None
) -> int:
    """Buildings, units, households and residents for every grid, in bulk."""
    regions = [r for r in idcard.current_region_codes() if not r.startswith("1101")]
    used_ids: set[str] = set()
    per_grid = [residents // len(grids) + (1 if i < residents % len(grids) else 0) for i in range(len(grids))]
    streets = dict(Place.objects.filter(kind=PlaceKind.STREET).values_list("pk", "name"))
    made = 0
    for gi, (grid, quota) in enumerate(zip(grids, per_grid, strict=True)):
        xiaoqu = XIAOQU[gi % len(XIAOQU)]
        buildings = []
        west, south, east, north = (boxes or {}).get(grid.pk, CITY_BOX)
        for b_no, _plan in enumerate(_building_plan(rng, quota), start=1):
            b = Building(name=f"{xiaoqu}{b_no}栋", address=f"{streets.get(grid.street_id, '')}{xiaoqu}{b_no}栋",
                         latitude=south + (north - south) * (0.1 + 0.8 * rng.random()),
                         longitude=west + (east - west) * (0.1 + 0.8 * rng.random()))
            b.place_in(grid)
            buildings.append((b, _plan))
        Building.objects.bulk_create([b for b, _ in buildings])
        units = []
        for b, (n_units, floors, per_floor) in buildings:
            for u_no in range(1, n_units + 1):
                u = Unit(building=b, name=f"{u_no}单元")
                u.copy_scope_from(b)
                units.append((u, b, floors, per_floor))
        Unit.objects.bulk_create([u for u, *_ in units])
        households = []
        for u, b, floors, per_floor in units:
            for floor in range(1, floors + 1):
                for r in range(1, per_floor + 1):
                    room = f"{floor}{r:02d}"
                    h = Household(unit=u, room=room, address=f"{b.address}{u.name}{room}室")
                    h.copy_scope_from(u)
                    households.append(h)
        rng.shuffle(households)
        Household.objects.bulk_create(households)
        people: list[Resident] = []
        links: list[HouseLink] = []
        notes: list[CareNote] = []
        hi = 0
        while len(people) < quota:
            h = households[hi % len(households)]
            hi += 1
            size = min(quota - len(people), rng.choices((1, 2, 3, 4, 5), weights=(18, 30, 27, 17, 8))[0])
            for _ in range(size):
                birth = _birth_date(rng, today)
                age = (today - birth).days // 365
                male = rng.random() < 0.51
                region = DISTRICT_CODE if rng.random() < 0.7 else rng.choice(regions)
                number = _id_number(rng, region, birth, male)
                while number in used_ids:
                    number = _id_number(rng, region, birth, male)
                used_ids.add(number)
                phone = _phone(rng) if age >= 12 else ""
                tags = _tags(rng, age, male, alone=size == 1)
                r = Resident(
                    name=_name(rng), document_type="resident_id", id_number=number, phone=phone,
                    sex="M" if male else "F", birth_date=birth, household=h,
                    tags=f",{','.join(tags)}," if tags else "", **id_hashes(number), **phone_hashes(phone),
                    qr_id=f"{rng.getrandbits(80):020x}",
                )
                r.copy_scope_from(h)
                people.append(r)
                links.append(HouseLink(resident=r, household=h, kind="tenant" if rng.random() < 0.15 else "lives_here"))
        Resident.objects.bulk_create(people, batch_size=2000)
        for link in links:
            link.resident_id = link.resident.pk
        HouseLink.objects.bulk_create(links, batch_size=2000)
        for r in people:
            for tag in r.tag_list:
                # Most vulnerable residents already have a named carer; some do not (gaps to close).
                if tag in (SpecialGroup.DIALYSIS, SpecialGroup.INSULIN, SpecialGroup.PREGNANT, SpecialGroup.ELDERLY_ALONE,
                           SpecialGroup.BEDRIDDEN) and rng.random() < 0.7:
                    notes.append(CareNote(resident=r, group=tag, note=_care_text(tag), carer_name=_name(rng),
                                          carer_phone=_phone(rng)))
        CareNote.objects.bulk_create(notes, batch_size=2000)
        made += len(people)
        if progress is not None:
            progress(len(people))
    return made


def _care_text(tag: str) -> str:
    return {
        SpecialGroup.DIALYSIS: "每周一、三、五上午血液透析（区医院肾内科）",
        SpecialGroup.INSULIN: "每日注射胰岛素，需冷藏保存，每月取药一次",
        SpecialGroup.PREGNANT: "定期产检，预产期前需保障就医通道",
        SpecialGroup.ELDERLY_ALONE: "独居，每日电话问候，代购生活物资",
        SpecialGroup.BEDRIDDEN: "长期卧床，需上门照护",
    }.get(tag, "")


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
            from shaodian.measures.demo import build_measures_story

            step("measures")
            build_measures_story(rng)
            from shaodian.complaints.demo import build_complaints_story

            build_complaints_story(rng)
        step("commit")
    # Fresh statistics, so the planners pick the scope and name indexes from the first query.
    step("analyze")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return {"residents": made, "scans": scans, **shape.__dict__}


VENUES_PER_COMMUNITY = (("community_gate", "东门"), ("community_gate", "西门"), ("restaurant", "社区食堂"),
                        ("other", "便民超市"), ("office", "党群服务中心"))
VENUES_PER_STREET = (("market", "农贸市场"), ("supermarket", "大型超市"), ("school", "小学"))
VENUES_PER_DISTRICT = (("hospital", "区人民医院"), ("station", "地铁站"))
POINT_KINDS = ("community_gate", "road", "station")


def build_venues() -> dict[int, list]:
    """Gates and venues at each level; returns {community id: [checkpoints a resident there uses]}."""
    from shaodian.checkpoints.models import Checkpoint

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
    from django.utils import timezone


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


def build_tracing_story(rng: random.Random) -> None:
    """A few cases in grid_a's community whose contacts are found, some confirmed, one grown into a case."""
    from django.utils import timezone

    from shaodian.checkpoints.models import Checkpoint, Scan
    from shaodian.tracing import services as tracing

    cdc = User.objects.get(username="cdc")
    staff = User.objects.get(username="staff_a")
    community_id = staff.node_id
    now = timezone.now()
    recent = (Scan.objects.filter(resident__community_id=community_id, at__gte=now - dt.timedelta(days=3),
                                  direction="in", checkpoint__kind__in=["restaurant", "other", "office"])
              .values_list("resident_id", flat=True).distinct().order_by("resident_id"))
    picks = list(recent[:40])
    if len(picks) < 3:
        return
    first, second, third = picks[0], picks[len(picks) // 2], picks[-1]
    today = timezone.localdate()
    case = tracing.case_register(actor=cdc, resident_id=first, kind="confirmed", test_date=today,
                                 onset_date=today - dt.timedelta(days=1))
    # A tracer's usual setting for indoor venues: 15 minutes either side, at least 5 minutes together.
    found = tracing.contacts_find(actor=cdc, case_id=case.pk, t_from=now - dt.timedelta(days=14), t_to=now,
                                  window_minutes=15, min_overlap_minutes=5, second_degree=True)
    confirmed = found["contacts"][:4]
    for c in confirmed:
        tracing.contact_decide(actor=cdc, contact_id=c.pk, confirm=True, note="流调确认：同时段同场所")
    if confirmed:
        grown = tracing.case_register(actor=cdc, resident_id=confirmed[0].resident_id, kind="asymptomatic",
                                      test_date=today, source_contact=confirmed[0])
        tracing.contacts_find(actor=cdc, case_id=grown.pk, t_from=now - dt.timedelta(days=14), t_to=now,
                              window_minutes=15, min_overlap_minutes=5)
    for pk in (second, third):
        if not Resident.objects.get(pk=pk).cases.exists():
            tracing.case_register(actor=cdc, resident_id=pk, kind="asymptomatic", test_date=today - dt.timedelta(days=1))
    # Passes: a dialysis patient of grid_a's community to the district hospital, and a supply vehicle.
    gate = Checkpoint.objects.filter(community_id=community_id, kind="community_gate").order_by("pk").first()
    hospital = Checkpoint.objects.filter(kind="hospital").order_by("pk").first()
    patient = Resident.objects.filter(community_id=community_id, tags__contains=",dialysis,").first() or \
        Resident.objects.filter(community_id=community_id).order_by("pk").first()
    from shaodian.checkpoints import services as checkpoints

    if gate and hospital:
        checkpoints.pass_issue(actor=User.objects.get(username="commander"), kind="dialysis",
                               checkpoint_ids=[gate.pk, hospital.pk], valid_from=now - dt.timedelta(hours=1),
                               valid_to=now + dt.timedelta(days=7), reason="每周一三五血液透析", resident_id=patient.pk)
        checkpoints.pass_issue(actor=User.objects.get(username="supply"), kind="supply_vehicle", checkpoint_ids=[gate.pk],
                               valid_from=now - dt.timedelta(hours=1), valid_to=now + dt.timedelta(days=3),
                               reason="社区蔬菜保供配送", plate="京A12345", driver_name="刘师傅", driver_phone="13900001111")
