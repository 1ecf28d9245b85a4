"""Writes on campaigns: start (one visit task per household, made in one INSERT … SELECT), close, and visits
(`POST /api/v1/visits`, single or batch, idempotent on client_id, answered item by item)."""

import datetime as dt

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from shaodian.errors import NotFound, ServiceError
from shaodian.places.models import Place, PlaceKind
from shaodian.screening import states
from shaodian.screening.models import Campaign, CampaignStatus, Coverage, VisitRecord, VisitStatus, VisitTask
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction, RoleChoice, User
from shaodian.security.roles import Perm

BATCH_MAX = 500
NOTES_MAX = 500
PEOPLE_MAX = 99
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
MAX_AGE = dt.timedelta(days=14)  # a phone offline longer than this has a problem worth a person's look


def _text(value, name: str, zh: str, en: str, limit: int, *, required: bool = True) -> str:
    value = " ".join(str(value or "").split())
    if required and not value:
        raise ServiceError.one(name, f"请填写{zh}", f"{en} is required", "missing")
    if len(value) > limit:
        raise ServiceError.one(name, f"{zh}最多 {limit} 个字符", f"{en}: at most {limit} characters", "string_too_long")
    return value


def campaign_start(*, actor, place_id, name: str, purpose: str, questions: str = "", deadline: dt.datetime,
                   now: dt.datetime | None = None) -> Campaign:
    """Start a campaign over a node of the tree: one visit task per household there, for its grid worker."""
    if not actor.can(Perm.RUN_CAMPAIGNS):
        raise ServiceError.forbidden()
    now = now or timezone.now()
    name = _text(name, "name", "名称", "Name", 100)
    purpose = _text(purpose, "purpose", "目的", "Purpose", 500)
    questions = "\n".join(q.strip() for q in str(questions or "").splitlines() if q.strip())
    if len(questions) > 2000:
        raise ServiceError.one("questions", "问题最多 2000 个字符", "Questions: at most 2000 characters", "string_too_long")
    if deadline is None or timezone.is_naive(deadline) or deadline <= now:
        raise ServiceError.one("deadline", "截止时间须晚于现在", "The deadline must be in the future")
    try:
        place = Place.objects.for_user(actor, Perm.RUN_CAMPAIGNS).get(pk=int(place_id))
    except (Place.DoesNotExist, ValueError, TypeError, OverflowError):
        raise ServiceError.one("place", "未找到该区域，或不在您的管辖范围内", "Unknown area, or outside your jurisdiction",
                               "not_found") from None
    with transaction.atomic():
        campaign = Campaign(name=name, purpose=purpose, questions=questions, deadline=deadline, started_by=actor,
                            started_at=now)
        campaign.locate_at(place)
        campaign.save()
        campaign.households = _tasks_create(campaign, place, timezone.localdate(now))
        campaign.save(update_fields=["households"])
        audit(actor, AuditAction.CREATE, "campaign", campaign.pk,
              detail={"place": place.pk, "households": campaign.households})
    return campaign


def _tasks_create(campaign: Campaign, place: Place, today: dt.date) -> int:
    """The campaign's visit tasks and coverage counters, each in one INSERT … SELECT: no row travels to Python."""
    q = connection.ops.quote_name
    column = f"{PlaceKind(place.kind).value}_id"
    # Only household ids and their scope columns are read, never personal data, and inside the database.
    households = q(VisitTask._meta.get_field("household").related_model._meta.db_table)
    users = q(User._meta.db_table)
    tasks, coverage = q(VisitTask._meta.db_table), q(Coverage._meta.db_table)
    scope = "city_id, district_id, street_id, community_id, grid_id"
    with connection.cursor() as cur:
        # The household's grid worker: the first active one of its grid (a grid usually has one).
        cur.execute(
            f"INSERT INTO {tasks} ({scope}, campaign_id, household_id, assignee_id, status, due_day, attempts, "
            f"symptomatic, notes) "
            f"SELECT h.city_id, h.district_id, h.street_id, h.community_id, h.grid_id, %s, h.id, w.uid, %s, %s, 0, %s, '' "
            f"FROM {households} h LEFT JOIN (SELECT node_id, MIN(id) AS uid FROM {users} "
            f"WHERE role = %s AND is_active = %s GROUP BY node_id) w ON w.node_id = h.grid_id "
            f"WHERE h.{q(column)} = %s",
            [campaign.pk, VisitStatus.PENDING.value, today, False, RoleChoice.GRID_WORKER.value, True, place.pk])
        made = cur.rowcount
        cur.execute(
            f"INSERT INTO {coverage} (campaign_id, grid_id, community_id, street_id, district_id, city_id, total, "
            f"reached, refused, symptomatic) "
            f"SELECT %s, grid_id, community_id, street_id, district_id, city_id, COUNT(*), 0, 0, 0 FROM {households} "
            f"WHERE {q(column)} = %s GROUP BY grid_id, community_id, street_id, district_id, city_id",
            [campaign.pk, place.pk])
    return made


