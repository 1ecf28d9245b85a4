"""Writes on tasks: dispatch down (checked against the admission list), system tasks other apps create and close
by their source, and the receiver's acknowledge and complete."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from shaodian.core.notify import notify
from shaodian.errors import NotFound, ServiceError
from shaodian.places.models import LEVEL, Place, PlaceKind
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction, User
from shaodian.security.roles import Perm
from shaodian.tasks import states
from shaodian.tasks.models import AdmissionList, Kind, Status, Task, Team

TITLE_MAX = 200
DETAIL_MAX = 2000
NOTE_MAX = 1000
REASON_MAX = 500
SOURCE_MAX = 40


def _text(value, field: str, limit: int, *, required: bool = False) -> str:
    value = " ".join(str(value or "").split()) if field != "detail" else str(value or "").strip()
    if required and not value:
        raise ServiceError.one(field, "此项必填", "This field is required", "missing")
    if len(value) > limit:
        raise ServiceError.one(field, f"最多 {limit} 个字符", f"At most {limit} characters", "string_too_long")
    return value


def _kind(kind) -> str:
    if kind not in Kind.values:
        raise ServiceError.one("kind", "未知的任务类型", "Unknown task kind")
    return str(kind)


def _due(due_at) -> dt.datetime:
    if not isinstance(due_at, dt.datetime) or timezone.is_naive(due_at):
        raise ServiceError.one("due_at", "请填写完成期限", "Give a deadline with its time zone")
    return due_at


def _state(t: Task) -> states.State:
    return states.State(states.Status(t.status), t.acknowledged_at, t.closed_at)


def _apply(t: Task, action: states.Action, *, now, has_evidence: bool = False) -> None:
    try:
        new = states.transition(_state(t), action, now=now, has_evidence=has_evidence)
    except states.IllegalMove as exc:
        raise ServiceError.one("action", exc.zh, exc.en, exc.code, status=409) from None
    t.status, t.acknowledged_at, t.closed_at, t.updated_at = new.status.value, new.acknowledged_at, new.closed_at, now


def admission_list_for(node: Place) -> AdmissionList | None:
    """The admission list of the community a node lies in (none above the community level)."""
    if node.community_id is None:
        return None
    return AdmissionList.objects.filter(place_id=node.community_id).first()


def admission_applies(actor, node: Place) -> bool:
    """The list binds work sent into a community from above it, not a community's own staff inside it."""
    if node.community_id is None or actor is None or actor.node is None:
        return False
    return LEVEL[PlaceKind(actor.node.kind)] < LEVEL[PlaceKind.COMMUNITY]


def _holders(t: Task) -> list[int]:
    if t.assignee_id:
        return [t.assignee_id]
    if t.team_id:
        return list(t.team.members.filter(is_active=True).values_list("pk", flat=True))
    return [u.pk for u in User.objects.filter(node_id=t.place_id, is_active=True) if u.can(Perm.DO_TASKS)]


def _tell_holders(t: Task, *, reason: str = "new") -> None:
    for uid in _holders(t):
        notify(recipient=uid, zh=f"新任务：{t.title}", en=f"New task: {t.title}", link="/tasks/mine/",
               key=f"task:{t.pk}:{reason}:{uid}", channels=("inapp", "sms"))


def _check_receiver(actor, node: Place, assignee, team) -> None:
    if assignee is not None and team is not None:
        raise ServiceError.one("assignee", "请指派给一个人或一个队伍，不能同时指定", "Give the task to a person or a team, not both")
    if assignee is not None:
        inside = Place.objects.for_user(actor, Perm.DISPATCH_TASKS).filter(pk=assignee.node_id).exists()
        if not assignee.is_active or not inside or not assignee.can(Perm.DO_TASKS):
            raise ServiceError.one("assignee", "此人不在您的辖区内或不能接收任务",
                                   "This person is outside your jurisdiction or cannot take tasks")
    if team is not None and not Team.objects.for_user(actor, Perm.DISPATCH_TASKS).filter(pk=team.pk).exists():
        raise ServiceError.one("team", "此队伍不在您的辖区内", "This team is outside your jurisdiction")


