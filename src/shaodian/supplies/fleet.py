"""Supply vehicles and drivers: passes through checkpoints (never refused for where a truck is registered, 车籍地),
white-listed drivers, health checks that belong to the driver, and one disinfection per vehicle per trip.

换人不换车: a driver change keeps the vehicle's pass (same serial, same term) but never the health check,
which is the new driver's own and must be current.
"""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from shaodian.checkpoints.services import pass_issue
from shaodian.core.notify import notify
from shaodian.errors import ServiceError
from shaodian.people import idcard
from shaodian.people.selectors import resident_id_by_number
from shaodian.security import crypto
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction, User
from shaodian.security.roles import Perm
from shaodian.security.scope import get_scoped
from shaodian.supplies.models_fleet import Disinfection, Driver, Vehicle
from shaodian.supplies.partners import _place
from shaodian.supplies.services import _text
from shaodian.tracing.models import Exemption, Monitoring, MonitoringStatus

HEALTH_CHECK_VALID = dt.timedelta(hours=48)


def _manage(actor):
    if not actor.can(Perm.MANAGE_SUPPLIES):
        raise ServiceError.forbidden()


def health_check_current(driver: Driver, now) -> bool:
    return (driver.health_check_negative and driver.health_checked_at is not None
            and now - driver.health_checked_at <= HEALTH_CHECK_VALID)


def _resident_of(id_number: str) -> int | None:
    """The city's resident holding this ID number (居民身份证号码), or None; a malformed number is refused.

    The number is only matched (by its keyed hash), never kept: the driver keeps the link alone.
    """
    try:
        number = idcard.validate_resident_id(id_number)
    except idcard.InvalidNumber as exc:
        raise ServiceError.one("id_number", exc.zh, exc.en, exc.code) from None
    return resident_id_by_number(number)


def driver_register(*, actor, name: str, phone: str, whitelisted: bool = False, place_id=None,
                    id_number: str = "") -> Driver:
    """Register a supply driver. With an ID number, the driver is linked to the city's resident holding it (so
    tracing spares a white-listed one home quarantine); a driver from outside the city is registered unlinked."""
    _manage(actor)
    name = _text(name, "name", 64)
    if len(name) < 2:
        raise ServiceError.one("name", "请填写司机姓名", "Name the driver", "missing")
    try:
        phone = idcard.validate_phone(phone)
    except idcard.InvalidNumber as exc:
        raise ServiceError.one("phone", exc.zh, exc.en) from None
    resident_id = _resident_of(id_number) if idcard.normalize_id(id_number) else None
    with transaction.atomic():
        d = Driver(name=name, phone=phone, phone_hash=crypto.lookup_hash(settings.FIELD_KEY, phone, purpose="phone"),
                   whitelisted=bool(whitelisted), resident_id=resident_id)
        d.locate_at(_place(actor, place_id or actor.node_id))
        d.save()
        audit(actor, AuditAction.CREATE, "driver", d.pk, detail={"whitelisted": d.whitelisted,
                                                                 "linked": resident_id is not None})
    return d


def driver_link_set(*, actor, driver_id, id_number: str) -> Driver:
    """Link a driver to the city's resident holding this ID number, or unlink them (no number, or nobody in the
    city holds it); audited without the number. A white-listed driver's former resident who is followed as a key
    person instead of a close contact is reviewed by a health official, as when taken off the list."""
    _manage(actor)
    resident_id = _resident_of(id_number) if idcard.normalize_id(id_number) else None
    with transaction.atomic():
        d = get_scoped(Driver.objects.for_user(actor, Perm.MANAGE_SUPPLIES).select_for_update(), driver_id)
        before = d.resident_id
        if before == resident_id:
            return d
        d.resident_id = resident_id
        d.save(update_fields=["resident"])
        audit(actor, AuditAction.UPDATE, "driver_link", d.pk, detail={"linked": resident_id is not None})
        if before and d.whitelisted:
            _tell_health_officials(d, before, "driver_unlinked", "不再登记为保供白名单司机",
                                   "is no longer registered as a white-listed supply driver")
    return d


def drivers_for(user) -> QuerySet:
    return Driver.objects.for_user(user, Perm.VIEW_SUPPLIES)


