"""The fixture city: small, fixed and named, shared by the apps' tests (built once per test session).

海棠市 › 海棠区 › two streets (海棠街道, 朝阳街道) › two communities each › two grids each: 8 grids,
16 buildings, 32 households, 96 residents with fixed names, ID numbers and phones, the checkpoints and venues of
every level, and the demo's users of every role at the demo's nodes:

    grid_a  海棠名苑社区第1网格      grid_b  海棠东里社区第1网格 (another community of the same street)
    staff_a, guard_a, volunteer_a   海棠名苑社区            street_a  海棠街道
    commander, cdc, legal, supply, supervisor   海棠区      admin     海棠市

Every grid holds the same twelve people's pattern (GRID_PEOPLE) so a test can name whom it needs:
`resident_in("grid_a", 0)` is grid_a's first resident, a dialysis patient of 68 with a carer.
No randomness: the same rows, in the same order, every time.
"""

import datetime as dt
from dataclasses import dataclass

from shaodian.checkpoints.models import Checkpoint
from shaodian.people import idcard
from shaodian.people.models import CareNote, HouseLink, Resident
from shaodian.people.selectors import id_hashes, phone_hashes
from shaodian.places import geo
from shaodian.places.models import Building, Household, Place, PlaceKind, Unit
from shaodian.places.services import place_create
from shaodian.security.models import RoleChoice, User
from shaodian.testing.factories import PASSWORD

TODAY = dt.date(2026, 11, 1)  # ages are counted from here, as in the demo city
BOX = (116.30, 39.85, 116.50, 40.00)

STREETS = (("海棠街道", "001"), ("朝阳街道", "002"))
COMMUNITIES = (("名苑", "001"), ("东里", "002"))
GRIDS_PER_COMMUNITY = 2


@dataclass(frozen=True)
class Person:
    given: str  # the surname comes from the grid: residents of two grids share surnames on purpose
    sex: str
    age: int
    household: int  # 0..3: the household of the grid's building the person lives in
    tags: tuple[str, ...] = ()
    phone: bool = True
    region: str = "110105"


# Twelve people in four households of three per grid (two homes a building, so each building holds six):
# a dialysis patient with a carer, an insulin user without one (a gap to close), an elderly woman of 83,
# a child with no phone, a pregnant woman, a person registered in another province, and their families.
GRID_PEOPLE = (
    Person("建国", "M", 68, 0, ("dialysis",)),
    Person("秀英", "F", 66, 0, ("insulin",)),
    Person("浩然", "M", 35, 0),
    Person("桂兰", "F", 83, 1, ("elderly",)),
    Person("德明", "M", 59, 1, ("chronic",)),
    Person("丽娟", "F", 33, 1),
    Person("子轩", "M", 5, 2, ("child",), phone=False),
    Person("晓燕", "F", 29, 2, ("pregnant",)),
    Person("国庆", "M", 31, 2),
    Person("志强", "M", 41, 3, region="330106"),
    Person("春梅", "F", 45, 3, ("disabled",)),
    Person("天佑", "M", 16, 3),
)
# Grid n's residents are surnamed SURNAMES[n % 2]: grid_a (grid 0) and grid_b (grid 2) share 王, on purpose.
SURNAMES = ("王", "李")
GIVEN_SUFFIX = "甲乙丙丁戊己庚辛"  # one per grid: 王建国甲 of grid 0 and 王建国丙 of grid 2 are two people
CARE = {"dialysis": "每周一、三、五上午血液透析（区医院肾内科）"}

