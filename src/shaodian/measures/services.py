"""Measures (MEA-3/4): one service per lifecycle action, each through `lifecycle.transition`, each audited.

A refused transition comes back as a ServiceError (422) with the lifecycle's bilingual reason, and
nothing is written: the state is loaded, transformed as a frozen value, and saved only on success.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from shaodian.errors import Msg, NotFound, ServiceError
from shaodian.measures import area, closures, codec, lifecycle, rules
from shaodian.measures.lifecycle import TransitionRefused
from shaodian.measures.models import Measure, MeasureStatus, ZoneLevel
from shaodian.measures.selectors import measure_get
from shaodian.people.selectors import resident_in_area_get
from shaodian.places.models import Building, Place, Unit
from shaodian.risk import selectors as risk_selectors
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm, Role
from shaodian.places.selectors import scoped_places
from shaodian.security.scope import get_scoped

L = lifecycle
# The lifecycle's role of each user role that takes part in measures; the others act on none.
# Keys are the values of security roles, as `user.role` holds them: a renamed role fails here, and
# src/shaodian/measures/tests/test_django_vocabularies_once.py pins that every role with a measure permission is mapped.
ROLE_MAP: dict[str, L.Role] = {
    Role.GRID_WORKER.value: L.Role.GRID_WORKER,
    Role.COMMUNITY_STAFF.value: L.Role.COMMUNITY_STAFF,
    Role.STREET_COMMANDER.value: L.Role.COMMAND,
    Role.DISTRICT_COMMANDER.value: L.Role.COMMAND,
    Role.HEALTH_OFFICIAL.value: L.Role.HEALTH,
    Role.LEGAL_REVIEWER.value: L.Role.LEGAL_REVIEWER,
}
SYSTEM = L.Actor("system", L.Role.SYSTEM)
# Which form field a refusal belongs to, so pages show it next to the input.
FIELD_OF = {
    "term_too_long": "ends_at", "term_empty": "ends_at", "notice_too_late": "starts_at",
    "notice_retroactive": "starts_at", "notice_widens_term": "ends_at", "legal_basis_missing": "legal_basis",
    "legal_basis_uncited": "legal_basis", "restrictions_missing": "restrictions", "restriction_unknown": "restrictions",
    "notice_widens_restrictions": "restrictions", "evidence_missing": "risk_evidence", "filing_level": "filed_with",
    "filing_missing": "filing_ref", "extension_too_long": "new_ends_at", "extension_not_later": "new_ends_at",
    "reasons_missing": "reasons", "reason_missing": "reason", "notice_reason": "reason", "start_in_past": "starts_at",
}


def _need(actor, perm: Perm) -> None:
    if not actor.can(perm):
        raise ServiceError.forbidden()


def actor_of(user) -> L.Actor:
    role = ROLE_MAP.get(user.role)
    if role is None or user.node_id is None:
        raise ServiceError.forbidden()
    return L.Actor(str(user.pk), role, user.node.kind)


def refused(exc: TransitionRefused) -> ServiceError:
    return ServiceError({FIELD_OF.get(exc.code, "general"): [Msg(exc.reason_zh, exc.reason_en, exc.code)]}, 422)


def state_of(measure: Measure) -> L.MeasureState:
    return codec.load(measure.state)


def _store(measure: Measure, state: L.MeasureState) -> None:
    measure.hold(state)
    measure.save(update_fields=Measure.STATE_FIELDS)


def _transit(measure: Measure, action, who: L.Actor, now: dt.datetime, *, user, detail=None) -> Measure:
    """Apply one action to a locked measure and audit it with the lifecycle's log entry."""
    try:
        new = L.transition(state_of(measure), action, who, now)
    except TransitionRefused as exc:
        raise refused(exc) from None
    _store(measure, new)
    entry = new.log[-1]
    audit(user, AuditAction.UPDATE, "measure", measure.pk,
          detail={"action": entry.action, "from": entry.from_status.value, "to": entry.to_status.value, **(detail or {})})
    if new.status in (L.Status.EXPIRED, L.Status.LIFTED):
        closures.closures_end_with(measure, actor=user, now=now)
    return measure


