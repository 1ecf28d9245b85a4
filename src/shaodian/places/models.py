"""The administrative tree 市—区—街—社—网 and the buildings, units and households under a grid."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from shaodian.core.jurisdiction import PlaceKind, filter_for_user, place_lookup, scope_lookup  # noqa: F401 - the tree's names


# Depth of each kind in the tree; a child is always exactly one level deeper,
# except where a street was merged away (撤街道并社区) and a community hangs under a district.
LEVELS = [PlaceKind.CITY, PlaceKind.DISTRICT, PlaceKind.STREET, PlaceKind.COMMUNITY, PlaceKind.GRID]
LEVEL = {kind: i for i, kind in enumerate(LEVELS)}
# Jurisdiction columns carried by every row that belongs to a place (see Jurisdictional).
SCOPE_COLUMNS = tuple(f"{kind.value}_id" for kind in LEVELS)


class ScopedQuerySet(models.QuerySet):
    """Rows that carry the scope columns (Jurisdictional, Located)."""

    def for_user(self, user, perm, *, via: str = "") -> "ScopedQuerySet":
        return filter_for_user(self, user, perm, via=via)


class PlaceQuerySet(models.QuerySet):
    def for_user(self, user, perm) -> "PlaceQuerySet":
        return filter_for_user(self, user, perm, lookup=place_lookup)


class Place(models.Model):
    """A node of the administrative tree, with its administrative code."""

    kind = models.CharField(_("kind"), max_length=16, choices=PlaceKind.choices)
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("administrative code"), max_length=32, unique=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # Ancestor ids of this node, itself included: the denormalised path that scoping filters on.
    city = models.ForeignKey("self", on_delete=models.PROTECT, null=True, related_name="+")
    district = models.ForeignKey("self", on_delete=models.PROTECT, null=True, related_name="+")
    street = models.ForeignKey("self", on_delete=models.PROTECT, null=True, related_name="+")
    community = models.ForeignKey("self", on_delete=models.PROTECT, null=True, related_name="+")
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    active = models.BooleanField(default=True)
    # Negative-list flags (禁止封堵清单) joined by "," with a leading and trailing comma, e.g.
    # ",fire_lane,": a closure here is refused (measures.rules.check_closure).
    flags = models.CharField(_("negative-list flags"), max_length=200, blank=True, default="")

    objects = PlaceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        indexes = [
            models.Index(fields=["parent", "code"], name="place_parent_code"),
            models.Index(fields=["district", "kind"], name="place_district_kind"),
            models.Index(fields=["street", "kind"], name="place_street_kind"),
            models.Index(fields=["community", "kind"], name="place_community_kind"),
        ]

    def __str__(self):
        return self.name

    @property
    def level(self) -> int:
        return LEVEL[PlaceKind(self.kind)]

    @property
    def flag_list(self) -> list[str]:
        return [f for f in self.flags.split(",") if f]

    def ancestor_ids(self) -> dict[str, int | None]:
        """The scope columns a row placed at this node carries."""
        ids = {f: getattr(self, f) for f in ("city_id", "district_id", "street_id", "community_id")}
        ids["grid_id"] = self.pk if self.kind == PlaceKind.GRID else None
        return ids


class Jurisdictional(models.Model):
    """Rows that live somewhere in the tree carry every ancestor id, so a scope is one equality."""

    city = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, related_name="+")
    district = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, related_name="+")
    street = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, related_name="+")
    community = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, related_name="+")
    grid = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+", verbose_name=_("grid"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def place_in(self, grid: Place) -> None:
        for field, value in grid.ancestor_ids().items():
            setattr(self, field, value)

    def copy_scope_from(self, other: "Jurisdictional") -> None:
        for field in SCOPE_COLUMNS:
            setattr(self, field, getattr(other, field))


class Building(Jurisdictional):
    """楼栋 — a building within a grid."""

    name = models.CharField(_("building"), max_length=64)
    address = models.CharField(_("address"), max_length=200)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["grid", "name"], name="building_unique_in_grid")]
        indexes = [models.Index(fields=["community", "name"], name="building_community")]

    def __str__(self):
        return self.address


class Unit(Jurisdictional):
    """单元 — an entrance of a building."""

    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("unit"), max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["building", "name"], name="unit_unique_in_building")]

    def __str__(self):
        return f"{self.building.address}{self.name}"


class Household(Jurisdictional):
    """户 — one dwelling (a room number in a unit)."""

    # No single-column indexes where a wider one starts with the column: (unit, room) serves unit,
    # (grid, id) and (community, id) the scope, and the city is one value for every row.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="households", db_index=False)
    room = models.CharField(_("room"), max_length=32)
    # An address search is LIKE '%…%': on PostgreSQL a GIN trigram index serves it (migration places 0003).
    address = models.CharField(_("address"), max_length=255)
    city = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, related_name="+", db_index=False)
    community = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, related_name="+", db_index=False)
    grid = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+", verbose_name=_("grid"), db_index=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "room"], name="household_unique_in_unit")]
        # The whole set is pinned, per database, by people/tests/test_index_set.py.
        indexes = [
            models.Index(fields=["grid", "id"], name="household_grid"),
            models.Index(fields=["community", "id"], name="household_community"),
        ]

    def __str__(self):
        return self.address


class Located(models.Model):
    """Rows attached to any node of the tree (a checkpoint at a community gate, a market in a street)."""

    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+", verbose_name=_("place"))
    city = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, related_name="+")
    district = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, related_name="+")
    street = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, related_name="+")
    community = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, related_name="+")
    grid = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def locate_at(self, place: Place) -> None:
        self.place = place
        for field, value in place.ancestor_ids().items():
            setattr(self, field, value)
