"""Reads of residents and households, always as the acting user; pages' reads are audited.

Other apps read personal data only through these (tests/test_resident_access.py): a measure's area,
the masked names a page may show, whom a guard just scanned, a case's household.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet
from django.db.models.functions import Left

from shaodian.errors import Msg, ServiceError
from shaodian.people.models import HealthFlag, Resident, SpecialGroup
from shaodian.places.models import Household, Place, scope_lookup
from shaodian.security import crypto
from shaodian.security.audit import audit, audit_list
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm
from shaodian.security.scope import get_scoped

PAGE_SIZE = 20
MAX_PAGE_SIZE = 200
_ADDRESS_HINT = re.compile(r"[0-9０-９]|路|街|巷|号|栋|幢|单元|室|村|苑|小区|弄|楼|社区|大厦|公寓|花园")
_DIGITS = re.compile(r"[0-9]+[0-9Xx]?")


@dataclass
class Page:
    items: list[Resident]
    next: str | None


def residents_for(user, perm: Perm = Perm.VIEW_RESIDENTS) -> QuerySet:
    """The residents of the user's jurisdiction, for a user holding `perm` (none otherwise)."""
    return Resident.objects.for_user(user, perm)


def households_for(user) -> QuerySet:
    return Household.objects.for_user(user, Perm.VIEW_RESIDENTS)


def health_flags_of(user, resident_id) -> list[str]:
    """The health flags (case, close contact, monitoring) of a resident in the user's area, for who may see cases."""
    inside = Resident.objects.filter(pk=resident_id).for_user(user, Perm.VIEW_CASES)
    return sorted(HealthFlag.objects.filter(resident__in=inside).values_list("flag", flat=True))


def id_hashes(value: str) -> dict[str, str]:
    """Lookup hashes for a document number: full value and last four characters."""
    key = settings.FIELD_KEY
    return {
        "id_hash": crypto.lookup_hash(key, value, purpose="id"),
        "id_tail_hash": crypto.lookup_hash(key, value[-4:], purpose="id-tail", length=16),
    }


def resident_id_by_number(number: str) -> int | None:
    """The id of the city's resident holding this (validated) ID number, matched by its keyed hash anywhere in the
    city; None when nobody does. Only the id: a record of another app may point at the resident (a supply driver
    who lives here) without its user reading anything about them."""
    return Resident.objects.filter(id_hash=id_hashes(number)["id_hash"]).order_by("pk").values_list(
        "pk", flat=True).first()


def phone_hashes(value: str) -> dict[str, str]:
    key = settings.FIELD_KEY
    if not value:
        return {"phone_hash": "", "phone_tail_hash": ""}
    return {
        "phone_hash": crypto.lookup_hash(key, value, purpose="phone"),
        "phone_tail_hash": crypto.lookup_hash(key, value[-4:], purpose="phone-tail", length=16),
    }


def _is_address(q: str) -> bool:
    return not _DIGITS.fullmatch(q) and bool(_ADDRESS_HINT.search(q) or len(q) > 6)


def search_filter(q: str) -> Q | None:
    """Turn what a grid worker types into a filter: number, number tail, address or name."""
    q = q.strip()
    if _DIGITS.fullmatch(q):
        number = q.upper()
        if len(number) == 4:
            return Q(id_tail_hash=id_hashes(number)["id_tail_hash"]) | Q(
                phone_tail_hash=phone_hashes(number)["phone_tail_hash"]
            )
        if len(number) == 11 and number.startswith("1"):
            return Q(phone_hash=phone_hashes(number)["phone_hash"])
        if len(number) >= 8:
            return Q(id_hash=id_hashes(number)["id_hash"]) | Q(phone_hash=phone_hashes(number)["phone_hash"])
        raise ServiceError.one(
            "q",
            "请输入证件号码或手机号的后4位，或完整号码",
            "Enter the last 4 characters of an ID or phone number, or the whole number",
            "search",
        )
    if _is_address(q):
        return Q(household__address__contains=q)
    return None  # a name: see _name_prefix


