"""Writes of the tree: creating nodes and buildings, moving and merging subtrees."""

from dataclasses import dataclass, field

from django.db import transaction

from shaodian.errors import ServiceError
from shaodian.places.models import LEVEL, LEVELS, Building, Household, Place, PlaceKind, Unit
from shaodian.places.rules import parent_allowed, parent_rule
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction, User
from shaodian.security.roles import Perm

ANCESTOR_FIELDS = ("city_id", "district_id", "street_id", "community_id")


def _ancestors_with_self(node: Place | None) -> dict[str, int | None]:
    """The ancestor columns a child of `node` inherits: node's own plus node itself."""
    ids = dict.fromkeys(ANCESTOR_FIELDS)
    if node is None:
        return ids
    for f in ANCESTOR_FIELDS:
        ids[f] = getattr(node, f)
    if node.kind != PlaceKind.GRID:
        ids[f"{node.kind}_id"] = node.pk
    return ids


def _check_parent(kind: str, parent: Place | None) -> None:
    """Refuse a parent of the wrong kind (a grid under a street, a street under the city, …)."""
    if parent is None and kind != PlaceKind.CITY:
        raise ServiceError.one("parent", "必须指定上级节点", "A parent is required")
    if not parent_allowed(kind, parent.kind if parent is not None else None):
        zh, en = parent_rule(kind)
        raise ServiceError.one("parent", f"{zh}，请选择其他上级节点", f"{en}; choose another parent", "level")


def place_create(*, kind: str, name: str, code: str, parent: Place | None = None, boundary=None) -> Place:
    """Add a node; its ancestor columns come from its parent."""
    if kind not in PlaceKind.values:
        raise ServiceError.one("kind", "未知的层级", "Unknown level")
    _check_parent(kind, parent)
    place = Place(kind=kind, name=name, code=code, parent=parent, boundary=boundary, **_ancestors_with_self(parent))
    place.save()
    if kind != PlaceKind.GRID:
        setattr(place, f"{kind}_id", place.pk)
        place.save(update_fields=[f"{kind}_id"])
    return place


def building_create(*, grid: Place, name: str, address: str, latitude=None, longitude=None) -> Building:
    building = Building(name=name, address=address, latitude=latitude, longitude=longitude)
    building.place_in(grid)
    building.save()
    return building


def unit_get_or_create(*, building: Building, name: str) -> Unit:
    unit = Unit.objects.filter(building=building, name=name).first()
    if unit is None:
        unit = Unit(building=building, name=name)
        unit.copy_scope_from(building)
        unit.save()
    return unit


def household_get_or_create(*, unit: Unit, room: str) -> Household:
    household = Household.objects.filter(unit=unit, room=room).first()
    if household is None:
        household = Household(unit=unit, room=room, address=f"{unit.building.address}{unit.name}{room}室")
        household.copy_scope_from(unit)
        household.save()
    return household


def _inside(actor, place: Place) -> bool:
    """Whether `place` lies in the actor's subtree."""
    node = actor.node
    if node is None:
        return False
    if node.kind == PlaceKind.GRID:
        return place.pk == node.pk
    return place.pk == node.pk or getattr(place, f"{node.kind}_id", None) == node.pk


def _scoped_models():
    """Every model that carries scope columns, so a move can rewrite them all."""
    from django.apps import apps

    from shaodian.places.models import Jurisdictional, Located

    return [m for m in apps.get_models() if issubclass(m, Jurisdictional | Located)]


def _check_editable(actor, *nodes: Place, field: str) -> None:
    if not actor.can(Perm.EDIT_HIERARCHY):
        raise ServiceError.forbidden()
    if not all(_inside(actor, n) for n in nodes):
        raise ServiceError.one(
            field, "只能在您的管辖范围内调整层级", "You can only change the tree inside your jurisdiction", "scope"
        )
    if any(not n.active for n in nodes):
        raise ServiceError.one(field, "该节点已撤销，不能再调整", "This node was closed and cannot be changed", "inactive")


