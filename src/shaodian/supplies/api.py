"""The supplies API under /api/v1: warehouses and their stock and ledger, read in the caller's jurisdiction."""

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema

from shaodian.schema_types import ParamId
from shaodian.security.roles import Perm
from shaodian.supplies import selectors

router = Router(tags=["supplies"])
LEDGER_MAX = 500


class WarehouseItem(Schema):
    id: int
    name: str
    level: str
    kind: str
    place_id: int
    latitude: float | None
    longitude: float | None
    capacity_tonnes: str
    min_days: int


class StockLine(Schema):
    item_id: int
    item: str
    unit: str
    quantity: str


class WarehouseStock(WarehouseItem):
    stock: list[StockLine]


class EntryItem(Schema):
    id: int
    item_id: int
    kind: str
    quantity: str
    balance_after: str
    reference: str
    counterpart_id: int | None
    at: str


def _wh(w) -> dict:
    return {"id": w.pk, "name": w.name, "level": w.level, "kind": w.kind, "place_id": w.place_id,
            "latitude": w.latitude, "longitude": w.longitude, "capacity_tonnes": str(w.capacity_tonnes),
            "min_days": w.min_days}


def _need(user):
    if not user.can(Perm.VIEW_SUPPLIES):
        raise PermissionDenied


@router.get("/supplies/warehouses", response=list[WarehouseItem])
def warehouse_list(request):
    """Warehouses, transfer stations and drop points in the caller's jurisdiction."""
    _need(request.user)
    return [_wh(w) for w in selectors.warehouses_for(request.user).filter(active=True).order_by("id")[:1000]]


@router.get("/supplies/warehouses/{warehouse_id}", response=WarehouseStock)
def warehouse_stock(request, warehouse_id: ParamId):
    """One warehouse with its stock on hand per item (the sum of its ledger)."""
    _need(request.user)
    w = selectors.warehouse_get(request.user, warehouse_id)
    on_hand = selectors.stock_on_hand([w.pk])
    items = {i.pk: i for i in selectors.items_active().filter(pk__in=[i for _, i in on_hand])}
    return {**_wh(w), "stock": [{"item_id": i, "item": items[i].name, "unit": items[i].unit, "quantity": str(q)}
                                for (_, i), q in sorted(on_hand.items()) if i in items]}


@router.get("/supplies/warehouses/{warehouse_id}/ledger", response=list[EntryItem])
def warehouse_ledger(request, warehouse_id: ParamId, item: ParamId | None = None):
    """The newest ledger entries of one warehouse (of one item if given), at most 500."""
    _need(request.user)
    rows = selectors.ledger_for(request.user, warehouse_id, item)[:LEDGER_MAX]
    return [{"id": e.pk, "item_id": e.item_id, "kind": e.kind, "quantity": str(e.quantity),
             "balance_after": str(e.balance_after), "reference": e.reference, "counterpart_id": e.counterpart_id,
             "at": e.at.isoformat()} for e in rows]