class _TagsHold(Func):
    """PostgreSQL: string_to_array(tags, ',') @> ARRAY[tag], the expression of the GIN index resident_tags_gin."""

    output_field = BooleanField()

    def __init__(self, tag: str):
        super().__init__(F("tags"))
        self.tag = tag

    def as_sql(self, compiler, connection, **extra):
        tags_sql, params = compiler.compile(self.source_expressions[0])
        return f"string_to_array({tags_sql}, ',') @> ARRAY[%s]::text[]", (*params, self.tag)


def has_tag(tag: str) -> Q:
    """Residents carrying the special-group `tag`: the array GIN index on PostgreSQL, one LIKE elsewhere."""
    if connection.vendor == "postgresql":
        return Q(_TagsHold(tag))
    return Q(tags__contains=f",{tag},")


# Below this share of all residents a tag is rare: its GIN bitmap is smaller than the walk along the
# ids that would find a page of it (a district walks about 4 / share rows for each row it keeps).
RARE_TAG_SHARE = 0.005


def _tag_is_rare(tag: str) -> bool:
    """PostgreSQL: what ANALYZE found of the tag in the GIN index's statistics (absent from them: rare)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE tablename = 'resident_tags_gin' AND attname = 'string_to_array'"
        )
        row = cur.fetchone()
    if not row or row[0] is None:
        return False  # never analysed: leave the plan to the planner
    share = dict(zip(row[0], row[1], strict=False)).get(tag, 0.0)
    return share < RARE_TAG_SHARE


def _bounded(q: str, tag: str | None) -> bool:
    """PostgreSQL: the search has an index that bounds its matches (a rare tag, an address), so the list
    must not walk the scope's ids instead. The planner assumes matches are spread evenly along the ids
    and walks when a LIMIT is near: past tens of thousands of rows for a rare tag, and through a whole
    district when an address matches nobody there."""
    if connection.vendor != "postgresql":
        return False
    return bool(q and _is_address(q.strip())) or bool(tag and _tag_is_rare(tag))


def newest_first(qs: QuerySet, *, q: str = "", tag: str | None = None) -> QuerySet:
    """The list's order, by id descending. For a bounded search (see _bounded) the sort key is written
    id + 0, which no index provides: the planner then fetches the few matches through their index
    (GIN tags, trigram address) and sorts them."""
    if _bounded(q, tag):
        return qs.order_by((F("id") + 0).desc())
    return qs.order_by("-id")


NAME_PROBE = 500


def _name_prefix(qs: QuerySet, q: str, *, tag: str | None = None) -> QuerySet:
    """Name prefix search that stays fast for a district: rare names by the name index, common ones by id.

    A rare name is found through the name index and its few matches are sorted; a common surname
    (张, 李) matches tens of thousands of rows, and walking the scope newest-first finds a page
    in microseconds. One bounded probe of the name index tells the two apart.
    """
    if connection.vendor != "sqlite":
        if tag and _tag_is_rare(tag):
            # Left(name) = q: the rare tag's GIN rows are filtered, not AND-ed with the bitmap of every 王.
            return qs.annotate(name_head=Left("name", len(q))).filter(name_head=q)
        return qs.filter(name__startswith=q)  # PostgreSQL's planner weighs this itself
    # A range on the plain index: SQLite's LIKE cannot use an index for a prefix.
    by_index = qs.filter(name__gte=q, name__lt=q + "\U0010ffff")
    # With a tag, the name's rows are the bound: a walk by id for a rare tag and a surname passes
    # through the whole scope (there is no tag index on SQLite).
    if tag or by_index.values("id")[:NAME_PROBE].count() < NAME_PROBE:
        return by_index
    return qs.filter(name__startswith=q)


def resident_search(
    user,
    *,
    q: str = "",
    grid: int | None = None,
    tag: str | None = None,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
) -> Page:
    """One keyset page of the residents the user may see, newest first; audited."""
    qs = resident_filter(user, q=q, grid=grid, tag=tag)
    if cursor:
        try:
            qs = qs.filter(id__lt=int(cursor))
        except ValueError:
            raise ServiceError.one("cursor", "分页参数无效", "Invalid page cursor", "cursor") from None
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    rows = list(newest_first(qs.select_related("household"), q=q, tag=tag)[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    audit_list(user, "resident", rows, query={"q": q, "grid": grid, "tag": tag, "cursor": cursor})
    return Page(rows, str(rows[-1].pk) if more else None)


def resident_filter(user, *, q: str = "", grid: int | None = None, tag: str | None = None) -> QuerySet:
    """The user's residents narrowed by a search, a grid and a special group (not audited: callers audit)."""
    qs = residents_for(user)
    if q and q.strip():
        condition = search_filter(q)
        qs = _name_prefix(qs, q.strip(), tag=tag) if condition is None else qs.filter(condition)
        scope = scope_lookup(user, via="household__")
        if _is_address(q.strip()) and scope:
            # The household carries the same scope columns: narrow the address matches before the join.
            qs = qs.filter(**scope)
    if grid:
        qs = qs.filter(grid_id=grid)
    if tag:
        if tag not in SpecialGroup.values:
            raise ServiceError.one("tag", "未知的特殊群体类别", "Unknown special group", "tag")
        qs = qs.filter(has_tag(tag))
    return qs


