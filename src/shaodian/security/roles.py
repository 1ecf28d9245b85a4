"""Roles and what each may do. Pure: the one table every permission check reads."""

from enum import Enum


class Role(str, Enum):
    GRID_WORKER = "grid_worker"
    COMMUNITY_STAFF = "community_staff"
    STREET_COMMANDER = "street_commander"
    DISTRICT_COMMANDER = "district_commander"
    HEALTH_OFFICIAL = "health_official"
    LEGAL_REVIEWER = "legal_reviewer"
    SUPPLY_OFFICER = "supply_officer"
    CHECKPOINT_GUARD = "checkpoint_guard"
    VOLUNTEER = "volunteer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Perm(str, Enum):
    VIEW_RESIDENTS = "view_residents"  # lists and detail pages of residents (masked)
    EDIT_RESIDENTS = "edit_residents"
    REVEAL_PHONE = "reveal_phone"  # see a full phone number (audited)
    REVEAL_ID = "reveal_id"  # see a full document number (audited)
    IMPORT = "import"
    EXPORT = "export"
    EDIT_HIERARCHY = "edit_hierarchy"
    VIEW_AUDIT = "view_audit"
    VIEW_PLACES = "view_places"
    VIEW_CHECKPOINTS = "view_checkpoints"
    MANAGE_CHECKPOINTS = "manage_checkpoints"
    SCAN = "scan"  # verify codes and send scans from a checkpoint
    ISSUE_PASS = "issue_pass"
    VIEW_CASES = "view_cases"
    MANAGE_CASES = "manage_cases"  # register cases, find and confirm contacts (流调)
    VIEW_MEASURES = "view_measures"  # measures, zones and closures of the jurisdiction
    PROPOSE_MEASURE = "propose_measure"  # propose, submit for legal review, withdraw
    EVALUATE_MEASURE = "evaluate_measure"  # professional evaluation and post-evaluation
    LEGAL_REVIEW = "legal_review"  # 合法性审查: approve with a legal basis, or return
    APPROVE_MEASURE = "approve_measure"  # approve, enter force, extend, lift (level checked by the lifecycle)
    MANAGE_MEASURES = "manage_measures"  # votes, special-group gate, notice, recovery tasks
    MANAGE_CLOSURES = "manage_closures"  # closures and negative-list flags of places
    CONFIRM_RISK = "confirm_risk"  # confirm a risk assessment (人机协同)
    OPERATE = "operate"  # see the background jobs (outbox) and retry a failed one
    VIEW_COMPLAINTS = "view_complaints"  # complaints (诉求) of the jurisdiction, reporters hidden or masked
    HANDLE_COMPLAINTS = "handle_complaints"  # file for a resident (12345), assign, answer, resolve, close
    REVEAL_REPORTER = "reveal_reporter"  # the designated role: an anonymous reporter's identity (audited)
    DECIDE_REVIEW = "decide_review"  # decide an over-blocking review (过度封堵核查)


R, P = Role, Perm
_RESIDENT_READERS = {P.VIEW_PLACES, P.VIEW_RESIDENTS}

_CHECKPOINTS = {P.VIEW_CHECKPOINTS, P.SCAN}
_COMMAND = {P.VIEW_CHECKPOINTS, P.MANAGE_CHECKPOINTS, P.ISSUE_PASS, P.VIEW_CASES}
# Measures (MEA-3): staff prepare, command approves, health evaluates, the legal office reviews.
_MEASURE_STAFF = {P.VIEW_MEASURES, P.PROPOSE_MEASURE, P.MANAGE_MEASURES, P.MANAGE_CLOSURES, P.CONFIRM_RISK}
_MEASURE_COMMAND = _MEASURE_STAFF | {P.EVALUATE_MEASURE, P.APPROVE_MEASURE}
# Complaints (PUB-1): staff handle them; only the commanders of the handling body see who reported.
_COMPLAINTS = {P.VIEW_COMPLAINTS, P.HANDLE_COMPLAINTS}