def _apply(*, actor, measure_id, perm: Perm, action, now=None, detail=None) -> Measure:
    _need(actor, perm)
    visible = measure_get(actor, measure_id)
    now = now or timezone.now()
    with transaction.atomic():
        measure = Measure.objects.select_for_update().get(pk=visible.pk)
        return _transit(measure, action, actor_of(actor), now, user=actor, detail=detail)


def _lines(value) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.splitlines()
    return tuple(s.strip() for s in value or () if isinstance(s, str) and s.strip())


# --- propose -----------------------------------------------------------------------------------


def _area(actor, *, place_id=None, building_id=None, unit_id=None) -> tuple[Place, Building | None, Unit | None, str]:
    if unit_id:
        unit = get_scoped(Unit.objects.for_user(actor, Perm.PROPOSE_MEASURE).select_related("building"), unit_id)
        return Place.objects.get(pk=unit.grid_id), unit.building, unit, f"{unit.building.address}{unit.name}"
    if building_id:
        building = get_scoped(Building.objects.for_user(actor, Perm.PROPOSE_MEASURE), building_id)
        return Place.objects.get(pk=building.grid_id), building, None, building.address
    place = get_scoped(scoped_places(actor), place_id)
    return place, None, None, place.name


def measure_propose(*, actor, zone: str, static_level: str, restrictions, starts_at: dt.datetime, ends_at: dt.datetime,
                    reason: str, place_id=None, building_id=None, unit_id=None, emergency_reason: str = "",
                    supply_plan: str = "", now=None) -> Measure:
    """A draft measure on a node, building or unit of the actor's jurisdiction, with the zone-breadth check."""
    _need(actor, Perm.PROPOSE_MEASURE)
    try:
        place, building, unit, name = _area(actor, place_id=place_id, building_id=building_id, unit_id=unit_id)
    except NotFound:
        raise ServiceError.one("area", "区域不存在或不在您的管辖范围内", "Unknown area, or outside your jurisdiction") from None
    errors = ServiceError()
    if zone not in ZoneLevel.values:
        errors.add("zone", Msg("请选择封控区、管控区或防范区", "Choose a sealed, controlled or precaution zone"))
    restrictions = [str(r) for r in restrictions or ()]
    for v in rules.check_restrictions(static_level, restrictions):
        errors.add("static_level" if v.code == "static_level.unknown" else "restrictions", Msg(v.reason_zh, v.reason_en, v.code))
    mismatch = rules.check_zone_level(zone, static_level)
    if mismatch:
        errors.add("static_level", Msg(mismatch.reason_zh, mismatch.reason_en, mismatch.code))
    if not (reason or "").strip():
        errors.add("reason", Msg("须写明理由", "State the reason"))
    now = now or timezone.now()
    level = "grid" if building or unit else place.kind
    try:
        state = L.propose(area_level=level, starts_at=starts_at, ends_at=ends_at, restrictions=tuple(restrictions),
                          actor=actor_of(actor), now=now, emergency_reason=emergency_reason or None)
    except TransitionRefused as exc:
        # Shown together with the checks above, so that one submission lists everything to correct.
        for name, msgs in refused(exc).errors.items():
            if name not in errors.errors:
                errors.errors[name] = msgs
    if errors.errors:
        raise errors
    with transaction.atomic():
        measure = Measure(building=building, unit=unit, area_name=name[:255], zone=zone, static_level=static_level,
                          reason=reason.strip(), supply_plan=(supply_plan or "").strip()[:300], proposed_by=actor)
        measure.hold(state)
        measure.locate_at(place)
        measure.save()
        warning = area.breadth_warning(measure)
        if warning:
            measure.breadth_warning = {"zh": warning.reason_zh, "en": warning.reason_en,
                                       "excess": list(warning.excess_places[:50])}
            measure.save(update_fields=["breadth_warning"])
        audit(actor, AuditAction.CREATE, "measure", measure.pk,
              detail={"action": "propose", "zone": zone, "area": name, "breadth_warning": bool(warning)})
    return measure


# --- evaluation, legal review, approval -----------------------------------------------------------


def _risk_lines(measure: Measure) -> list[str]:
    """The confirmed risk levels of the buildings inside, as evidence (a person confirmed each, SEC-3)."""
    return risk_selectors.confirmed_levels(building_id=measure.building_id, place_kind=measure.place.kind,
                                           place_id=measure.place_id)


