"""The last 100 metres (最后一百米): a round of one building with its door list, a tap per door (idempotent on the
phone's client id), and a close that surfaces every door not reached — a special-group door never silently."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from shaodian.core.notify import notify
from shaodian.delivery.models import DeliveryRound, DeliveryStop, DeliveryTap, RoundStatus, StopStatus
from shaodian.errors import Msg, NotFound, ServiceError
from shaodian.people.models import SpecialGroup
from shaodian.people.selectors import Area, households_in, special_group_in
from shaodian.places import walk
from shaodian.places.models import Building
from shaodian.security import crypto
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction, User
from shaodian.security.roles import Perm
from shaodian.security.scope import get_scoped

TEXT_MAX = 200
CLIENT_ID_MAX = 64
ROUND_CLOSED = Msg("本轮配送已结束，不能再修改", "This round is closed and cannot change", "round_closed")


def _text(value, field: str, label_zh: str, label_en: str) -> str:
    value = " ".join(str(value or "").split())
    if len(value) > TEXT_MAX:
        raise ServiceError.one(field, f"{label_zh}最多 {TEXT_MAX} 个字符", f"{label_en}: at most {TEXT_MAX} characters",
                               "string_too_long")
    return value


def rounds_for(user):
    """The rounds a user may see: a volunteer only their own; staff those of their jurisdiction."""
    if user.can(Perm.VIEW_SUPPLIES) or user.can(Perm.REQUEST_SUPPLIES):
        return DeliveryRound.objects.for_user(user, (Perm.VIEW_SUPPLIES, Perm.REQUEST_SUPPLIES))
    if user.can(Perm.DELIVER):
        return DeliveryRound.objects.for_user(user, Perm.DELIVER).filter(volunteer=user)
    return DeliveryRound.objects.none()


def round_get(user, pk) -> DeliveryRound:
    return get_scoped(rounds_for(user).select_related("volunteer"), pk)


def volunteers_for(actor, building: Building) -> list[User]:
    """Who may carry a round of this building: active users holding DELIVER whose area covers it."""
    node_ids = {building.city_id, building.district_id, building.street_id, building.community_id, building.grid_id}
    return [u for u in User.objects.filter(node_id__in=node_ids - {None}, is_active=True).order_by("username")
            if u.can(Perm.DELIVER)]


def door_list(actor, building: Building) -> list[dict]:
    """The building's doors, special-group households first (their members' names masked)."""
    area = Area("grid", building.grid_id, building_id=building.pk)
    homes = list(households_in(actor, area, Perm.REQUEST_SUPPLIES).order_by("address").values_list("pk", "address"))
    special: dict[int, tuple[set, list]] = {}
    for r in special_group_in(actor, area, SpecialGroup.values, Perm.REQUEST_SUPPLIES):
        tags, names = special.setdefault(r.household_id, (set(), []))
        tags.update(r.tag_list)
        names.append(crypto.mask_name(r.name))
    doors = [{"household_id": pk, "label": address, "special_tags": ",".join(sorted(special.get(pk, ((), []))[0])),
              "masked": "、".join(special.get(pk, ((), []))[1])} for pk, address in homes]
    return sorted(doors, key=lambda d: (not d["special_tags"], walk.natural(d["label"])))


def walking_order(stops) -> list[DeliveryStop]:
    """A round's doors as the volunteer walks them: special-group doors first, then 101 < 201 < 1001 (numbers by value)."""
    return sorted(stops, key=lambda s: (not s.special_tags, walk.natural(s.label)))


