"""Scan ingestion (扫码记录): POST /api/v1/scans/batch, idempotent on client_id.

Each item is checked on its own, so one bad scan never sinks a batch; persons and passes are then
resolved in a few set-based queries, and the batch is stored in one insert (`scan_store`).
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone

from shaodian.checkpoints import scan_store, signing
from shaodian.checkpoints.alerts import Seen, alerts_already_raised, alerts_raise
from shaodian.checkpoints.models import Direction, Pass
from shaodian.checkpoints.services import Rejected, pass_check, scan_checkpoint_ids, token_payload
from shaodian.errors import ServiceError
from shaodian.people import idcard, scan_lookup
from shaodian.people.selectors import id_hashes
from shaodian.security.roles import Perm

BATCH_MAX = 5000
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
MAX_AGE = dt.timedelta(days=30)  # older scans are no use for tracing and are refused


def _parse_at(raw, earliest: dt.datetime, latest: dt.datetime) -> dt.datetime:
    """The scan time in UTC; comparing aware times of one zone is ten times cheaper than across zones."""
    if not isinstance(raw, str):
        raise Rejected("bad_time", "时间格式错误", "The time must be an ISO 8601 string")
    try:
        at = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise Rejected("bad_time", "时间格式错误", "The time is not ISO 8601") from None
    if at.tzinfo is None:
        raise Rejected("bad_time", "时间必须带时区", "The time needs a UTC offset")
    at = at.astimezone(dt.UTC)
    if at > latest:
        raise Rejected("future", "扫码时间晚于当前时间超过5分钟", "The time is more than 5 minutes in the future")
    if at < earliest:
        raise Rejected("too_old", "扫码时间早于30天前", "The time is more than 30 days ago")
    return at


QR_ID = re.compile(r"[0-9a-fA-F]{20}")
ID_NUMBER = re.compile(r"[0-9]{17}[0-9Xx]")


def _person_key(raw) -> tuple[str, str | int]:
    """('qr', opaque id) for a code, ('idno', keyed hash) for an ID card number, ('id', resident id) for a number."""
    if isinstance(raw, bool):
        raise Rejected("bad_person", "人员信息格式错误", "person must be a code, an ID card number or a resident id")
    if isinstance(raw, int):
        if not 0 < raw < 2**63:  # no such row, and the database would refuse the number
            raise Rejected("unknown_person", "人员不存在或身份码已失效", "Unknown person, or the code was replaced")
        return "id", raw
    if isinstance(raw, str) and ID_NUMBER.fullmatch(raw):
        # Someone without a phone shows their ID card: checked here, found by its keyed hash, never stored.
        try:
            number = idcard.validate_resident_id(raw)
        except idcard.InvalidNumber as exc:
            raise Rejected("bad_id_number", exc.zh, exc.en) from None
        return "idno", id_hashes(number)["id_hash"]
    # isascii: "²".isdigit() is true, and int() refuses it.
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) < 18:
        return "id", int(raw)
    if isinstance(raw, str) and signing.looks_like_token(raw):
        try:
            payload = token_payload(raw)
        except signing.BadToken as exc:
            raise Rejected(exc.code, exc.zh, exc.en) from None
        if payload.get("k") != "p" or not isinstance(payload.get("id"), str):
            raise Rejected("malformed", "不是个人身份码", "Not a personal identity code")
        return "qr", payload["id"]
    if isinstance(raw, str) and QR_ID.fullmatch(raw):
        # The short code printed under a personal QR, typed by a guard when the camera fails.
        return "qr", raw.lower()
    raise Rejected("malformed", "无法识别的人员码", "The person code is not recognised")


def _pass_key(raw) -> str:
    if isinstance(raw, str) and signing.looks_like_token(raw):
        try:
            payload = token_payload(raw)
        except signing.BadToken as exc:
            raise Rejected(exc.code, exc.zh, exc.en) from None
        if payload.get("k") != "pass":
            raise Rejected("malformed", "不是通行证", "Not a pass")
        return str(payload.get("s"))
    if isinstance(raw, str) and 0 < len(raw) <= 24:
        return raw
    raise Rejected("malformed", "通行证格式错误", "The pass is malformed")


def _client_id(item) -> str | None:
    client_id = item.get("client_id") if isinstance(item, dict) else None
    # isprintable: no NUL or lone surrogate, which PostgreSQL would refuse with the whole batch.
    if isinstance(client_id, str) and 0 < len(client_id) <= 64 and client_id.isprintable():
        return client_id
    return None


BAD_CLIENT_ID = Rejected("bad_client_id", "缺少client_id或过长", "client_id is missing or longer than 64")


@dataclass(slots=True)
class _Scan:
    """An item that passed the checks that need no database."""

    index: int
    client_id: str
    checkpoint: int
    at: dt.datetime  # UTC
    direction: str
    temperature: float | None
    person: tuple[str, str | int] | None
    permit: str | None


def _parse(index: int, item, client_id: str, allowed: frozenset[int], earliest: dt.datetime,
           latest: dt.datetime) -> _Scan:
    checkpoint = item.get("checkpoint")
    if isinstance(checkpoint, str) and checkpoint.isascii() and checkpoint.isdigit() and len(checkpoint) < 19:
        checkpoint = int(checkpoint)
    if not isinstance(checkpoint, int) or isinstance(checkpoint, bool) or checkpoint not in allowed:
        raise Rejected("unknown_checkpoint", "卡口不存在或不在您的管辖范围内", "Unknown checkpoint, or outside your jurisdiction")
    direction = item.get("direction")
    if direction not in (Direction.IN, Direction.OUT):
        raise Rejected("bad_direction", "方向必须是in或out", "direction must be in or out")
    at = _parse_at(item.get("at"), earliest, latest)
    temperature = item.get("temperature")
    if temperature is not None:
        if isinstance(temperature, bool) or not isinstance(temperature, int | float) or not 30 <= temperature <= 45:
            raise Rejected("bad_temperature", "体温应在30–45℃之间", "temperature must be between 30 and 45 °C")
        temperature = float(temperature)  # 37 and 37.0 alike: the column and PostgreSQL's binary COPY take floats
    person = item.get("person")
    person = _person_key(person) if person is not None and person != "" else None
    permit = item.get("pass")
    permit = _pass_key(permit) if permit is not None and permit != "" else None
    if person is None and permit is None:
        raise Rejected("no_person", "缺少人员码", "person is required")
    return _Scan(index, client_id, checkpoint, at, direction, temperature, person, permit)


def scan_batch_ingest(*, actor, items, now: dt.datetime | None = None) -> list[dict]:
    """Store scans idempotently by client_id; every item gets accepted, duplicate or rejected."""
    if not actor.can(Perm.SCAN):
        raise ServiceError.forbidden()
    if not isinstance(items, list):
        raise ServiceError.one("scans", "scans必须是数组", "scans must be a list")
    if len(items) > BATCH_MAX:
        raise ServiceError.one("scans", f"每批最多{BATCH_MAX}条", f"At most {BATCH_MAX} scans per batch", "too_many")
    now = (now or timezone.now()).astimezone(dt.UTC)
    allowed = scan_checkpoint_ids(actor)
    earliest, latest = now - MAX_AGE, now + FUTURE_TOLERANCE
    results: list[dict | None] = [None] * len(items)
    scans: list[_Scan] = []
    refused: dict[int, str] = {}  # index → client_id of rejected items: were they stored before?
    for i, item in enumerate(items):
        client_id = _client_id(item)
        if client_id is None:
            results[i] = _result(item.get("client_id") if isinstance(item, dict) and isinstance(item.get("client_id"), str)
                                 else None, "rejected", BAD_CLIENT_ID)
            continue
        try:
            scans.append(_parse(i, item, client_id, allowed, earliest, latest))
        except Rejected as exc:
            results[i] = _result(client_id, "rejected", exc)
            refused[i] = client_id
    revoked: dict[int, Seen] = {}  # index → a scan refused for its revoked pass: its holder went through
    rows, kept = _resolve(actor, scans, results, refused, revoked)
    new = scan_store.insert(rows, device_user_id=actor.pk, received_at=now)
    for s in kept:
        results[s.index] = _result(s.client_id, "accepted" if s.client_id in new else "duplicate")
    # A stored client_id is a retry whatever it now says (its time may have aged, its checkpoint closed);
    # one stored by this very batch is not: "duplicate" must never be said of a scan that was not stored.
    stored = scan_store.stored_client_ids(set(refused.values()) - new)
    for i, client_id in refused.items():
        if client_id in stored:
            results[i] = _result(client_id, "duplicate")
            revoked.pop(i, None)
    # Verified now, even if the phone judged it offline: cases, contacts, revoked passes, fevers alert staff.
    alerts = alerts_raise(actor=actor, stored=rows if len(new) == len(rows) else [r for r in rows if r[0] in new],
                          revoked=list(revoked.values()))
    # A retry means the phone never got the first answer: tell it again what that answer said.
    retried = {r["client_id"] for r in results if r["status"] == "duplicate"} - alerts.keys()
    if retried:
        alerts |= alerts_already_raised(retried)
    if alerts:
        for result in results:
            alert = alerts.get(result["client_id"])
            if alert:
                result["alert"] = alert
    return results


def _result(client_id, status: str, exc: Rejected | None = None) -> dict:
    return {"client_id": client_id, "status": status, "reason": exc.reason if exc else "", "code": exc.code if exc else ""}


def _resolve(actor, scans: list[_Scan], results: list, refused: dict[int, str],
             revoked: dict[int, Seen]) -> tuple[list[tuple], list[_Scan]]:
    """Persons and passes looked up in a few set-based queries; (rows to insert, the scans they are)."""
    if not scans:
        return [], []
    keys = {"id": set(), "qr": set(), "idno": set()}
    for s in scans:
        if s.person:
            keys[s.person[0]].add(s.person[1])
    missing_ids, by_qr, by_hash = scan_lookup.residents_resolve(actor, keys["id"], keys["qr"], keys["idno"])
    # Unprintable serials match nothing, and PostgreSQL would refuse a NUL with the whole query.
    serials = {s.permit for s in scans if s.permit and s.permit.isprintable()}
    passes = {ps.serial: ps for ps in Pass.objects.filter(serial__in=serials).prefetch_related("checkpoints")} if serials else {}
    gates = {serial: frozenset(c.pk for c in ps.checkpoints.all()) for serial, ps in passes.items()}
    rows, kept = [], []
    taken: set[str] = set()
    for s in scans:
        if s.client_id in taken:
            # Repeats inside the batch: the first one that resolves is stored, the rest are its duplicates.
            results[s.index] = _result(s.client_id, "duplicate")
            continue
        try:
            resident_id = None
            if s.person:
                kind, value = s.person
                if kind == "qr":
                    resident_id = by_qr.get(value)
                elif kind == "idno":
                    resident_id = by_hash.get(value)
                elif value not in missing_ids:
                    resident_id = value
                if resident_id is None:
                    raise Rejected("unknown_person", "人员不存在或身份码已失效", "Unknown person, or the code was replaced")
            permit_id = None
            if s.permit:
                permit = pass_check(passes.get(s.permit), s.checkpoint, s.at, resident_id, gates.get(s.permit))
                permit_id = permit.pk
                # A pass scanned alone (offline, no personal code) still records who passed: its holder.
                resident_id = resident_id or permit.resident_id
        except Rejected as exc:
            results[s.index] = _result(s.client_id, "rejected", exc)
            refused[s.index] = s.client_id
            if exc.code == "revoked":
                revoked[s.index] = (s.client_id, resident_id or passes[s.permit].resident_id, s.checkpoint, s.at,
                                    s.direction, s.temperature, passes[s.permit].pk)
            continue
        taken.add(s.client_id)
        rows.append((s.client_id, resident_id, s.checkpoint, s.at, s.direction, s.temperature, permit_id))
        kept.append(s)
    return rows, kept
