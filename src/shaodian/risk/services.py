"""Risk confirmation (人机协同): a person confirms the suggested level of a building, or changes it with a reason."""

from django.db import transaction
from django.utils import timezone

from shaodian.errors import NotFound, ServiceError
from shaodian.risk import indicators
from shaodian.risk.matrix import RiskLevel
from shaodian.risk.models import RiskConfirmation, RiskDecision
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm


def risk_confirm(*, actor, building_id, level: str, note: str = "", now=None) -> RiskConfirmation:
    """A person confirms (or changes, with a reason) the system's risk level for one building."""
    if not actor.can(Perm.CONFIRM_RISK):
        raise ServiceError.forbidden()
    try:
        building_id = int(building_id)
    except (TypeError, ValueError):
        raise NotFound from None
    row = next((r for r in indicators.assess_buildings(actor, now=now) if r["building_id"] == building_id), None)
    if row is None:
        raise NotFound
    note = " ".join(str(note or "").split())[:300]
    if level not in tuple(RiskLevel):
        raise ServiceError.one("level", "风险等级应为低、中或高", "The level must be low, medium or high")
    if level != row["level"] and not note:
        raise ServiceError.one("note", "改变系统建议的等级须写明理由", "Changing the suggested level needs a reason")
    with transaction.atomic():
        c = RiskConfirmation.objects.create(
            building_id=building_id, suggested_level=row["level"], level=level, note=note,
            decision=RiskDecision.CONFIRMED if level == row["level"] else RiskDecision.CHANGED,
            explanation={k: row[k] for k in ("probability", "impact", "probability_grade", "impact_grade",
                                             "explanation")},
            confirmed_by=actor, confirmed_at=now or timezone.now())
        audit(actor, AuditAction.CREATE, "risk_confirmation", c.pk,
              detail={"building": building_id, "level": level, "suggested": row["level"]})
    return c
