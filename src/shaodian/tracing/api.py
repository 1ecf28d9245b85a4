
from ninja import Field, Router, Schema, Status

from shaodian.schema_types import Day, Flag, Id, Minutes, Moment, ParamId, Short, Text
from shaodian.tracing import services

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
                                  onset_date=payload.onset_date, test_date=payload.test_date, request=request)
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
    start: str
    end: str
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
    return {"id": c.pk, "resident_id": c.resident_id, "score": c.minutes, "reason": c.reason, "status": c.status,
            "degree": c.degree, "via_resident_id": c.via.resident_id if c.via_id else None, "exposures": c.exposures}


@router.post("/tracing/contacts", response=ContactsOut)
def contacts(request, payload: ContactsIn):
    """Contacts of a case from the scans, ranked by exposure minutes (proposals until a person confirms)."""
    found = services.contacts_find(
        actor=request.user, case_id=payload.case, t_from=payload.from_, t_to=payload.to,
        window_minutes=payload.window_minutes, min_overlap_minutes=payload.min_overlap_minutes,
        second_degree=payload.second_degree, request=request)
    return {"contacts": [contact_out(c) for c in found["contacts"]],
            "secondary": [contact_out(c) for c in found["secondary"]],
            "outside_jurisdiction": found["outside_jurisdiction"]}


class DecideIn(Schema):
    confirm: Flag
    note: Short = ""


@router.post("/tracing/contacts/{contact_id}/decide", response=ContactOut)
def decide(request, contact_id: ParamId, payload: DecideIn):
    """A tracer confirms (monitoring starts) or dismisses a proposed contact."""
    return contact_out(services.contact_decide(actor=request.user, contact_id=contact_id, confirm=payload.confirm,
                                               note=payload.note, request=request))
