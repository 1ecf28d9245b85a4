"""What the delivery tests share: grid_a's buildings and households of the fixture city."""

from shaodian.places.models import Building, Household


def building_of(user, n: int = 0) -> Building:
    return Building.objects.filter(grid_id=user.node_id).order_by("name")[n]


def households_of(building: Building) -> list[Household]:
    return list(Household.objects.filter(unit__building=building).order_by("room"))
