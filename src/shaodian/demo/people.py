"""Buildings, households and residents of the demo city: names, ID numbers and special groups drawn from one seed."""

import datetime as dt
import random

from shaodian.demo.places import CITY_BOX, DISTRICT_CODE
from shaodian.people import idcard
from shaodian.people.models import CareNote, HouseLink, Resident, SpecialGroup
from shaodian.people.selectors import id_hashes, phone_hashes
from shaodian.places.models import Building, Household, Place, PlaceKind, Unit

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
