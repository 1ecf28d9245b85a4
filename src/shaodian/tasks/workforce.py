"""Workforce: each worker's residents covered, open tasks, hours on shift and overload flags; shifts, training and
qualifications, secondments with the gap each leaves, commendations, and the residents-per-worker ratio."""

import dataclasses
import datetime as dt

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from shaodian.errors import NotFound, ServiceError
from shaodian.people.selectors import residents_for
from shaodian.places.models import Place, PlaceKind
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction, RoleChoice, User
from shaodian.security.roles import Perm
from shaodian.tasks import states, workload
from shaodian.tasks.models import Commendation, Secondment, Shift, Task, Training, WorkloadRule

WINDOW = dt.timedelta(days=14)
# Who covers residents: the grid worker in a grid, the community's staff at a community (volunteers help, but cover no one).
COVERERS = (RoleChoice.GRID_WORKER, RoleChoice.COMMUNITY_STAFF)
MAX_SHIFT = dt.timedelta(hours=24)


def workers_for(user):
    """Active people who take tasks at a community or grid in the user's jurisdiction."""
    nodes = Place.objects.for_user(user, Perm.MANAGE_WORKFORCE).filter(
        kind__in=[PlaceKind.COMMUNITY, PlaceKind.GRID])
    return User.objects.filter(is_active=True, node__in=nodes).select_related("node").order_by("node__code", "username")


def worker_get(user, worker_id) -> User:
    try:
        return workers_for(user).get(pk=int(worker_id))
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound from None


def ratio_for(node: Place) -> int:
    """The ratio of the nearest node up the tree that set one; 360 otherwise."""
    ids = [i for i in (node.pk, node.community_id, node.street_id, node.district_id, node.city_id) if i]
    rules = dict(WorkloadRule.objects.filter(place_id__in=ids).values_list("place_id", "residents_per_worker"))
    return next((rules[i] for i in ids if i in rules), workload.DEFAULT_RATIO)


@dataclasses.dataclass(frozen=True)
class Row:
    worker: User
    residents: int
    open_tasks: int
    overdue_tasks: int
    hours_today: float
    hours_window: float
    load: workload.Load


def workforce_rows(user, *, now=None) -> list[Row]:
    """One row per worker with the figures the overload flags come from (the last 14 days of shifts)."""
    now = now or timezone.now()
    workers = [w for w in workers_for(user)[:1000] if w.can(Perm.DO_TASKS)]
    node_ids = {w.node_id for w in workers}
    residents = residents_for(user, Perm.MANAGE_WORKFORCE)  # counts only: no name or number leaves here
    by_grid = dict(residents.filter(grid_id__in=node_ids).values_list("grid_id").annotate(n=Count("pk")))
    by_community = dict(residents.filter(community_id__in=node_ids).values_list("community_id")
                        .annotate(n=Count("pk")))
    # A grid's residents are shared by its grid workers; a community's by everyone covering in it, grids included.
    coverers: dict[int, int] = {}
    for w in workers:
        if w.role in COVERERS:
            for node_id in {w.node_id, w.node.community_id} - {None}:
                coverers[node_id] = coverers.get(node_id, 0) + 1
    live = Task.objects.filter(assignee__in=workers, status__in=states.LIVE_VALUES)
    open_by = dict(live.values_list("assignee_id").annotate(n=Count("pk")))
    late_by = dict(live.filter(due_at__lt=now).values_list("assignee_id").annotate(n=Count("pk")))
    shifts: dict[int, list] = {}
    for wid, start, end in Shift.objects.filter(worker__in=workers, end__gt=now - WINDOW).values_list(
            "worker_id", "start", "end"):
        shifts.setdefault(wid, []).append((start, end))
    ratios = {n.pk: ratio_for(n) for n in Place.objects.filter(pk__in=node_ids)}
    today = timezone.localdate(now)
    rows = []
    for w in workers:
        total = by_grid.get(w.node_id) or by_community.get(w.node_id, 0)
        covered = total // coverers[w.node_id] if w.role in COVERERS and coverers.get(w.node_id) else 0
        load = workload.load(shifts.get(w.pk, []), residents=covered, ratio=ratios[w.node_id])
        rows.append(Row(w, covered, open_by.get(w.pk, 0), late_by.get(w.pk, 0),
                        round(load.hours.get(today, dt.timedelta()).total_seconds() / 3600, 1),
                        round(sum(load.hours.values(), dt.timedelta()).total_seconds() / 3600, 1), load))
    return rows


@dataclasses.dataclass(frozen=True)
class Gap:
    secondment: Secondment
    residents: int  # residents left uncovered when the secondment ends
    per_worker_after: int  # what each remaining worker of the node then covers (0: nobody left)


