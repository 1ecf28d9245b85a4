import datetime as dt

from ninja import Field, Query, Router, Schema, Status

from shaodian.people import selectors, services
from shaodian.schema_types import Id, Items, ParamId, Text
from shaodian.people.models import Resident
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
        request.user, q=params.q, grid=params.grid, tag=params.tag, cursor=params.cursor, limit=params.limit, request=request
    )
    return {"items": [resident_item(r) for r in page.items], "next": page.next}


@router.get("/residents/{resident_id}", response=ResidentDetail)
def resident_detail(request, resident_id: ParamId):
    r = selectors.resident_get(request.user, resident_id, request=request)
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
        request=request,
    )
    return Status(201, {"id": r.pk})


@router.get("/households/{household_id}", response=HouseholdOut)
def household_detail(request, household_id: ParamId):
    household, members = selectors.household_get(request.user, household_id, request=request)
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