def task_dispatch(*, actor, kind, node, title, due_at, assignee=None, team=None, detail="", exception_reason="",
                  now=None) -> Task:
    """A person sends work down to a node, a team or a person; a kind outside the community's admission list is
    refused with the list's name, or goes through with a filed exception (reason) that the level above sees."""
    if not actor.can(Perm.DISPATCH_TASKS):
        raise ServiceError.forbidden()
    now = now or timezone.now()
    kind, title = _kind(kind), _text(title, "title", TITLE_MAX, required=True)
    detail, due_at = _text(detail, "detail", DETAIL_MAX), _due(due_at)
    reason = _text(exception_reason, "exception_reason", REASON_MAX)
    if due_at <= now:
        raise ServiceError.one("due_at", "完成期限须晚于现在", "The deadline must be in the future")
    if node is None or not Place.objects.for_user(actor, Perm.DISPATCH_TASKS).filter(pk=node.pk).exists():
        raise ServiceError.one("node", "此地点不在您的辖区内", "This place is outside your jurisdiction", "not_found")
    _check_receiver(actor, node, assignee, team)
    listed = admission_list_for(node) if admission_applies(actor, node) else None
    if listed is not None and kind in listed.kinds:
        reason = ""  # on the list: nothing to justify
    elif listed is not None and not reason:
        # The refusal is kept (who sent which kind to which list), so the level above can see the pressure too.
        audit(actor, AuditAction.DENIED, "task", "", detail={"kind": kind, "node": node.pk, "admission_list": listed.pk})
        raise ServiceError.one(
            "kind", f"「{listed.name}」未列入此类任务（{Kind(kind).label}）：不能派发，或填写例外理由后报上级备案",
            f"“{listed.name}” does not list this kind ({Kind(kind).name.lower()}): it is refused, or file an "
            "exception with a reason for the level above", "not_admitted")
    elif listed is None:
        reason = ""
    with transaction.atomic():
        t = Task(kind=kind, title=title, detail=detail, assignee=assignee, team=team, due_at=due_at,
                 created_by=actor, exception_reason=reason, created_at=now, updated_at=now)
        t.locate_at(node)
        t.save()
        audit(actor, AuditAction.CREATE, "task", t.pk,
              detail={"kind": kind, "node": node.pk, "exception": bool(reason)})
        _tell_holders(t)
        if reason:
            _tell_above(t, actor)
    return t


def _tell_above(t: Task, actor) -> None:
    """A filed exception goes to the dispatchers one level above the sender."""
    up = actor.node.parent or actor.node
    for user in User.objects.filter(node=up, is_active=True):
        if user.can(Perm.DISPATCH_TASKS):
            notify(recipient=user, zh=f"准入清单外任务已备案：{t.title}", en=f"Exception filed for a task outside "
                   f"the admission list: {t.title}", link="/tasks/overview/", key=f"task:{t.pk}:exception:{user.pk}")


def task_for_system(*, kind, node, title, due_at, source, source_id, assignee=None, detail="", now=None) -> Task:
    """The task an app creates for its own event (an alert, a returnee's follow-up); the same (source, source_id)
    gives back the same task. Not checked against the admission list: the system is not a level above."""
    kind, title, detail, due_at = _kind(kind), _text(title, "title", TITLE_MAX, required=True), \
        _text(detail, "detail", DETAIL_MAX), _due(due_at)
    source, source_id = _text(source, "source", SOURCE_MAX, required=True), _text(source_id, "source_id", 64,
                                                                                  required=True)
    if not isinstance(node, Place) or node.pk is None:
        raise ServiceError.one("node", "请指定任务所在的地点", "Give the place the task concerns", "missing")
    found = Task.objects.filter(source=source, source_id=source_id).first()
    if found is not None:
        return found
    now = now or timezone.now()
    try:
        with transaction.atomic():
            t = Task(kind=kind, title=title, detail=detail, assignee=assignee, due_at=due_at, source=source,
                     source_id=source_id, created_at=now, updated_at=now)
            t.locate_at(node)
            t.save()
            audit(None, AuditAction.CREATE, "task", t.pk, channel="worker", detail={"kind": kind, "source": source})
            _tell_holders(t)
    except IntegrityError:  # another writer created it between our look and our insert
        return Task.objects.get(source=source, source_id=source_id)
    return t