def driver_health_check(*, actor, driver_id, negative: bool, now=None) -> Driver:
    """Record a driver's own health check (nucleic acid test or the like)."""
    _manage(actor)
    with transaction.atomic():
        d = get_scoped(Driver.objects.for_user(actor, Perm.MANAGE_SUPPLIES).select_for_update(), driver_id)
        d.health_checked_at, d.health_check_negative = now or timezone.now(), bool(negative)
        d.save(update_fields=["health_checked_at", "health_check_negative"])
        audit(actor, AuditAction.UPDATE, "driver_health_check", d.pk, detail={"negative": d.health_check_negative})
    return d


def driver_whitelist_set(*, actor, driver_id, whitelisted: bool, reason: str) -> Driver:
    """Put a driver on the white list or take them off it, with the reason; audited.

    Tracing asks the list afresh at each confirmation (`whitelisted_among`), so nothing else needs changing for
    the future. A driver taken off the list while followed as a key person instead of a close contact stays so
    until a health official decides: the nearest ones are told to review the period.
    """
    _manage(actor)
    reason = _text(reason, "reason", 200)
    if len(reason) < 2:
        raise ServiceError.one("reason", "请填写理由", "Give the reason", "missing")
    with transaction.atomic():
        d = get_scoped(Driver.objects.for_user(actor, Perm.MANAGE_SUPPLIES).select_for_update(), driver_id)
        if d.whitelisted == bool(whitelisted):
            return d
        d.whitelisted = bool(whitelisted)
        d.save(update_fields=["whitelisted"])
        audit(actor, AuditAction.UPDATE, "driver_whitelist", d.pk, detail={"whitelisted": d.whitelisted,
                                                                            "reason": reason})
        if not d.whitelisted and d.resident_id:
            _tell_health_officials(d, d.resident_id, "whitelist_removed", f"已移出保供司机白名单（{reason[:60]}）",
                                   "was taken off the supply drivers' white list")
    return d


def _tell_health_officials(d: Driver, resident_id: int, event: str, zh: str, en: str) -> None:
    """A health official near the resident reviews a key-person period that rested on the driver's white list."""
    exempt = (Monitoring.objects.filter(resident_id=resident_id, status=MonitoringStatus.ACTIVE,
                                        exemption=Exemption.WHITELISTED_DRIVER).select_related("resident").first())
    if exempt is None:
        return
    resident = exempt.resident
    for level in ("grid", "community", "street", "district", "city"):
        node = getattr(resident, f"{level}_id")
        officials = [u.pk for u in User.objects.filter(node_id=node, is_active=True).order_by("pk")
                     if u.can(Perm.MANAGE_CASES)] if node else []
        if officials:
            break
    name = crypto.mask_name(resident.name)
    for uid in officials:
        notify(recipient=uid, key=f"monitoring:{exempt.pk}:{event}:{d.pk}:{uid}",
               zh=f"{name}{zh}，其密接健康监测仍按重点人员进行，请复核是否改为居家隔离",
               en=f"{name} {en}; their close-contact monitoring still runs as "
                  "a key person: review whether they should now be quarantined at home")


def whitelisted_resident_ids() -> set[int]:
    """Residents who drive supply trucks on the white list: the platform never puts them under quarantine
    (monitoring and tracing ask `whitelisted_among` through tracing.exemptions before they do)."""
    return set(Driver.objects.filter(whitelisted=True, resident__isnull=False).values_list("resident_id", flat=True))


def whitelisted_among(resident_ids: list[int]) -> list[tuple[int, str]]:
    """The white-listed drivers among these residents, as tracing's quarantine exemptions (one query)."""
    found = Driver.objects.filter(whitelisted=True, resident_id__in=resident_ids).values_list("resident_id", flat=True)
    return [(pk, Exemption.WHITELISTED_DRIVER) for pk in sorted(set(found))]


def vehicle_register(*, actor, plate: str, registered_in: str = "", capacity_kg: int = 0, driver_id=None,
                     supplier_id=None, place_id=None) -> Vehicle:
    """Register a supply vehicle; where it is registered is kept for the record only."""
    _manage(actor)
    plate = "".join(str(plate or "").split()).upper()
    if not 6 <= len(plate) <= 8:
        raise ServiceError.one("plate", "请填写正确的车牌号", "Enter a valid plate number")
    try:
        capacity = int(capacity_kg or 0)
    except (TypeError, ValueError):
        raise ServiceError.one("capacity_kg", "载重须为整数（公斤）", "The capacity must be whole kilograms") from None
    if not 0 <= capacity <= 100_000:
        raise ServiceError.one("capacity_kg", "载重应在 0–100000 公斤之间", "The capacity must be 0–100,000 kg")
    driver = get_scoped(drivers_for(actor), driver_id) if driver_id else None
    try:
        with transaction.atomic():
            v = Vehicle(plate=plate, registered_in=_text(registered_in, "registered_in", 32), capacity_kg=capacity,
                        driver=driver, supplier_id=None)
            if supplier_id:
                from shaodian.supplies.partners import suppliers_for

                v.supplier = get_scoped(suppliers_for(actor), supplier_id)
            v.locate_at(_place(actor, place_id or actor.node_id))
            v.save()
            audit(actor, AuditAction.CREATE, "vehicle", v.pk)
    except IntegrityError:
        raise ServiceError.one("plate", "该车牌已登记", "This plate is already registered", "duplicate") from None
    return v


