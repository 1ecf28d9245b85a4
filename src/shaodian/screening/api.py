"""The screening API under /api/v1: door visits from the phones (single or batch), today's doors, coverage."""

import datetime as dt
from typing import Any

from ninja import Field, Router, Schema
from pydantic import BaseModel

from shaodian.screening import selectors, services
from shaodian.schema_types import ParamId
from shaodian.security.audit import audit_list

router = Router(tags=["screening"])


class VisitResult(BaseModel):
    client_id: str | None
    status: str = Field(description="accepted, duplicate (the client_id was stored before) or rejected")
    reason: str
    code: str = ""
    task: int | None = None
    task_status: str | None = None


class VisitsOut(BaseModel):
    results: list[VisitResult]


class VisitsIn(Schema):
    # Items are checked one by one by the service, so one bad visit never sinks the batch.
    visits: list[Any] | None = Field(None, max_length=services.BATCH_MAX,
                                     description="a batch; or send one visit's fields at the top level")
    client_id: Any = None
    task: Any = None
    outcome: Any = None
    people_present: Any = None
    symptomatic: Any = None
    notes: Any = None
    at: Any = None


@router.post("/visits", response=VisitsOut)
def visits(request, payload: VisitsIn):
    """Door visits: {"visits": [...]} (up to 500) or one visit; idempotent on client_id; results in order received.

    A visit: client_id, task, outcome (reached | nobody_home | refused), people_present, symptomatic, notes, at.
    """
    if payload.visits is not None:
        items = payload.visits
    else:
        items = [{k: v for k, v in payload.dict().items() if k != "visits" and v is not None}]
    return {"results": services.visits_record(actor=request.user, items=items)}


class TaskOut(Schema):
    id: int
    campaign_id: int
    campaign: str
    address: str
    status: str
    attempts: int
    due_day: dt.date


@router.get("/visits/today", response=list[TaskOut])
def visits_today(request):
    """The caller's doors due today, in walking order (building → unit → floor → room)."""
    tasks = selectors.visits_today(request.user)
    audit_list(request.user, "visit_task", tasks, query={"page": "api"})
    return [{"id": t.pk, "campaign_id": t.campaign_id, "campaign": t.campaign.name, "address": t.household.address,
             "status": t.status, "attempts": t.attempts, "due_day": t.due_day} for t in tasks]


class CoverageRow(Schema):
    id: int | None
    name: str
    total: int
    reached: int
    refused: int
    open: int
    percent: float
    symptomatic: int


class CoverageOut(Schema):
    campaign: int
    level: str
    child_level: str
    total: int
    reached: int
    refused: int
    open: int
    percent: float
    children: list[CoverageRow]


@router.get("/campaigns/{campaign_id}/coverage", response=CoverageOut)
def campaign_coverage(request, campaign_id: ParamId):
    """Visited / total (%) of a campaign for the caller's node and each node below it."""
    campaign = selectors.campaign_get(request.user, campaign_id)
    cov = selectors.coverage_for(request.user, campaign)
    return {"campaign": campaign.pk, **{k: v for k, v in cov.items() if k != "node"}}
