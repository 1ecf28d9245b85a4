"""Alerts from scans (扫码预警): a case, a contact, a revoked pass or a fever seen at a gate, acknowledged by staff.

Raised by scan ingestion — so also for scans recorded offline and verified only once the phone
was back online — and shown to the guard in the batch answer; staff of the checkpoint's
jurisdiction see them on their alert list until one of them acknowledges each.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from shaodian.checkpoints import health
from shaodian.checkpoints.models import FEVER_FROM, AlertKind, Checkpoint, ScanAlert
from shaodian.errors import ServiceError
from shaodian.security.audit import audit
from shaodian.security.crypto import mask_name
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm

FLAG_KINDS = {health.CASE: AlertKind.CASE, health.CLOSE_CONTACT: AlertKind.CLOSE_CONTACT,
              health.MONITORING: AlertKind.MONITORING}
# Most urgent first: the order the guard reads them in.
ORDER = [AlertKind.CASE, AlertKind.CLOSE_CONTACT, AlertKind.MONITORING, AlertKind.REVOKED_PASS, AlertKind.FEVER]
TEXT = {
    AlertKind.CASE: ("病例", "Active case"),
    AlertKind.CLOSE_CONTACT: ("密接", "Close contact"),
    AlertKind.MONITORING: ("健康监测中的接触者", "Contact under health monitoring"),
    AlertKind.REVOKED_PASS: ("使用已撤销的通行证", "Used a revoked pass"),
    AlertKind.FEVER: ("体温异常（≥37.3℃）", "Fever (37.3 °C or above)"),
}


def may_see(user) -> bool:
    """Who sees alerts: those who scan, manage the gates, or trace cases (never, say, the supply officer)."""
    return user.can(Perm.SCAN) or user.can(Perm.MANAGE_CHECKPOINTS) or user.can(Perm.MANAGE_CASES)


def may_acknowledge(user) -> bool:
    return user.can(Perm.MANAGE_CHECKPOINTS) or user.can(Perm.MANAGE_CASES)


# A scan that may raise alerts: (client_id, resident_id, checkpoint_id, at, temperature).
Seen = tuple[str, int | None, int, dt.datetime, float | None]


def alerts_raise(*, actor, stored: list[Seen], revoked: list[Seen] = (), request=None) -> dict[str, dict]:
    """Alerts for stored scans and for scans refused for a revoked pass (once per scan and kind).

    Returns what the guard is told, by client_id: the kinds, the masked name, the scan's time.
    """
    if not stored and not revoked:
        return {}
    flags = health.flags_for({s[1] for s in stored if s[1]})
    kinds_of: dict[str, list[str]] = {}
    alerted: list[Seen] = []
    for seen, extra in ((stored, None), (revoked, AlertKind.REVOKED_PASS)):
        for s in seen:
            kinds = [FLAG_KINDS[f] for f in flags.get(s[1], ())] if extra is None else [extra]
            if s[4] is not None and s[4] >= FEVER_FROM:
                kinds.append(AlertKind.FEVER)
            if kinds:
                kinds_of[s[0]] = sorted(set(kinds), key=ORDER.index)
                alerted.append(s)
    if not alerted:
        return {}
    places = {c.pk: c for c in Checkpoint.objects.filter(pk__in={s[2] for s in alerted})
              .only("place_id", "city_id", "district_id", "street_id", "community_id", "grid_id")}
    from shaodian.people.models import Resident

    names = dict(Resident.objects.filter(pk__in={s[1] for s in alerted if s[1]}).values_list("pk", "name"))
    rows = []
    for client_id, resident_id, checkpoint_id, at, temperature in alerted:
        cp = places[checkpoint_id]
        for kind in kinds_of[client_id]:
            rows.append(ScanAlert(
                client_id=client_id, kind=kind, resident_id=resident_id, checkpoint_id=checkpoint_id, at=at,
                temperature=temperature, place_id=cp.place_id, city_id=cp.city_id, district_id=cp.district_id,
                street_id=cp.street_id, community_id=cp.community_id, grid_id=cp.grid_id))
    with transaction.atomic():
        ScanAlert.objects.bulk_create(rows, ignore_conflicts=True)
        audit(actor, AuditAction.CREATE, "scan_alert", detail={"kinds": sorted({r.kind for r in rows}),
              "checkpoints": sorted(places)}, count=len(rows), request=request)
    return {client_id: {"kinds": kinds_of[client_id], "name": mask_name(names.get(resident_id, "")) or None,
                        "at": at.isoformat(), "temperature": temperature}
            for client_id, resident_id, _checkpoint, at, temperature in alerted}


def alerts_already_raised(client_ids: set[str]) -> dict[str, dict]:
    """What the guard was told for scans stored before: a retry after a lost answer must still say it."""
    if not client_ids:
        return {}
    out: dict[str, dict] = {}
    for a in (ScanAlert.objects.filter(client_id__in=client_ids).select_related("resident")
              .only("client_id", "kind", "at", "temperature", "resident__name")):
        seen = out.setdefault(a.client_id, {"kinds": [], "name": mask_name(a.resident.name) if a.resident_id else None,
                                            "at": a.at.isoformat(), "temperature": a.temperature})
        seen["kinds"] = sorted({*seen["kinds"], a.kind}, key=ORDER.index)
    return out


def alert_acknowledge(*, actor, alert: ScanAlert, note: str = "", request=None) -> ScanAlert:
    """Staff confirm they have seen an alert and acted; whoever comes first acknowledges it, once."""
    if not may_acknowledge(actor):
        raise ServiceError.forbidden()
    note = " ".join(str(note or "").split())
    if len(note) > 200:
        raise ServiceError.one("note", "备注最多200字", "The note has at most 200 characters", "too_long")
    now = timezone.now()
    with transaction.atomic():
        done = ScanAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
            acknowledged_by=actor, acknowledged_at=now, note=note)
        if not done:
            raise ServiceError.one("status", "该预警已被确认", "This alert was already acknowledged", "already_acknowledged")
        audit(actor, AuditAction.UPDATE, "scan_alert", alert.pk, detail={"kind": alert.kind, "acknowledged": True},
              request=request)
    alert.acknowledged_by, alert.acknowledged_at, alert.note = actor, now, note
    return alert
