"""The delivery API under /api/v1: a volunteer's phone reads its rounds and door lists and sends taps, queued
offline and sent again when the network is back (each tap idempotent on its client id)."""

import datetime as dt

from ninja import Router, Schema

from shaodian.delivery import rounds
from shaodian.errors import NotFound, ServiceError
from shaodian.schema_types import Id, Items, ParamId, Short, Text

router = Router(tags=["delivery"])
TAPS_MAX = 500


class RoundItem(Schema):
    id: int
    building: str
    day: dt.date
    status: str
    drop_point: str
    goods: str


class RoundList(Schema):
    items: list[RoundItem]


class StopItem(Schema):
    id: int
    door: str
    who: str
    special: bool
    status: str
    reason: str


class RoundOut(RoundItem):
    stops: list[StopItem]


def _round(r) -> dict:
    return {"id": r.pk, "building": r.label, "day": r.day, "status": r.status, "drop_point": r.drop_point,
            "goods": r.goods}


@router.get("/delivery/rounds", response=RoundList)
def round_list(request):
    """The caller's rounds: a volunteer's own, staff's in their jurisdiction (the latest 200)."""
    return {"items": [_round(r) for r in rounds.rounds_for(request.user).order_by("-day", "pk")[:200]]}


@router.get("/delivery/rounds/{round_id}", response=RoundOut)
def round_detail(request, round_id: ParamId):
    """One round with its door list (names masked; special-group doors flagged)."""
    r = rounds.round_get(request.user, round_id)
    return {**_round(r), "stops": [{"id": s.pk, "door": s.label, "who": s.masked, "special": bool(s.special_tags),
                                    "status": s.status, "reason": s.reason} for s in r.stops.all()]}


class TapIn(Schema):
    client_id: Text(64, 1)
    stop: Id
    status: Text(16, 1)
    reason: Short = ""


class TapsIn(Schema):
    taps: Items(TapIn, TAPS_MAX)


class TapResult(Schema):
    client_id: str
    stop: int
    ok: bool
    status: str
    message_zh: str = ""
    message_en: str = ""


class TapsOut(Schema):
    results: list[TapResult]


@router.post("/delivery/rounds/{round_id}/taps", response=TapsOut)
def round_taps(request, round_id: ParamId, payload: TapsIn):
    """Taps at doors of one round, in the order given; a client id already stored is answered as it was."""
    r = rounds.round_get(request.user, round_id)
    doors = set(r.stops.values_list("pk", flat=True))
    if any(tap.stop not in doors for tap in payload.taps):
        raise NotFound
    results = []
    for tap in payload.taps:
        try:
            stop = rounds.stop_mark(actor=request.user, stop_id=tap.stop, status=tap.status, client_id=tap.client_id,
                                    reason=tap.reason)
            results.append({"client_id": tap.client_id, "stop": tap.stop, "ok": True, "status": stop.status})
        except ServiceError as exc:
            first = next(iter(exc.errors.values()))[0]
            results.append({"client_id": tap.client_id, "stop": tap.stop, "ok": False, "status": "",
                            "message_zh": first.zh, "message_en": first.en})
    return {"results": results}
