import datetime as dt

from ninja import Field, Query, Router, Schema, Status

from shaodian.people import selectors, services, transfers
from shaodian.schema_types import Id, Items, ParamId, Text
from shaodian.people.models import Resident
from shaodian.security.audit import audit_list
from shaodian.security.crypto import mask_id_number, mask_phone

router = Router(tags=["people"])


class ResidentItem(Schema):
    id: int
    name: str
    id_number_masked: str
    phone_masked: str
    household_id: int
    grid_id: int
    tags: list[str]


class ResidentPage(Schema):
    items: list[ResidentItem]
    next: str | None


class ResidentDetail(ResidentItem):
    document_type: str
    sex: str
    birth_date: dt.date | None
    address: str
    community_id: int | None


class ResidentIn(Schema):
    name: Text(200)
    id_number: Text(64)
    phone: Text(32) = ""
    household_id: Id
    document_type: Text(32) = "resident_id"
    tags: Items(Text(32), 20) = []


class Created(Schema):
    id: int


class MemberItem(Schema):
    id: int
    name: str
    id_number_masked: str
    phone_masked: str
    tags: list[str]


class HouseholdOut(Schema):
    id: int
    address: str
    room: str
    building: str
    unit: str
    grid_id: int
    members: list[MemberItem]


def resident_item(r: Resident) -> dict:
    return {
        "id": r.pk,
        "name": r.name,
        "id_number_masked": mask_id_number(r.id_number),
        "phone_masked": mask_phone(r.phone),
        "household_id": r.household_id,
        "grid_id": r.grid_id,
        "tags": r.tag_list,
    }


class ListParams(Schema):
    q: str = Field("", max_length=100)
    grid: ParamId | None = None
    tag: Text(32) | None = None
    cursor: str | None = Field(None, max_length=32)
    limit: int = Field(20, ge=1, le=200)


@router.get("/residents", response=ResidentPage)
def resident_list(request, params: Query[ListParams]):
    """Residents in the caller's jurisdiction; q = name prefix, ID/phone last 4, full number, or address."""
    page = selectors.resident_search(
        request.user, q=params.q, grid=params.grid, tag=params.tag, cursor=params.cursor, limit=params.limit
    )
    return {"items": [resident_item(r) for r in page.items], "next": page.next}


@router.get("/residents/{resident_id}", response=ResidentDetail)
def resident_detail(request, resident_id: ParamId):
    r = selectors.resident_get(request.user, resident_id)
    return {
        **resident_item(r),
        "document_type": r.document_type,
        "sex": r.sex,
        "birth_date": r.birth_date,
        "address": r.household.address,
        "community_id": r.community_id,
    }


@router.post("/residents", response={201: Created})
def resident_create(request, payload: ResidentIn):
    r = services.resident_create(
        actor=request.user,
        name=payload.name,
        id_number=payload.id_number,
        phone=payload.phone,
        household_id=payload.household_id,
        document_type=payload.document_type,
        tags=payload.tags,
    )
    return Status(201, {"id": r.pk})


@router.get("/households/{household_id}", response=HouseholdOut)
def household_detail(request, household_id: ParamId):
    household, members = selectors.household_get(request.user, household_id)
    return {
        "id": household.pk,
        "address": household.address,
        "room": household.room,
        "building": household.unit.building.name,
        "unit": household.unit.name,
        "grid_id": household.grid_id,
        "members": [
            {k: v for k, v in resident_item(m).items() if k in MemberItem.model_fields} for m in members
        ],
    }


# ----------------------------------------------------------------------------- transfers (人户迁移)


class TransferIn(Schema):
    name: str = Field(..., max_length=64)
    id_number: str = Field(..., max_length=32)
    document_type: str = Field("resident_id", max_length=16)
    household_id: int = Field(..., ge=1, le=2**31 - 1)
    link_kind: str = Field("lives_here", max_length=16)
    note: str = Field("", max_length=500)