def secondment_gaps(user, *, now=None) -> list[Gap]:
    """Secondments still running, soonest end first, with the residents each leaves uncovered."""
    today = timezone.localdate(now or timezone.now())
    rows = {r.worker.pk: r for r in workforce_rows(user, now=now)}
    out = []
    for s in Secondment.objects.for_user(user, Perm.MANAGE_WORKFORCE).filter(ends_on__gte=today).select_related(
            "worker", "place").order_by("ends_on"):
        row = rows.get(s.worker_id)
        covered = row.residents if row else 0
        peers = [r for r in rows.values() if r.worker.node_id == s.worker.node_id and r.worker.pk != s.worker_id
                 and r.worker.role in COVERERS]
        after = (sum(r.residents for r in peers) + covered) // len(peers) if peers else 0
        out.append(Gap(s, covered, after))
    return out


def _manage(actor, worker) -> None:
    if not actor.can(Perm.MANAGE_WORKFORCE):
        raise ServiceError.forbidden()
    if worker is None or not workers_for(actor).filter(pk=worker.pk).exists():
        raise ServiceError.one("worker", "此人不在您的辖区内", "This person is outside your jurisdiction", "not_found")


def _text(value, field, limit) -> str:
    value = " ".join(str(value or "").split())
    if not value:
        raise ServiceError.one(field, "此项必填", "This field is required", "missing")
    if len(value) > limit:
        raise ServiceError.one(field, f"最多 {limit} 个字符", f"At most {limit} characters", "string_too_long")
    return value


def _record(actor, row, entity: str, **detail):
    row.locate_at(row.worker.node)
    row.save()
    audit(actor, AuditAction.CREATE, entity, row.pk, detail={"worker": row.worker.pk, **detail})
    return row


def shift_record(*, actor, worker, start, end) -> Shift:
    """A stretch on duty (from the roster or the worker's own clock-in)."""
    _manage(actor, worker)
    if start is None or end is None or end <= start:
        raise ServiceError.one("end", "结束时间须晚于开始时间", "The end must come after the start")
    if end - start > MAX_SHIFT:
        raise ServiceError.one("end", "一个班次不能超过 24 小时，请分开登记", "A shift may not exceed 24 hours: record two")
    if start > timezone.now() + dt.timedelta(days=31):
        raise ServiceError.one("start", "开始时间太远", "The start is too far ahead")
    with transaction.atomic():
        return _record(actor, Shift(worker=worker, start=start, end=end, recorded_by=actor), "shift")


def training_add(*, actor, worker, title, passed_on, valid_until=None) -> Training:
    _manage(actor, worker)
    title = _text(title, "title", 100)
    if passed_on is None or (valid_until is not None and valid_until < passed_on):
        raise ServiceError.one("valid_until", "有效期须晚于取得日期", "Valid-until must be after the date passed")
    with transaction.atomic():
        return _record(actor, Training(worker=worker, title=title, passed_on=passed_on, valid_until=valid_until),
                       "training")


def secondment_add(*, actor, worker, from_unit, starts_on, ends_on) -> Secondment:
    _manage(actor, worker)
    from_unit = _text(from_unit, "from_unit", 100)
    if starts_on is None or ends_on is None or ends_on < starts_on:
        raise ServiceError.one("ends_on", "结束日期须晚于开始日期", "The end date must be after the start")
    with transaction.atomic():
        return _record(actor, Secondment(worker=worker, from_unit=from_unit, starts_on=starts_on, ends_on=ends_on),
                       "secondment")


def commendation_give(*, actor, worker, title, reason, now=None) -> Commendation:
    _manage(actor, worker)
    title, reason = _text(title, "title", 100), _text(reason, "reason", 1000)
    with transaction.atomic():
        return _record(actor, Commendation(worker=worker, title=title, reason=reason, given_by=actor,
                                           given_on=timezone.localdate(now or timezone.now())), "commendation")


def workload_rule_set(*, actor, node, residents_per_worker: int) -> WorkloadRule:
    """Set the residents-per-worker ratio of a node (its communities and grids inherit it)."""
    if not actor.can(Perm.MANAGE_WORKFORCE):
        raise ServiceError.forbidden()
    if node is None or not Place.objects.for_user(actor, Perm.MANAGE_WORKFORCE).filter(pk=node.pk).exists():
        raise ServiceError.one("node", "此地点不在您的辖区内", "This place is outside your jurisdiction", "not_found")
    if not isinstance(residents_per_worker, int) or not 10 <= residents_per_worker <= 5000:
        raise ServiceError.one("residents_per_worker", "须在 10 至 5000 之间", "Must be between 10 and 5000")
    with transaction.atomic():
        rule = WorkloadRule.objects.filter(place=node).first() or WorkloadRule()
        rule.locate_at(node)
        rule.residents_per_worker, rule.updated_at = residents_per_worker, timezone.now()
        rule.save()
        audit(actor, AuditAction.UPDATE, "workload_rule", rule.pk, detail={"ratio": residents_per_worker})
    return rule