def measure_evaluate(*, actor, measure_id, risk_evidence, businesses_affected: int, now=None) -> Measure:
    """Professional evaluation: risk evidence, people and businesses affected, the special-group list of the area."""
    _need(actor, Perm.EVALUATE_MEASURE)
    measure = measure_get(actor, measure_id)
    evidence = _lines(risk_evidence)
    evidence += tuple(line for line in _risk_lines(measure) if line not in evidence) if evidence else ()
    people = tuple(p for _r, p in area.special_group_people(actor, measure))
    action = L.Evaluate(evidence, area.resident_count(actor, measure), businesses_affected, people)
    return _apply(actor=actor, measure_id=measure.pk, perm=Perm.EVALUATE_MEASURE, action=action,
                  now=now, detail={"special_group_people": len(people)})


def measure_submit(*, actor, measure_id, now=None) -> Measure:
    return _apply(actor=actor, measure_id=measure_id, perm=Perm.PROPOSE_MEASURE, action=L.SubmitForLegalReview(), now=now)


def measure_legal_approve(*, actor, measure_id, legal_basis, opinion: str = "", now=None) -> Measure:
    """The legal reviewer passes the measure, citing law and article (合法性审查)."""
    return _apply(actor=actor, measure_id=measure_id, perm=Perm.LEGAL_REVIEW,
                  action=L.LegalApprove(_lines(legal_basis), (opinion or "").strip()), now=now)


def measure_legal_return(*, actor, measure_id, reasons, now=None) -> Measure:
    return _apply(actor=actor, measure_id=measure_id, perm=Perm.LEGAL_REVIEW, action=L.LegalReturn(_lines(reasons)), now=now)


def measure_approve(*, actor, measure_id, now=None) -> Measure:
    """Approval by command of the right level (the lifecycle checks the level)."""
    return _apply(actor=actor, measure_id=measure_id, perm=Perm.APPROVE_MEASURE, action=L.Approve(),
                  now=now)


def measure_decline(*, actor, measure_id, reasons, now=None) -> Measure:
    return _apply(actor=actor, measure_id=measure_id, perm=Perm.APPROVE_MEASURE, action=L.Decline(_lines(reasons)), now=now)


def measure_revise(*, actor, measure_id, starts_at, ends_at, restrictions=None, emergency_reason: str = "", now=None) -> Measure:
    measure = measure_get(actor, measure_id)
    state = state_of(measure)
    chosen = tuple(restrictions) if restrictions else state.restrictions
    for v in rules.check_restrictions(measure.static_level, chosen):
        raise ServiceError.one("restrictions", v.reason_zh, v.reason_en, v.code)
    return _apply(actor=actor, measure_id=measure_id, perm=Perm.PROPOSE_MEASURE,
                  action=L.Revise(starts_at, ends_at, chosen, emergency_reason or None), now=now)


# --- notice, gate, force ---------------------------------------------------------------------------


def measure_publish_notice(*, actor, measure_id, reason: str, starts_at, ends_at, restrictions=None,
                           now=None) -> Measure:
    """The public notice: at least 24 h before the start unless the start is a recorded emergency."""
    measure = measure_get(actor, measure_id)
    chosen = tuple(restrictions) if restrictions else state_of(measure).restrictions
    return _apply(actor=actor, measure_id=measure_id, perm=Perm.MANAGE_MEASURES,
                  action=L.PublishNotice(reason or "", chosen, starts_at, ends_at), now=now)


def gate_check(*, actor, measure_id, now=None) -> Measure:
    """Record the special-group gate: every person inside with a carer and plans, or the gaps left."""
    _need(actor, Perm.MANAGE_MEASURES)
    measure = measure_get(actor, measure_id)
    people = tuple(p for _r, p in area.special_group_people(actor, measure))
    return _apply(actor=actor, measure_id=measure.pk, perm=Perm.MANAGE_MEASURES, action=L.RecordGate(people),
                  now=now, detail={"people": len(people)})


