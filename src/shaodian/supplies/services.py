"""Writes on the stock ledger: receive, issue, transfer and count. Each is one transaction, audited.

Every write locks the (warehouse, item) balance row first (SELECT … FOR UPDATE on PostgreSQL; SQLite
transactions here begin IMMEDIATE, so writers are serialised), reads the balance under that lock, refuses
what would take it below zero, then appends the entry and moves the balance by the same amount.
A transfer locks its two rows in id order so two opposite transfers cannot deadlock.
"""

import decimal
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from shaodian.errors import NotFound, ServiceError
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm
from shaodian.security.scope import get_scoped
from shaodian.supplies.minimums import minimum_check
from shaodian.supplies.models import EntryKind, Item, StockBalance, StockEntry, Warehouse

MAX_QUANTITY = Decimal("1000000000")  # a billion units: anything above is a typing error
TEXT_MAX = 200
REFERENCE_MAX = 64


def parse_quantity(value, *, field: str = "quantity", allow_zero: bool = False) -> Decimal:
    """A positive quantity with at most three decimals, or a clear refusal."""
    try:
        q = Decimal(str(value).strip())
    except (decimal.InvalidOperation, ValueError, TypeError):
        raise ServiceError.one(field, "数量须为数字", "The quantity must be a number", "float_parsing") from None
    if not q.is_finite():
        raise ServiceError.one(field, "数量须为有限的数字", "The quantity must be a finite number", "finite_number")
    if q < 0 or (q == 0 and not allow_zero):
        raise ServiceError.one(field, "数量须大于零", "The quantity must be greater than zero", "greater_than")
    if q > MAX_QUANTITY:
        raise ServiceError.one(field, "数量过大（最多 10 亿）", "The quantity is too large (at most a billion)",
                               "less_than_equal")
    if q != q.quantize(Decimal("0.001")):
        raise ServiceError.one(field, "数量最多三位小数", "At most three decimals", "decimal_places")
    return q.quantize(Decimal("0.001"))


def _text(value, field: str, limit: int = TEXT_MAX) -> str:
    value = " ".join(str(value or "").split())
    if len(value) > limit:
        raise ServiceError.one(field, f"最多 {limit} 个字符", f"At most {limit} characters", "string_too_long")
    return value


def writable_warehouses(actor):
    """Warehouses the actor may post to: inside the jurisdiction, with the ledger permission."""
    return Warehouse.objects.for_user(actor, Perm.MANAGE_SUPPLIES).filter(active=True)


def _warehouse(actor, pk, field: str = "warehouse") -> Warehouse:
    try:
        return get_scoped(writable_warehouses(actor), pk)
    except NotFound:
        raise ServiceError.one(field, "未找到该仓库，或不在您的管辖范围内",
                               "No such warehouse, or outside your jurisdiction", "not_found", status=404) from None


def _item(pk) -> Item:
    try:
        return Item.objects.get(pk=int(pk), active=True)
    except (Item.DoesNotExist, ValueError, TypeError, OverflowError):
        raise ServiceError.one("item", "未找到该物资", "No such item", "not_found", status=404) from None


def _check(actor):
    if not actor.can(Perm.MANAGE_SUPPLIES):
        raise ServiceError.forbidden()


def _lock(warehouse: Warehouse, item: Item, now) -> StockBalance:
    """The balance row of (warehouse, item), locked until the transaction ends (created at zero if new)."""
    balance, _ = StockBalance.objects.select_for_update().get_or_create(
        warehouse=warehouse, item=item, defaults={"quantity": Decimal(0), "updated_at": now})
    return balance


def _post(balance: StockBalance, delta: Decimal, kind: EntryKind, *, actor, now, reference="", note="",
          counterpart=None) -> StockEntry:
    new = balance.quantity + delta
    if new < 0:
        raise ServiceError.one(
            "quantity",
            f"库存不足：{balance.item.name} 在 {balance.warehouse.name} 现有 {balance.quantity.normalize():f}"
            f"{balance.item.unit}，不能出库 {(-delta).normalize():f}",
            f"Not enough stock: {balance.warehouse.name} holds {balance.quantity.normalize():f} "
            f"{balance.item.unit} of {balance.item.name}, cannot take out {(-delta).normalize():f}",
            "insufficient_stock", status=409)
    entry = StockEntry.objects.create(
        warehouse=balance.warehouse, item=balance.item, quantity=delta, kind=kind, balance_after=new,
        reference=reference, counterpart=counterpart, actor=actor, at=now, note=note)
    balance.quantity, balance.updated_at = new, now
    balance.save(update_fields=["quantity", "updated_at"])
    audit(actor, AuditAction.CREATE, "stock_entry", entry.pk,
          detail={"warehouse": balance.warehouse_id, "item": balance.item_id, "kind": kind.value,
                  "quantity": str(delta), "balance": str(new)})
    return entry


