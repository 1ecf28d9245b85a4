"""Reads of demand, request links and rounds, scoped to the user's jurisdiction."""

from django.db.models import Count, Q, QuerySet, Sum

from shaodian.delivery.models import Demand, DemandLink, DeliveryStop, NeedKind, StopStatus
from shaodian.delivery.rounds import round_get, rounds_for, unreached_on  # noqa: F401 - the rounds' reads live there
from shaodian.places.models import Place
from shaodian.security.roles import Perm

DEMAND_READERS = (Perm.VIEW_SUPPLIES, Perm.REQUEST_SUPPLIES)


def demands_for(user) -> QuerySet:
    return Demand.objects.for_user(user, DEMAND_READERS)


def links_for(user) -> QuerySet:
    return DemandLink.objects.for_user(user, Perm.REQUEST_SUPPLIES)


def demand_by_community(user, day) -> list[dict]:
    """The day's demand per community and need: total, the special-group part, households — special needs first."""
    rows = list(demands_for(user).filter(day=day).values("community_id", "kind").annotate(
        total=Sum("quantity"), special_total=Sum("quantity", filter=Q(special=True)),
        households=Sum("households"), requests=Count("id")).order_by("community_id", "kind"))
    names = dict(Place.objects.filter(pk__in={r["community_id"] for r in rows}).values_list("pk", "name"))
    for r in rows:
        r["community"] = names.get(r["community_id"], "")
        r["special_total"] = r["special_total"] or 0
        r["kind_label"] = NeedKind(r["kind"]).label
    return sorted(rows, key=lambda r: (r["community"], -r["special_total"], r["kind"]))


def round_progress(user, rounds) -> dict[int, dict]:
    """Per round: doors, delivered, not reached, special doors not yet delivered."""
    ids = [r.pk for r in rounds]
    rows = (DeliveryStop.objects.filter(round_id__in=ids).values("round_id").annotate(
        doors=Count("id"), delivered=Count("id", filter=Q(status=StopStatus.DELIVERED)),
        unreached=Count("id", filter=Q(status=StopStatus.UNREACHED)),
        special_open=Count("id", filter=~Q(special_tags="") & ~Q(status=StopStatus.DELIVERED))))
    return {r["round_id"]: r for r in rows}