# The demo's logins, at the demo's nodes (see shaodian.demo.build_users).
USERS = (
    ("grid_a", "网格员甲", RoleChoice.GRID_WORKER, "grid_a"),
    ("grid_b", "网格员乙", RoleChoice.GRID_WORKER, "grid_b"),
    ("staff_a", "社区工作者甲", RoleChoice.COMMUNITY_STAFF, "community_a"),
    ("street_a", "街道指挥部甲", RoleChoice.STREET_COMMANDER, "street_a"),
    ("commander", "区指挥部", RoleChoice.DISTRICT_COMMANDER, "district"),
    ("cdc", "区疾控中心", RoleChoice.HEALTH_OFFICIAL, "district"),
    ("legal", "区司法局法制审核", RoleChoice.LEGAL_REVIEWER, "district"),
    ("supply", "区保供专班", RoleChoice.SUPPLY_OFFICER, "district"),
    ("guard_a", "卡口值守甲", RoleChoice.CHECKPOINT_GUARD, "community_a"),
    ("volunteer_a", "志愿者甲", RoleChoice.VOLUNTEER, "community_a"),
    ("supervisor", "社会监督员", RoleChoice.SUPERVISOR, "district"),
    ("admin", "系统管理员", RoleChoice.ADMIN, "city"),
)

VENUES = {
    PlaceKind.DISTRICT: (("hospital", "区人民医院"), ("station", "地铁站")),
    PlaceKind.STREET: (("market", "农贸市场"), ("supermarket", "大型超市"), ("school", "小学")),
    PlaceKind.COMMUNITY: (("community_gate", "东门"), ("community_gate", "西门"), ("restaurant", "社区食堂"),
                          ("other", "便民超市"), ("office", "党群服务中心")),
}


def id_number_of(grid_no: int, person_no: int) -> str:
    p = GRID_PEOPLE[person_no]
    birth = dt.date(TODAY.year - p.age, 1 + grid_no % 12, 1 + person_no)
    sex_digit = ("13579" if p.sex == "M" else "02468")[person_no % 5]
    first17 = f"{p.region}{birth:%Y%m%d}{grid_no:02d}{sex_digit}"
    return first17 + idcard.check_char(first17)


def phone_of(grid_no: int, person_no: int) -> str:
    return f"1380000{grid_no:02d}{person_no:02d}" if GRID_PEOPLE[person_no].phone else ""


def name_of(grid_no: int, person_no: int) -> str:
    return SURNAMES[grid_no % len(SURNAMES)] + GRID_PEOPLE[person_no].given + GIVEN_SUFFIX[grid_no]


def build() -> dict[str, Place]:
    """Build the fixture city in the current database; returns the named nodes (grid_a, community_a, …)."""
    # Codes of their own (not the demo's 110100…): a test may build the demo city beside this one.
    city = place_create(kind=PlaceKind.CITY, name="海棠市", code="120100")
    district = place_create(kind=PlaceKind.DISTRICT, name="海棠区", code="120105", parent=city)
    grids: list[Place] = []
    communities: list[Place] = []
    streets: list[Place] = []
    for street_name, s_code in STREETS:
        street = place_create(kind=PlaceKind.STREET, name=street_name, code=f"{district.code}{s_code}", parent=district)
        streets.append(street)
        for c_name, c_code in COMMUNITIES:
            community = place_create(kind=PlaceKind.COMMUNITY, name=f"{street_name.removesuffix('街道')}{c_name}社区",
                                     code=f"{street.code}{c_code}", parent=street)
            communities.append(community)
            for g in range(1, GRIDS_PER_COMMUNITY + 1):
                grids.append(place_create(kind=PlaceKind.GRID, name=f"{community.name}第{g}网格",
                                          code=f"{community.code}{g:03d}", parent=community))
    _boundaries(city)
    nodes = {"city": city, "district": district, "street_a": streets[0], "street_b": streets[1],
             "community_a": communities[0], "community_b": communities[1], "grid_a": grids[0], "grid_b": grids[2]}
    _users(nodes)
    for grid_no, grid in enumerate(grids):
        _people(grid_no, grid)
    _venues()
    return nodes