def campaign_close(*, actor, campaign_id, now: dt.datetime | None = None) -> Campaign:
    """Close a running campaign: its tasks leave the workers' lists and its report is final."""
    from shaodian.screening.selectors import campaigns_run_by

    if not actor.can(Perm.RUN_CAMPAIGNS):
        raise ServiceError.forbidden()
    now = now or timezone.now()
    with transaction.atomic():
        try:
            campaign = campaigns_run_by(actor).select_for_update().get(pk=int(campaign_id))
        except (Campaign.DoesNotExist, ValueError, TypeError, OverflowError):
            raise NotFound from None
        if campaign.status == CampaignStatus.CLOSED:
            raise ServiceError.one("status", "该排查行动已结束", "This campaign is already closed", "closed", status=409)
        campaign.status, campaign.closed_at = CampaignStatus.CLOSED, now
        campaign.save(update_fields=["status", "closed_at"])
        audit(actor, AuditAction.UPDATE, "campaign", campaign.pk, detail={"status": "closed"})
    return campaign


# ---------------------------------------------------------------- visits

SYMPTOMS_DUE = dt.timedelta(hours=4)  # 四早: someone with symptoms is seen by the health station the same day


def _symptoms_task(task: VisitTask, now: dt.datetime) -> None:
    """Symptoms found at a door become work for the community (its task pool), once per household and campaign."""
    from shaodian.tasks.services import task_for_system

    node = Place.objects.get(pk=task.community_id or task.grid_id)
    task_for_system(kind="follow_up", node=node, title=f"入户走访发现有症状 · {task.household.address}"[:100],
                    detail=f"排查行动「{task.campaign.name}」：请安排健康随访并按规定上报。", due_at=now + SYMPTOMS_DUE,
                    source="screening.visit", source_id=str(task.pk), now=now)



class Rejected(Exception):
    def __init__(self, code: str, zh: str, en: str):
        super().__init__(code)
        self.code, self.zh, self.en = code, zh, en


def _result(client_id, status: str, exc: Rejected | None = None, task: VisitTask | None = None) -> dict:
    out = {"client_id": client_id, "status": status, "reason": f"{exc.zh} / {exc.en}" if exc else "",
           "code": exc.code if exc else ""}
    if task is not None:
        out["task"] = task.pk
        out["task_status"] = task.status
    return out


def _int(value, name: str, low: int, high: int) -> int:
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 10:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Rejected(f"bad_{name}", f"{name}须为 {low}–{high} 之间的整数", f"{name} must be a whole number {low}–{high}")
    return value


def _parse(item, earliest, latest) -> dict:
    if not isinstance(item, dict):
        raise Rejected("malformed", "每一项须为对象", "Each item must be an object")
    task = _int(item.get("task"), "task", 1, 2**31 - 1)
    try:
        outcome = states.Status(item.get("outcome"))
    except ValueError:
        raise Rejected("bad_outcome", "结果须为 reached、nobody_home 或 refused",
                       "outcome must be reached, nobody_home or refused") from None
    if outcome == states.Status.PENDING:
        raise Rejected("bad_outcome", "结果须为 reached、nobody_home 或 refused",
                       "outcome must be reached, nobody_home or refused")
    people = item.get("people_present")
    people = None if people in (None, "") else _int(people, "people_present", 0, PEOPLE_MAX)
    symptomatic = item.get("symptomatic", False)
    if not isinstance(symptomatic, bool):
        raise Rejected("bad_symptomatic", "symptomatic 须为 true 或 false", "symptomatic must be true or false")
    notes = item.get("notes") or ""
    if not isinstance(notes, str) or len(notes) > NOTES_MAX or not (notes.isprintable() or notes == ""):
        raise Rejected("bad_notes", f"备注须为不超过 {NOTES_MAX} 字的文本", f"notes: text of at most {NOTES_MAX} characters")
    at = item.get("at")
    if at in (None, ""):
        at = latest - FUTURE_TOLERANCE
    else:
        try:
            at = dt.datetime.fromisoformat(at) if isinstance(at, str) else None
        except ValueError:
            at = None
        if at is None or at.tzinfo is None:
            raise Rejected("bad_time", "时间须为带时区的 ISO 8601", "at must be ISO 8601 with a UTC offset")
        if at > latest:
            raise Rejected("future", "走访时间晚于当前时间", "The visit time is in the future")
        if at < earliest:
            raise Rejected("too_old", "走访时间早于14天前", "The visit is more than 14 days old")
    return {"task": task, "outcome": outcome, "people_present": people, "symptomatic": symptomatic,
            "notes": " ".join(notes.split()), "at": at}


