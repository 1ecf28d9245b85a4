"""Household demand (需求): a resident's link without an account, the grid worker's entry, a building's group order
(团购). Special-group needs (insulin, medicine, baby formula, or a household with special-group members) are flagged
so that plans and rounds serve them first."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from shaodian.delivery.models import SPECIAL_KINDS, Demand, DemandChannel, DemandLink, NeedKind
from shaodian.errors import Msg, NotFound, ServiceError
from shaodian.people.models import SpecialGroup
from shaodian.people.selectors import households_for, residents_for
from shaodian.places.models import Building
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm
from shaodian.security.scope import get_scoped

MAX_QUANTITY = 999
MAX_LINES = 10
MAX_HOUSEHOLDS = 5000
LINK_DAYS = 7
NOTE_MAX = 200
LINK_EXPIRED = Msg("此申请链接已过期，请联系网格员重新获取", "This request link has expired: ask your grid worker for a new one",
                   "link_expired")
LINK_REVOKED = Msg("此申请链接已作废，请联系网格员", "This request link was revoked: ask your grid worker", "link_revoked")


def _need(actor, perm: Perm) -> None:
    if not actor.can(perm):
        raise ServiceError.forbidden()


def _note(note) -> str:
    note = " ".join(str(note or "").split())
    if len(note) > NOTE_MAX:
        raise ServiceError.one("note", f"备注最多 {NOTE_MAX} 个字符", f"The note has at most {NOTE_MAX} characters",
                               "string_too_long")
    return note


def _line(kind, quantity, *, field: str = "quantity", most: int = MAX_QUANTITY) -> tuple[str, int]:
    if kind not in NeedKind.values:
        raise ServiceError.one("kind", "未知的物资类别", "Unknown kind of need")
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        quantity = 0
    if not 1 <= quantity <= most:
        raise ServiceError.one(field, f"数量须在 1 到 {most} 之间", f"The quantity must be between 1 and {most}",
                               "out_of_range")
    return kind, quantity


def special_reason(kind: str, tags: list[str]) -> str:
    """Why a need is served first ("" when it is not): its kind, then the household's special groups."""
    reasons = []
    if kind in SPECIAL_KINDS:
        reasons.append(f"need:{kind}")
    reasons += [f"group:{t}" for t in tags if t in SpecialGroup.values]
    return ",".join(reasons)


def household_tags(actor, household_id: int) -> list[str]:
    """The special groups of a household's members, as codes (never names)."""
    tags = set()
    for row in residents_for(actor).filter(household_id=household_id).values_list("tags", flat=True):
        tags.update(t for t in row.split(",") if t)
    return sorted(tags)


def _household(actor, household_id):
    h = get_scoped(households_for(actor).select_related("unit__building"), household_id)
    return h, h.unit.building


def _demand(*, scope, household, building, channel, kind, quantity, note, tags, now, actor=None, households=1):
    reason = special_reason(kind, tags)
    d = Demand(household=household, building=building, channel=channel, kind=kind, quantity=quantity, note=note,
               households=households, special=bool(reason), special_reason=reason,
               day=timezone.localdate(now), created_by=actor, created_at=now)
    d.copy_scope_from(scope)
    d.save()
    return d


def demand_submit(*, actor, household_id, kind: str, quantity, note: str = "", now=None) -> Demand:
    """The grid worker enters a household's need (phone call, door visit)."""
    _need(actor, Perm.REQUEST_SUPPLIES)
    kind, quantity = _line(kind, quantity)
    note, now = _note(note), now or timezone.now()
    with transaction.atomic():
        household, building = _household(actor, household_id)
        d = _demand(scope=household, household=household, building=building, channel=DemandChannel.WORKER, kind=kind,
                    quantity=quantity, note=note, tags=household_tags(actor, household.pk), now=now, actor=actor)
        audit(actor, AuditAction.CREATE, "demand", d.pk, detail={"kind": kind, "quantity": quantity,
                                                                 "special": d.special})
    return d


