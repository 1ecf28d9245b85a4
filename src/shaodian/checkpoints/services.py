"""Writes at checkpoints: digital identity, verify-and-release, passes; scan batches are in `scans`."""

import datetime as dt
import re
import secrets
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

if TYPE_CHECKING:
    from shaodian.people.models import Resident

from shaodian.checkpoints import signing
from shaodian.checkpoints.models import FEVER_FROM, Checkpoint, Pass, PassKind, PassStatus
from shaodian.errors import Msg, NotFound, ServiceError
from shaodian.people import idcard
from shaodian.people import selectors as people
from shaodian.places.models import Place
from shaodian.places.selectors import place_get
from shaodian.security.audit import audit
from shaodian.security.crypto import mask_name
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm, may_issue


@lru_cache(maxsize=2)
def _keys(seed: str) -> signing.Keys:
    return signing.Keys.from_seed(seed)


def keys() -> signing.Keys:
    return _keys(settings.SIGNING_KEY)


# ----------------------------------------------------------------------------- digital identity


def identity_token(resident: "Resident") -> str:
    """The personal QR content: a signed opaque id, never the ID number."""
    if not resident.qr_id:
        resident.qr_id = secrets.token_hex(10)
        resident.save(update_fields=["qr_id"])
    return signing.sign(keys(), {"k": "p", "id": resident.qr_id})


def identity_reissue(*, actor, resident: "Resident") -> str:
    """A lost or copied code stops working: a new opaque id is drawn."""
    if not actor.can(Perm.EDIT_RESIDENTS):
        raise ServiceError.forbidden()
    resident.qr_id = secrets.token_hex(10)
    resident.save(update_fields=["qr_id"])
    audit(actor, AuditAction.UPDATE, "resident", resident.pk, detail={"qr": "reissued"})
    return identity_token(resident)


@lru_cache(maxsize=200_000)
def _token_payload(token: str) -> dict:
    # Verifying Ed25519 costs ~50 µs; the same person passes many gates, so results are cached.
    return signing.verify(keys().public, token)


def token_payload(token: str) -> dict:
    return dict(_token_payload(token))


# ----------------------------------------------------------------------------- shared by scans and verification


@dataclass
class Rejected(Exception):
    """Why one scan or code is refused, in Chinese and English; the rest of a batch goes on."""

    code: str
    zh: str
    en: str

    @property
    def reason(self) -> str:
        return f"{self.zh} / {self.en}"


_scope_cache: dict[tuple, tuple[float, frozenset[int]]] = {}


def scan_checkpoint_ids(actor) -> frozenset[int]:
    """Ids of the checkpoints the actor may scan at (cached briefly: devices send many batches)."""
    key = (actor.pk, actor.node_id, actor.role)
    hit = _scope_cache.get(key)
    if hit and hit[0] > time.monotonic():
        return hit[1]
    ids = frozenset(Checkpoint.objects.for_user(actor, Perm.SCAN).filter(active=True).values_list("pk", flat=True))
    _scope_cache[key] = (time.monotonic() + 30, ids)
    return ids


def pass_check(permit: Pass | None, checkpoint_id: int, at: dt.datetime, resident_id: int | None,
                gates: frozenset[int] | None = None) -> Pass:
    """The pass, if it lets this person through this checkpoint at this time; gates: its checkpoint ids, if known."""
    if permit is None:
        raise Rejected("unknown_pass", "通行证不存在", "Unknown pass")
    if permit.revoked_at is not None and permit.revoked_at <= at:
        raise Rejected("revoked", "通行证已被撤销", "The pass has been revoked")
    if not permit.valid_from <= at <= permit.valid_to:
        raise Rejected("expired", "通行证不在有效期内", "The pass is not valid at this time")
    if checkpoint_id not in (gates if gates is not None else {c.pk for c in permit.checkpoints.all()}):
        raise Rejected("wrong_checkpoint", "通行证不适用于此卡口", "The pass is not valid at this checkpoint")
    if permit.resident_id and resident_id and permit.resident_id != resident_id:
        raise Rejected("wrong_person", "通行证与持证人不符", "The pass belongs to someone else")
    return permit


# ----------------------------------------------------------------------------- verify and release


class Verdict:
    ALLOWED = "allowed"
    PASS_REQUIRED = "pass_required"
    UNDER_MONITORING = "under_monitoring"
    FEVER = "fever"
    CASE_OR_CONTACT = "case_or_contact"
    INVALID = "invalid"