def round_create(*, actor, building_id, volunteer_id, day=None, drop_point: str = "", goods: str = "",
                 now=None) -> DeliveryRound:
    """A round of one building for a volunteer, with the door list read at this moment."""
    if not actor.can(Perm.REQUEST_SUPPLIES):
        raise ServiceError.forbidden()
    now = now or timezone.now()
    drop_point = _text(drop_point, "drop_point", "投放点", "Drop point")
    goods = _text(goods, "goods", "配送物资", "Goods")
    with transaction.atomic():
        building = get_scoped(Building.objects.for_user(actor, Perm.REQUEST_SUPPLIES), building_id)
        volunteer = next((u for u in volunteers_for(actor, building) if str(u.pk) == str(volunteer_id)), None)
        if volunteer is None:
            raise ServiceError.one("volunteer", "请选择负责本楼栋的志愿者", "Choose a volunteer who serves this building")
        doors = door_list(actor, building)
        if not doors:
            raise ServiceError.one("building", "该楼栋没有登记住户", "No household is registered in this building")
        r = DeliveryRound(building=building, label=building.address, day=day or timezone.localdate(now),
                          volunteer=volunteer, drop_point=drop_point, goods=goods, created_by=actor, created_at=now)
        r.copy_scope_from(building)
        r.save()
        stops = []
        for d in doors:
            stop = DeliveryStop(round=r, **d)
            stop.copy_scope_from(building)
            stops.append(stop)
        DeliveryStop.objects.bulk_create(stops)
        audit(actor, AuditAction.CREATE, "delivery_round", r.pk,
              detail={"doors": len(stops), "special": sum(1 for s in stops if s.special_tags)})
    return r


