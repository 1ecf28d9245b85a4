"""Reads on tasks, always scoped by the acting user."""

from django.db.models import Q, QuerySet

from shaodian.security.roles import Perm
from shaodian.tasks.models import Status, Task, Team

LIVE = (Status.OPEN, Status.ACKNOWLEDGED)


def my_tasks(user, *, live_only: bool = True) -> QuerySet:
    """Tasks given to the user, to a team of theirs, or to their node's pool (nobody named yet)."""
    if not user.can(Perm.DO_TASKS):
        return Task.objects.none()
    teams = Team.objects.filter(members=user).values("pk")  # a subquery: no join that repeats rows
    mine = Q(assignee=user) | Q(team__in=teams) | Q(assignee=None, team=None, place_id=user.node_id)
    qs = Task.objects.filter(mine)
    if live_only:
        qs = qs.filter(status__in=LIVE)
    return qs.select_related("place", "team", "assignee").order_by("due_at", "pk")


def tasks_for(user, perm: Perm = Perm.VIEW_SCREENING) -> QuerySet:
    """Every task in the user's jurisdiction (commanders, dispatchers)."""
    return Task.objects.for_user(user, perm).select_related("place", "team", "assignee")
