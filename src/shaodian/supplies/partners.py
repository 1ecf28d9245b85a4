"""Suppliers (保供企业), their wartime cooperation memos (战时合作备忘录), activation and supply orders."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from shaodian.errors import NotFound, ServiceError
from shaodian.people import idcard
from shaodian.places.models import Place
from shaodian.security import crypto
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm
from shaodian.security.scope import get_scoped, scoped
from shaodian.supplies import orders
from shaodian.supplies.models import Category, Item
from shaodian.supplies.models_market import (
    MemoTrigger, OrderStatus, Supplier, SupplierContact, SupplyOrder, WartimeMemo,
)
from shaodian.supplies.services import _text, _warehouse, parse_quantity, stock_receive
from shaodian.supplies.prices import _price


def _place(actor, pk, perm=Perm.MANAGE_SUPPLIES) -> Place:
    try:
        return get_scoped(Place.objects.for_user(actor, perm), pk)
    except NotFound:
        raise ServiceError.one("place", "地点不在您的管辖范围内", "The place is outside your jurisdiction",
                               "not_found", status=404) from None


def supplier_create(*, actor, name: str, category: str, daily_capacity, capacity_unit: str = "吨",
                    sites: str = "", place_id=None) -> Supplier:
    """Register an enterprise in the actor's jurisdiction."""
    if not actor.can(Perm.MANAGE_SUPPLIES):
        raise ServiceError.forbidden()
    name = _text(name, "name", 100)
    if len(name) < 2:
        raise ServiceError.one("name", "请填写企业名称", "Name the enterprise", "missing")
    if category not in Category.values:
        raise ServiceError.one("category", "未知的类别", "Unknown category")
    capacity = parse_quantity(daily_capacity, field="daily_capacity")
    with transaction.atomic():
        s = Supplier(name=name, category=category, daily_capacity=capacity,
                     capacity_unit=_text(capacity_unit, "capacity_unit", 16) or "吨", sites=_text(sites, "sites", 300))
        s.locate_at(_place(actor, place_id or actor.node_id))
        s.save()
        audit(actor, AuditAction.CREATE, "supplier", s.pk)
    return s


def suppliers_for(user) -> QuerySet:
    return Supplier.objects.for_user(user, Perm.VIEW_SUPPLIES).prefetch_related("contacts", "memos")


def supplier_contact_add(*, actor, supplier_id, name: str, phone: str, role: str = "") -> SupplierContact:
    """A contact with an encrypted phone (looked up by keyed hash, shown masked)."""
    if not actor.can(Perm.MANAGE_SUPPLIES):
        raise ServiceError.forbidden()
    supplier = get_scoped(Supplier.objects.for_user(actor, Perm.MANAGE_SUPPLIES), supplier_id)
    try:
        phone = idcard.validate_phone(phone)
    except idcard.InvalidNumber as exc:
        raise ServiceError.one("phone", exc.zh, exc.en) from None
    name = _text(name, "name", 64)
    if not name:
        raise ServiceError.one("name", "请填写联系人", "Name the contact", "missing")
    with transaction.atomic():
        c = SupplierContact.objects.create(
            supplier=supplier, name=name, role=_text(role, "role", 64), phone=phone,
            phone_hash=crypto.lookup_hash(settings.FIELD_KEY, phone, purpose="phone"))
        audit(actor, AuditAction.CREATE, "supplier_contact", c.pk, detail={"supplier": supplier.pk})
    return c


def memo_create(*, actor, supplier_id, item_id, place_id, destination_id, quota_per_day, price_cap,
                trigger: str = MemoTrigger.MANUAL, signed_on: dt.date | None = None) -> WartimeMemo:
    """A wartime memo for an area: the supplier's quota per day and price cap, delivered to a warehouse there."""
    if not actor.can(Perm.MANAGE_SUPPLIES):
        raise ServiceError.forbidden()
    supplier = get_scoped(Supplier.objects.for_user(actor, Perm.MANAGE_SUPPLIES), supplier_id)
    try:
        item = Item.objects.get(pk=int(item_id), active=True)
    except (Item.DoesNotExist, ValueError, TypeError, OverflowError):
        raise ServiceError.one("item", "未找到该物资", "No such item", "not_found", status=404) from None
    if trigger not in MemoTrigger.values:
        raise ServiceError.one("trigger", "未知的启动条件", "Unknown activation trigger")
    quota = parse_quantity(quota_per_day, field="quota_per_day")
    cap = _price(price_cap)
    if cap <= 0:
        raise ServiceError.one("price_cap", "限价须大于零", "The price cap must be greater than zero", "greater_than")
    with transaction.atomic():
        area = _place(actor, place_id)
        dest = _warehouse(actor, destination_id, "destination")
        memo = WartimeMemo(supplier=supplier, item=item, quota_per_day=quota, price_cap=cap, trigger=trigger,
                           destination=dest, signed_on=signed_on or timezone.localdate())
        memo.locate_at(area)
        memo.save()
        audit(actor, AuditAction.CREATE, "wartime_memo", memo.pk, detail={"supplier": supplier.pk, "item": item.pk})
    return memo


