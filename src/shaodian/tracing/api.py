import datetime as dt

from django.utils import timezone
from ninja import Field, Router, Schema, Status

from shaodian.schema_types import Day, Flag, Id, Minutes, Moment, ParamId, Short, Text
from shaodian.tracing import selectors, services

router = Router(tags=["tracing"])


class CaseIn(Schema):
    resident_id: Id
    kind: Text(32)
    onset_date: Day | None = None
    test_date: Day


class Created(Schema):
    id: int


@router.post("/cases", response={201: Created})
def case_create(request, payload: CaseIn):
    case = services.case_register(actor=request.user, resident_id=payload.resident_id, kind=payload.kind,
                                  onset_date=payload.onset_date, test_date=payload.test_date)
    return Status(201, {"id": case.pk})


class ContactsIn(Schema):
    case: Id
    from_: Moment = Field(..., alias="from")
    to: Moment
    window_minutes: Minutes = 30
    min_overlap_minutes: Minutes = 0
    second_degree: Flag = False


class ExposureOut(Schema):
    checkpoint: int
    checkpoint_name: str
    start: dt.datetime  # Asia/Shanghai, with its offset
    end: dt.datetime
    minutes: float


class ContactOut(Schema):
    id: int
    resident_id: int
    score: float
    reason: str
    status: str
    degree: int
    via_resident_id: int | None = None
    exposures: list[ExposureOut]


class ContactsOut(Schema):
    contacts: list[ContactOut]
    secondary: list[ContactOut]
    outside_jurisdiction: int


def contact_out(c) -> dict:
    """One contact; its exposures must be attached first (`selectors.with_exposures`)."""
    return {"id": c.pk, "resident_id": c.resident_id, "score": c.minutes, "reason": c.reason, "status": c.status,
            "degree": c.degree, "via_resident_id": c.via.resident_id if c.via_id else None,
            "exposures": [{"checkpoint": e.checkpoint_id, "checkpoint_name": e.checkpoint.name,
                           "start": timezone.localtime(e.start), "end": timezone.localtime(e.end), "minutes": e.minutes}
                          for e in c.exposures.all()]}


@router.post("/tracing/contacts", response=ContactsOut)
def contacts(request, payload: ContactsIn):
    """Contacts of a case from the scans, ranked by exposure minutes (proposals until a person confirms)."""
    found = services.contacts_find(
        actor=request.user, case_id=payload.case, t_from=payload.from_, t_to=payload.to,
        window_minutes=payload.window_minutes, min_overlap_minutes=payload.min_overlap_minutes,
        second_degree=payload.second_degree)
    selectors.with_exposures(found["contacts"] + found["secondary"])
    return {"contacts": [contact_out(c) for c in found["contacts"]],
            "secondary": [contact_out(c) for c in found["secondary"]],
            "outside_jurisdiction": found["outside_jurisdiction"]}


class DecideIn(Schema):
    confirm: Flag
    note: Short = ""


@router.post("/tracing/contacts/{contact_id}/decide", response=ContactOut)
def decide(request, contact_id: ParamId, payload: DecideIn):
    """A tracer confirms (monitoring starts) or dismisses a proposed contact."""
    contact = services.contact_decide(actor=request.user, contact_id=contact_id, confirm=payload.confirm,
                                      note=payload.note)
    return contact_out(selectors.with_exposures([contact])[0])


class DecideManyIn(Schema):
    confirm: bool
    note: str = Field(..., min_length=1, max_length=200)
    contact_ids: list[int] | None = Field(None, max_length=1000)
    top: int | None = Field(None, ge=1, le=1000)
    min_score: float | None = Field(None, ge=0, le=40320)


class DecidedOut(Schema):
    decided: list[int]


@router.post("/tracing/cases/{case_id}/contacts/decide", response=DecidedOut)
def decide_many(request, case_id: ParamId, payload: DecideManyIn):
    """One decision with one reason on a selection of a case's contacts, or on its top N proposals at or above a score."""
    done = services.contacts_decide(actor=request.user, case_id=case_id, confirm=payload.confirm, note=payload.note,
                                    contact_ids=payload.contact_ids, top=payload.top, min_score=payload.min_score)
    return {"decided": [c.pk for c in done]}


class NoteIn(Schema):
    note: Short = ""


class StatusOut(Schema):
    id: int
    status: str


class CloseIn(Schema):
    note: Short = ""
    reason: Text(32) = Field("", description="discharged | isolation_ended | other (which needs a note); optional")


@router.post("/tracing/cases/{case_id}/close", response=StatusOut)
def case_close(request, case_id: ParamId, payload: CloseIn):
    """Close an active case (recovered, discharged): gates let the person through again. A closed case is refused."""
    case = services.case_close(actor=request.user, case_id=case_id, note=payload.note, reason=payload.reason)
    return {"id": case.pk, "status": case.status}


@router.post("/tracing/monitoring/{monitoring_id}/end", response=StatusOut)
def monitoring_end(request, monitoring_id: ParamId, payload: NoteIn):
    """End a monitoring period, at term or early with a reason. An ended period is refused."""
    m = services.monitoring_end(actor=request.user, monitoring_id=monitoring_id, note=payload.note)
    return {"id": m.pk, "status": m.status}
