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
    # Sentinel (SEN-1 … SEN-5): screening, health monitoring, tasks down and whistles up, workforce.
    VIEW_SCREENING = "view_screening"  # campaigns, coverage, monitoring, tasks and whistles of the jurisdiction
    RUN_CAMPAIGNS = "run_campaigns"  # start and close screening campaigns and testing rounds, import returnee lists
    VISIT = "visit"  # record door visits, health reports for a resident, follow-up calls (grid worker)
    MANAGE_MONITORING = "manage_monitoring"  # put under and end health monitoring, acknowledge alerts, risk areas
    DISPATCH_TASKS = "dispatch_tasks"  # dispatch tasks down, keep the admission list (准入清单), raise whistles
    DO_TASKS = "do_tasks"  # acknowledge and complete the tasks given to oneself or one's team
    ANSWER_WHISTLE = "answer_whistle"  # a department answers a community's whistle (吹哨报到)
    MANAGE_WORKFORCE = "manage_workforce"  # workload, reassignment (统筹补缺), training, secondments, commendations
    # Supplies (SUP-1 … SUP-7): from stock to door.
    VIEW_SUPPLIES = "view_supplies"  # stock, demand, plans, routes and deliveries of the jurisdiction
    MANAGE_SUPPLIES = "manage_supplies"  # ledger entries, suppliers, memos, freight nodes, prices, equipment
    PLAN_SUPPLIES = "plan_supplies"  # wartime activation, allocation and route plans (confirmed by a person)
    REQUEST_SUPPLIES = "request_supplies"  # a household's request or a building group order, on a resident's behalf
    DELIVER = "deliver"  # last 100 metres: mark deliveries door by door


R, P = Role, Perm
_RESIDENT_READERS = {P.VIEW_PLACES, P.VIEW_RESIDENTS}

_CHECKPOINTS = {P.VIEW_CHECKPOINTS, P.SCAN}
_COMMAND = {P.VIEW_CHECKPOINTS, P.MANAGE_CHECKPOINTS, P.ISSUE_PASS, P.VIEW_CASES}
# Measures (MEA-3): staff prepare, command approves, health evaluates, the legal office reviews.
_MEASURE_STAFF = {P.VIEW_MEASURES, P.PROPOSE_MEASURE, P.MANAGE_MEASURES, P.MANAGE_CLOSURES, P.CONFIRM_RISK}
_MEASURE_COMMAND = _MEASURE_STAFF | {P.EVALUATE_MEASURE, P.APPROVE_MEASURE}
# Complaints (PUB-1): staff handle them; only the commanders of the handling body see who reported.
_COMPLAINTS = {P.VIEW_COMPLAINTS, P.HANDLE_COMPLAINTS}
# Sentinel: the grid worker visits and reports; staff and commanders run campaigns and dispatch work.
_FIELD = {P.VIEW_SCREENING, P.VISIT, P.DO_TASKS}
_SENTINEL_STAFF = _FIELD | {P.RUN_CAMPAIGNS, P.MANAGE_MONITORING, P.DISPATCH_TASKS, P.MANAGE_WORKFORCE}
_SENTINEL_COMMAND = {P.VIEW_SCREENING, P.RUN_CAMPAIGNS, P.MANAGE_MONITORING, P.DISPATCH_TASKS, P.DO_TASKS,
                     P.MANAGE_WORKFORCE}
# Supplies: officers keep the ledger and plan; commanders plan and activate; the field asks and delivers.
_SUPPLY_FIELD = {P.VIEW_SUPPLIES, P.REQUEST_SUPPLIES, P.DELIVER}
_SUPPLY_PLAN = {P.VIEW_SUPPLIES, P.MANAGE_SUPPLIES, P.PLAN_SUPPLIES}

# Least data: guards, volunteers, suppliers and legal reviewers do not browse residents.
PERMISSIONS: dict[Role, frozenset[Perm]] = {
    R.GRID_WORKER: frozenset(_RESIDENT_READERS | _CHECKPOINTS | {P.EDIT_RESIDENTS, P.REVEAL_PHONE, P.EXPORT, P.VIEW_CASES,
                                                                  P.VIEW_MEASURES} | _FIELD | _SUPPLY_FIELD),
    R.COMMUNITY_STAFF: frozenset(
        _RESIDENT_READERS | _CHECKPOINTS | _COMMAND | _MEASURE_STAFF
        | {P.EDIT_RESIDENTS, P.REVEAL_PHONE, P.REVEAL_ID, P.IMPORT, P.EXPORT} | _COMPLAINTS | _SENTINEL_STAFF | _SUPPLY_FIELD
        | {P.MANAGE_SUPPLIES}  # the community keeps its own emergency-equipment store (seed 003: inventory, issue)
    ),
    R.STREET_COMMANDER: frozenset(_RESIDENT_READERS | _COMMAND | _MEASURE_COMMAND | _COMPLAINTS
                                  | {P.EXPORT, P.REVEAL_REPORTER} | _SENTINEL_COMMAND | _SUPPLY_PLAN),
    R.DISTRICT_COMMANDER: frozenset(_RESIDENT_READERS | _COMMAND | _MEASURE_COMMAND | _COMPLAINTS
                                    | {P.EXPORT, P.EDIT_HIERARCHY, P.REVEAL_REPORTER} | _SENTINEL_COMMAND | _SUPPLY_PLAN),
    R.HEALTH_OFFICIAL: frozenset(
        _RESIDENT_READERS | {P.REVEAL_PHONE, P.REVEAL_ID, P.EXPORT, P.VIEW_CHECKPOINTS, P.ISSUE_PASS, P.VIEW_CASES,
                             P.MANAGE_CASES, P.VIEW_MEASURES, P.PROPOSE_MEASURE, P.EVALUATE_MEASURE, P.CONFIRM_RISK,
                             P.VIEW_SCREENING, P.RUN_CAMPAIGNS, P.MANAGE_MONITORING, P.DO_TASKS, P.ANSWER_WHISTLE}
    ),
    # The legal reviewer sees measures (counts of special-group people, never their names).
    R.LEGAL_REVIEWER: frozenset({P.VIEW_PLACES, P.VIEW_MEASURES, P.LEGAL_REVIEW}),
    R.SUPPLY_OFFICER: frozenset({P.VIEW_PLACES, P.VIEW_CHECKPOINTS, P.ISSUE_PASS, P.VIEW_MEASURES, P.DO_TASKS,
                                 P.ANSWER_WHISTLE} | _SUPPLY_PLAN),
    R.CHECKPOINT_GUARD: frozenset(_CHECKPOINTS),
    # Volunteers and resident groups: their own tasks and delivery rounds, never the resident register.
    R.VOLUNTEER: frozenset({P.DO_TASKS, P.DELIVER}),
    R.SUPERVISOR: frozenset({P.VIEW_PLACES, P.VIEW_AUDIT, P.VIEW_MEASURES, P.VIEW_COMPLAINTS, P.DECIDE_REVIEW,
                             P.VIEW_SCREENING, P.VIEW_SUPPLIES}),
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
