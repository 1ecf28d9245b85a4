"""Measures API: list and detail, one endpoint per lifecycle action, closures, and the public register."""

import datetime as dt

from django.utils import timezone
from ninja import Field, Router, Schema, Status

from shaodian.measures import closures, selectors, services, votes
from shaodian.measures.presenters import measure_json
from shaodian.schema_types import Amount, Count, Flag, Id, Items, Long, Moment, Name, ParamId, Short, Text

router = Router(tags=["measures"])
public_router = Router(tags=["public"], auth=None)


class MeasureIn(Schema):
    zone: Text(32)
    static_level: Text(32)
    restrictions: Items(Text(64), 50)
    starts_at: Moment
    ends_at: Moment
    reason: Long
    place_id: Id | None = None
    building_id: Id | None = None
    unit_id: Id | None = None
    emergency_reason: Text(500) = ""
    supply_plan: Text(300) = ""


class Created(Schema):
    id: int


@router.get("/measures")
def measure_list(request, status: Text(32) = ""):
    rows = selectors.measures_for(request.user).order_by("-created_at")
    if status:
        rows = rows.filter(status=status)
    return {"items": [measure_json(request.user, m, brief=True) for m in rows[:200]]}


@router.post("/measures", response={201: Created})
def measure_create(request, payload: MeasureIn):
    m = services.measure_propose(actor=request.user, **payload.dict())
    return Status(201, {"id": m.pk})


@router.get("/measures/{measure_id}")
def measure_detail(request, measure_id: ParamId):
    return measure_json(request.user, selectors.measure_get(request.user, measure_id))


class EvaluateIn(Schema):
    risk_evidence: Items(Text(500), 50)
    businesses_affected: Count = 0


class LegalIn(Schema):
    legal_basis: Items(Text(500), 50)
    opinion: Long = ""


class ReasonsIn(Schema):
    reasons: Items(Text(500), 20)


class NoticeIn(Schema):
    reason: Long
    starts_at: Moment
    ends_at: Moment
    restrictions: Items(Text(64), 50) | None = None


class ExtendIn(Schema):
    new_ends_at: Moment
    filed_with: Short
    filing_ref: Text(100)
    reason: Long


class ReasonIn(Schema):
    reason: Long


class TasksIn(Schema):
    tasks: Items(Short, 50)


class TaskIn(Schema):
    task: Short


class PostEvaluationIn(Schema):
    infections_averted: Amount
    people_affected: Count
    businesses_affected: Count
    cost_yuan: Amount
    complaints: Count
    verdict: Text(32)
    summary: Long


class PaperVoteIn(Schema):
    household_id: Id
    approve: Flag


class CareIn(Schema):
    resident_id: Id
    carer_name: Name = ""
    supply_plan: Text(300) = ""
    medical_plan: Text(300) = ""


def _act(request, measure_id, service, **kwargs):
    m = service(actor=request.user, measure_id=measure_id, **kwargs)
    return measure_json(request.user, m)


@router.post("/measures/{measure_id}/evaluate")
def evaluate(request, measure_id: ParamId, payload: EvaluateIn):
    return _act(request, measure_id, services.measure_evaluate, **payload.dict())


@router.post("/measures/{measure_id}/submit")
def submit(request, measure_id: ParamId):
    return _act(request, measure_id, services.measure_submit)


@router.post("/measures/{measure_id}/legal-approve")
def legal_approve(request, measure_id: ParamId, payload: LegalIn):
    return _act(request, measure_id, services.measure_legal_approve, **payload.dict())


@router.post("/measures/{measure_id}/legal-return")
def legal_return(request, measure_id: ParamId, payload: ReasonsIn):
    return _act(request, measure_id, services.measure_legal_return, **payload.dict())


@router.post("/measures/{measure_id}/approve")
def approve(request, measure_id: ParamId):
    return _act(request, measure_id, services.measure_approve)


@router.post("/measures/{measure_id}/decline")
def decline(request, measure_id: ParamId, payload: ReasonsIn):
    return _act(request, measure_id, services.measure_decline, **payload.dict())


@router.post("/measures/{measure_id}/notice")
def notice(request, measure_id: ParamId, payload: NoticeIn):
    return _act(request, measure_id, services.measure_publish_notice, **payload.dict())