def task_close_for_source(*, source, source_id, note, now=None) -> Task | None:
    """Close the live task of (source, source_id) as done, e.g. when its alert was acknowledged elsewhere;
    None when there is no such task. A closed task stays as it is."""
    now = now or timezone.now()
    note = _text(note, "note", NOTE_MAX) or "已由来源系统关闭 / Closed by its source"
    with transaction.atomic():
        t = Task.objects.select_for_update(of=("self",)).filter(source=str(source), source_id=str(source_id)).first()
        if t is None or not t.is_live:
            return t
        _apply(t, states.Action.COMPLETE, now=now, has_evidence=True)
        t.evidence_note = note
        t.save(update_fields=["status", "acknowledged_at", "closed_at", "updated_at", "evidence_note"])
        audit(None, AuditAction.UPDATE, "task", t.pk, channel="worker", detail={"action": "close_for_source"})
    return t


def get_task_for_holder(actor, task_id, *, lock: bool = False) -> Task:
    from shaodian.tasks.selectors import my_tasks

    qs = my_tasks(actor, live_only=False)
    if lock:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=int(task_id))
    except (Task.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound from None


def task_acknowledge(*, actor, task_id, now=None) -> Task:
    """The receiver confirms they have the task (签收)."""
    if not actor.can(Perm.DO_TASKS):
        raise ServiceError.forbidden()
    now = now or timezone.now()
    with transaction.atomic():
        t = get_task_for_holder(actor, task_id, lock=True)
        if t.status == Status.ACKNOWLEDGED:
            return t  # a second tap changes nothing
        _apply(t, states.Action.ACKNOWLEDGE, now=now)
        if t.assignee_id is None:
            t.assignee = actor  # taking a pool or team task makes it one's own
        t.save(update_fields=["status", "acknowledged_at", "updated_at", "assignee"])
        audit(actor, AuditAction.UPDATE, "task", t.pk, detail={"action": "acknowledge"})
    return t


def task_complete(*, actor, task_id, note="", photo=None, client_id="", now=None) -> Task:
    """The receiver closes the task with evidence (a note, a photo resized and stripped of EXIF/GPS);
    the same client id sent again answers with the task as it is."""
    from shaodian.core.photos import clean_photo

    if not actor.can(Perm.DO_TASKS):
        raise ServiceError.forbidden()
    now = now or timezone.now()
    note, client_id = _text(note, "note", NOTE_MAX), _text(client_id, "client_id", 64)
    jpeg = clean_photo(photo) if photo else None
    with transaction.atomic():
        t = get_task_for_holder(actor, task_id, lock=True)
        if client_id and t.complete_client_id == client_id:
            return t
        _apply(t, states.Action.COMPLETE, now=now, has_evidence=bool(note or jpeg))
        t.evidence_note, t.evidence_photo, t.closed_by = note, jpeg, actor
        t.complete_client_id, t.assignee = client_id, t.assignee or actor
        t.save()
        audit(actor, AuditAction.UPDATE, "task", t.pk, detail={"action": "complete", "photo": jpeg is not None})
    return t


def admission_list_set(*, actor, community, name, kinds, now=None) -> AdmissionList:
    """Keep a community's admission list (准入清单): the kinds of work the levels above may send it."""
    if not actor.can(Perm.DISPATCH_TASKS):
        raise ServiceError.forbidden()
    if community is None or community.kind != PlaceKind.COMMUNITY or not Place.objects.for_user(
            actor, Perm.DISPATCH_TASKS).filter(pk=community.pk).exists():
        raise ServiceError.one("community", "请选择您辖区内的社区", "Choose a community in your jurisdiction")
    name = _text(name, "name", 100, required=True)
    kinds = sorted({_kind(k) for k in kinds})
    if not kinds:
        raise ServiceError.one("kinds", "至少选择一类任务", "Choose at least one kind of task", "missing")
    now = now or timezone.now()
    with transaction.atomic():
        row = AdmissionList.objects.select_for_update(of=("self",)).filter(place=community).first() or AdmissionList(
            updated_at=now)
        before = list(row.kinds) if row.pk else []
        row.locate_at(community)
        row.name, row.kinds, row.updated_by, row.updated_at = name, kinds, actor, now
        row.save()
        audit(actor, AuditAction.UPDATE, "admission_list", row.pk, detail={"before": before, "after": kinds})
    return row


def task_cancel(*, actor, task_id, now=None) -> Task:
    """The sender (or a dispatcher over the node) withdraws a live task."""
    if not actor.can(Perm.DISPATCH_TASKS):
        raise ServiceError.forbidden()
    now = now or timezone.now()
    with transaction.atomic():
        try:
            t = Task.objects.for_user(actor, Perm.DISPATCH_TASKS).select_for_update(of=("self",)).get(pk=int(task_id))
        except (Task.DoesNotExist, ValueError, TypeError, OverflowError):
            raise NotFound from None
        _apply(t, states.Action.CANCEL, now=now)
        t.closed_by = actor
        t.save(update_fields=["status", "closed_at", "updated_at", "closed_by"])
        audit(actor, AuditAction.UPDATE, "task", t.pk, detail={"action": "cancel"})
    return t


def tasks_reassign(*, actor, from_worker, to_worker, now=None) -> int:
    """统筹补缺: every live task of one worker goes to another in one action; returns how many moved."""
    if not actor.can(Perm.MANAGE_WORKFORCE):
        raise ServiceError.forbidden()
    mine = Place.objects.for_user(actor, Perm.MANAGE_WORKFORCE)
    for field, worker in (("from_worker", from_worker), ("to_worker", to_worker)):
        if worker is None or not mine.filter(pk=worker.node_id).exists():
            raise ServiceError.one(field, "此人不在您的辖区内", "This person is outside your jurisdiction", "not_found")
    if from_worker.pk == to_worker.pk:
        raise ServiceError.one("to_worker", "请选择另一个人", "Choose someone else")
    if not to_worker.is_active or not to_worker.can(Perm.DO_TASKS):
        raise ServiceError.one("to_worker", "此人不能接收任务", "This person cannot take tasks")
    now = now or timezone.now()
    with transaction.atomic():
        live = list(Task.objects.select_for_update(of=("self",)).filter(assignee=from_worker, status__in=states.LIVE_VALUES))
        for t in live:
            _apply(t, states.Action.REASSIGN, now=now)
            t.assignee = to_worker
        Task.objects.bulk_update(live, ["status", "acknowledged_at", "updated_at", "assignee"])
        audit(actor, AuditAction.UPDATE, "task", "", detail={"action": "reassign", "from": from_worker.pk,
                                                           "to": to_worker.pk, "tasks": [t.pk for t in live]})
        if live:
            notify(recipient=to_worker, zh=f"已转给您 {len(live)} 项任务", en=f"{len(live)} tasks were passed to you",
                   link="/tasks/mine/", key=f"reassign:{from_worker.pk}:{to_worker.pk}:{now.timestamp():.0f}",
                   channels=("inapp", "sms"))
    return len(live)


def _watchers(t: Task) -> list[User]:
    """Who hears of an overdue task: the sender, and the dispatchers of the level above its community."""
    up_id = t.street_id or t.district_id if t.community_id else t.district_id or t.city_id
    found = [u for u in User.objects.filter(node_id=up_id, is_active=True) if u.can(Perm.DISPATCH_TASKS)]
    if t.created_by_id and t.created_by_id not in {u.pk for u in found}:
        found.append(t.created_by)
    return found


def tasks_escalate_overdue(*, now=None) -> int:
    """Live tasks past their deadline are flagged once and told upward (the overview shows them all the time)."""
    now = now or timezone.now()
    late = Task.objects.filter(status__in=states.LIVE_VALUES, due_at__lt=now, escalated_at=None)
    done = 0
    for pk in late.values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            t = Task.objects.select_for_update(of=("self",)).select_related("created_by").get(pk=pk)
            if t.escalated_at is not None or not t.is_live:
                continue
            t.escalated_at = now
            t.save(update_fields=["escalated_at"])
            audit(None, AuditAction.UPDATE, "task", t.pk, channel="worker", detail={"action": "overdue"})
            for user in _watchers(t):
                notify(recipient=user, zh=f"任务超期未办结：{t.title}", en=f"Task overdue: {t.title}",
                       link="/tasks/overview/", key=f"task:{t.pk}:overdue:{user.pk}")
            done += 1
    return done