def _after(warehouse: Warehouse, item: Item, now) -> None:
    minimum_check(warehouse=warehouse, item=item, now=now)  # a stock that moved may cross its minimum


def stock_receive(*, actor, warehouse_id, item_id, quantity, reference: str = "", note: str = "",
                  now=None) -> StockEntry:
    """A receipt into a warehouse (入库)."""
    _check(actor)
    qty = parse_quantity(quantity)
    reference, note = _text(reference, "reference", REFERENCE_MAX), _text(note, "note")
    now = now or timezone.now()
    with transaction.atomic():
        wh, item = _warehouse(actor, warehouse_id), _item(item_id)
        entry = _post(_lock(wh, item, now), qty, EntryKind.RECEIPT, actor=actor, now=now, reference=reference,
                      note=note)
        _after(wh, item, now)
    return entry


def stock_issue(*, actor, warehouse_id, item_id, quantity, reference: str = "", note: str = "",
                now=None) -> StockEntry:
    """An issue out of a warehouse (出库); refused, with nothing written, above the stock."""
    _check(actor)
    qty = parse_quantity(quantity)
    reference, note = _text(reference, "reference", REFERENCE_MAX), _text(note, "note")
    now = now or timezone.now()
    with transaction.atomic():
        wh, item = _warehouse(actor, warehouse_id), _item(item_id)
        entry = _post(_lock(wh, item, now), -qty, EntryKind.ISSUE, actor=actor, now=now, reference=reference,
                      note=note)
        _after(wh, item, now)
    return entry


def stock_transfer(*, actor, from_warehouse_id, to_warehouse_id, item_id, quantity, reference: str = "",
                   note: str = "", now=None) -> tuple[StockEntry, StockEntry]:
    """A transfer (调拨) between two warehouses of the actor's jurisdiction: out of one and into the other, together."""
    _check(actor)
    qty = parse_quantity(quantity)
    reference, note = _text(reference, "reference", REFERENCE_MAX), _text(note, "note")
    now = now or timezone.now()
    with transaction.atomic():
        src, dst = _warehouse(actor, from_warehouse_id), _warehouse(actor, to_warehouse_id, "to_warehouse")
        if src.pk == dst.pk:
            raise ServiceError.one("to_warehouse", "调出和调入仓库不能相同",
                                   "The two warehouses must differ", "same_warehouse")
        item = _item(item_id)
        first, second = sorted([src, dst], key=lambda w: w.pk)
        locked = {first.pk: _lock(first, item, now), second.pk: _lock(second, item, now)}
        out = _post(locked[src.pk], -qty, EntryKind.TRANSFER_OUT, actor=actor, now=now, reference=reference,
                    note=note, counterpart=dst)
        into = _post(locked[dst.pk], qty, EntryKind.TRANSFER_IN, actor=actor, now=now, reference=reference,
                     note=note, counterpart=src)
        _after(src, item, now)
        _after(dst, item, now)
    return out, into


def stock_count(*, actor, warehouse_id, item_id, counted, note: str = "", now=None) -> StockEntry | None:
    """A stocktake (盘点): the counted quantity; the ledger records the difference (None when it matches)."""
    _check(actor)
    counted = parse_quantity(counted, field="counted", allow_zero=True)
    note = _text(note, "note")
    now = now or timezone.now()
    with transaction.atomic():
        wh, item = _warehouse(actor, warehouse_id), _item(item_id)
        balance = _lock(wh, item, now)
        delta = counted - balance.quantity
        if delta == 0:
            audit(actor, AuditAction.UPDATE, "stock_count", wh.pk, detail={"item": item.pk, "counted": str(counted)})
            return None
        entry = _post(balance, delta, EntryKind.COUNT_ADJUSTMENT, actor=actor, now=now, note=note,
                      reference="count")
        _after(wh, item, now)
    return entry
