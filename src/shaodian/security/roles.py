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


R, P = Role, Perm
_RESIDENT_READERS = {P.VIEW_PLACES, P.VIEW_RESIDENTS}

# Least data: guards, volunteers, suppliers and legal reviewers do not browse residents.
PERMISSIONS: dict[Role, frozenset[Perm]] = {
    R.GRID_WORKER: frozenset(_RESIDENT_READERS | {P.EDIT_RESIDENTS, P.REVEAL_PHONE, P.EXPORT}),
    R.COMMUNITY_STAFF: frozenset(
        _RESIDENT_READERS | {P.EDIT_RESIDENTS, P.REVEAL_PHONE, P.REVEAL_ID, P.IMPORT, P.EXPORT}
    ),
    R.STREET_COMMANDER: frozenset(_RESIDENT_READERS | {P.EXPORT}),
    R.DISTRICT_COMMANDER: frozenset(_RESIDENT_READERS | {P.EXPORT, P.EDIT_HIERARCHY}),
    R.HEALTH_OFFICIAL: frozenset(_RESIDENT_READERS | {P.REVEAL_PHONE, P.REVEAL_ID, P.EXPORT}),
    R.LEGAL_REVIEWER: frozenset({P.VIEW_PLACES}),
    R.SUPPLY_OFFICER: frozenset({P.VIEW_PLACES}),
    R.CHECKPOINT_GUARD: frozenset(),
    R.VOLUNTEER: frozenset(),
    R.SUPERVISOR: frozenset({P.VIEW_PLACES, P.VIEW_AUDIT}),
    R.ADMIN: frozenset(_RESIDENT_READERS | {P.EDIT_RESIDENTS, P.IMPORT, P.EXPORT, P.EDIT_HIERARCHY, P.VIEW_AUDIT}),
}


def has_perm(role: str, perm: Perm) -> bool:
    try:
        return perm in PERMISSIONS[Role(role)]
    except ValueError:
        return False
