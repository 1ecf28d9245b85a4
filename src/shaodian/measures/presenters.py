"""What pages and the API show of a measure: its state read for people, special-group names masked and scoped."""

from django.utils import timezone

from shaodian.measures import codec, labels, lifecycle
from shaodian.measures.models import Measure
from shaodian.people.selectors import masked_names


def visible_names(user, person_ids) -> dict[str, str]:
    """Masked names of the special-group people the user may see; others stay anonymous ("outside")."""
    return {str(pk): name for pk, name in masked_names(user, person_ids).items()}


def gaps_view(user, state: lifecycle.MeasureState) -> list[dict]:
    if state.gate is None:
        return []
    names = visible_names(user, {g.person_id for g in state.gate.gaps})
    return [{"person": names.get(g.person_id), "person_id": g.person_id if g.person_id in names else None,
             "kind": g.kind.value, "owner_role": g.owner_role.value, "owner_id": g.owner_id,
             "kind_label": labels.label(labels.GAP_LABELS, g.kind), "owner_label": labels.label(labels.ROLE_LABELS, g.owner_role),
             "reason_zh": g.reason_zh.split("：", 1)[-1], "reason_en": g.reason_en.split(": ", 1)[-1]}
            for g in state.gate.gaps]


def measure_json(user, m: Measure, *, brief: bool = False) -> dict:
    state = codec.load(m.state)
    now = timezone.now()
    out = {
        "id": m.pk, "area": m.area_name, "granularity": m.granularity, "zone": m.zone, "static_level": m.static_level,
        "status": m.status, "effective_status": lifecycle.effective_status(state, now).value,
        "starts_at": state.starts_at, "ends_at": state.ends_at, "restrictions": [r.value for r in state.restrictions],
        "needs_vote": state.needs_vote, "emergency_reason": state.emergency_reason or "",
    }
    if brief:
        return out
    ev = state.evaluation
    out |= {
        "reason": m.reason, "breadth_warning": m.breadth_warning or None,
        "evaluation": None if ev is None else {
            "risk_evidence": list(ev.risk_evidence), "people_affected": ev.people_affected,
            "businesses_affected": ev.businesses_affected, "special_group_people": len(ev.special_group_people)},
        "legal_basis": list(state.legal_review.legal_basis) if state.legal_review else [],
        "approval_level": state.approval.level.value if state.approval else None,
        "vote": None if state.vote is None else {
            "eligible": state.vote.eligible, "valid": state.vote.valid, "approve": state.vote.approve,
            "passed": state.vote.passed},
        "gate": None if state.gate is None else {
            "passed": state.gate.passed, "people": state.gate.people_count, "gaps": gaps_view(user, state)},
        "extensions": [{"new_ends_at": e.new_ends_at, "filed_with": e.filed_with.value, "filing_ref": e.filing_ref}
                       for e in state.extensions],
        "log": [{"action": e.action, "at": e.at, "from": e.from_status.value, "to": e.to_status.value}
                for e in state.log],
    }
    return out