def vehicles_for(user) -> QuerySet:
    return Vehicle.objects.for_user(user, Perm.VIEW_SUPPLIES).select_related("driver", "permit", "supplier")


def _vehicle(actor, vehicle_id) -> Vehicle:
    return get_scoped(Vehicle.objects.for_user(actor, Perm.MANAGE_SUPPLIES).select_related("driver", "permit"),
                      vehicle_id)


def vehicle_pass_issue(*, actor, vehicle_id, checkpoint_ids: list[int], valid_from: dt.datetime,
                       valid_to: dt.datetime, reason: str) -> Vehicle:
    """A supply-vehicle pass through the checkpoints module, for the vehicle (its driver named on it)."""
    v = _vehicle(actor, vehicle_id)
    if v.driver is None:
        raise ServiceError.one("driver", "请先为车辆指定司机", "Assign a driver to the vehicle first", "missing")
    with transaction.atomic():
        v.permit = pass_issue(actor=actor, kind="supply_vehicle", checkpoint_ids=checkpoint_ids, valid_from=valid_from,
                              valid_to=valid_to, reason=reason, plate=v.plate, driver_name=v.driver.name,
                              driver_phone=v.driver.phone)
        v.save(update_fields=["permit"])
    return v


def vehicle_driver_change(*, actor, vehicle_id, driver_id, now=None) -> Vehicle:
    """换人不换车: the vehicle keeps its pass; the new driver must have a current negative health check."""
    _manage(actor)
    now = now or timezone.now()
    with transaction.atomic():
        v = _vehicle(actor, vehicle_id)
        driver = get_scoped(Driver.objects.for_user(actor, Perm.MANAGE_SUPPLIES), driver_id)
        if not health_check_current(driver, now):
            raise ServiceError.one("driver", f"{driver.name}没有48小时内的阴性健康检查，不能换上",
                                   f"{driver.name} has no negative health check in the last 48 hours",
                                   "health_check_missing")
        old = v.driver_id
        v.driver = driver
        v.save(update_fields=["driver"])
        if v.permit_id:
            v.permit.driver_name, v.permit.driver_phone = driver.name, driver.phone
            v.permit.save(update_fields=["driver_name", "driver_phone"])
        audit(actor, AuditAction.UPDATE, "vehicle_driver", v.pk, detail={"from": old, "to": driver.pk,
                                                                           "pass": v.permit_id})
    return v


def disinfection_record(*, actor, vehicle_id, trip: str, agent: str, site: str, now=None) -> Disinfection:
    """一车一消杀: one disinfection per vehicle per trip, shown with the vehicle's pass at the gate."""
    _manage(actor)
    trip, agent, site = _text(trip, "trip", 64), _text(agent, "agent", 64), _text(site, "site", 100)
    for field, value in (("trip", trip), ("agent", agent), ("site", site)):
        if not value:
            raise ServiceError.one(field, "此项必填", "This field is required", "missing")
    now = now or timezone.now()
    v = _vehicle(actor, vehicle_id)
    try:
        with transaction.atomic():
            d = Disinfection.objects.create(vehicle=v, trip=trip, driver=v.driver, at=now, agent=agent, site=site,
                                            recorded_by=actor)
            if v.permit_id:
                v.permit.disinfected_at = now
                v.permit.disinfection_note = f"{trip} · {agent} · {site}"[:200]
                v.permit.save(update_fields=["disinfected_at", "disinfection_note"])
            audit(actor, AuditAction.CREATE, "disinfection", d.pk, detail={"vehicle": v.pk})
    except IntegrityError:
        raise ServiceError.one("trip", f"车辆 {v.plate} 的这一趟已有消杀记录", f"Vehicle {v.plate} is already "
                               "disinfected for this trip", "duplicate", status=409) from None
    return d