VERDICT_TEXT = {
    Verdict.ALLOWED: ("放行", "Allowed"),
    Verdict.PASS_REQUIRED: ("需出示通行证", "Pass required"),
    Verdict.UNDER_MONITORING: ("健康监测中，请联系社区", "Under health monitoring: call the community"),
    Verdict.FEVER: ("体温异常：请复测，并引导至发热门诊", "Fever: measure again and guide the person to the fever clinic"),
    Verdict.CASE_OR_CONTACT: ("病例或密接，禁止通行，请立即报告", "Case or close contact: do not let pass, report now"),
    Verdict.INVALID: ("无效码", "Invalid code"),
}
ID_NUMBER = re.compile(r"[0-9]{17}[0-9Xx]")


def fever_text(temperature: float) -> tuple[str, str]:
    return (f"体温{temperature:.1f}℃（≥{FEVER_FROM}℃）：请复测，并引导至发热门诊",
            f"{temperature:.1f} °C (≥ {FEVER_FROM} °C): measure again and guide the person to the fever clinic")


def _resident_by_id_number(actor, code: str) -> "Resident | None":
    """Someone without a phone shows their ID card: checked by its check character, found by keyed hash."""
    from shaodian.people import idcard

    try:
        number = idcard.validate_resident_id(code)
    except idcard.InvalidNumber as exc:
        raise Rejected("bad_id_number", exc.zh, exc.en) from None
    return people.scanned_by_id_number(actor, number)


def verify_at(*, actor, checkpoint_id: int, code: str, temperature: float | None = None, now: dt.datetime | None = None) -> dict:
    """What the guard sees within a second: allowed, pass required, under monitoring, fever, or case/contact."""
    from shaodian.checkpoints import health

    if not actor.can(Perm.SCAN):
        raise ServiceError.forbidden()
    if checkpoint_id not in scan_checkpoint_ids(actor):
        raise NotFound
    if temperature is not None and not 30 <= temperature <= 45:
        raise ServiceError.one("temperature", "体温应在30–45℃之间", "temperature must be between 30 and 45 °C")
    now = now or timezone.now()
    checkpoint = Checkpoint.objects.get(pk=checkpoint_id)
    code = (code or "").strip()
    permit = None
    by_id_number = False
    try:
        if signing.looks_like_token(code):
            payload = _token_payload(code)
            if payload.get("k") == "pass":
                permit = Pass.objects.filter(serial=str(payload.get("s"))).prefetch_related("checkpoints").first()
                pass_check(permit, checkpoint_id, now, None)
                resident = permit.resident
            else:
                resident = people.scanned_by_qr(actor, str(payload.get("id")))
        elif ID_NUMBER.fullmatch(code):
            resident, by_id_number = _resident_by_id_number(actor, code), True
        else:
            # The short code printed under a personal QR, typed by the guard when the camera fails.
            resident = people.scanned_by_qr(actor, code.lower()) if 8 <= len(code) <= 32 else None
        if resident is None and permit is None:
            raise Rejected("unknown_person", "人员不存在或身份码已失效", "Unknown person, or the code was replaced")
    except signing.BadToken as exc:
        return _verdict(Verdict.INVALID, exc.zh, exc.en)
    except Rejected as exc:
        return _verdict(Verdict.INVALID, exc.zh, exc.en)
    flags = health.flags_for([resident.pk]).get(resident.pk, set()) if resident else set()
    fever = temperature is not None and temperature >= FEVER_FROM
    if "case" in flags or "close_contact" in flags:
        verdict = Verdict.CASE_OR_CONTACT
    elif fever:
        # Never green at or above 37.3 ℃, whatever else is true of the person.
        verdict = Verdict.FEVER
    elif "monitoring" in flags:
        verdict = Verdict.UNDER_MONITORING
    elif checkpoint.pass_required and permit is None and not _holds_pass(resident, checkpoint_id, now):
        verdict = Verdict.PASS_REQUIRED
    else:
        verdict = Verdict.ALLOWED
    audit(actor, AuditAction.READ, "verify", resident.pk if resident else "", detail={"checkpoint": checkpoint_id,
          "verdict": verdict, **({"fever": True} if fever else {})})
    out = _verdict(verdict, *(fever_text(temperature) if verdict == Verdict.FEVER else ("", "")))
    out["fever"] = fever
    out["name"] = mask_name(resident.name) if resident else (permit.driver_name and mask_name(permit.driver_name))
    # An internal id means something only inside the guard's jurisdiction (scans by bare id count only there).
    scope = f"{actor.node.kind}_id" if actor.node_id else None
    inside = resident is not None and scope is not None and getattr(resident, scope) == actor.node_id
    out["resident_id"] = resident.pk if inside else None
    if by_id_number:
        # The scan is queued with the person's code, never with the ID number, which stays off the phone.
        out["person"] = identity_token(resident)
    if permit:
        out["pass"] = {"serial": permit.serial, "kind": permit.kind, "plate": permit.plate,
                       "valid_to": permit.valid_to.isoformat(),
                       "disinfected_at": permit.disinfected_at.isoformat() if permit.disinfected_at else None,
                       "disinfection": permit.disinfection_note}
    return out