def memos_for(user) -> QuerySet:
    return (WartimeMemo.objects.for_user(user, Perm.VIEW_SUPPLIES)
            .select_related("supplier", "item", "destination", "place"))


def supplies_wartime_activate(*, actor, node, now=None) -> list[SupplyOrder]:
    """Switch on the memos of an area (the node and everything under it) and raise one day's supply order each.

    Idempotent per memo and day: activating twice the same day raises no second order.
    """
    if not actor.can(Perm.PLAN_SUPPLIES):
        raise ServiceError.forbidden()
    now = now or timezone.now()
    area = _place(actor, getattr(node, "pk", node), Perm.PLAN_SUPPLIES)
    day_key = f"activation:{timezone.localdate(now).isoformat()}"
    raised = []
    with transaction.atomic():
        memos = list(WartimeMemo.objects.select_for_update().filter(**{f"{area.kind}_id": area.pk})
                     .select_related("supplier", "destination"))
        if not memos:
            raise ServiceError.one("node", f"{area.name}没有战时合作备忘录", f"{area.name} has no wartime memo",
                                   "no_memo")
        for memo in memos:
            if not memo.active:
                memo.active, memo.activated_at, memo.activated_by = True, now, actor
                memo.save(update_fields=["active", "activated_at", "activated_by"])
            if SupplyOrder.objects.filter(memo=memo, activation_key=day_key).exists():
                continue
            order = SupplyOrder(memo=memo, supplier=memo.supplier, item_id=memo.item_id, quantity=memo.quota_per_day,
                                price_cap=memo.price_cap, destination=memo.destination, activation_key=day_key,
                                raised_at=now, updated_at=now)
            order.locate_at(memo.destination.place)
            order.save()
            raised.append(order)
        audit(actor, AuditAction.UPDATE, "wartime_activation", area.pk,
              detail={"memos": [m.pk for m in memos], "orders": [o.pk for o in raised]})
    return raised


def orders_for(user) -> QuerySet:
    return (scoped(user, SupplyOrder.objects.all(), Perm.VIEW_SUPPLIES)
            .select_related("supplier", "item", "destination"))


def supply_order_advance(*, actor, order_id, action: str, now=None) -> SupplyOrder:
    """Move an order along raised → confirmed → shipped → received (into stock) or cancel it."""
    if not actor.can(Perm.MANAGE_SUPPLIES):
        raise ServiceError.forbidden()
    try:
        action = orders.Action(action)
    except ValueError:
        raise ServiceError.one("action", "未知的操作", "Unknown action") from None
    now = now or timezone.now()
    with transaction.atomic():
        order = get_scoped(SupplyOrder.objects.for_user(actor, Perm.MANAGE_SUPPLIES).select_for_update(), order_id)
        try:
            new = orders.transition(orders.Status(order.status), action)
        except orders.IllegalMove as exc:
            raise ServiceError.one("action", exc.zh, exc.en, "illegal_move", status=409) from None
        if new == orders.Status.RECEIVED:
            order.received_entry = stock_receive(actor=actor, warehouse_id=order.destination_id, item_id=order.item_id,
                                                 quantity=order.quantity, reference=f"SO-{order.pk}",
                                                 note=order.supplier.name[:200], now=now)
        order.status, order.updated_at = OrderStatus(new.value), now
        order.save(update_fields=["status", "updated_at", "received_entry"])
        audit(actor, AuditAction.UPDATE, "supply_order", order.pk, detail={"action": action.value,
                                                                           "status": order.status})
    return order