# Least data: guards, volunteers, suppliers and legal reviewers do not browse residents.
PERMISSIONS: dict[Role, frozenset[Perm]] = {
    R.GRID_WORKER: frozenset(_RESIDENT_READERS | _CHECKPOINTS | {P.EDIT_RESIDENTS, P.REVEAL_PHONE, P.EXPORT, P.VIEW_CASES,
                                                                  P.VIEW_MEASURES}),
    R.COMMUNITY_STAFF: frozenset(
        _RESIDENT_READERS | _CHECKPOINTS | _COMMAND | _MEASURE_STAFF
        | {P.EDIT_RESIDENTS, P.REVEAL_PHONE, P.REVEAL_ID, P.IMPORT, P.EXPORT} | _COMPLAINTS
    ),
    R.STREET_COMMANDER: frozenset(_RESIDENT_READERS | _COMMAND | _MEASURE_COMMAND | _COMPLAINTS
                                  | {P.EXPORT, P.REVEAL_REPORTER}),
    R.DISTRICT_COMMANDER: frozenset(_RESIDENT_READERS | _COMMAND | _MEASURE_COMMAND | _COMPLAINTS
                                    | {P.EXPORT, P.EDIT_HIERARCHY, P.REVEAL_REPORTER}),
    R.HEALTH_OFFICIAL: frozenset(
        _RESIDENT_READERS | {P.REVEAL_PHONE, P.REVEAL_ID, P.EXPORT, P.VIEW_CHECKPOINTS, P.ISSUE_PASS, P.VIEW_CASES,
                             P.MANAGE_CASES, P.VIEW_MEASURES, P.PROPOSE_MEASURE, P.EVALUATE_MEASURE, P.CONFIRM_RISK}
    ),
    # The legal reviewer sees measures (counts of special-group people, never their names).
    R.LEGAL_REVIEWER: frozenset({P.VIEW_PLACES, P.VIEW_MEASURES, P.LEGAL_REVIEW}),
    R.SUPPLY_OFFICER: frozenset({P.VIEW_PLACES, P.VIEW_CHECKPOINTS, P.ISSUE_PASS, P.VIEW_MEASURES}),
    R.CHECKPOINT_GUARD: frozenset(_CHECKPOINTS),
    R.VOLUNTEER: frozenset(),
    R.SUPERVISOR: frozenset({P.VIEW_PLACES, P.VIEW_AUDIT, P.VIEW_MEASURES, P.VIEW_COMPLAINTS, P.DECIDE_REVIEW}),
    R.ADMIN: frozenset(
        _RESIDENT_READERS | _CHECKPOINTS | _COMMAND
        | {P.EDIT_RESIDENTS, P.IMPORT, P.EXPORT, P.EDIT_HIERARCHY, P.VIEW_AUDIT, P.MANAGE_CASES, P.VIEW_MEASURES, P.OPERATE}
        | _COMPLAINTS
    ),
}

# Which pass kinds each role may issue (CHK-2): care passes by community and health, vehicles by supply.
PASS_KINDS: dict[Role, frozenset[str]] = {
    R.COMMUNITY_STAFF: frozenset({"medical", "dialysis", "work"}),
    R.HEALTH_OFFICIAL: frozenset({"medical", "dialysis"}),
    R.SUPPLY_OFFICER: frozenset({"supply_vehicle", "essential"}),
    R.STREET_COMMANDER: frozenset({"medical", "dialysis", "work", "essential", "supply_vehicle"}),
    R.DISTRICT_COMMANDER: frozenset({"medical", "dialysis", "work", "essential", "supply_vehicle"}),
    R.ADMIN: frozenset({"medical", "dialysis", "work", "essential", "supply_vehicle"}),
}


def may_issue(role: str, kind: str) -> bool:
    try:
        return kind in PASS_KINDS.get(Role(role), frozenset())
    except ValueError:
        return False


def has_perm(role: str, perm: Perm) -> bool:
    try:
        return perm in PERMISSIONS[Role(role)]
    except ValueError:
        return False
