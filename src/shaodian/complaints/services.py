"""Writes on complaints after intake: handling (assign, answer, resolve, close), the reporter's feedback and reopen,
escalation of late items through the outbox, and the routing table."""

import hmac

from django.db import transaction
from django.utils import timezone

from shaodian.complaints import deadlines, states, summary
from shaodian.complaints.intake import access_hash
from shaodian.complaints.models import Category, Complaint, ComplaintEvent, RoutingRule
from shaodian.complaints.routing import route
from shaodian.complaints.selectors import complaints_for
from shaodian.core.notify import notify
from shaodian.errors import Msg, NotFound, ServiceError
from shaodian.places.models import Place, PlaceKind
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction, User
from shaodian.security.roles import Perm

NOTE_MAX = 1000
NOT_REPORTER = Msg("受理编号或查询码不正确", "Wrong tracking number or query code", "not_found")
# Actions whose note is the answer the reporter reads (required).
ANSWERED = {states.Action.START, states.Action.RESOLVE, states.Action.CLOSE_UNRESOLVED}


def _state(c: Complaint) -> states.State:
    return states.State(states.Status(c.status), c.responded_at, c.closed_at, c.satisfied, c.reopen_count)


def _apply(c: Complaint, action: states.Action, *, now, actor=None, by_reporter=False, satisfied=None,
           note: str = "") -> None:
    try:
        new = states.transition(_state(c), action, now=now, by_reporter=by_reporter, satisfied=satisfied)
    except states.IllegalMove as exc:
        raise ServiceError.one("action", exc.zh, exc.en, exc.code, status=409) from None
    c.status, c.responded_at, c.closed_at = new.status.value, new.responded_at, new.closed_at
    c.satisfied, c.reopen_count, c.updated_at = new.satisfied, new.reopen_count, now
    c.answered_in_24h = c.responded_at is not None and c.responded_at - c.filed_at <= deadlines.ANSWER
    if action == states.Action.REOPEN:  # a reopened report gets fresh deadlines from now
        due = deadlines.due(c.category, now)
        c.answer_by, c.resolve_by, c.escalated_at, c.escalated_to = due.answer_by, due.resolve_by, None, None
    ComplaintEvent.objects.create(complaint=c, action=action.value, status=c.status, actor=actor,
                                  by_reporter=by_reporter, note=note, at=now)


def _note(note) -> str:
    note = " ".join(str(note or "").split())
    if len(note) > NOTE_MAX:
        raise ServiceError.one("note", f"最多 {NOTE_MAX} 个字符", f"At most {NOTE_MAX} characters", "string_too_long")
    return note


def complaint_act(*, actor, complaint_id, action: str, note: str = "", category: str = "",
                  now=None) -> Complaint:
    """A handler's step: assign (confirming or changing the category, which re-routes), start, resolve or close."""
    if not actor.can(Perm.HANDLE_COMPLAINTS):
        raise ServiceError.forbidden()
    try:
        action = states.Action(action)
    except ValueError:
        raise ServiceError.one("action", "未知的操作", "Unknown action") from None
    now = now or timezone.now()
    note = _note(note)
    if action in ANSWERED and not note:
        raise ServiceError.one("note", "请填写给群众的答复", "Write the answer to the reporter", "missing")
    if category and category not in Category.values:
        raise ServiceError.one("category", "未知的类别", "Unknown category")
    with transaction.atomic():
        try:
            c = complaints_for(actor).select_for_update().get(pk=int(complaint_id))
        except (Complaint.DoesNotExist, ValueError, TypeError):
            raise NotFound from None
        before = summary.snapshot(c)
        changes = {}
        if action == states.Action.ASSIGN and category and category != c.category:
            changes = {"category": [c.category, category]}
            c.category = category
            c.handling_node, c.body = route(category, c.place)
            due = deadlines.due(category, c.filed_at)
            c.answer_by, c.resolve_by = due.answer_by, due.resolve_by
        _apply(c, action, now=now, actor=actor, note=note)
        if action in ANSWERED:
            c.answer = note
        c.save()
        summary.keep(before, c)
        audit(actor, AuditAction.UPDATE, "complaint", c.pk,
              detail={"action": action.value, "status": c.status, **changes})
    return c