def visits_record(*, actor, items, now: dt.datetime | None = None) -> list[dict]:
    """Record door visits; each item is accepted, duplicate (its client_id was stored before) or rejected."""
    if not actor.can(Perm.VISIT):
        raise ServiceError.forbidden()
    if not isinstance(items, list):
        raise ServiceError.one("visits", "visits 须为数组", "visits must be a list")
    if len(items) > BATCH_MAX:
        raise ServiceError.one("visits", f"每批最多 {BATCH_MAX} 条", f"At most {BATCH_MAX} visits per batch", "too_many")
    now = now or timezone.now()
    earliest, latest = now - MAX_AGE, now + FUTURE_TOLERANCE
    client_ids = [c for c in (_client_id(i) for i in items) if c]
    stored = dict(VisitRecord.objects.filter(client_id__in=client_ids).values_list("client_id", "task_id"))
    results = []
    seen: set[str] = set()
    for item in items:
        client_id = _client_id(item)
        if client_id is None:
            raw = item.get("client_id") if isinstance(item, dict) else None
            results.append(_result(raw if isinstance(raw, str) else None, "rejected",
                                   Rejected("bad_client_id", "缺少 client_id 或超过 64 字符",
                                            "client_id is missing or longer than 64")))
            continue
        if client_id in stored or client_id in seen:
            results.append(_result(client_id, "duplicate"))
            continue
        try:
            visit = _parse(item, earliest, latest)
            task = _visit_one(actor, client_id, visit, now)
        except Rejected as exc:
            results.append(_result(client_id, "rejected", exc))
            continue
        except IntegrityError:  # the same client_id stored meanwhile by a concurrent retry
            results.append(_result(client_id, "duplicate"))
            continue
        seen.add(client_id)
        results.append(_result(client_id, "accepted", task=task))
    return results


def _client_id(item) -> str | None:
    value = item.get("client_id") if isinstance(item, dict) else None
    if isinstance(value, str) and 0 < len(value) <= 64 and value.isprintable():
        return value
    return None


def _visit_one(actor, client_id: str, visit: dict, now: dt.datetime) -> VisitTask:
    with transaction.atomic():
        try:
            task = (VisitTask.objects.for_user(actor, Perm.VISIT).select_for_update(of=("self",))
                    .select_related("campaign", "household").get(pk=visit["task"]))
        except VisitTask.DoesNotExist:
            raise Rejected("outside_grid", "该户不在您的网格内，或任务不存在",
                           "This household is outside your grid, or the task does not exist") from None
        if task.campaign.status != CampaignStatus.RUNNING:
            raise Rejected("campaign_closed", "该排查行动已结束", "This campaign is closed")
        before = states.Task(states.Status(task.status), task.due_day, task.attempts)
        try:
            after = states.transition(before, visit["outcome"], today=timezone.localdate(visit["at"]))
        except states.IllegalMove as exc:
            raise Rejected(exc.code, exc.zh, exc.en) from None
        task.status, task.due_day, task.attempts = after.status.value, after.due_day, after.attempts
        task.visited_at = visit["at"]
        task.people_present = visit["people_present"]
        task.symptomatic = visit["symptomatic"] if after.status == states.Status.REACHED else task.symptomatic
        if visit["notes"]:
            task.notes = visit["notes"]
        task.save(update_fields=["status", "due_day", "attempts", "visited_at", "people_present", "symptomatic",
                                 "notes"])
        VisitRecord.objects.create(client_id=client_id, task=task, actor=actor, outcome=visit["outcome"].value,
                                   people_present=visit["people_present"], symptomatic=visit["symptomatic"],
                                   notes=visit["notes"], at=visit["at"], received_at=now)
        changes = {}
        if after.status == states.Status.REACHED:
            changes["reached"] = F("reached") + 1
            if visit["symptomatic"]:
                changes["symptomatic"] = F("symptomatic") + 1
        # refused counts the households whose latest answer is a refusal
        if after.status == states.Status.REFUSED and before.status != states.Status.REFUSED:
            changes["refused"] = F("refused") + 1
        if before.status == states.Status.REFUSED and after.status != states.Status.REFUSED:
            changes["refused"] = F("refused") - 1
        if changes:
            Coverage.objects.filter(campaign_id=task.campaign_id, grid_id=task.grid_id).update(**changes)
        if after.status == states.Status.REACHED and visit["symptomatic"]:
            _symptoms_task(task, now)
        audit(actor, AuditAction.UPDATE, "visit_task", task.pk,
              detail={"outcome": visit["outcome"].value, "symptomatic": visit["symptomatic"]})
    return task
