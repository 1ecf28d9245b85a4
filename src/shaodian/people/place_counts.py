"""Residents per child place for the tree page (registered with places.child_counts at start-up)."""

from django.db.models import Count, QuerySet

from shaodian.people.selectors import residents_for
from shaodian.places.models import PlaceKind


def residents_per_child(user, place, children: QuerySet) -> dict[int, int]:
    """Counts only, one grouped query, limited to the residents the user may see."""
    child_field = "grid_id" if place.kind == PlaceKind.COMMUNITY else f"{children.first().kind}_id" if children.exists() else None
    if not child_field:
        return {}
    return dict(
        residents_for(user)
        .filter(**{f"{place.kind}_id": place.pk})
        .values_list(child_field)
        .annotate(n=Count("id"))
        .values_list(child_field, "n")
    )
