"""Reads of the catalogue, warehouses and the ledger, scoped to the user's jurisdiction."""

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import QuerySet, Sum

from shaodian.errors import NotFound
from shaodian.security.roles import Perm
from shaodian.security.scope import get_scoped
from shaodian.supplies.models import Item, StockBalance, StockEntry, Warehouse


def items_active() -> QuerySet:
    """The catalogue (not personal data: every supplies user reads all of it)."""
    return Item.objects.filter(active=True)


def warehouses_for(user) -> QuerySet:
    """Warehouses at or below the user's node."""
    return Warehouse.objects.for_user(user, Perm.VIEW_SUPPLIES).select_related("place")


def warehouse_get(user, pk) -> Warehouse:
    return get_scoped(warehouses_for(user), pk)


def stock_on_hand(warehouse_ids: Iterable[int] | None = None, item_ids: Iterable[int] | None = None,
                  ) -> dict[tuple[int, int], Decimal]:
    """(warehouse id, item id) → quantity on hand, zero rows left out. Unscoped: pass ids from a scoped read.

    Read from the balance rows the ledger keeps; `stock_from_ledger` sums the entries themselves.
    """
    qs = StockBalance.objects.filter(quantity__gt=0)
    if warehouse_ids is not None:
        qs = qs.filter(warehouse_id__in=list(warehouse_ids))
    if item_ids is not None:
        qs = qs.filter(item_id__in=list(item_ids))
    return {(w, i): q for w, i, q in qs.values_list("warehouse_id", "item_id", "quantity")}


def stock_from_ledger(warehouse_ids: Iterable[int] | None = None, item_ids: Iterable[int] | None = None,
                      ) -> dict[tuple[int, int], Decimal]:
    """The same as `stock_on_hand`, summed from the ledger: the truth the balances must agree with."""
    qs = StockEntry.objects.all()
    if warehouse_ids is not None:
        qs = qs.filter(warehouse_id__in=list(warehouse_ids))
    if item_ids is not None:
        qs = qs.filter(item_id__in=list(item_ids))
    rows = qs.values("warehouse_id", "item_id").annotate(total=Sum("quantity")).order_by()
    return {(r["warehouse_id"], r["item_id"]): r["total"] for r in rows if r["total"]}


def ledger_for(user, warehouse_id, item_id=None) -> QuerySet:
    """The entries of one warehouse in the user's jurisdiction (of one item if given), newest first."""
    wh = warehouse_get(user, warehouse_id)
    qs = StockEntry.objects.filter(warehouse=wh).select_related("item", "actor", "counterpart")
    if item_id is not None:
        try:
            qs = qs.filter(item_id=int(item_id))
        except (TypeError, ValueError):
            raise NotFound from None
    return qs.order_by("-at", "-pk")