@transaction.atomic
def place_move(*, actor, node: Place, new_parent: Place) -> Place:
    """Hang a subtree under another parent of the right kind (e.g. 撤街道并社区); every row below follows."""
    if not actor.can(Perm.EDIT_HIERARCHY):
        raise ServiceError.forbidden()
    node = Place.objects.select_for_update().get(pk=node.pk)
    new_parent = Place.objects.get(pk=new_parent.pk)
    if node.kind == PlaceKind.CITY:
        raise ServiceError.one("node", "不能移动市级节点", "A city cannot be moved")
    if new_parent.pk == node.pk or getattr(new_parent, f"{node.kind}_id", None) == node.pk:
        raise ServiceError.one("parent", "不能移动到自己的下级节点", "A node cannot move under its own subtree", "cycle")
    _check_parent(node.kind, new_parent)
    _check_editable(actor, node, new_parent, field="parent")
    if node.pk == actor.node_id:
        raise ServiceError.one("node", "不能移动您自己所在的节点", "You cannot move the node you work at", "own_node")
    old_parent_id = node.parent_id
    inherited = _ancestors_with_self(new_parent)
    # Only the levels above the moved node change; the node's own and lower columns stay.
    above = {f: v for f, v in inherited.items() if LEVEL[PlaceKind(f[:-3])] < LEVEL[PlaceKind(node.kind)]}
    match = {f"{node.kind}_id": node.pk} if node.kind != PlaceKind.GRID else None
    if match:
        Place.objects.filter(**match).update(**above)
    else:
        Place.objects.filter(pk=node.pk).update(**above)
    Place.objects.filter(pk=node.pk).update(parent=new_parent)
    for model in _scoped_models():
        model.objects.filter(**{f"{node.kind}_id": node.pk}).update(**above)
    audit(
        actor,
        AuditAction.MOVE,
        "place",
        node.pk,
        detail={"from": old_parent_id, "to": new_parent.pk},
    )
    node.refresh_from_db()
    return node


@dataclass(frozen=True)
class PlaceMerged:
    """What a merge did: the surviving node and the accounts moved onto it from the closed one."""

    target: Place
    moved_users: list = field(default_factory=list)


@transaction.atomic
def place_merge(*, actor, source: Place, target: Place) -> PlaceMerged:
    """Merge a node into another of the same level: its children, rows and accounts move, it is closed."""
    from shaodian.places.models import Located
    if source.kind != target.kind or source.pk == target.pk:
        raise ServiceError.one("target", "只能合并同一层级的两个不同节点", "Only two different nodes of the same level can be merged")
    if not actor.can(Perm.EDIT_HIERARCHY):
        raise ServiceError.forbidden()
    source = Place.objects.select_for_update().get(pk=source.pk)
    target = Place.objects.get(pk=target.pk)
    _check_editable(actor, source, target, field="target")
    if actor.node_id == source.pk:
        raise ServiceError.one("target", "不能撤销您自己所在的节点", "You cannot close the node you work at", "own_node")
    if source.kind == PlaceKind.GRID:
        # Buildings move grid by grid: rewrite the grid column and the ancestors above it.
        # Two grids may each have a "3栋": keep both, naming the moved one after its old grid.
        taken = set(Building.objects.filter(grid=target).values_list("name", flat=True))
        for b in Building.objects.filter(grid=source, name__in=taken):
            b.name = f"{b.name}（{source.name}）"[:64]
            b.save(update_fields=["name"])
        for model in _scoped_models():
            model.objects.filter(grid_id=source.pk).update(grid_id=target.pk, **_ancestors_with_self(target.parent))
    else:
        for child in list(source.children.filter(active=True)):
            place_move(actor=actor, node=child, new_parent=target)
    # Rows attached to the closed node itself (a checkpoint at its gate) now belong to the survivor.
    for model in _scoped_models():
        if issubclass(model, Located):
            model.objects.filter(place_id=source.pk).update(place_id=target.pk, **target.ancestor_ids())
    # Accounts working at the closed node (staff, guards, volunteers) would see nothing there.
    moved = list(User.objects.filter(node_id=source.pk).order_by("username"))
    User.objects.filter(pk__in=[u.pk for u in moved]).update(node_id=target.pk)
    for u in moved:
        u.node_id = target.pk
        audit(actor, AuditAction.UPDATE, "user", u.pk,
              detail={"node": {"from": source.pk, "to": target.pk}, "reason": "merge"})
    source.active = False
    source.save(update_fields=["active"])
    audit(actor, AuditAction.MOVE, "place", source.pk,
          detail={"merged_into": target.pk, "users_moved": [u.pk for u in moved]})
    return PlaceMerged(target=target, moved_users=moved)


__all__ = ["LEVELS", "PlaceMerged", "place_create", "place_move", "place_merge", "building_create"]


def place_set_boundary(*, actor, place: Place, boundary) -> Place:
    """Attach a GeoJSON boundary (Polygon/MultiPolygon) to a node the actor may edit."""
    from shaodian.places.geo import InvalidBoundary, normalize_boundary

    _check_editable(actor, place, field="place")
    try:
        place.boundary = normalize_boundary(boundary)
    except InvalidBoundary as exc:
        raise ServiceError.one("boundary", exc.zh, exc.en, "boundary") from None
    place.save(update_fields=["boundary"])
    audit(actor, AuditAction.UPDATE, "place", place.pk, detail={"boundary": place.boundary is not None})
    return place