def care_assign(*, actor, measure_id, resident_id, carer_name: str = "", supply_plan: str = "", medical_plan: str = "", now=None):
    """Name a carer (and plans) for one special-group person inside the measure, to close a gate gap."""
    from shaodian.measures.models import CareAssignment

    if not (actor.can(Perm.MANAGE_MEASURES) or actor.can(Perm.EVALUATE_MEASURE)):
        raise ServiceError.forbidden()
    measure = measure_get(actor, measure_id)
    resident = resident_in_area_get(actor, area.of(measure), resident_id,
                                    (Perm.MANAGE_MEASURES, Perm.EVALUATE_MEASURE))
    values = {"carer_name": " ".join(str(carer_name or "").split())[:64],
              "supply_plan": str(supply_plan or "").strip()[:300], "medical_plan": str(medical_plan or "").strip()[:300]}
    if not any(values.values()):
        raise ServiceError.one("carer_name", "请填写照护人或保障方案", "Name a carer or write a plan")
    now = now or timezone.now()
    with transaction.atomic():
        row = CareAssignment.objects.filter(measure=measure, resident=resident).first() or CareAssignment(
            measure=measure, resident=resident)
        for k, v in values.items():
            if v:
                setattr(row, k, v)
        row.by, row.at = actor, now
        row.save()
        audit(actor, AuditAction.UPDATE, "care_assignment", row.pk,
              detail={"measure": measure.pk, "resident": resident.pk, "fields": [k for k, v in values.items() if v]})
    return row


def measure_enter_force(*, actor, measure_id, now=None) -> Measure:
    return _apply(actor=actor, measure_id=measure_id, perm=Perm.APPROVE_MEASURE, action=L.EnterForce(), now=now)


def measure_extend(*, actor, measure_id, new_ends_at, filed_with: str, filing_ref: str, reason: str,
                   now=None) -> Measure:
    """Extend a measure in force: at most 14 more days, filed with the level above the approver."""
    return _apply(actor=actor, measure_id=measure_id, perm=Perm.APPROVE_MEASURE,
                  action=L.Extend(new_ends_at, filed_with, filing_ref or "", reason or ""), now=now)


def measure_lift(*, actor, measure_id, reason: str, now=None) -> Measure:
    return _apply(actor=actor, measure_id=measure_id, perm=Perm.APPROVE_MEASURE, action=L.Lift(reason or ""), now=now)


def measure_withdraw(*, actor, measure_id, reason: str, now=None) -> Measure:
    return _apply(actor=actor, measure_id=measure_id, perm=Perm.PROPOSE_MEASURE, action=L.Withdraw(reason or ""), now=now)


def measure_recovery_start(*, actor, measure_id, tasks, now=None) -> Measure:
    return _apply(actor=actor, measure_id=measure_id, perm=Perm.MANAGE_MEASURES, action=L.StartRecovery(_lines(tasks)), now=now)


def measure_recovery_task_done(*, actor, measure_id, task: str, now=None) -> Measure:
    return _apply(actor=actor, measure_id=measure_id, perm=Perm.MANAGE_MEASURES,
                  action=L.CompleteRecoveryTask((task or "").strip()), now=now)


def measure_post_evaluate(*, actor, measure_id, infections_averted: float, people_affected: int,
                          businesses_affected: int, cost_yuan: float, complaints: int, verdict: str, summary: str, now=None) -> Measure:
    """Effect against cost, after recovery (后评估)."""
    action = L.PostEvaluate(infections_averted, people_affected, businesses_affected, cost_yuan, complaints, verdict,
                            summary or "")
    return _apply(actor=actor, measure_id=measure_id, perm=Perm.EVALUATE_MEASURE, action=action,
                  now=now)


# --- the worker --------------------------------------------------------------------------------------


def measures_expire(now: dt.datetime | None = None) -> int:
    """Persist what effective_status already shows: every measure past its end is expired."""
    now = now or timezone.now()
    done = 0
    due = Measure.objects.filter(status__in=[MeasureStatus.IN_FORCE, MeasureStatus.NOTICE_PUBLISHED], ends_at__lte=now)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            # Claim the row: a second worker finds it already expired and skips it.
            measure = Measure.objects.select_for_update().filter(pk=pk, status__in=[
                MeasureStatus.IN_FORCE, MeasureStatus.NOTICE_PUBLISHED]).first()
            if measure is None:
                continue
            try:
                _transit(measure, L.Expire(), SYSTEM, now, user=None)
            except ServiceError:
                continue
            done += 1
    return done