def resident_get(user, pk) -> Resident:
    resident = get_scoped(residents_for(user).select_related("household", "grid", "community"), pk)
    audit(user, AuditAction.READ, "resident", resident.pk)
    return resident


def household_get(user, pk) -> tuple[Household, list[Resident]]:
    """A household and those of its members the user may see (members elsewhere stay hidden)."""
    household = get_scoped(households_for(user).select_related("unit__building", "grid"), pk)
    members = list(
        residents_for(user)
        .filter(Q(household=household) | Q(links__household=household))
        .distinct()
        .order_by("id")
    )
    audit(user, AuditAction.READ, "household", household.pk, detail={"members": [m.pk for m in members]})
    return household, members


def possible_duplicates(user, *, name: str, birth_date=None, phone: str = "") -> list[Resident]:
    """Same name and birth date, or same name and phone: shown as a warning, not a refusal."""
    cond = Q()
    if birth_date:
        cond |= Q(birth_date=birth_date)
    if phone:
        cond |= Q(phone_hash=phone_hashes(phone)["phone_hash"])
    if not cond:
        return []
    return list(residents_for(user).filter(Q(name=name) & cond)[:5])


# --- who a guard just scanned, wherever they live: the code or card shown is the proof of presence ---------


def scanned_by_qr(user, qr_id: str) -> Resident | None:
    if not user.can(Perm.SCAN):
        return None
    return Resident.objects.filter(qr_id=qr_id).first()


def scanned_by_id_number(user, number: str) -> Resident | None:
    if not user.can(Perm.SCAN):
        return None
    return Resident.objects.filter(id_hash=id_hashes(number)["id_hash"]).first()


def scanned_names(user, ids) -> dict[int, str]:
    """Masked names of people scanned at the user's gates, for the guard's alert."""
    if not ids or not user.can(Perm.SCAN):
        return {}
    return {pk: crypto.mask_name(name) for pk, name in Resident.objects.filter(pk__in=ids).values_list("pk", "name")}


def household_member_ids(user, resident: Resident) -> list[int]:
    """Who shares a household with a case (home or link), wherever they are registered: tracing proposes them as
    contacts, and those outside the user's jurisdiction are only counted."""
    if not user.can(Perm.MANAGE_CASES):
        return []
    households = {resident.household_id, *resident.links.values_list("household_id", flat=True)}
    return list(
        Resident.objects.filter(Q(household_id__in=households) | Q(links__household_id__in=households))
        .exclude(pk=resident.pk).values_list("pk", flat=True).distinct()
    )


