"""Reads on campaigns and visits, always scoped by the caller's jurisdiction."""

import datetime as dt

from django.db.models import Q, Sum
from django.utils import timezone

from shaodian.errors import NotFound
from shaodian.places.models import Place, PlaceKind
from shaodian.places.selectors import scoped_places
from shaodian.places import walk
from shaodian.screening import coverage
from shaodian.screening.models import Campaign, CampaignStatus, Coverage, VisitStatus, VisitTask
from shaodian.security.roles import Perm
from shaodian.security.scope import get_scoped

LEVEL_OF = {PlaceKind.CITY: "city", PlaceKind.DISTRICT: "district", PlaceKind.STREET: "street",
            PlaceKind.COMMUNITY: "community", PlaceKind.GRID: "grid"}


def _ancestor_ids(node: Place) -> list[int]:
    return [i for i in (node.city_id, node.district_id, node.street_id, node.community_id, node.pk) if i]


def campaigns_for(user):
    """Campaigns over the user's node, below it, or above it (a district campaign is the street's work too)."""
    if not user.can(Perm.VIEW_SCREENING) or user.node_id is None:
        return Campaign.objects.none()
    scope = user.scope
    return Campaign.objects.filter(Q(**{scope[0]: scope[1]}) | Q(place_id__in=_ancestor_ids(user.node)))


def campaigns_run_by(user):
    """Campaigns the user may close: started at the user's node or below."""
    return Campaign.objects.for_user(user, Perm.RUN_CAMPAIGNS)


def campaign_get(user, campaign_id) -> Campaign:
    return get_scoped(campaigns_for(user).select_related("place", "started_by"), campaign_id)


def coverage_for(user, campaign: Campaign) -> dict:
    """Coverage of `campaign` inside the user's jurisdiction: the user's own total and one row per child node.

    Summed from the per-grid counters (a few hundred rows at most for a district), never from the tasks.
    """
    node = user.node
    level = LEVEL_OF[PlaceKind(node.kind)]
    campaign_level = LEVEL_OF[PlaceKind(campaign.place.kind)]
    # Above the campaign's node, the view starts at the campaign's node itself.
    if coverage.LEVELS.index(level) > coverage.LEVELS.index(campaign_level):
        level, node = campaign_level, campaign.place
    child = coverage.child_level(level) or "grid"
    rows = (Coverage.objects.filter(campaign=campaign, **{f"{level}_id": node.pk})
            .values(f"{child}_id").annotate(t=Sum("total"), r=Sum("reached"), f=Sum("refused"),
                                            s=Sum("symptomatic")))
    tallies = {row[f"{child}_id"]: row for row in rows}
    names = dict(Place.objects.filter(pk__in=[k for k in tallies if k]).values_list("pk", "name"))
    children, total = [], coverage.Tally()
    for pk, row in sorted(tallies.items(), key=lambda kv: names.get(kv[0], "")):
        t = coverage.Tally(row["t"] or 0, row["r"] or 0, row["f"] or 0)
        total.total, total.reached, total.refused = total.total + t.total, total.reached + t.reached, total.refused + t.refused
        children.append({"id": pk, "name": names.get(pk, "—"), "total": t.total, "reached": t.reached,
                         "refused": t.refused, "open": t.open, "percent": t.percent, "symptomatic": row["s"] or 0})
    return {"node": node, "level": level, "child_level": child, "total": total.total, "reached": total.reached,
            "refused": total.refused, "open": total.open, "percent": total.percent, "children": children}


def visits_due(user, *, today: dt.date | None = None):
    """The worker's open doors of running campaigns due today or before (a queryset: the field page, the home's count)."""
    today = today or timezone.localdate()
    return (VisitTask.objects.for_user(user, Perm.VISIT)
            .filter(campaign__status=CampaignStatus.RUNNING, due_day__lte=today)
            .exclude(status=VisitStatus.REACHED))


def visits_today(user, *, today: dt.date | None = None) -> list[VisitTask]:
    """The worker's open doors due today or before, in walking order (building → unit → floor → room)."""
    rows = list(visits_due(user, today=today).select_related("household__unit__building", "campaign")[:2000])
    rows.sort(key=lambda t: (walk.walk_key(t.household.unit.building.name, t.household.unit.name, t.household.room),
                             t.campaign_id))
    return rows


def visit_tasks_for(user, campaign: Campaign, *, status: str = "", limit: int = 500) -> list[VisitTask]:
    grids = scoped_places(user).filter(kind=PlaceKind.GRID).values("pk")  # walks the (grid, campaign) index
    qs = (VisitTask.objects.for_user(user, Perm.VIEW_SCREENING).filter(campaign=campaign, grid_id__in=grids)
          .select_related("household", "grid").order_by("grid__code", "household_id"))
    if status in VisitStatus.values:
        qs = qs.filter(status=status)
    return list(qs[:limit])


def report_rows(user, campaign: Campaign) -> list[dict]:
    """Every grid of the campaign inside the user's jurisdiction, for the report and its workbook."""
    scope = user.scope
    if scope is None or not user.can(Perm.VIEW_SCREENING):
        raise NotFound
    node = user.node
    level = LEVEL_OF[PlaceKind(node.kind)]
    if coverage.LEVELS.index(level) > coverage.LEVELS.index(LEVEL_OF[PlaceKind(campaign.place.kind)]):
        where = {}
    else:
        where = {scope[0]: scope[1]}
    rows = (Coverage.objects.filter(campaign=campaign, **where)
            .select_related("grid", "community", "street").order_by("grid__code"))
    return [{"street": r.street.name if r.street else "", "community": r.community.name if r.community else "",
             "grid": r.grid.name, "total": r.total, "reached": r.reached, "refused": r.refused,
             "open": r.total - r.reached, "symptomatic": r.symptomatic,
             "percent": coverage.percent(r.reached, r.total)} for r in rows]
