"""What each role's home shows: that role's own work, read through each app's scoped selectors.

Every panel is built only for a user whose role may open what it links to, so no home is a dead end.
Counts and names of places and measures only: no personal data, hence no audit row.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from shaodian.checkpoints.models import Pass, Scan
from shaodian.checkpoints.selectors import checkpoints_for, passes_for
from shaodian.delivery.rounds import rounds_for as delivery_rounds_for
from shaodian.measures import codec
from shaodian.measures.models import Measure, MeasureStatus
from shaodian.measures import selectors as measure_selectors
from shaodian.measures.selectors import measures_for
from shaodian.monitoring.selectors import open_alert_count, reporting_today
from shaodian.people.models import SpecialGroup
from shaodian.people.selectors import has_tag, households_for, residents_for
from shaodian.places.models import PlaceKind
from shaodian.places.selectors import scoped_places
from shaodian.screening.selectors import visits_due
from shaodian.security.roles import Perm, Role
from shaodian.tasks.selectors import my_tasks
from shaodian.tracing.models import CaseStatus, ContactStatus, MonitoringStatus
from shaodian.tracing.selectors import cases_for, contacts_for, monitoring_for

# A guard's home lists its gates; a district has hundreds of venues, which the checkpoint list pages.
HOME_CHECKPOINTS = 12
HOME_MEASURES = 10
HOME_TASKS = 8
HOME_GROUPS = (SpecialGroup.ELDERLY_ALONE, SpecialGroup.DIALYSIS, SpecialGroup.INSULIN, SpecialGroup.PREGNANT,
               SpecialGroup.DISABLED, SpecialGroup.CHILD)


@dataclass
class CheckpointToday:
    checkpoint: object
    entries: int = 0
    exits: int = 0


@dataclass
class Home:
    stats: dict = field(default_factory=dict)
    groups: list = field(default_factory=list)
    checkpoints: list[CheckpointToday] | None = None
    checkpoints_more: int = 0
    passes: dict | None = None
    to_review: list[Measure] | None = None
    to_approve: list[Measure] | None = None
    measure_counts: dict | None = None
    public_measures: list[Measure] | None = None
    tracing: dict | None = None
    volunteer: bool = False
    rounds: list | None = None
    tasks: list | None = None
    sentinel: dict | None = None


def home_for(user, *, now: dt.datetime | None = None) -> Home:
    """Everything the home page of `user` shows, by what the role may do."""
    now = now or timezone.now()
    home = Home()
    if user.can(Perm.VIEW_RESIDENTS):
        _residents(user, home)
    if user.can(Perm.SCAN):
        _checkpoints_today(user, home, now)
    if user.can(Perm.ISSUE_PASS):
        home.passes = passes_by_state(user, now)
    if user.role == Role.GRID_WORKER and user.can(Perm.VISIT):
        home.sentinel = sentinel_today(user, now)
    if user.can(Perm.VIEW_CASES):
        home.tracing = {
            "cases": cases_for(user).filter(status=CaseStatus.ACTIVE).count(),
            "proposed": contacts_for(user).filter(status=ContactStatus.PROPOSED).count(),
            # The grid worker's sentinel panel counts them already, with a link to the monitoring list.
            "monitoring": None if home.sentinel else monitoring_for(user).filter(status=MonitoringStatus.ACTIVE).count(),
        }
    if user.can(Perm.VIEW_MEASURES):
        _measures(user, home, now)
    if user.can(Perm.DO_TASKS):
        home.tasks = list(my_tasks(user)[:HOME_TASKS])
    if user.role == "volunteer":
        home.volunteer = True
        home.rounds = delivery_rounds_of(user, now)
        home.public_measures = public_measures_near(user, now)
    return home


def sentinel_today(user, now: dt.datetime) -> dict[str, int]:
    """The grid worker's own grid today: doors still to visit, people monitored and not yet reported, open alerts.

    One query a count (the monitoring pair is one aggregate), whatever the number of rows.
    """
    today = timezone.localdate(now)
    return {"visits": visits_due(user, today=today).count(), **reporting_today(user, today=today),
            "alerts": open_alert_count(user)}


def _residents(user, home: Home) -> None:
    places = scoped_places(user)
    residents = residents_for(user)
    home.stats = {
        "residents": residents.count(),
        "households": households_for(user).count(),
        "communities": places.filter(kind=PlaceKind.COMMUNITY).count(),
        "grids": places.filter(kind=PlaceKind.GRID).count(),
    }
    home.groups = [(code, code.label, residents.filter(has_tag(code.value)).count()) for code in HOME_GROUPS]


def local_midnight(now: dt.datetime) -> dt.datetime:
    """Start of today in Asia/Shanghai: a guard's "today" is the wall-clock day at the gate."""
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _checkpoints_today(user, home: Home, now: dt.datetime) -> None:
    """The user's gates first (community gates, then venues), each with today's entries and exits."""
    qs = checkpoints_for(user).order_by("name", "id")
    gates = list(qs.filter(kind="community_gate")[:HOME_CHECKPOINTS])
    if len(gates) < HOME_CHECKPOINTS:
        gates += list(qs.exclude(kind="community_gate")[:HOME_CHECKPOINTS - len(gates)])
    home.checkpoints_more = max(0, qs.count() - len(gates))
    rows = {c.pk: CheckpointToday(c) for c in gates}
    counts = (Scan.objects.filter(checkpoint_id__in=list(rows), at__gte=local_midnight(now), at__lte=now)
              .values_list("checkpoint_id", "direction").annotate(n=Count("id")).order_by())
    for checkpoint_id, direction, n in counts:
        if direction == "in":
            rows[checkpoint_id].entries += n
        else:
            rows[checkpoint_id].exits += n
    home.checkpoints = list(rows.values())


