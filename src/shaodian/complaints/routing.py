"""The routing table: which body handles a category, at which level of the tree; the table's rows override these."""

from shaodian.places.models import Place, PlaceKind

# Defaults, written in the bodies' own names (data, not UI text). Level: who answers for the place.
DEFAULT_ROUTES: dict[str, tuple[str, str]] = {
    "medical_access": (PlaceKind.STREET, "街道卫生健康办"),
    "supply_shortage": (PlaceKind.STREET, "街道保供专班"),
    "over_blocking": (PlaceKind.STREET, "街道综合执法队"),
    "fire_lane": (PlaceKind.DISTRICT, "区消防救援大队"),
    "soft_restriction": (PlaceKind.STREET, "街道综合执法队"),
    "quarantine": (PlaceKind.DISTRICT, "区卫生健康委"),
    "staff_conduct": (PlaceKind.STREET, "街道纪工委"),
    "information": (PlaceKind.COMMUNITY, "社区居委会"),
    "rumour": (PlaceKind.DISTRICT, "区委网信办"),
    "other": (PlaceKind.COMMUNITY, "社区居委会"),
}
ORDER = [PlaceKind.CITY, PlaceKind.DISTRICT, PlaceKind.STREET, PlaceKind.COMMUNITY, PlaceKind.GRID]


def route(category: str, place: Place) -> tuple[Place, str]:
    """(handling node, body) for a complaint at `place`: its ancestor at the rule's level, or itself if higher."""
    from shaodian.complaints.models import RoutingRule

    rule = RoutingRule.objects.filter(category=category).values_list("level", "body").first()
    level, body = rule or DEFAULT_ROUTES.get(category, DEFAULT_ROUTES["other"])
    if ORDER.index(PlaceKind(place.kind)) <= ORDER.index(PlaceKind(level)):
        return place, body
    node_id = getattr(place, f"{level}_id", None)
    if node_id is None:  # a street merged away: the next level up answers
        node_id = place.district_id or place.city_id
    return Place.objects.get(pk=node_id), body
