"""Reads of the tree, limited to the user's own node and what lies below it."""

from django.db.models import Count, QuerySet

from shaodian.places.models import Building, Place, PlaceKind
from shaodian.security.roles import Perm
from shaodian.security.scope import get_scoped


def scoped_places(user) -> QuerySet:
    """Places at or below the user's node, for a user who may see the tree."""
    return Place.objects.for_user(user, Perm.VIEW_PLACES)


def place_get(user, pk) -> Place:
    return get_scoped(scoped_places(user), pk)


def place_children(user, pk) -> tuple[Place, QuerySet]:
    place = place_get(user, pk)
    return place, scoped_places(user).filter(parent=place, active=True).order_by("code")


def place_breadcrumbs(user, place: Place) -> list[Place]:
    """Ancestors down to the place, starting at the user's own node (higher levels are not theirs)."""
    chain = []
    node = place
    while node is not None:
        chain.append(node)
        if node.pk == user.node_id:
            break
        node = node.parent
    return list(reversed(chain))


def grid_buildings(user, grid: Place) -> QuerySet:
    if grid.kind != PlaceKind.GRID:
        return Building.objects.none()
    return Building.objects.filter(grid=grid).annotate(n_units=Count("units")).order_by("name")


def grids_for(user) -> QuerySet:
    return scoped_places(user).filter(kind=PlaceKind.GRID, active=True).order_by("code")


def building_get(user, pk):
    """A building in the user's jurisdiction with its units and their households (addresses only)."""
    from shaodian.places.models import Household, Unit

    building = get_scoped(Building.objects.for_user(user, Perm.VIEW_RESIDENTS).select_related("grid"), pk)
    units = list(Unit.objects.filter(building=building).order_by("name"))
    by_unit: dict[int, list] = {u.pk: [] for u in units}
    for h in Household.objects.filter(unit__building=building).annotate(n=Count("current_residents")).order_by("room"):
        by_unit[h.unit_id].append(h)
    return building, [(u, by_unit[u.pk]) for u in units]


def move_parents(user, place: Place) -> QuerySet:
    """Where `place` may move: active nodes of an allowed parent kind in the user's subtree, not its own."""
    from shaodian.places.rules import PARENT_KINDS

    if place.kind == PlaceKind.CITY or place.pk == user.node_id:
        return Place.objects.none()
    mine = scoped_places(user).filter(active=True, kind__in=PARENT_KINDS[place.kind])
    # Never under itself: a descendant carries the node's id in the node's own level column.
    if place.kind != PlaceKind.GRID:
        mine = mine.exclude(**{f"{place.kind}_id": place.pk})
    return mine.exclude(pk=place.parent_id).order_by("code")


def merge_targets(user, place: Place) -> QuerySet:
    """What `place` may merge into: other active nodes of its kind in the user's subtree."""
    if place.kind == PlaceKind.CITY or place.pk == user.node_id or not place.active:
        return Place.objects.none()
    return scoped_places(user).filter(active=True, kind=place.kind).exclude(pk=place.pk).order_by("code")