class TransferSent(Schema):
    id: int
    status: str
    message_zh: str
    message_en: str


class DecisionIn(Schema):
    reason: str = Field("", max_length=500)


class TransferIncoming(Schema):
    id: int
    status: str
    resident_id: int | None
    resident_name: str
    to_household_id: int
    to_address: str
    link_kind: str
    claimed_name: str
    note: str
    reason: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    can_decide: bool


class TransferOutgoing(Schema):
    id: int
    status: str
    claimed_name: str
    id_number_masked: str
    to_household_id: int
    to_address: str
    reason: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    resident_id: int | None  # only once accepted: the person is then the requester's


def _sent(t) -> dict:
    return {"id": t.pk, "status": t.status, "message_zh": "迁入申请已发送，由该人员所在辖区确认",
            "message_en": "The transfer request was sent; the jurisdiction holding the person decides"}


@router.get("/transfers/incoming", response=list[TransferIncoming])
def transfer_incoming(request):
    """Requests about people the caller holds (to decide), then decided requests about former residents."""
    rows = list(transfers.transfers_incoming(request.user)[:200])
    mine = set(selectors.residents_for(request.user).filter(pk__in=[t.resident_id for t in rows]).values_list("pk", flat=True))
    audit_list(request.user, "transfer_request", [t.pk for t in rows])
    return [
        {"id": t.pk, "status": t.status, "resident_id": t.resident_id, "resident_name": t.resident.name if t.resident else "",
         "to_household_id": t.to_household_id, "to_address": t.to_household.address, "link_kind": t.link_kind,
         "claimed_name": t.claimed_name, "note": t.note, "reason": t.reason, "requested_at": t.requested_at,
         "decided_at": t.decided_at, "can_decide": t.status == "pending" and t.resident_id in mine}
        for t in rows
    ]


@router.get("/transfers/outgoing", response=list[TransferOutgoing])
def transfer_outgoing(request):
    """Requests sent for households of the caller's jurisdiction, with their status: never who holds the person."""
    rows = list(transfers.transfers_outgoing(request.user)[:200])
    audit_list(request.user, "transfer_request", [t.pk for t in rows])
    return [
        {"id": t.pk, "status": t.status, "claimed_name": t.claimed_name, "id_number_masked": mask_id_number(t.id_number),
         "to_household_id": t.to_household_id, "to_address": t.to_household.address, "reason": t.reason,
         "requested_at": t.requested_at, "decided_at": t.decided_at,
         "resident_id": t.resident_id if t.status == "accepted" else None}
        for t in rows
    ]


@router.post("/transfers", response={201: TransferSent})
def transfer_create(request, payload: TransferIn):
    """Ask the jurisdiction holding a person (named by document number) to let them move into one of your households."""
    t = transfers.transfer_request_create(actor=request.user, **payload.dict())
    return Status(201, _sent(t))


@router.post("/transfers/{transfer_id}/accept", response=TransferSent)
def transfer_accept(request, transfer_id: int, payload: DecisionIn):
    t = transfers.transfer_request_decide(actor=request.user, transfer_id=transfer_id, accept=True,
                                          reason=payload.reason)
    return {**_sent(t), "message_zh": "已同意，该人员已迁出", "message_en": "Accepted: the person has moved"}


@router.post("/transfers/{transfer_id}/decline", response=TransferSent)
def transfer_decline(request, transfer_id: int, payload: DecisionIn):
    t = transfers.transfer_request_decide(actor=request.user, transfer_id=transfer_id, accept=False,
                                          reason=payload.reason)
    return {**_sent(t), "message_zh": "已拒绝", "message_en": "Declined"}


@router.post("/transfers/{transfer_id}/cancel", response=TransferSent)
def transfer_cancel(request, transfer_id: int):
    t = transfers.transfer_request_cancel(actor=request.user, transfer_id=transfer_id)
    return {**_sent(t), "message_zh": "申请已撤回", "message_en": "The request was withdrawn"}