def _verdict(verdict: str, zh: str = "", en: str = "") -> dict:
    vz, ve = VERDICT_TEXT[verdict]
    return {"result": verdict, "message_zh": zh or vz, "message_en": en or ve}


def _holds_pass(resident: "Resident | None", checkpoint_id: int, now: dt.datetime) -> bool:
    if resident is None:
        return False
    return Pass.objects.filter(resident=resident, checkpoints=checkpoint_id, valid_from__lte=now, valid_to__gte=now,
                               revoked_at__isnull=True).exists()


# ----------------------------------------------------------------------------- passes

MAX_PASS_DAYS = 14


def pass_issue(
    *, actor, kind: str, checkpoint_ids: list[int], valid_from: dt.datetime, valid_to: dt.datetime, reason: str,
    resident_id: int | None = None, plate: str = "", driver_name: str = "", driver_phone: str = "",
) -> Pass:
    """Issue a pass; only the roles that answer for that kind may (community: care, supply: vehicles)."""
    if not actor.can(Perm.ISSUE_PASS) or not may_issue(actor.role, kind):
        raise ServiceError.forbidden()
    errors = ServiceError()
    if kind not in PassKind.values:
        errors.add("kind", _msg("未知的通行证类型", "Unknown pass kind"))
    if valid_from.tzinfo is None or valid_to.tzinfo is None or valid_to <= valid_from:
        errors.add("valid_to", _msg("有效期结束必须晚于开始", "The pass must end after it starts"))
    elif valid_to - valid_from > dt.timedelta(days=MAX_PASS_DAYS):
        errors.add("valid_to", _msg(f"有效期最长{MAX_PASS_DAYS}天", f"A pass is valid for at most {MAX_PASS_DAYS} days"))
    reason = " ".join(str(reason or "").split())
    if len(reason) < 2:
        errors.add("reason", _msg("请填写事由", "State the reason"))
    checkpoints = list(Checkpoint.objects.for_user(actor, Perm.VIEW_CHECKPOINTS).filter(pk__in=checkpoint_ids or []))
    if not checkpoints or len(checkpoints) != len(set(checkpoint_ids)):
        errors.add("checkpoints", _msg("卡口不存在或不在您的管辖范围内", "Unknown checkpoint, or outside your jurisdiction"))
    resident = None
    if kind == PassKind.SUPPLY_VEHICLE:
        plate = "".join(str(plate or "").split()).upper()
        if not 6 <= len(plate) <= 8:
            errors.add("plate", _msg("请填写正确的车牌号", "Enter a valid plate number"))
        try:
            driver_phone = idcard.validate_phone(driver_phone)
        except idcard.InvalidNumber as exc:
            errors.add("driver_phone", _msg(exc.zh, exc.en))
    elif kind:
        # Holders come from the issuer's own jurisdiction, whatever their role may browse.
        resident = people.residents_for(actor, Perm.ISSUE_PASS).filter(pk=resident_id).first() if resident_id else None
        if resident is None:
            errors.add("resident_id", _msg("居民不存在或不在您的管辖范围内", "Unknown resident, or outside your jurisdiction"))
    if errors.errors:
        raise errors
    with transaction.atomic():
        permit = Pass.objects.create(
            kind=kind, resident=resident, plate=plate if kind == PassKind.SUPPLY_VEHICLE else "",
            driver_name=driver_name[:64] if kind == PassKind.SUPPLY_VEHICLE else "",
            driver_phone=driver_phone if kind == PassKind.SUPPLY_VEHICLE else "",
            reason=reason[:200], valid_from=valid_from, valid_to=valid_to, issued_by=actor,
        )
        permit.checkpoints.set(checkpoints)
        audit(actor, AuditAction.CREATE, "pass", permit.pk, detail={"kind": kind, "resident": resident.pk if resident else None})
    return permit


