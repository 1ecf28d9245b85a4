import datetime as dt
from typing import Any

from django.http import HttpResponse
from ninja import Field, Router, Schema, Status
from pydantic import BaseModel

from shaodian import fastjson
from shaodian.checkpoints import selectors, services
from shaodian.checkpoints.scans import BATCH_MAX, scan_batch_ingest
from shaodian.errors import ServiceError
from shaodian.schema_types import Id, Items, Moment, Name, ParamId, Short, Text

router = Router(tags=["checkpoints"])


class CheckpointItem(Schema):
    id: int
    name: str
    place_id: int
    kind: str
    pass_required: bool


class CheckpointList(Schema):
    items: list[CheckpointItem]


@router.get("/checkpoints", response=CheckpointList)
def checkpoint_list(request):
    """Checkpoints and venues in the caller's jurisdiction."""
    return {"items": [
        {"id": c.pk, "name": c.name, "place_id": c.place_id, "kind": c.kind, "pass_required": c.pass_required}
        for c in selectors.checkpoints_for(request.user).order_by("id")
    ]}


# The shape of the answer, for the OpenAPI document.
class ScanAlertOut(BaseModel):
    """Why staff were alerted by this scan: shown red on the guard's phone, with the time and the masked name."""

    kinds: list[str] = Field(description="case, close_contact, monitoring, revoked_pass, fever; most urgent first")
    name: str | None = Field(description="the person's masked name (张*明)")
    at: str = Field(description="when the scan was made, ISO 8601")
    temperature: float | None


class ScanResult(BaseModel):
    client_id: str | None
    status: str
    reason: str
    code: str = ""
    alert: ScanAlertOut | None = None


class BatchIn(Schema):
    # Items are checked one by one by the service, so one bad scan never sinks the batch.
    scans: list[Any] = Field(..., max_length=BATCH_MAX)


class BatchOut(BaseModel):
    results: list[ScanResult]


@router.post("/scans/batch", response=BatchOut)
def scan_batch(request, payload: BatchIn):
    """Up to 5,000 scans; idempotent on client_id; results in the order received."""
    results = scan_batch_ingest(actor=request.user, items=payload.scans)
    # Written directly: the service builds exactly BatchOut (a test holds it to the schema), and
    # validating 5,000 results again would cost more than storing them.
    return HttpResponse(fastjson.dumps({"results": results}), content_type="application/json")


class VerifyIn(Schema):
    code: str = Field(..., max_length=services.signing.MAX_TOKEN,
                      description="a personal or pass QR, the code printed under it, or an ID card number")
    temperature: float | None = Field(None, ge=30, le=45, description="°C; at or above 37.3 the verdict is fever")


class VerifyOut(Schema):
    result: str
    message_zh: str
    message_en: str
    fever: bool = False
    name: str | None = None
    resident_id: int | None = None
    person: str | None = Field(None, description="the person's code to queue the scan with, for an ID card number")
    pass_: dict | None = Field(None, alias="pass")


@router.post("/checkpoints/{checkpoint_id}/verify", response=VerifyOut, by_alias=True)
def verify(request, checkpoint_id: ParamId, payload: VerifyIn):
    """Verify-and-release (查验放行): allowed / pass_required / under_monitoring / fever / case_or_contact / invalid."""
    return services.verify_at(actor=request.user, checkpoint_id=checkpoint_id, code=payload.code,
                              temperature=payload.temperature)


class KeysOut(Schema):
    algorithm: str
    public_key: str
    revoked: list[str]
    generated_at: dt.datetime


@router.get("/keys", response=KeysOut)
def keys(request):
    """What a guard phone caches to verify passes offline: the public key and the revocation list."""
    from django.utils import timezone

    if not request.user.can(services.Perm.SCAN):
        raise ServiceError.forbidden()
    return {"algorithm": "Ed25519", "public_key": services.keys().public_raw_b64(), "revoked": services.revocation_list(),
            "generated_at": timezone.now()}


class PassIn(Schema):
    kind: Text(32)
    checkpoints: Items(Id, 500)
    valid_from: Moment
    valid_to: Moment
    reason: Short
    resident_id: Id | None = None
    plate: Text(16) = ""
    driver_name: Name = ""
    driver_phone: Text(20) = ""


class PassOut(Schema):
    id: int
    serial: str
    token: str


@router.post("/passes", response={201: PassOut})
def pass_create(request, payload: PassIn):
    permit = services.pass_issue(actor=request.user, kind=payload.kind, checkpoint_ids=payload.checkpoints,
                                 valid_from=payload.valid_from, valid_to=payload.valid_to, reason=payload.reason,
                                 resident_id=payload.resident_id, plate=payload.plate, driver_name=payload.driver_name,
                                 driver_phone=payload.driver_phone)
    return Status(201, {"id": permit.pk, "serial": permit.serial, "token": services.pass_token(permit)})


class RevokeIn(Schema):
    reason: Short


@router.post("/passes/{pass_id}/revoke", response={200: dict})
def pass_revoke(request, pass_id: ParamId, payload: RevokeIn):
    permit = selectors.pass_get(request.user, pass_id)
    services.pass_revoke(actor=request.user, permit=permit, reason=payload.reason)
    return {"serial": permit.serial, "revoked": True}
