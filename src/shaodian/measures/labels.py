"""What the measures pages call each code value: one vocabulary per enum, translated through Django i18n.

Pages show these labels, never the codes; tests/test_django_vocabulary.py checks that no code leaks into the text.
"""

from django.utils.translation import gettext_lazy as _, pgettext_lazy

from shaodian.measures import lifecycle, rules
from shaodian.measures.models import MeasureStatus
from shaodian.people.models import SpecialGroup
from shaodian.places.models import PlaceKind

L = lifecycle

# The stored status, except where the state says more: a measure whose legal review passed is
# still "legal_review" in the lifecycle, but it is waiting for the approver, not for the lawyer.
LEGAL_PASSED = "legal_passed"
STATUS_LABELS = {**dict(MeasureStatus.choices), LEGAL_PASSED: _("Legal review passed, awaiting approval")}

ACTION_LABELS = {
    "propose": _("Measure proposed"), "revise": _("Revised"), "evaluate": _("Evaluated"),
    "submit_for_legal_review": _("Sent to legal review"), "legal_approve": _("Passed legal review"),
    "legal_return": _("Returned by legal review"), "approve": _("Approved"), "decline": pgettext_lazy("measure decision", "Declined"),
    "record_vote": _("Vote recorded"), "record_gate": _("Special-group gate checked"),
    "publish_notice": _("Notice published"), "enter_force": _("In force"), "extend": _("Extended"),
    "expire": _("Expired"), "lift": _("Lifted"), "withdraw": _("Withdrawn"), "start_recovery": _("Recovery started"),
    "complete_recovery_task": _("Recovery task done"), "post_evaluate": _("Post-evaluated"),
}

GROUP_LABELS = dict(SpecialGroup.choices)

GAP_LABELS = {
    L.GapKind.NO_CARER: _("No named carer"), L.GapKind.NO_SUPPLY_PLAN: _("No supply plan"),
    L.GapKind.NO_MEDICAL_PLAN: _("No medical plan"), L.GapKind.NOT_LISTED: _("Missing from the gate list"),
}

ROLE_LABELS = {
    L.Role.GRID_WORKER: _("grid worker"), L.Role.COMMUNITY_STAFF: _("community staff"),
    L.Role.COMMAND: _("command headquarters"), L.Role.HEALTH: _("health official (CDC)"),
    L.Role.LEGAL_REVIEWER: _("legal reviewer"), L.Role.SYSTEM: _("the system"),
}

LEVEL_LABELS = dict(PlaceKind.choices)
GRANULARITY_LABELS = {**LEVEL_LABELS, "building": _("Building"), "unit": _("Unit")}

PLACE_FLAG_LABELS = {
    rules.PlaceFlag.FIRE_LANE: _("Fire lane"), rules.PlaceFlag.MAIN_ROAD: _("Main road"),
    rules.PlaceFlag.HOSPITAL_ACCESS: _("Hospital access road"), rules.PlaceFlag.EMERGENCY_EXIT: _("Emergency exit"),
}

VERDICT_LABELS = {
    L.Verdict.PROPORTIONATE: _("Proportionate"), L.Verdict.EXCESSIVE: _("Excessive"),
    L.Verdict.INSUFFICIENT: _("Insufficient"),
}


def label(vocabulary: dict, value) -> str:
    """The label of a code; an unknown code is shown as it is rather than hidden."""
    return str(vocabulary.get(value, value))


def status_key(state: L.MeasureState, effective: L.Status) -> str:
    if effective == L.Status.LEGAL_REVIEW and state.legal_review is not None:
        return LEGAL_PASSED
    return effective.value


def status_label(state: L.MeasureState, effective: L.Status) -> str:
    return label(STATUS_LABELS, status_key(state, effective))


def flag_labels(flags) -> list[str]:
    return [label(PLACE_FLAG_LABELS, f) for f in flags]


def timeline(state: L.MeasureState) -> list[tuple[str, object, str, str]]:
    """(action, at, status before, status after) for each log entry, with the same reading as status_label."""
    out, passed = [], False
    for e in state.log:
        before = LEGAL_PASSED if passed and e.from_status == L.Status.LEGAL_REVIEW else e.from_status
        passed = e.to_status == L.Status.LEGAL_REVIEW and (passed or e.action == "legal_approve") and e.action not in (
            "submit_for_legal_review", "decline")
        after = LEGAL_PASSED if passed else e.to_status
        out.append((label(ACTION_LABELS, e.action), e.at, label(STATUS_LABELS, before), label(STATUS_LABELS, after)))
    return out
