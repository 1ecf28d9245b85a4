"""Alerts from scans (扫码预警): a case, a contact, a revoked pass or a fever seen at a gate, acknowledged by staff.

Raised by scan ingestion — so also for scans recorded offline and verified only once the phone
was back online — and shown to the guard in the batch answer; staff of the checkpoint's
jurisdiction see them on their alert list until one of them acknowledges each.
"""

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from shaodian.checkpoints import health
from shaodian.checkpoints.models import FEVER_FROM, AlertKind, Checkpoint, ScanAlert
from shaodian.errors import ServiceError
from shaodian.people import selectors as people
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


# Who sees alerts: those who scan, manage the gates, or trace cases (never, say, the supply officer).
ALERT_READERS = (Perm.SCAN, Perm.MANAGE_CHECKPOINTS, Perm.MANAGE_CASES)


def may_see(user) -> bool:
    return any(user.can(p) for p in ALERT_READERS)


def may_acknowledge(user) -> bool:
    return user.can(Perm.MANAGE_CHECKPOINTS) or user.can(Perm.MANAGE_CASES)


# A scan as scan_store stores it: (client_id, resident_id, checkpoint_id, at, direction, temperature, permit_id).
Seen = tuple


def alerts_raise(*, actor, stored: list[Seen], revoked: list[Seen] = ()) -> dict[str, dict]:
    """Alerts for stored scans and for scans refused for a revoked pass (once per scan and kind).

    Returns what the guard is told, by client_id: the kinds, the masked name, the scan's time.
    Runs on every batch of up to 5,000 scans, so the common case (no alert) is one query and one pass.
    """
    if not stored and not revoked:
        return {}
    flags = health.flags_for({s[1] for s in stored if s[1]})
    kinds_of: dict[str, list[str]] = {}
    alerted: list[Seen] = []
    for s in stored:
        found, temperature = flags.get(s[1]), s[5]
        if found or (temperature is not None and temperature >= FEVER_FROM):
            kinds = [FLAG_KINDS[f] for f in found] if found else []
            if temperature is not None and temperature >= FEVER_FROM:
                kinds.append(AlertKind.FEVER)
            kinds_of[s[0]] = sorted(set(kinds), key=ORDER.index)
            alerted.append(s)
    for s in revoked:
        kinds_of[s[0]] = [AlertKind.REVOKED_PASS] + ([AlertKind.FEVER] if s[5] is not None and s[5] >= FEVER_FROM else [])
        alerted.append(s)
    if not alerted:
        return {}
    places = {c.pk: c for c in Checkpoint.objects.filter(pk__in={s[2] for s in alerted})
              .only("place_id", "city_id", "district_id", "street_id", "community_id", "grid_id")}
    names = people.scanned_names(actor, {s[1] for s in alerted if s[1]})
    rows = []
    for client_id, resident_id, checkpoint_id, at, _direction, temperature, _permit in alerted:
        cp = places[checkpoint_id]
        rows += [(client_id, kind, resident_id, checkpoint_id, at, temperature, cp.place_id, cp.city_id, cp.district_id,
                  cp.street_id, cp.community_id, cp.grid_id) for kind in kinds_of[client_id]]
    with transaction.atomic():
        _insert(rows)
        audit(actor, AuditAction.CREATE, "scan_alert", detail={"kinds": sorted({r[1] for r in rows}),
              "checkpoints": sorted(places)}, count=len(rows))
    return {s[0]: {"kinds": kinds_of[s[0]], "name": names.get(s[1]) or None, "at": s[3].isoformat(),
                   "temperature": s[5]} for s in alerted}


_COLUMNS = ("client_id", "kind", "resident_id", "checkpoint_id", "at", "temperature", "place_id", "city_id",
            "district_id", "street_id", "community_id", "grid_id", "created_at", "note")


def _insert(rows: list[tuple]) -> None:
    """One statement for a batch's alerts (the ORM's bulk_create cost as much as storing the scans)."""
    now = timezone.now()
    if connection.vendor == "sqlite":
        # Django stores SQLite datetimes as naive UTC text.
        def stamp(value):
            return str(value.astimezone(dt.UTC).replace(tzinfo=None))
    else:
        def stamp(value):
            return value
    created = stamp(now)
    params = [(*r[:4], stamp(r[4]), *r[5:], created, "") for r in rows]
    table = ScanAlert._meta.db_table
    with connection.cursor() as cur:
        cur.executemany(f"INSERT INTO {table} ({', '.join(_COLUMNS)}) VALUES ({', '.join(['%s'] * len(_COLUMNS))}) "
                        "ON CONFLICT (client_id, kind) DO NOTHING", params)


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


def alert_acknowledge(*, actor, alert: ScanAlert, note: str = "") -> ScanAlert:
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
        audit(actor, AuditAction.UPDATE, "scan_alert", alert.pk, detail={"kind": alert.kind, "acknowledged": True})
    alert.acknowledged_by, alert.acknowledged_at, alert.note = actor, now, note
    return alert