def group_order_submit(*, actor, building_id, kind: str, quantity, households, note: str = "", now=None) -> Demand:
    """A building's group order (团购), entered by its grid worker or community staff."""
    _need(actor, Perm.REQUEST_SUPPLIES)
    kind, quantity = _line(kind, quantity, most=MAX_QUANTITY * 100)
    _kind, households = _line(kind, households, field="households", most=MAX_HOUSEHOLDS)
    note, now = _note(note), now or timezone.now()
    with transaction.atomic():
        building = get_scoped(Building.objects.for_user(actor, Perm.REQUEST_SUPPLIES), building_id)
        d = _demand(scope=building, household=None, building=building, channel=DemandChannel.GROUP, kind=kind,
                    quantity=quantity, note=note, tags=[], now=now, actor=actor, households=households)
        audit(actor, AuditAction.CREATE, "demand", d.pk, detail={"kind": kind, "quantity": quantity, "group": True})
    return d


def demand_link_issue(*, actor, household_id, days: int = LINK_DAYS, now=None) -> tuple[DemandLink, str]:
    """A household's request link; the raw token is shown once (print it, send it) and kept only as a hash."""
    _need(actor, Perm.REQUEST_SUPPLIES)
    if not 1 <= int(days) <= 30:
        raise ServiceError.one("days", "有效期须在 1 到 30 天之间", "Valid for 1 to 30 days", "out_of_range")
    now = now or timezone.now()
    with transaction.atomic():
        household, building = _household(actor, household_id)
        raw = DemandLink.new_raw()
        link = DemandLink(household=household, building=building, label=household.address,
                          special_tags=",".join(household_tags(actor, household.pk)), key_hash=DemandLink.digest(raw),
                          expires_at=now + dt.timedelta(days=int(days)), created_by=actor, created_at=now)
        link.copy_scope_from(household)
        link.save()
        audit(actor, AuditAction.CREATE, "demand_link", link.pk, detail={"days": int(days)})
    return link, raw


def demand_link_revoke(*, actor, link_id, now=None) -> DemandLink:
    _need(actor, Perm.REQUEST_SUPPLIES)
    with transaction.atomic():
        link = get_scoped(DemandLink.objects.for_user(actor, Perm.REQUEST_SUPPLIES).select_for_update(), link_id)
        if link.revoked_at is None:
            link.revoked_at = now or timezone.now()
            link.save(update_fields=["revoked_at"])
            audit(actor, AuditAction.UPDATE, "demand_link", link.pk, detail={"revoked": True})
    return link


def link_open(raw: str, *, now=None) -> DemandLink:
    """The link's household; NotFound for an unknown token, a clear refusal for an expired or revoked one."""
    raw = str(raw or "")[:64]
    link = DemandLink.objects.filter(key_hash=DemandLink.digest(raw)).first() if raw else None
    if link is None:
        raise NotFound
    if link.revoked_at is not None:
        raise ServiceError({"general": [LINK_REVOKED]}, 410)
    if link.expires_at <= (now or timezone.now()):
        raise ServiceError({"general": [LINK_EXPIRED]}, 410)
    return link


def demand_submit_by_link(*, token: str, lines: list[tuple[str, int]], note: str = "", now=None) -> list[Demand]:
    """A resident asks through their household's link (no account): each line one need."""
    now = now or timezone.now()
    link = link_open(token, now=now)
    lines = [_line(kind, qty) for kind, qty in lines if kind or qty]
    if not lines:
        raise ServiceError.one("kind", "请至少填写一项需求", "Ask for at least one thing", "missing")
    if len(lines) > MAX_LINES:
        raise ServiceError.one("kind", f"一次最多 {MAX_LINES} 项", f"At most {MAX_LINES} lines at once")
    note = _note(note)
    tags = [t for t in link.special_tags.split(",") if t]
    with transaction.atomic():
        made = [_demand(scope=link, household=link.household, building=link.building, channel=DemandChannel.LINK,
                        kind=kind, quantity=qty, note=note, tags=tags, now=now) for kind, qty in lines]
        audit(None, AuditAction.CREATE, "demand", made[0].pk, channel="public", count=len(made),
              detail={"link": link.pk, "special": any(d.special for d in made)})
    return made