def _msg(zh, en):
    return Msg(zh, en)


def pass_token(permit: Pass) -> str:
    """Everything a guard needs to check the pass with no network: holder, term, checkpoints."""
    return signing.sign(keys(), {
        "k": "pass", "s": permit.serial, "t": permit.kind,
        "f": int(permit.valid_from.timestamp()), "u": int(permit.valid_to.timestamp()),
        "c": sorted(c.pk for c in permit.checkpoints.all()),
        "h": mask_name(permit.resident.name) if permit.resident_id else mask_name(permit.driver_name),
        "p": permit.plate,
    })


# Moves a person may make; expiry is no one's act (time passes), so only revocation is ever requested.
PASS_TRANSITIONS = {PassStatus.ISSUED: {PassStatus.REVOKED}}
_STATUS_ZH = {PassStatus.ISSUED: "有效", PassStatus.REVOKED: "已撤销", PassStatus.EXPIRED: "已过期"}


def pass_may_manage(actor, permit: Pass) -> bool:
    """Whether actor may issue this kind of pass where this one belongs (so may also revoke it)."""
    from shaodian.checkpoints.selectors import passes_for

    return (actor.can(Perm.ISSUE_PASS) and may_issue(actor.role, permit.kind)
            and passes_for(actor).filter(pk=permit.pk).exists())


def pass_transition(*, actor, permit: Pass, to: str, reason: str, now: dt.datetime | None = None) -> Pass:
    """The one way a pass changes state: refuses illegal moves with a reason, and audits the move."""
    if not pass_may_manage(actor, permit):
        raise ServiceError.forbidden()
    now = now or timezone.now()
    current = permit.status(now)
    if to not in PASS_TRANSITIONS.get(current, set()):
        raise ServiceError.one("status", f"通行证{_STATUS_ZH[current]}，不能改为“{_STATUS_ZH.get(to, to)}”",
                               f"The pass is {current}: it cannot become {to}", "illegal_transition")
    reason = " ".join(str(reason or "").split())
    if len(reason) < 2:
        raise ServiceError.one("reason", "请填写撤销理由", "State why the pass is revoked", "reason")
    if len(reason) > 200:
        raise ServiceError.one("reason", "理由最多200字", "The reason has at most 200 characters", "too_long")
    with transaction.atomic():
        # Conditional: of two officers revoking at once, one wins and the other is told.
        changed = Pass.objects.filter(pk=permit.pk, revoked_at__isnull=True).update(revoked_at=now, revoked_reason=reason)
        if not changed:
            raise ServiceError.one("status", "通行证已撤销", "The pass is already revoked", "illegal_transition")
        permit.revoked_at, permit.revoked_reason = now, reason
        audit(actor, AuditAction.UPDATE, "pass", permit.pk, detail={"from": current, "to": to})
    return permit


def pass_revoke(*, actor, permit: Pass, reason: str) -> Pass:
    """Revoke a pass: guard phones refuse it once they have been online."""
    return pass_transition(actor=actor, permit=permit, to=PassStatus.REVOKED, reason=reason)


def revocation_list() -> list[str]:
    """Serials of revoked passes still within their term: guard phones cache this for offline checks."""
    return list(Pass.objects.filter(revoked_at__isnull=False, valid_to__gte=timezone.now()).values_list("serial", flat=True))


def checkpoint_create(*, actor, place: Place, name: str, kind: str, pass_required: bool = False) -> Checkpoint:
    if not actor.can(Perm.MANAGE_CHECKPOINTS):
        raise ServiceError.forbidden()
    place = place_get(actor, place.pk)
    name = " ".join(str(name or "").split())
    if not name or len(name) > 100:
        raise ServiceError.one("name", "请填写卡口名称（100字以内）", "Give the checkpoint a name (at most 100 characters)")
    from shaodian.checkpoints.models import CheckpointKind

    if kind not in CheckpointKind.values:
        raise ServiceError.one("kind", "未知的卡口类型", "Unknown checkpoint kind")
    checkpoint = Checkpoint(name=name, kind=kind, pass_required=pass_required)
    checkpoint.locate_at(place)
    checkpoint.save()
    _scope_cache.clear()
    audit(actor, AuditAction.CREATE, "checkpoint", checkpoint.pk)
    return checkpoint
