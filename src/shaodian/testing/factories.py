"""factory_boy factories for the main models, each written the way the services write the row.

Places get their ancestor columns as `place_create` gives them; residents get a valid ID number
(GB 11643 check character) and the keyed hashes `resident_create` stores beside the encrypted
fields. Build volume with `ResidentFactory.create_batch(n, household=h)`; name what you need.
"""

import datetime as dt

import factory
from django.utils import timezone

from shaodian.checkpoints.models import Checkpoint, Pass, Scan
from shaodian.people import idcard
from shaodian.people.models import CareNote, HouseLink, Resident
from shaodian.people.selectors import id_hashes, phone_hashes
from shaodian.places.models import Building, Household, Place, PlaceKind, Unit
from shaodian.places.services import place_create
from shaodian.security.models import RoleChoice, User
from shaodian.tracing.models import Case, Contact, ContactReason

PASSWORD = "shaodian-demo"  # the demo's password, so a test logs in through the form as a person would
DEFAULT_REGION = "110105"


def id_number(n: int, *, region: str = DEFAULT_REGION, birth: dt.date = dt.date(1980, 1, 1), male: bool = True) -> str:
    """A valid resident ID number, distinct for each n below 50 (per birth date and region).

    Its sequence digits run 50..59: the fixture city's run below 10, so the two never meet.
    """
    seq, sex = divmod(n % 50, 5)
    seq += 50
    first17 = f"{region}{birth:%Y%m%d}{seq:02d}{'13579'[sex] if male else '02468'[sex]}"
    return first17 + idcard.check_char(first17)


def _birth(n: int) -> dt.date:
    return dt.date(1950, 1, 1) + dt.timedelta(days=(n * 397) % (60 * 365))


# --- the tree -----------------------------------------------------------------------------------------


class PlaceFactory(factory.django.DjangoModelFactory):
    """A node of the tree under `parent`, through `place_create` (so its ancestor columns are right)."""

    class Meta:
        model = Place

    kind = PlaceKind.CITY
    parent = None
    name = factory.Sequence(lambda n: f"测试节点{n}")
    code = factory.Sequence(lambda n: f"990{n:09d}")

    @classmethod
    def _create(cls, model_class, *, kind, name, code, parent=None, **kwargs):
        place = place_create(kind=kind, name=name, code=code, parent=parent)
        if kwargs:
            for k, v in kwargs.items():
                setattr(place, k, v)
            place.save(update_fields=list(kwargs))
        return place


class CityFactory(PlaceFactory):
    kind = PlaceKind.CITY
    name = factory.Sequence(lambda n: f"测试市{n}")


class DistrictFactory(PlaceFactory):
    kind = PlaceKind.DISTRICT
    parent = factory.SubFactory(CityFactory)
    name = factory.Sequence(lambda n: f"测试区{n}")


class StreetFactory(PlaceFactory):
    kind = PlaceKind.STREET
    parent = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"测试街道{n}")


class CommunityFactory(PlaceFactory):
    kind = PlaceKind.COMMUNITY
    parent = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"测试社区{n}")


class GridFactory(PlaceFactory):
    kind = PlaceKind.GRID
    parent = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"测试第{n}网格")