def reporter_complaint(number: str, code: str) -> Complaint:
    """The complaint whose reporter holds this code; NotFound for a wrong number or code (indistinguishable)."""
    c = Complaint.objects.filter(number=str(number or "").strip()[:16]).first()
    if c is None or not hmac.compare_digest(c.access_hash, access_hash(c.number, str(code or ""))):
        raise NotFound
    return c


def complaint_reporter_act(*, number: str, code: str, action: str, satisfied=None, note: str = "",
                           now=None) -> Complaint:
    """The reporter's feedback (satisfied or not) or reopen, proven by the tracking number and the secret code."""
    now = now or timezone.now()
    note = _note(note)
    try:
        action = states.Action(action)
    except ValueError:
        raise ServiceError.one("action", "未知的操作", "Unknown action") from None
    try:
        found = reporter_complaint(number, code)
    except NotFound:
        audit(None, AuditAction.DENIED, "complaint", "", detail={"reporter_action": action.value})
        raise ServiceError.one("code", "受理编号或查询码不正确，只有举报人本人可以评价或重新打开",
                               "Wrong tracking number or code: only the reporter may give feedback or reopen",
                               "not_reporter", status=403) from None
    with transaction.atomic():
        c = Complaint.objects.select_for_update().get(pk=found.pk)
        before = summary.snapshot(c)
        _apply(c, action, now=now, by_reporter=True, satisfied=satisfied, note=note)
        c.save()
        summary.keep(before, c)
        audit(None, AuditAction.UPDATE, "complaint", c.pk, channel="public",
              detail={"action": action.value, "status": c.status, "satisfied": c.satisfied})
    return c


def _handlers_at(node: Place):
    return [u for u in User.objects.filter(node=node, is_active=True) if u.can(Perm.HANDLE_COMPLAINTS)]


def complaints_escalate(*, now=None) -> int:
    """Late items (unanswered by their answer deadline or open past their resolve deadline) go one level up."""
    now = now or timezone.now()
    late = (Complaint.objects.filter(closed_at=None, escalated_at=None)
            .filter(resolve_by__lt=now) | Complaint.objects.filter(closed_at=None, escalated_at=None,
                                                                  responded_at=None, answer_by__lt=now))
    done = 0
    for pk in late.values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            c = Complaint.objects.select_for_update().select_related("handling_node").get(pk=pk)
            if c.escalated_at is not None or c.closed_at is not None:
                continue
            up = c.handling_node.parent if c.handling_node.kind != PlaceKind.CITY else c.handling_node
            up = up or c.handling_node
            before = summary.snapshot(c)
            c.escalated_to, c.escalated_at, c.updated_at = up, now, now
            c.save(update_fields=["escalated_to", "escalated_at", "updated_at"])
            summary.keep(before, c)
            ComplaintEvent.objects.create(complaint=c, action="escalate", status=c.status, at=now,
                                          note=up.name)
            audit(None, AuditAction.UPDATE, "complaint", c.pk, channel="worker",
                  detail={"escalated_to": up.pk, "late": "answer" if c.responded_at is None else "resolve"})
            for user in _handlers_at(up):
                notify(recipient=user, zh=f"诉求 {c.number} 已超时，升级至{up.name}督办",
                       en=f"Complaint {c.number} is late and escalated to {up.name}",
                       link=f"/complaints/{c.pk}/", key=f"complaint:{c.pk}:escalated:{user.pk}")
            done += 1
    return done


def routing_rule_set(*, actor, category: str, level: str, body: str) -> RoutingRule:
    """Change who handles a category (administrators and district commanders)."""
    if not (actor.can(Perm.HANDLE_COMPLAINTS) and actor.node and actor.node.kind in (PlaceKind.CITY, PlaceKind.DISTRICT)):
        raise ServiceError.forbidden()
    errors = ServiceError()
    if category not in Category.values:
        errors.add("category", Msg("未知的类别", "Unknown category"))
    if level not in PlaceKind.values:
        errors.add("level", Msg("未知的层级", "Unknown level"))
    body = " ".join(str(body or "").split())
    if not body or len(body) > 100:
        errors.add("body", Msg("请填写责任单位（最多 100 个字符）", "Name the body (at most 100 characters)"))
    if errors.errors:
        raise errors
    with transaction.atomic():
        rule, _ = RoutingRule.objects.update_or_create(category=category, defaults={"level": level, "body": body})
        audit(actor, AuditAction.UPDATE, "complaint_routing", rule.pk,
              detail={"category": category, "level": level, "body": body})
    return rule

