"""The demo tree: city, districts, streets, communities and grids, with nested rectangles for maps."""

import math
import random
from dataclasses import dataclass

from shaodian.places import geo
from shaodian.places.models import Place, PlaceKind
from shaodian.places.services import place_create

RESIDENTS_PER_GRID = 312.5
CITY_CODE = "110100"
DISTRICT_CODE = "110105"  # region code of the district: most residents' IDs start with it
STREET_NAMES = ("海棠", "朝阳", "建国", "和平", "光明", "幸福", "振兴", "安华", "团结", "友谊", "新华", "长青", "双井", "望京",
                "东风", "三里", "麦子", "八里", "南磨", "高碑")
COMMUNITY_NAMES = ("名苑", "东里", "西里", "北里", "南里", "新村", "花园", "家园", "嘉园", "雅苑", "华庭", "丽园")


@dataclass
class Shape:
    districts: int
    streets: int
    communities: int
    grids: int


def shape_for(residents: int) -> Shape:
    grids = max(4, round(residents / RESIDENTS_PER_GRID))
    communities = max(2, math.ceil(grids / 10))
    streets = max(1, math.ceil(communities / 4))
    districts = max(1, math.ceil(streets / 20))
    return Shape(districts, streets, communities, grids)


def city_exists() -> bool:
    return Place.objects.filter(kind=PlaceKind.CITY).exists()


def build_tree(rng: random.Random, shape: Shape) -> list[Place]:
    """City, districts, streets, communities and grids; returns the grids in order."""
    city = place_create(kind=PlaceKind.CITY, name="海棠市", code=CITY_CODE)
    districts = [
        place_create(kind=PlaceKind.DISTRICT, name="海棠区" if i == 0 else f"海棠第{i + 1}区",
                     code=DISTRICT_CODE if i == 0 else f"1101{50 + i:02d}", parent=city)
        for i in range(shape.districts)
    ]
    streets = []
    for i in range(shape.streets):
        d = districts[i % shape.districts]
        name = STREET_NAMES[i % len(STREET_NAMES)] + ("" if i < len(STREET_NAMES) else str(i // len(STREET_NAMES) + 1))
        streets.append(place_create(kind=PlaceKind.STREET, name=f"{name}街道", code=f"{d.code}{i + 1:03d}", parent=d))
    communities = []
    for i in range(shape.communities):
        s = streets[i % shape.streets]
        n = i // shape.streets
        name = s.name.removesuffix("街道") + COMMUNITY_NAMES[n % len(COMMUNITY_NAMES)] + (str(n // 12 + 1) if n >= 12 else "")
        communities.append(place_create(kind=PlaceKind.COMMUNITY, name=f"{name}社区", code=f"{s.code}{n + 1:03d}", parent=s))
    grids = []
    for i in range(shape.grids):
        c = communities[i % shape.communities]
        n = i // shape.communities
        grids.append(place_create(kind=PlaceKind.GRID, name=f"{c.name}第{n + 1}网格", code=f"{c.code}{n + 1:03d}", parent=c))
    return grids


CITY_BOX = (116.30, 39.85, 116.50, 40.00)


def assign_boundaries(grids: list[Place]) -> dict[int, tuple]:
    """Nested rectangles for every node (synthetic but consistent), so maps have something true to draw."""
    nodes = {p.pk: p for p in Place.objects.all()}
    children: dict[int | None, list[Place]] = {}
    for p in sorted(nodes.values(), key=lambda p: p.code):
        children.setdefault(p.parent_id, []).append(p)
    boxes: dict[int, tuple] = {}
    stack = [(p, CITY_BOX) for p in children.get(None, [])]
    while stack:
        node, box = stack.pop()
        boxes[node.pk] = box
        node.boundary = geo.rectangle(*box)
        kids = children.get(node.pk, [])
        stack += list(zip(kids, geo.split(box, len(kids)), strict=True))
    Place.objects.bulk_update(nodes.values(), ["boundary"], batch_size=500)
    return boxes
