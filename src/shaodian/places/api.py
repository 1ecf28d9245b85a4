from ninja import Router, Schema

from shaodian.places import selectors
from shaodian.schema_types import ParamId

router = Router(tags=["places"])


class PlaceOut(Schema):
    id: int
    kind: str
    name: str
    code: str
    parent_id: int | None


class Children(Schema):
    place: PlaceOut
    items: list[PlaceOut]


@router.get("/places/{place_id}/children", response=Children)
def place_children(request, place_id: ParamId):
    """The children of a node in the caller's subtree (404 outside it)."""
    place, children = selectors.place_children(request.user, place_id)
    return {"place": place, "items": list(children)}