class _InGrid(factory.django.DjangoModelFactory):
    """Rows of a grid: the scope columns are copied from `grid` (or from the parent row)."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, grid=None, **kwargs):
        row = model_class(*args, **kwargs)
        if grid is not None:
            row.place_in(grid)
        else:
            row.copy_scope_from(cls._scope_source(row))
        row.save()
        return row

    @classmethod
    def _scope_source(cls, row):
        raise NotImplementedError


class BuildingFactory(_InGrid):
    class Meta:
        model = Building

    grid = factory.SubFactory(GridFactory)
    name = factory.Sequence(lambda n: f"测试小区{n}栋")
    address = factory.LazyAttribute(lambda o: f"{o.grid.name}{o.name}")


class UnitFactory(_InGrid):
    class Meta:
        model = Unit

    building = factory.SubFactory(BuildingFactory)
    name = "1单元"

    @classmethod
    def _scope_source(cls, row):
        return row.building


class HouseholdFactory(_InGrid):
    class Meta:
        model = Household

    unit = factory.SubFactory(UnitFactory)
    room = factory.Sequence(lambda n: f"{1 + n // 4}{1 + n % 4:02d}")
    address = factory.LazyAttribute(lambda o: f"{o.unit.building.address}{o.unit.name}{o.room}室")

    @classmethod
    def _scope_source(cls, row):
        return row.unit


# --- people -------------------------------------------------------------------------------------------


class ResidentFactory(_InGrid):
    """A resident living at `household`, with a valid ID number, the lookup hashes and a current house link."""

    class Meta:
        model = Resident

    household = factory.SubFactory(HouseholdFactory)
    name = factory.Sequence(lambda n: f"测试居民{n}")
    sex = factory.Sequence(lambda n: "M" if n % 2 == 0 else "F")
    birth_date = factory.Sequence(_birth)
    id_number = factory.LazyAttributeSequence(lambda o, n: id_number(n, birth=o.birth_date, male=o.sex == "M"))
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    document_type = "resident_id"
    tags = ""
    qr_id = factory.Sequence(lambda n: f"ad{n:018x}")

    @classmethod
    def _create(cls, model_class, *args, tags="", **kwargs):
        if isinstance(tags, list | tuple):
            tags = f",{','.join(sorted(tags))}," if tags else ""
        row = model_class(*args, tags=tags, **id_hashes(kwargs["id_number"]), **phone_hashes(kwargs.get("phone", "")),
                          **kwargs)
        row.copy_scope_from(row.household)
        row.save()
        HouseLink.objects.create(resident=row, household=row.household, kind="lives_here", is_current=True)
        return row


def crowd(grid: Place, n: int, *, per_household: int = 3, **fields) -> list[Resident]:
    """n more residents in a new building of `grid`, written in bulk: for the tests that need volume."""
    unit = UnitFactory(building=BuildingFactory(grid=grid))
    homes = []
    for _ in range((n + per_household - 1) // per_household):
        home = HouseholdFactory.build(unit=unit)
        home.copy_scope_from(unit)
        homes.append(home)
    Household.objects.bulk_create(homes)
    people = []
    for i in range(n):
        r = ResidentFactory.build(household=homes[i // per_household], **fields)
        for k, v in {**id_hashes(r.id_number), **phone_hashes(r.phone)}.items():
            setattr(r, k, v)
        r.copy_scope_from(r.household)
        people.append(r)
    Resident.objects.bulk_create(people)
    HouseLink.objects.bulk_create([HouseLink(resident=r, household=r.household, kind="lives_here") for r in people])
    return people


class CareNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareNote

    resident = factory.SubFactory(ResidentFactory)
    group = "dialysis"
    note = "每周一、三、五上午血液透析"
    carer_name = "测试照护人"
    carer_phone = "13900000000"


class UserFactory(factory.django.DjangoModelFactory):
    """A user of one role at one node, with the demo password."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda o: o.username)
    role = RoleChoice.GRID_WORKER
    node = factory.SubFactory(GridFactory)
    is_active = True
    password = factory.django.Password(PASSWORD)


# --- checkpoints, passes, scans -----------------------------------------------------------------------


class CheckpointFactory(factory.django.DjangoModelFactory):
    """A checkpoint or venue at `place` (any node of the tree)."""

    class Meta:
        model = Checkpoint

    place = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"测试卡口{n}")
    kind = "community_gate"

    @classmethod
    def _create(cls, model_class, *args, place, **kwargs):
        row = model_class(*args, **kwargs)
        row.locate_at(place)
        row.save()
        return row


class PassFactory(factory.django.DjangoModelFactory):
    """A care pass (e.g. dialysis) for a resident at some checkpoints, valid from an hour ago for a week."""

    class Meta:
        model = Pass
        skip_postgeneration_save = True

    kind = "dialysis"
    resident = factory.SubFactory(ResidentFactory)
    reason = "每周一三五血液透析"
    valid_from = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    valid_to = factory.LazyAttribute(lambda o: o.valid_from + dt.timedelta(days=7))
    issued_by = factory.SubFactory(UserFactory, role=RoleChoice.COMMUNITY_STAFF)

    @factory.post_generation
    def checkpoints(self, create, extracted, **kwargs):
        if create and extracted:
            self.checkpoints.set(extracted)


class ScanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scan

    client_id = factory.Sequence(lambda n: f"test-{n}")
    resident = factory.SubFactory(ResidentFactory)
    checkpoint = factory.SubFactory(CheckpointFactory)
    at = factory.LazyFunction(timezone.now)
    direction = "in"


# --- tracing ------------------------------------------------------------------------------------------


class CaseFactory(factory.django.DjangoModelFactory):
    """A case row as `case_register` writes it (no audit row, no monitoring change: use the service for those)."""

    class Meta:
        model = Case

    resident = factory.SubFactory(ResidentFactory)
    kind = "confirmed"
    test_date = factory.LazyFunction(timezone.localdate)
    registered_by = factory.SubFactory(UserFactory, role=RoleChoice.HEALTH_OFFICIAL)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    case = factory.SubFactory(CaseFactory)
    resident = factory.SubFactory(ResidentFactory)
    degree = 1
    reason = ContactReason.COLOCATION
    minutes = 30.0
