"""Where import rows land: the actor's grids, and the buildings, units and households under them.

Buildings are matched against the community's existing ones (buildings.match); units and
households are created on first use, a batch at a time (three bulk inserts).
"""

from shaodian.people import buildings as building_names
from shaodian.places.models import Building, Household, Place, PlaceKind, Unit
from shaodian.places.selectors import scoped_places


class ImportPlaces:
    """Grids of the actor, and buildings/units/households under them, created on first use."""

    def __init__(self, actor):
        self.grids = {g.code: g for g in scoped_places(actor).filter(kind=PlaceKind.GRID, active=True)}
        self.buildings: dict[tuple[int, str], Building] = {}
        self.units: dict[tuple[int, str], Unit] = {}
        self.households: dict[tuple[int, str], Household] = {}
        self._loaded: set[int] = set()
        # Per community: (building name, grid id) of what exists or this import will create.
        self._community: dict[int, list[tuple[str, int]]] = {}
        self._resolved: dict[tuple[int, str, bool], tuple[str | None, tuple[str, str] | None]] = {}

    def resolve_building(self, grid: Place, typed: str, new: bool) -> tuple[str | None, tuple[str, str] | None]:
        """The existing building a row means, or the new one it asks for; else (None, (zh, en)) asking the row."""
        key = (grid.pk, typed, new)
        if key not in self._resolved:
            self._resolved[key] = self._resolve(grid, typed, new)
        return self._resolved[key]

    def _resolve(self, grid: Place, typed: str, new: bool):
        cands = self._community.get(grid.community_id)
        if cands is None:
            cands = self._community[grid.community_id] = list(
                Building.objects.filter(community_id=grid.community_id).values_list("name", "grid_id"))
        # The row's own grid first: an exact 55栋 next door must not hide this grid's 测试名苑55栋 (a new
        # row would then make a second building beside it, and a re-import move the people across).
        in_grid = sorted(set(building_names.match(typed, [n for n, g in cands if g == grid.pk])))
        if len(in_grid) == 1:
            return in_grid[0], None
        if len(in_grid) > 1:
            return None, _ambiguous(typed, in_grid)
        if new:
            cands.append((typed, grid.pk))
            self._resolved = {k: v for k, v in self._resolved.items() if k[2]}  # what was unknown may now match
            return typed, None
        elsewhere = sorted(set(building_names.match(typed, [n for n, _g in cands])))
        if not elsewhere:
            return None, (f"系统中没有楼栋“{typed}”。请核对楼栋名称；确需新建的，请在“新建楼栋”列填“是”",
                          f"There is no building “{typed}”. Check the name; to create it, put 是 in the 新建楼栋 (new building) column")
        if len(elsewhere) > 1:
            return None, _ambiguous(typed, elsewhere)
        return None, (f"楼栋“{elsewhere[0]}”不在网格{grid.code}内，请核对网格编码或楼栋名称",
                      f"The building “{elsewhere[0]}” is not in grid {grid.code}; check the grid code or the building name")

    def _load(self, grid: Place) -> None:
        if grid.pk in self._loaded:
            return
        self._loaded.add(grid.pk)
        for b in Building.objects.filter(grid=grid):
            self.buildings[(grid.pk, b.name)] = b
        for u in Unit.objects.filter(grid=grid):
            self.units[(u.building_id, u.name)] = u
        for h in Household.objects.filter(grid=grid):
            self.households[(h.unit_id, h.room)] = h

    def ensure(self, wanted: list[tuple[Place, str, str, str]]) -> None:
        """Create the missing buildings, then units, then households of a batch: three bulk inserts."""
        for grid, *_ in wanted:
            self._load(grid)
        new_b = {}
        for grid, building, _u, _r in wanted:
            if (grid.pk, building) not in self.buildings and (grid.pk, building) not in new_b:
                b = Building(name=building, address=f"{grid.name}{building}")
                b.place_in(grid)
                new_b[(grid.pk, building)] = b
        Building.objects.bulk_create(new_b.values())
        self.buildings.update(new_b)
        new_u = {}
        for grid, building, unit, _r in wanted:
            b = self.buildings[(grid.pk, building)]
            if (b.pk, unit) not in self.units and (b.pk, unit) not in new_u:
                u = Unit(building=b, name=unit)
                u.copy_scope_from(b)
                new_u[(b.pk, unit)] = u
        Unit.objects.bulk_create(new_u.values())
        self.units.update(new_u)
        new_h = {}
        for grid, building, unit, room in wanted:
            b = self.buildings[(grid.pk, building)]
            u = self.units[(b.pk, unit)]
            if (u.pk, room) not in self.households and (u.pk, room) not in new_h:
                h = Household(unit=u, room=room, address=f"{b.address}{unit}{room}室")
                h.copy_scope_from(u)
                new_h[(u.pk, room)] = h
        Household.objects.bulk_create(new_h.values(), batch_size=1000)
        self.households.update(new_h)

    def household(self, grid: Place, building: str, unit: str, room: str) -> Household:
        b = self.buildings[(grid.pk, building)]
        return self.households[(self.units[(b.pk, unit)].pk, room)]


def _ambiguous(typed: str, names: list[str]) -> tuple[str, str]:
    shown = "、".join(names[:5])
    return (f"楼栋“{typed}”对应多个已有楼栋：{shown}。请填写完整名称",
            f"“{typed}” matches several buildings: {shown}. Please write the full name")
