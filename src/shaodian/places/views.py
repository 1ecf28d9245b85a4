from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect, render

from shaodian.errors import NotFound
from shaodian.people.selectors import residents_for
from shaodian.places import selectors
from shaodian.places.models import PlaceKind
from shaodian.security.roles import Perm


@login_required
def place_browse(request, place_id=None):
    """The tree from the user's node down; a grid shows its buildings, units and households."""
    user = request.user
    if not user.can(Perm.VIEW_PLACES):
        raise PermissionDenied
    if place_id is None:
        return redirect("place_detail", place_id=user.node_id)
    try:
        place, children = selectors.place_children(user, place_id)
    except NotFound:
        return render(request, "web/error.html", {"code": 404}, status=404)
    counts = {}
    if user.can(Perm.VIEW_RESIDENTS) and place.kind != PlaceKind.GRID:
        # Residents per child: counts only, one grouped query.
        child_field = "grid_id" if place.kind == PlaceKind.COMMUNITY else f"{children.first().kind}_id" if children.exists() else None
        if child_field:
            counts = dict(
                residents_for(user)
                .filter(**{f"{place.kind}_id": place.pk})
                .values_list(child_field)
                .annotate(n=Count("id"))
                .values_list(child_field, "n")
            )
    rows = [(c, counts.get(c.pk)) for c in children]
    buildings = selectors.grid_buildings(user, place) if place.kind == PlaceKind.GRID else None
    return render(
        request,
        "places/browse.html",
        {
            "place": place,
            "rows": rows,
            "crumbs": selectors.place_breadcrumbs(user, place),
            "buildings": buildings,
            "can_residents": user.can(Perm.VIEW_RESIDENTS),
        },
    )


@login_required
def building_detail(request, building_id):
    user = request.user
    try:
        building, units = selectors.building_get(user, building_id)
    except NotFound:
        return render(request, "web/error.html", {"code": 404}, status=404)
    return render(
        request,
        "places/building.html",
        {"building": building, "units": units, "crumbs": selectors.place_breadcrumbs(user, building.grid)},
    )
