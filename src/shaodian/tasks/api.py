"""The tasks API under /api/v1: my tasks, acknowledge, complete (a client id makes a retry land once)."""

import datetime as dt

from django.utils import timezone
from ninja import Field, Router, Schema

from shaodian.errors import ServiceError
from shaodian.schema_types import ParamId, Text
from shaodian.security.roles import Perm
from shaodian.tasks import selectors, services

router = Router(tags=["tasks"])


class TaskOut(Schema):
    id: int
    kind: str
    title: str
    detail: str
    place_id: int
    place_name: str
    team: str | None
    status: str
    due_at: dt.datetime
    overdue: bool
    acknowledged_at: dt.datetime | None
    closed_at: dt.datetime | None
    evidence_note: str


class TaskList(Schema):
    items: list[TaskOut]


def task_json(t, now) -> dict:
    return {"id": t.pk, "kind": t.kind, "title": t.title, "detail": t.detail, "place_id": t.place_id,
            "place_name": t.place.name, "team": t.team.name if t.team_id else None, "status": t.status,
            "due_at": t.due_at, "overdue": t.is_live and t.due_at < now, "acknowledged_at": t.acknowledged_at,
            "closed_at": t.closed_at, "evidence_note": t.evidence_note}


def _need(user):
    if not user.can(Perm.DO_TASKS):
        raise ServiceError.forbidden()


@router.get("/tasks/mine", response=TaskList)
def my_tasks(request):
    """The caller's open and acknowledged tasks (given to them, their team or their node's pool), soonest due first."""
    _need(request.user)
    now = timezone.now()
    return {"items": [task_json(t, now) for t in selectors.my_tasks(request.user)[:500]]}


@router.post("/tasks/{task_id}/acknowledge", response=TaskOut)
def acknowledge(request, task_id: ParamId):
    t = services.task_acknowledge(actor=request.user, task_id=task_id)
    return task_json(selectors.task_get(request.user, t.pk), timezone.now())


class CompleteIn(Schema):
    note: Text(1000) = Field(..., description="what was done")
    client_id: Text(64) = Field(..., description="the phone's id for this completion: a retry answers the same")


@router.post("/tasks/{task_id}/complete", response=TaskOut)
def complete(request, task_id: ParamId, payload: CompleteIn):
    """Complete with a note; the same client_id sent again answers with the task as it is, never twice."""
    t = services.task_complete(actor=request.user, task_id=task_id, note=payload.note, client_id=payload.client_id)
    return task_json(selectors.task_get(request.user, t.pk), timezone.now())
