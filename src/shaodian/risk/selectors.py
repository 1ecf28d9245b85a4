"""Reads of risk confirmations: the user's, scoped by jurisdiction; and an area's, as a measure's evidence."""

from django.db.models import QuerySet

from shaodian.risk.models import RiskConfirmation
from shaodian.security.roles import Perm
from shaodian.security.scope import scoped


def risk_confirmations_for(user) -> QuerySet:
    return scoped(user, RiskConfirmation.objects.all(), Perm.CONFIRM_RISK, via="building__").select_related(
        "building", "confirmed_by")


def confirmed_levels(*, building_id: int | None, place_kind: str, place_id: int) -> list[str]:
    """The latest confirmed level of each building of an area (one building, or a node of the tree), as text."""
    q = {"building_id": building_id} if building_id else {f"building__{place_kind}_id": place_id}
    seen, out = set(), []
    for c in RiskConfirmation.objects.filter(**q).select_related("building").order_by("-confirmed_at")[:50]:
        if c.building_id in seen:
            continue
        seen.add(c.building_id)
        out.append(f"{c.building.address}：人工确认{c.get_decision_display()} {c.level}（系统建议 {c.suggested_level}），"
                   f"{c.confirmed_at:%Y-%m-%d}")
    return out
