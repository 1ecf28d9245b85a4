"""A small tree of our own (one district, one street, two communities, a grid each) and users of each role."""

import dataclasses
import itertools

from shaodian.places.models import Place, PlaceKind
from shaodian.places.services import place_create
from shaodian.security.models import User

_seq = itertools.count(1)


@dataclasses.dataclass
class Town:
    district: Place
    street: Place
    east: Place  # community
    west: Place  # community
    east_grid: Place
    west_grid: Place
    users: dict


def make_user(role: str, node: Place, name: str | None = None) -> User:
    name = name or f"t13_{role}_{next(_seq)}"
    return User.objects.create_user(username=name, password="x-unused-x", role=role, node=node)


def make_town() -> Town:
    n = next(_seq)
    city = Place.objects.filter(kind=PlaceKind.CITY).first() or place_create(kind="city", name="海棠市", code="T13C")
    district = place_create(kind="district", name=f"东湖区{n}", code=f"T13-{n}-D", parent=city)
    street = place_create(kind="street", name=f"桂花街道{n}", code=f"T13-{n}-S", parent=district)
    east = place_create(kind="community", name=f"东园社区{n}", code=f"T13-{n}-E", parent=street)
    west = place_create(kind="community", name=f"西园社区{n}", code=f"T13-{n}-W", parent=street)
    east_grid = place_create(kind="grid", name=f"东园一网格{n}", code=f"T13-{n}-EG", parent=east)
    west_grid = place_create(kind="grid", name=f"西园一网格{n}", code=f"T13-{n}-WG", parent=west)
    users = {
        "east_staff": make_user("community_staff", east),
        "west_staff": make_user("community_staff", west),
        "street": make_user("street_commander", street),
        "district": make_user("district_commander", district),
        "supervisor": make_user("supervisor", district),
        "volunteer": make_user("volunteer", east),
        "grid": make_user("grid_worker", east_grid),
    }
    return Town(district, street, east, west, east_grid, west_grid, users)