@router.post("/measures/{measure_id}/votes")
def paper_vote(request, measure_id: ParamId, payload: PaperVoteIn):
    votes.vote_record(actor=request.user, measure_id=measure_id, **payload.dict())
    return {"ok": True}


@router.post("/measures/{measure_id}/vote-close")
def vote_close(request, measure_id: ParamId):
    return _act(request, measure_id, votes.vote_close)


@router.post("/measures/{measure_id}/care")
def care(request, measure_id: ParamId, payload: CareIn):
    services.care_assign(actor=request.user, measure_id=measure_id, **payload.dict())
    return {"ok": True}


@router.post("/measures/{measure_id}/gate")
def gate(request, measure_id: ParamId):
    return _act(request, measure_id, services.gate_check)


@router.post("/measures/{measure_id}/enter-force")
def enter_force(request, measure_id: ParamId):
    return _act(request, measure_id, services.measure_enter_force)


@router.post("/measures/{measure_id}/extend")
def extend(request, measure_id: ParamId, payload: ExtendIn):
    return _act(request, measure_id, services.measure_extend, **payload.dict())


@router.post("/measures/{measure_id}/lift")
def lift(request, measure_id: ParamId, payload: ReasonIn):
    return _act(request, measure_id, services.measure_lift, **payload.dict())


@router.post("/measures/{measure_id}/withdraw")
def withdraw(request, measure_id: ParamId, payload: ReasonIn):
    return _act(request, measure_id, services.measure_withdraw, **payload.dict())


@router.post("/measures/{measure_id}/recovery")
def recovery(request, measure_id: ParamId, payload: TasksIn):
    return _act(request, measure_id, services.measure_recovery_start, **payload.dict())


@router.post("/measures/{measure_id}/recovery-task")
def recovery_task(request, measure_id: ParamId, payload: TaskIn):
    return _act(request, measure_id, services.measure_recovery_task_done, **payload.dict())


@router.post("/measures/{measure_id}/post-evaluation")
def post_evaluation(request, measure_id: ParamId, payload: PostEvaluationIn):
    return _act(request, measure_id, services.measure_post_evaluate, **payload.dict())


class ClosureIn(Schema):
    place_id: Id
    description: Short
    closure_type: Text(32)
    emergency_channel: Short = ""
    on_duty_contact: Text(100) = ""
    measure_id: Id | None = None
    ordered_by: Text(20) = "government"  # government | property_company | committee | individual
    ordered_by_name: Text(100) = ""


@router.get("/closures")
def closure_list(request):
    rows = selectors.closures_for(request.user).filter(removed_at__isnull=True).order_by("-created_at")[:200]
    return {"items": [{"id": c.pk, "place_id": c.place_id, "place": c.place.name, "description": c.description,
                       "closure_type": c.closure_type, "emergency_channel": c.emergency_channel,
                       "measure_id": c.measure_id, "ordered_by": c.ordered_by, "ordered_by_name": c.ordered_by_name}
                      for c in rows]}


@router.post("/closures", response={201: Created})
def closure_create(request, payload: ClosureIn):
    c = closures.closure_create(actor=request.user, **payload.dict())
    return Status(201, {"id": c.pk})


# --- public: no login, no personal data ------------------------------------------------------------


class RestrictionOut(Schema):
    code: str
    zh: str
    en: str


class RegisterItem(Schema):
    area: str
    level: str
    state: str = Field(..., description="announced (notice out, not started yet) or in_force")
    restrictions: list[RestrictionOut]
    reason: str
    legal_basis: list[str]
    starts_at: dt.datetime
    ends_at: dt.datetime
    published_at: dt.datetime | None
    notice: str
    hotline: str


class RegisterOut(Schema):
    items: list[RegisterItem]


@public_router.get("/public/measures", response=RegisterOut)
def public_register(request):
    """Measures announced (notice out, start to come) and in force, per area: reason, legal basis, term, notice and
    the complaint hotline (MEA-6)."""
    return {"items": selectors.register_items(timezone.now())}


class BallotIn(Schema):
    token: Text(64)
    approve: Flag


@public_router.post("/public/votes")
def public_vote(request, payload: BallotIn):
    """A household's vote through its personal link."""
    votes.vote_cast(token=payload.token, approve=payload.approve)
    return {"ok": True}
