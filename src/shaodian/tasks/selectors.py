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


def task_get(user, task_id, perm: Perm = Perm.VIEW_SCREENING) -> Task:
    """A task the user holds, or one in their jurisdiction; NotFound otherwise."""
    from shaodian.errors import NotFound

    try:
        pk = int(task_id)
    except (TypeError, ValueError, OverflowError):
        raise NotFound from None
    found = my_tasks(user, live_only=False).filter(pk=pk).first() or tasks_for(user, perm).filter(pk=pk).first()
    if found is None:
        raise NotFound
    return found


def overview(user, *, now) -> list[dict]:
    """Live, overdue and exception counts per community of the jurisdiction, grouped under their street."""
    from django.db.models import Count, Q

    from shaodian.places.models import Place

    rows = (tasks_for(user).filter(status__in=LIVE).exclude(community=None).values("community_id")
            .annotate(live=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now)),
                      exceptions=Count("pk", filter=~Q(exception_reason=""))).order_by())
    counts = {r["community_id"]: r for r in rows}
    places = Place.objects.filter(pk__in=list(counts)).select_related("parent").order_by("code")
    out = []
    for p in places:
        r = counts[p.pk]
        out.append({"community": p, "street": p.parent, "live": r["live"], "overdue": r["overdue"],
                    "exceptions": r["exceptions"]})
    return out
