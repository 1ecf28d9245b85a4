"""Reads of residents and households, always scoped by the acting user and audited."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet

from shaodian.errors import Msg, NotFound, ServiceError
from shaodian.people.models import HealthFlag, Resident, SpecialGroup
from shaodian.places.models import Household
from shaodian.security import crypto
from shaodian.security.audit import audit, audit_list
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm
from shaodian.security.scope import scoped

PAGE_SIZE = 20
MAX_PAGE_SIZE = 200
_ADDRESS_HINT = re.compile(r"[0-9０-９]|路|街|巷|号|栋|幢|单元|室|村|苑|小区|弄|楼|社区|大厦|公寓|花园")
_DIGITS = re.compile(r"[0-9]+[0-9Xx]?")


@dataclass
class Page:
    items: list[Resident]
    next: str | None


def residents_for(user) -> QuerySet:
    return scoped(user, Resident.objects.all(), Perm.VIEW_RESIDENTS)


def households_for(user) -> QuerySet:
    return scoped(user, Household.objects.all(), Perm.VIEW_RESIDENTS)


def health_flags_of(user, resident_id) -> list[str]:
    """The health flags (case, close contact, monitoring) of a resident in the user's area, for who may see cases."""
    inside = scoped(user, Resident.objects.filter(pk=resident_id), Perm.VIEW_CASES)
    return sorted(HealthFlag.objects.filter(resident__in=inside).values_list("flag", flat=True))


def id_hashes(value: str) -> dict[str, str]:
    """Lookup hashes for a document number: full value and last four characters."""
    key = settings.FIELD_KEY
    return {
        "id_hash": crypto.lookup_hash(key, value, purpose="id"),
        "id_tail_hash": crypto.lookup_hash(key, value[-4:], purpose="id-tail", length=16),
    }


def phone_hashes(value: str) -> dict[str, str]:
    key = settings.FIELD_KEY
    if not value:
        return {"phone_hash": "", "phone_tail_hash": ""}
    return {
        "phone_hash": crypto.lookup_hash(key, value, purpose="phone"),
        "phone_tail_hash": crypto.lookup_hash(key, value[-4:], purpose="phone-tail", length=16),
    }


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
    if _ADDRESS_HINT.search(q) or len(q) > 6:
        return Q(household__address__contains=q)
    return None  # a name: see _name_prefix


NAME_PROBE = 500


def _name_prefix(qs: QuerySet, q: str) -> QuerySet:
    """Name prefix search that stays fast for a district: rare names by the name index, common ones by id.

    A rare name is found through the name index and its few matches are sorted; a common surname
    (张, 李) matches tens of thousands of rows, and walking the scope newest-first finds a page
    in microseconds. One bounded probe of the name index tells the two apart.
    """
    if connection.vendor != "sqlite":
        return qs.filter(name__startswith=q)  # PostgreSQL's planner weighs this itself
    # A range on the plain index: SQLite's LIKE cannot use an index for a prefix.
    by_index = qs.filter(name__gte=q, name__lt=q + "\U0010ffff")
    if by_index.values("id")[:NAME_PROBE].count() < NAME_PROBE:
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
    request=None,
) -> Page:
    """One keyset page of the residents the user may see, newest first; audited."""
    qs = resident_filter(user, q=q, grid=grid, tag=tag)
    if cursor:
        try:
            qs = qs.filter(id__lt=int(cursor))
        except ValueError:
            raise ServiceError.one("cursor", "分页参数无效", "Invalid page cursor", "cursor") from None
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    rows = list(qs.select_related("household").order_by("-id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    audit_list(user, "resident", rows, request=request, query={"q": q, "grid": grid, "tag": tag, "cursor": cursor})
    return Page(rows, str(rows[-1].pk) if more else None)


def resident_filter(user, *, q: str = "", grid: int | None = None, tag: str | None = None) -> QuerySet:
    """The user's residents narrowed by a search, a grid and a special group (not audited: callers audit)."""
    qs = residents_for(user)
    if q and q.strip():
        condition = search_filter(q)
        qs = _name_prefix(qs, q.strip()) if condition is None else qs.filter(condition)
    if grid:
        qs = qs.filter(grid_id=grid)
    if tag:
        if tag not in SpecialGroup.values:
            raise ServiceError.one("tag", "未知的特殊群体类别", "Unknown special group", "tag")
        qs = qs.filter(tags__contains=f",{tag},")
    return qs


def resident_get(user, pk, *, request=None) -> Resident:
    try:
        resident = residents_for(user).select_related("household", "grid", "community").get(pk=int(pk))
    except (Resident.DoesNotExist, ValueError, TypeError):
        raise NotFound from None
    audit(user, AuditAction.READ, "resident", resident.pk, request=request)
    return resident


def household_get(user, pk, *, request=None) -> tuple[Household, list[Resident]]:
    """A household and those of its members the user may see (members elsewhere stay hidden)."""
    try:
        household = households_for(user).select_related("unit__building", "grid").get(pk=int(pk))
    except (Household.DoesNotExist, ValueError, TypeError):
        raise NotFound from None
    members = list(
        residents_for(user)
        .filter(Q(household=household) | Q(links__household=household))
        .distinct()
        .order_by("id")
    )
    audit(user, AuditAction.READ, "household", household.pk, detail={"members": [m.pk for m in members]}, request=request)
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


__all__ = ["Page", "Msg", "resident_search", "resident_get", "household_get", "possible_duplicates"]