def _boundaries(city: Place) -> None:
    """Nested rectangles, so that maps have something to draw."""
    stack = [(city, BOX)]
    while stack:
        node, box = stack.pop()
        node.boundary = geo.rectangle(*box)
        node.save(update_fields=["boundary"])
        kids = list(Place.objects.filter(parent=node).order_by("code"))
        stack += list(zip(kids, geo.split(box, len(kids)), strict=True))


def _users(nodes: dict[str, Place]) -> None:
    for username, display, role, node in USERS:
        user = User(username=username, display_name=display, role=role, node=nodes[node], is_active=True,
                    is_staff=username == "admin", is_superuser=username == "admin")
        user.set_password(PASSWORD)
        user.save()


def _people(grid_no: int, grid: Place) -> None:
    """Two buildings of one unit and two homes each; twelve people in the four homes."""
    xiaoqu = grid.name.removesuffix("网格")
    homes = []
    for b_no in (1, 2):
        building = Building(name=f"{xiaoqu}{b_no}栋", address=f"{xiaoqu}{b_no}栋")
        building.place_in(grid)
        building.save()
        unit = Unit(building=building, name="1单元")
        unit.copy_scope_from(building)
        unit.save()
        for room in ("101", "102"):
            home = Household(unit=unit, room=room, address=f"{building.address}{unit.name}{room}室")
            home.copy_scope_from(unit)
            home.save()
            homes.append(home)
    for person_no, p in enumerate(GRID_PEOPLE):
        number, phone = id_number_of(grid_no, person_no), phone_of(grid_no, person_no)
        r = Resident(name=name_of(grid_no, person_no), document_type="resident_id", id_number=number, phone=phone,
                     sex=p.sex, birth_date=idcard.birth_date_of(number),
                     household=homes[p.household], tags=f",{','.join(sorted(p.tags))}," if p.tags else "",
                     qr_id=f"fe{grid_no:02x}{person_no:02x}".ljust(20, "0"), **id_hashes(number), **phone_hashes(phone))
        r.copy_scope_from(r.household)
        r.save()
        HouseLink.objects.create(resident=r, household=r.household, kind="lives_here", is_current=True)
        for tag in p.tags:
            if tag in CARE:
                CareNote.objects.create(resident=r, group=tag, note=CARE[tag], carer_name="赵护工", carer_phone="13911110000")


def _venues() -> None:
    made = 0
    for level, spec in VENUES.items():
        for place in Place.objects.filter(kind=level).order_by("code"):
            for kind, name in spec:
                c = Checkpoint(name=f"{place.name}{name}", kind=kind, code=f"FX{place.code[-6:]}{made:03d}"[:16])
                c.locate_at(place)
                c.save()
                made += 1


def resident_in(username_or_grid: str, person_no: int) -> Resident:
    """The person_no-th resident (GRID_PEOPLE order) of grid_a or grid_b, or of the grid with that code."""
    if username_or_grid in ("grid_a", "grid_b"):
        grid_id = User.objects.get(username=username_or_grid).node_id
    else:
        grid_id = Place.objects.get(code=username_or_grid).pk
    return Resident.objects.filter(grid_id=grid_id).order_by("pk")[person_no]


def story_ground() -> None:
    """What the demo's measures story starts from (shaodian.measures.demo): a confirmed case in staff_a's
    community and two more buildings there with eight or more residents each.

    Each of the three buildings is forty households of one person: the story's building votes
    (60 % of households vote, 85 % of them for) then pass as they do in the demo city, whatever
    order the database returns the households in.
    """
    from shaodian.testing.factories import CaseFactory, crowd

    grid_a = Place.objects.get(pk=User.objects.get(username="grid_a").node_id)
    sealed, *_ = crowd(grid_a, 40, per_household=1)
    CaseFactory(resident=sealed, kind="confirmed", registered_by=User.objects.get(username="cdc"))
    crowd(grid_a, 40, per_household=1)
    crowd(grid_a, 40, per_household=1)
