"""Measures API: list and detail, one endpoint per lifecycle action, closures, and the public register."""

import datetime as dt

from django.utils import timezone
from ninja import Field, Router, Schema, Status

from shaodian.measures import closures, selectors, services, votes
from shaodian.measures.presenters import measure_json

router = Router(tags=["measures"])
public_router = Router(tags=["public"], auth=None)


class MeasureIn(Schema):
    zone: str
    static_level: str
    restrictions: list[str]
    starts_at: dt.datetime
    ends_at: dt.datetime
    reason: str = Field(..., max_length=2000)
    place_id: int | None = None
    building_id: int | None = None
    unit_id: int | None = None
    emergency_reason: str = Field("", max_length=500)
    supply_plan: str = Field("", max_length=300)


class Created(Schema):
    id: int


@router.get("/measures")
def measure_list(request, status: str = ""):
    rows = selectors.measures_for(request.user).order_by("-created_at")
    if status:
        rows = rows.filter(status=status)
    return {"items": [measure_json(request.user, m, brief=True) for m in rows[:200]]}


@router.post("/measures", response={201: Created})
def measure_create(request, payload: MeasureIn):
    m = services.measure_propose(actor=request.user, request=request, **payload.dict())
    return Status(201, {"id": m.pk})


@router.get("/measures/{measure_id}")
def measure_detail(request, measure_id: int):
    return measure_json(request.user, selectors.measure_get(request.user, measure_id))


class EvaluateIn(Schema):
    risk_evidence: list[str]
    businesses_affected: int = 0


class LegalIn(Schema):
    legal_basis: list[str]
    opinion: str = ""


class ReasonsIn(Schema):
    reasons: list[str]


class NoticeIn(Schema):
    reason: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    restrictions: list[str] | None = None


class ExtendIn(Schema):
    new_ends_at: dt.datetime
    filed_with: str
    filing_ref: str
    reason: str


class ReasonIn(Schema):
    reason: str


class TasksIn(Schema):
    tasks: list[str]


class TaskIn(Schema):
    task: str


class PostEvaluationIn(Schema):
    infections_averted: float
    people_affected: int
    businesses_affected: int
    cost_yuan: float
    complaints: int
    verdict: str
    summary: str


class PaperVoteIn(Schema):
    household_id: int
    approve: bool


class CareIn(Schema):
    resident_id: int
    carer_name: str = ""
    supply_plan: str = ""
    medical_plan: str = ""


def _act(request, measure_id, service, **kwargs):
    m = service(actor=request.user, measure_id=measure_id, request=request, **kwargs)
    return measure_json(request.user, m)


@router.post("/measures/{measure_id}/evaluate")
def evaluate(request, measure_id: int, payload: EvaluateIn):
    return _act(request, measure_id, services.measure_evaluate, **payload.dict())


@router.post("/measures/{measure_id}/submit")
def submit(request, measure_id: int):
    return _act(request, measure_id, services.measure_submit)


@router.post("/measures/{measure_id}/legal-approve")
def legal_approve(request, measure_id: int, payload: LegalIn):
    return _act(request, measure_id, services.measure_legal_approve, **payload.dict())


@router.post("/measures/{measure_id}/legal-return")
def legal_return(request, measure_id: int, payload: ReasonsIn):
    return _act(request, measure_id, services.measure_legal_return, **payload.dict())


@router.post("/measures/{measure_id}/approve")
def approve(request, measure_id: int):
    return _act(request, measure_id, services.measure_approve)


@router.post("/measures/{measure_id}/decline")
def decline(request, measure_id: int, payload: ReasonsIn):
    return _act(request, measure_id, services.measure_decline, **payload.dict())


@router.post("/measures/{measure_id}/notice")
def notice(request, measure_id: int, payload: NoticeIn):
    return _act(request, measure_id, services.measure_publish_notice, **payload.dict())


@router.post("/measures/{measure_id}/votes")
def paper_vote(request, measure_id: int, payload: PaperVoteIn):
    votes.vote_record(actor=request.user, measure_id=measure_id, request=request, **payload.dict())
    return {"ok": True}


@router.post("/measures/{measure_id}/vote-close")
def vote_close(request, measure_id: int):
    return _act(request, measure_id, votes.vote_close)


@router.post("/measures/{measure_id}/care")
def care(request, measure_id: int, payload: CareIn):
    services.care_assign(actor=request.user, measure_id=measure_id, request=request, **payload.dict())
    return {"ok": True}


@router.post("/measures/{measure_id}/gate")
def gate(request, measure_id: int):
    return _act(request, measure_id, services.gate_check)


@router.post("/measures/{measure_id}/enter-force")
def enter_force(request, measure_id: int):
    return _act(request, measure_id, services.measure_enter_force)


@router.post("/measures/{measure_id}/extend")
def extend(request, measure_id: int, payload: ExtendIn):
    return _act(request, measure_id, services.measure_extend, **payload.dict())


@router.post("/measures/{measure_id}/lift")
def lift(request, measure_id: int, payload: ReasonIn):
    return _act(request, measure_id, services.measure_lift, **payload.dict())


@router.post("/measures/{measure_id}/withdraw")
def withdraw(request, measure_id: int, payload: ReasonIn):
    return _act(request, measure_id, services.measure_withdraw, **payload.dict())


@router.post("/measures/{measure_id}/recovery")
def recovery(request, measure_id: int, payload: TasksIn):
    return _act(request, measure_id, services.measure_recovery_start, **payload.dict())


@router.post("/measures/{measure_id}/recovery-task")
def recovery_task(request, measure_id: int, payload: TaskIn):
    return _act(request, measure_id, services.measure_recovery_task_done, **payload.dict())


@router.post("/measures/{measure_id}/post-evaluation")
def post_evaluation(request, measure_id: int, payload: PostEvaluationIn):
    return _act(request, measure_id, services.measure_post_evaluate, **payload.dict())


class ClosureIn(Schema):
    place_id: int
    description: str = Field(..., max_length=200)
    closure_type: str
    emergency_channel: str = ""
    on_duty_contact: str = ""
    measure_id: int | None = None


@router.get("/closures")
def closure_list(request):
    rows = selectors.closures_for(request.user).filter(removed_at__isnull=True).order_by("-created_at")[:200]
    return {"items": [{"id": c.pk, "place_id": c.place_id, "place": c.place.name, "description": c.description,
                       "closure_type": c.closure_type, "emergency_channel": c.emergency_channel,
                       "measure_id": c.measure_id} for c in rows]}


@router.post("/closures", response={201: Created})
def closure_create(request, payload: ClosureIn):
    c = closures.closure_create(actor=request.user, request=request, **payload.dict())
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
    token: str = Field(..., max_length=64)
    approve: bool


@public_router.post("/public/votes")
def public_vote(request, payload: BallotIn):
    """A household's vote through its personal link."""
    votes.vote_cast(token=payload.token, approve=payload.approve, request=request)
    return {"ok": True}