def passes_by_state(user, now: dt.datetime) -> dict[str, int]:
    """How many of the jurisdiction's passes are valid, not yet valid, expired or revoked right now."""
    live = Q(revoked_at__isnull=True)
    return Pass.objects.filter(pk__in=passes_for(user).values("pk")).aggregate(
        valid=Count("pk", filter=live & Q(valid_from__lte=now, valid_to__gte=now)),
        future=Count("pk", filter=live & Q(valid_from__gt=now)),
        expired=Count("pk", filter=live & Q(valid_to__lt=now)),
        revoked=Count("pk", filter=Q(revoked_at__isnull=False)),
    )


def _measures(user, home: Home, now: dt.datetime) -> None:
    measures = measures_for(user)
    counts = dict(measures.values_list("status").annotate(n=Count("id")).order_by())
    home.measure_counts = {
        "review": counts.get(MeasureStatus.LEGAL_REVIEW, 0),
        "announced": counts.get(MeasureStatus.APPROVED, 0) + counts.get(MeasureStatus.NOTICE_PUBLISHED, 0),
        "in_force": counts.get(MeasureStatus.IN_FORCE, 0),
    }
    if not (user.can(Perm.LEGAL_REVIEW) or user.can(Perm.APPROVE_MEASURE)):
        return
    # In legal review until approved: the legal opinion in the state tells whose turn it is.
    waiting = list(measures.filter(status=MeasureStatus.LEGAL_REVIEW).order_by("starts_at", "pk")[:200])
    reviewed = [(m, codec.load(m.state).legal_review is not None) for m in waiting]
    if user.can(Perm.LEGAL_REVIEW):
        home.to_review = [m for m, done in reviewed if not done][:HOME_MEASURES]
    if user.can(Perm.APPROVE_MEASURE):
        home.to_approve = [m for m, done in reviewed if done][:HOME_MEASURES]


def public_measures_near(user, now: dt.datetime) -> list[Measure]:
    """Announced and in-force measures covering the user's own area: public notices, narrowed to where they serve."""
    return measure_selectors.public_measures_near(user, now, HOME_MEASURES)


__all__ = ["Home", "home_for", "passes_by_state", "public_measures_near", "local_midnight", "sentinel_today"]


def delivery_rounds_of(user, now: dt.datetime) -> list:
    """A volunteer's delivery rounds still open, and today's closed ones."""
    today = timezone.localdate(now)
    return list(delivery_rounds_for(user).filter(Q(status="open") | Q(day=today)).order_by("-day", "label")[:20])
