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


R, P = Role, Perm
_RESIDENT_READERS = {P.VIEW_PLACES, P.VIEW_RESIDENTS}

_CHECKPOINTS = {P.VIEW_CHECKPOINTS, P.SCAN}
_COMMAND = {P.VIEW_CHECKPOINTS, P.MANAGE_CHECKPOINTS, P.ISSUE_PASS, P.VIEW_CASES}

# Least data: guards, volunteers, suppliers and legal reviewers do not browse residents.
PERMISSIONS: dict[Role, frozenset[Perm]] = {
    R.GRID_WORKER: frozenset(_RESIDENT_READERS | _CHECKPOINTS | {P.EDIT_RESIDENTS, P.REVEAL_PHONE, P.EXPORT, P.VIEW_CASES}),
    R.COMMUNITY_STAFF: frozenset(
        _RESIDENT_READERS | _CHECKPOINTS | _COMMAND | {P.EDIT_RESIDENTS, P.REVEAL_PHONE, P.REVEAL_ID, P.IMPORT, P.EXPORT}
    ),
    R.STREET_COMMANDER: frozenset(_RESIDENT_READERS | _COMMAND | {P.EXPORT}),
    R.DISTRICT_COMMANDER: frozenset(_RESIDENT_READERS | _COMMAND | {P.EXPORT, P.EDIT_HIERARCHY}),
    R.HEALTH_OFFICIAL: frozenset(
        _RESIDENT_READERS | {P.REVEAL_PHONE, P.REVEAL_ID, P.EXPORT, P.VIEW_CHECKPOINTS, P.ISSUE_PASS, P.VIEW_CASES,
                             P.MANAGE_CASES}
    ),
    R.LEGAL_REVIEWER: frozenset({P.VIEW_PLACES}),
    R.SUPPLY_OFFICER: frozenset({P.VIEW_PLACES, P.VIEW_CHECKPOINTS, P.ISSUE_PASS}),
    R.CHECKPOINT_GUARD: frozenset(_CHECKPOINTS),
    R.VOLUNTEER: frozenset(),
    R.SUPERVISOR: frozenset({P.VIEW_PLACES, P.VIEW_AUDIT}),
    R.ADMIN: frozenset(
        _RESIDENT_READERS | _CHECKPOINTS | _COMMAND
        | {P.EDIT_RESIDENTS, P.IMPORT, P.EXPORT, P.EDIT_HIERARCHY, P.VIEW_AUDIT, P.MANAGE_CASES}
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
