"""应开尽开, pure: which freight and distribution nodes may open in which zone.

Outside any zone and in a precaution zone (防范区) every kind opens. In a controlled zone (管控区) the
closed-loop kinds that draw no crowd open (distribution centres, e-commerce warehouses, central kitchens);
a wholesale market, where buyers gather, does not. In a sealed zone (封控区) nothing opens: supplies come
in by delivery.
"""

NO_ZONE = ""
KINDS = ("wholesale_market", "distribution_centre", "ecommerce_warehouse", "central_kitchen")
CLOSED_LOOP = frozenset({"distribution_centre", "ecommerce_warehouse", "central_kitchen"})
STRICTNESS = {NO_ZONE: 0, "precaution": 1, "controlled": 2, "sealed": 3}


def may_open(zone: str, kind: str) -> bool:
    if zone in (NO_ZONE, "precaution"):
        return True
    if zone == "controlled":
        return kind in CLOSED_LOOP
    return False


def strictest(zones: list[str]) -> str:
    """The zone that governs a node lying in several measures' areas."""
    return max(zones, key=STRICTNESS.__getitem__, default=NO_ZONE)


def to_reopen(nodes: list[tuple[int, str, str, str]]) -> list[int]:
    """Ids of closed nodes that may open: nodes are (id, kind, status, zone)."""
    return [pk for pk, kind, status, zone in nodes if status == "closed" and may_open(zone, kind)]