def masked_names(user, ids) -> dict[int, str]:
    """Masked names of those of `ids` the user may see; the others are left out."""
    ids = [int(p) for p in ids if str(p).isdigit()]
    if not ids:
        return {}
    return {pk: crypto.mask_name(name) for pk, name in residents_for(user).filter(pk__in=ids).values_list("pk", "name")}


# --- what lies inside an area the caller acts on (a measure's) -------------------------------------------
# A measure may cover a node above the user's own (a street-wide measure seen from a community), and
# its gate and vote count everyone inside: these read the whole area once the user may act on it.
# Names still go through the user's own jurisdiction (masked_names).


@dataclass(frozen=True)
class Area:
    """A node of the tree, or one building or unit under it."""

    kind: str
    place_id: int
    building_id: int | None = None
    unit_id: int | None = None

    def q(self, prefix: str = "") -> Q:
        """Households (prefix "") or residents (prefix "household__") inside; both carry the scope columns."""
        if self.unit_id:
            return Q(**{f"{prefix}unit_id": self.unit_id})
        if self.building_id:
            return Q(**{f"{prefix}unit__building_id": self.building_id})
        return Q(**{f"{self.kind}_id": self.place_id})


def _acts_in(user, area: Area, perm: Perm) -> bool:
    """The user holds `perm` and the area is theirs: inside their jurisdiction, or a node above that covers it."""
    if scope_lookup(user) is None or not user.can(perm):
        return False
    node = user.node
    covering = {node.city_id, node.district_id, node.street_id, node.community_id, node.pk} - {None}
    if area.place_id in covering and area.building_id is None and area.unit_id is None:
        return True
    return Place.objects.for_user(user, perm).filter(pk=area.place_id).exists()


def households_in(user, area: Area, perm: Perm = Perm.VIEW_MEASURES) -> QuerySet:
    """The households inside the area (its voters), for a user who may act on it."""
    if not _acts_in(user, area, perm):
        return Household.objects.none()
    return Household.objects.filter(area.q())


def household_ids_for_ballot(area: Area) -> set[str]:
    """The households that may vote on a measure of this area: a ballot link is its own credential, so no user."""
    return set(map(str, Household.objects.filter(area.q()).values_list("pk", flat=True)))


def resident_count_in(user, area: Area, perm: Perm = Perm.EVALUATE_MEASURE) -> int:
    """How many people live inside the area (the evaluation's people affected)."""
    if not _acts_in(user, area, perm):
        return 0
    return Resident.objects.filter(area.q("household__")).count()


def special_group_in(user, area: Area, tags, perm: Perm = Perm.VIEW_MEASURES) -> list[Resident]:
    """The residents inside carrying any of `tags`, with their care notes, by id: a measure's gate list."""
    if not tags or not _acts_in(user, area, perm):
        return []
    q = Q()
    for tag in tags:
        q |= has_tag(tag)
    return list(Resident.objects.filter(area.q("household__")).filter(q).prefetch_related("care_notes").order_by("pk"))


def resident_in_area_get(user, area: Area, pk, perm: Perm | tuple[Perm, ...] = Perm.MANAGE_MEASURES) -> Resident:
    """One resident inside both the area and the user's own jurisdiction."""
    return get_scoped(residents_for(user, perm).filter(area.q("household__")), pk)


__all__ = ["Page", "Msg", "resident_search", "resident_get", "household_get", "possible_duplicates"]


def population_of(place=None) -> int:
    """How many residents live at or below a node of the tree (all of them without one): a count, no personal
    data, for planning supplies by days of demand."""
    if place is None:
        return Resident.objects.count()
    return Resident.objects.filter(**{f"{place.kind}_id": place.pk}).count()


def resident_by_code(user, perm: Perm, *, id_hash: str = "", qr_id: str = "") -> Resident | None:
    """The resident inside the user's jurisdiction holding this ID number (by its keyed hash) or personal code;
    None when there is none there (sampling in a testing round, matching a list)."""
    if id_hash:
        return residents_for(user, perm).filter(id_hash=id_hash).first()
    if qr_id:
        return residents_for(user, perm).filter(qr_id=qr_id).first()
    return None
