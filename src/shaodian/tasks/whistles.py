"""Whistles (吹哨报到): a community calls a department, the department answers by its deadline, a late answer goes
one level up (the outbox's periodic job), the community closes it."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from shaodian.core.notify import notify
from shaodian.errors import NotFound, ServiceError
from shaodian.places.models import Place, PlaceKind
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction, User
from shaodian.security.roles import Perm
from shaodian.tasks import whistle_states as ws
from shaodian.tasks.models import Department, Whistle, WhistleCategory, WhistleEvent, WhistleStatus

NEED_MAX = 1000
ANSWER_MAX = 1000
SEE = (Perm.VIEW_SCREENING, Perm.DISPATCH_TASKS, Perm.ANSWER_WHISTLE)


def whistles_for(user):
    """Whistles inside the user's jurisdiction, plus those sent to the user's departments."""
    scoped = Whistle.objects.for_user(user, SEE)
    if not user.can(Perm.ANSWER_WHISTLE):
        return scoped.select_related("department", "place", "escalated_to")
    theirs = Whistle.objects.filter(department__members=user).values("pk")
    return Whistle.objects.filter(Q(pk__in=scoped.values("pk")) | Q(pk__in=theirs)).select_related(
        "department", "place", "escalated_to")


def whistle_get(user, whistle_id) -> Whistle:
    try:
        return whistles_for(user).get(pk=int(whistle_id))
    except (Whistle.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound from None


def departments_for(user):
    """Departments a community may call: those at its own node or any level above it, and any below in its scope."""
    if user.node is None:
        return Department.objects.none()
    node = user.node
    above = [i for i in (node.city_id, node.district_id, node.street_id, node.community_id, node.pk) if i]
    return Department.objects.filter(Q(place_id__in=above) | Q(pk__in=Department.objects.for_user(
        user, SEE).values("pk"))).order_by("name")


def _text(value, field, limit) -> str:
    value = str(value or "").strip()
    if not value:
        raise ServiceError.one(field, "此项必填", "This field is required", "missing")
    if len(value) > limit:
        raise ServiceError.one(field, f"最多 {limit} 个字符", f"At most {limit} characters", "string_too_long")
    return value


def _state(w: Whistle) -> ws.State:
    return ws.State(ws.Status(w.status), w.due_at, w.level, w.answered_at, w.closed_at)


def _apply(w: Whistle, action: ws.Action, *, now, actor=None, note="", **kw) -> None:
    try:
        new = ws.transition(_state(w), action, now=now, **kw)
    except ws.IllegalMove as exc:
        raise ServiceError.one("action", exc.zh, exc.en, exc.code, status=409) from None
    w.status, w.due_at, w.level = new.status.value, new.due_at, new.level
    w.answered_at, w.closed_at = new.answered_at, new.closed_at
    WhistleEvent.objects.create(whistle=w, action=action.value, actor=actor, note=note, at=now)


def _answerers(dept: Department) -> list[User]:
    members = list(dept.members.filter(is_active=True))
    if not members:
        members = list(User.objects.filter(node_id=dept.place_id, is_active=True))
    return [u for u in members if u.can(Perm.ANSWER_WHISTLE)]


def whistle_raise(*, actor, department_id, category, need, place=None, now=None) -> Whistle:
    """A community (or a grid in it) calls a department for help with a need at a place of its own."""
    if not actor.can(Perm.DISPATCH_TASKS):
        raise ServiceError.forbidden()
    if actor.node is None or actor.node.kind not in (PlaceKind.COMMUNITY, PlaceKind.GRID, PlaceKind.STREET):
        raise ServiceError.one("general", "吹哨由街道、社区或网格发起", "Whistles are raised by a street, community or grid")
    if category not in WhistleCategory.values:
        raise ServiceError.one("category", "未知的类别", "Unknown category")
    need = _text(need, "need", NEED_MAX)
    place = place or actor.node
    if not Place.objects.for_user(actor, Perm.DISPATCH_TASKS).filter(pk=place.pk).exists():
        raise ServiceError.one("place", "此地点不在您的辖区内", "This place is outside your jurisdiction", "not_found")
    try:
        dept = departments_for(actor).get(pk=int(department_id))
    except (Department.DoesNotExist, ValueError, TypeError, OverflowError):
        raise ServiceError.one("department", "请从列表中选择部门", "Choose a department from the list") from None
    now = now or timezone.now()
    with transaction.atomic():
        w = Whistle(department=dept, category=category, need=need, raised_by=actor, raised_at=now,
                    due_at=now + dt.timedelta(hours=dept.answer_hours))
        w.locate_at(place)
        w.save()
        WhistleEvent.objects.create(whistle=w, action="raise", actor=actor, note=need, at=now)
        audit(actor, AuditAction.CREATE, "whistle", w.pk, detail={"department": dept.pk, "category": category})
        for user in _answerers(dept):
            notify(recipient=user, zh=f"{place.name}吹哨：{need[:40]}", en=f"Whistle from {place.name}",
                   link=f"/tasks/whistles/{w.pk}/", key=f"whistle:{w.pk}:raised:{user.pk}", channels=("inapp", "sms"))
    return w


def whistle_act(*, actor, whistle_id, action, note="", now=None) -> Whistle:
    """The department answers (报到); the raising side closes or withdraws."""
    try:
        action = ws.Action(action)
    except ValueError:
        raise ServiceError.one("action", "未知的操作", "Unknown action") from None
    if action == ws.Action.ESCALATE:
        raise ServiceError.one("action", "升级由系统按期限执行", "Escalation happens by the deadline, not by hand")
    now = now or timezone.now()
    with transaction.atomic():
        w = whistle_get(actor, whistle_id)
        w = Whistle.objects.select_for_update(of=("self",)).select_related("department", "place").get(pk=w.pk)
        if action == ws.Action.ANSWER:
            dept_users = {u.pk for u in _answerers(w.department)}
            if actor.pk not in dept_users:
                raise ServiceError.forbidden()
            w.answer, w.answered_by = _text(note, "note", ANSWER_MAX), actor
        elif not actor.can(Perm.DISPATCH_TASKS) or not Whistle.objects.for_user(actor, Perm.DISPATCH_TASKS).filter(
                pk=w.pk).exists():
            raise ServiceError.forbidden()
        _apply(w, action, now=now, actor=actor, note=str(note or "")[:ANSWER_MAX])
        w.save()
        audit(actor, AuditAction.UPDATE, "whistle", w.pk, detail={"action": action.value})
        if action == ws.Action.ANSWER:
            notify(recipient=w.raised_by_id, zh=f"{w.department.name}已报到：{w.answer[:40]}",
                   en=f"{w.department.name} answered", link=f"/tasks/whistles/{w.pk}/",
                   key=f"whistle:{w.pk}:answered")
    return w


def whistles_escalate(*, now=None) -> int:
    """Raised whistles past their deadline go one level up with a fresh deadline; the level above is told."""
    now = now or timezone.now()
    done = 0
    for pk in Whistle.objects.filter(status=WhistleStatus.RAISED, due_at__lt=now).values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            w = Whistle.objects.select_for_update(of=("self",)).select_related("department", "place", "escalated_to").get(pk=pk)
            handling = w.escalated_to or w.department.place
            up = handling.parent
            try:
                _apply(w, ws.Action.ESCALATE, now=now, grace=dt.timedelta(hours=w.department.answer_hours),
                       top=up is None, note=up.name if up else "")
            except ServiceError:
                continue  # answered meanwhile, or already at the top: nothing to do
            w.escalated_to, w.escalated_at = up, now
            w.save()
            audit(None, AuditAction.UPDATE, "whistle", w.pk, channel="worker",
                  detail={"escalated_to": up.pk, "level": w.level})
            for user in User.objects.filter(node=up, is_active=True):
                if user.can(Perm.DISPATCH_TASKS) or user.can(Perm.ANSWER_WHISTLE):
                    notify(recipient=user, zh=f"吹哨超时未报到，升级至{up.name}督办：{w.department.name}",
                           en=f"Whistle unanswered in time, escalated to {up.name}: {w.department.name}",
                           link=f"/tasks/whistles/{w.pk}/", key=f"whistle:{w.pk}:up:{w.level}:{user.pk}")
            done += 1
    return done