def _stop_for(actor, stop_id) -> DeliveryStop:
    try:
        stop = DeliveryStop.objects.select_related("round").select_for_update().get(pk=int(stop_id))
    except (DeliveryStop.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound from None
    if not rounds_for(actor).filter(pk=stop.round_id).exists():
        raise NotFound
    return stop


def stop_mark(*, actor, stop_id, status: str, client_id: str, reason: str = "", now=None) -> DeliveryStop:
    """One tap at a door: delivered, or not reached with a reason. The same client id again changes nothing."""
    if not (actor.can(Perm.DELIVER) or actor.can(Perm.REQUEST_SUPPLIES)):
        raise ServiceError.forbidden()
    client_id = str(client_id or "").strip()
    if not client_id or len(client_id) > CLIENT_ID_MAX:
        raise ServiceError.one("client_id", "缺少操作编号", "A client id (1 to 64 characters) is needed", "missing")
    if status not in (StopStatus.DELIVERED, StopStatus.UNREACHED):
        raise ServiceError.one("status", "请选择“已送达”或“未送达”", "Choose delivered or not reached")
    reason = _text(reason, "reason", "原因", "Reason")
    if status == StopStatus.UNREACHED and not reason:
        raise ServiceError.one("reason", "请写明未送达的原因", "Say why the door was not reached", "missing")
    now = now or timezone.now()
    try:
        with transaction.atomic():
            stop = _stop_for(actor, stop_id)
            seen = DeliveryTap.objects.filter(client_id=client_id).first()
            if seen is not None:
                if seen.stop_id != stop.pk:
                    raise ServiceError.one("client_id", "操作编号已用于另一户", "This client id was used for another door",
                                           "conflict", status=409)
                return stop
            if stop.round.status != RoundStatus.OPEN:
                raise ServiceError({"general": [ROUND_CLOSED]}, 409)
            DeliveryTap.objects.create(stop=stop, client_id=client_id, status=status, reason=reason, by=actor, at=now)
            stop.status, stop.reason, stop.at, stop.by = status, reason if status == StopStatus.UNREACHED else "", now, actor
            stop.save(update_fields=["status", "reason", "at", "by"])
            audit(actor, AuditAction.UPDATE, "delivery_stop", stop.pk, detail={"status": status})
    except IntegrityError:  # the same tap arrived twice at once: the other one stored it
        return DeliveryStop.objects.get(pk=int(stop_id))
    return stop


# What a door left without a reason is closed with: by hand at the round's end, or by the worker after the day.
UNCONFIRMED = "收尾时未确认送达"
DAY_OVER = "当日结束时仍未送达（系统自动结束本轮）"
DAY_END_BATCH = 500


def _tell_staff(r: DeliveryRound, missed: list[DeliveryStop], *, day_over: bool = False) -> None:
    """Whoever organised the round and the community's staff hear of every door not reached, the same day."""
    special = [s for s in missed if s.special_tags]
    zh = (("本轮配送当日未结束，已自动结束：" if day_over else "") + f"{r.label} 有 {len(missed)} 户未送达"
          + (f"，其中 {len(special)} 户为特殊群体，请立即跟进" if special else ""))
    en = (("Round left open at the end of its day, closed: " if day_over else "")
          + f"{r.label}: {len(missed)} door(s) not reached"
          + (f", {len(special)} special-group, follow up now" if special else ""))
    staff = {r.created_by_id}
    for u in User.objects.filter(node_id__in=[r.community_id, r.grid_id], is_active=True):
        if u.can(Perm.REQUEST_SUPPLIES):
            staff.add(u.pk)
    for pk in sorted(staff):
        notify(recipient=pk, zh=zh, en=en, link=f"/delivery/rounds/{r.pk}/", key=f"delivery_round:{r.pk}:missed:{pk}")


def _close(r: DeliveryRound, *, actor, reasons: dict, now, day_over: bool = False) -> DeliveryRound:
    """The one close of a locked open round: untapped doors become not reached, the staff hear of them, audited.

    By hand a special-group door needs its reason or nothing changes; after the day (`day_over`, no actor) nobody
    is there to give one, so it is closed as not reached and told like every other door.
    """
    missing, missed = [], []
    for stop in walking_order(r.stops.exclude(status=StopStatus.DELIVERED)):
        reason = reasons.get(str(stop.pk)) or stop.reason
        if stop.special_tags and not reason and not day_over:
            missing.append(stop.label)
            continue
        stop.status, stop.reason = StopStatus.UNREACHED, reason or (DAY_OVER if day_over else UNCONFIRMED)
        stop.at, stop.by = stop.at or now, stop.by or actor
        stop.save(update_fields=["status", "reason", "at", "by"])
        missed.append(stop)
    if missing:
        raise ServiceError.one(
            "reason", "以下特殊群体住户未送达，请逐户写明原因后再结束：" + "、".join(missing),
            "Special-group doors not reached need a reason each before the round closes: " + ", ".join(missing),
            "special_unreached")
    r.status, r.closed_at, r.closed_by = RoundStatus.CLOSED, now, actor
    r.save(update_fields=["status", "closed_at", "closed_by"])
    if missed:
        _tell_staff(r, missed, day_over=day_over)
    detail = {"closed": True, "unreached": len(missed), "special_unreached": sum(1 for s in missed if s.special_tags)}
    if day_over:
        detail["day_over"] = True
    audit(actor, AuditAction.UPDATE, "delivery_round", r.pk, detail=detail, channel="worker" if day_over else None)
    return r


def round_close(*, actor, round_id, reasons: dict | None = None, now=None) -> DeliveryRound:
    """Close a round: doors not tapped become not reached; a special-group door needs its reason, else refused."""
    if not (actor.can(Perm.DELIVER) or actor.can(Perm.REQUEST_SUPPLIES)):
        raise ServiceError.forbidden()
    reasons = {str(k): _text(v, "reason", "原因", "Reason") for k, v in (reasons or {}).items()}
    now = now or timezone.now()
    with transaction.atomic():
        r = get_scoped(rounds_for(actor).select_for_update(), round_id)
        if r.status != RoundStatus.OPEN:
            raise ServiceError({"general": [ROUND_CLOSED]}, 409)
        return _close(r, actor=actor, reasons=reasons, now=now)


def rounds_close_day_over(*, now=None) -> int:
    """Rounds still open after their local day ended are closed as by hand, every missed door told: the worker's job."""
    now = now or timezone.now()
    late = DeliveryRound.objects.filter(status=RoundStatus.OPEN, day__lt=timezone.localdate(now))
    closed = 0
    for pk in late.order_by("day", "pk").values_list("pk", flat=True)[:DAY_END_BATCH]:
        with transaction.atomic():
            r = DeliveryRound.objects.select_for_update().get(pk=pk)
            if r.status != RoundStatus.OPEN:  # closed by hand meanwhile
                continue
            _close(r, actor=None, reasons={}, now=now, day_over=True)
            closed += 1
    return closed


def unreached_on(user, day):
    """Doors not reached on a day (closed rounds) or still waiting (open rounds), special-group first."""
    rounds = rounds_for(user).filter(day=day)
    return (DeliveryStop.objects.filter(round__in=rounds).exclude(status=StopStatus.DELIVERED)
            .select_related("round").order_by("-special_tags", "round__label", "label"))
