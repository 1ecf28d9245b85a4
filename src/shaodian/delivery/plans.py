"""Allocation plans (调配, SUP-6): the day's demand of an area against the stock on hand, allocated by
`supplies.allocate` (special-group demand first, fair shares, least transport), every shortage explained in words;
a person confirms before anything moves — then the stock is issued on the ledger, all or nothing, and each
community gets its delivery orders."""

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from shaodian.delivery import geo
from shaodian.delivery.models import DeliveryOrder, NeedKind, Plan, PlanLine, PlanStatus
from shaodian.delivery.selectors import demands_for
from shaodian.errors import Msg, ServiceError
from shaodian.places.models import Place, PlaceKind
from shaodian.security.audit import audit
from shaodian.security.models import AuditAction
from shaodian.security.roles import Perm
from shaodian.security.scope import get_scoped
from shaodian.supplies import allocate as alloc
from shaodian.supplies import services as ledger
from shaodian.supplies.models import Category, Item
from shaodian.supplies.selectors import items_active, stock_on_hand, warehouses_for

AREA_KINDS = (PlaceKind.DISTRICT, PlaceKind.STREET, PlaceKind.COMMUNITY)
# Which catalogue category covers a need when no item carries the need's own code.
KIND_CATEGORY = {NeedKind.RICE: Category.GRAIN, NeedKind.FLOUR: Category.GRAIN, NeedKind.OIL: Category.OIL,
                 NeedKind.VEGETABLES: Category.VEGETABLES, NeedKind.MEAT: Category.MEAT, NeedKind.EGGS: Category.EGGS,
                 NeedKind.MILK: Category.MILK, NeedKind.BABY_FORMULA: Category.BABY_FORMULA,
                 NeedKind.MEDICINE: Category.MEDICINE, NeedKind.INSULIN: Category.MEDICINE,
                 NeedKind.OTHER: Category.OTHER}
NOT_DRAFT = Msg("该方案已确认或已作废", "This plan is already confirmed or discarded", "plan_not_draft")


def _need(actor) -> None:
    if not actor.can(Perm.PLAN_SUPPLIES):
        raise ServiceError.forbidden()


def plans_for(user):
    return Plan.objects.for_user(user, (Perm.VIEW_SUPPLIES, Perm.PLAN_SUPPLIES))


def plan_get(user, pk) -> Plan:
    return get_scoped(plans_for(user).select_related("place"), pk)


def areas_for(user):
    """Where this officer may plan: their node and what lies under it, down to communities."""
    return Place.objects.for_user(user, Perm.PLAN_SUPPLIES).filter(kind__in=AREA_KINDS, active=True)


def item_for(kind: str, items: list[Item]) -> Item | None:
    """The catalogue item that serves a need: the item coded as the need, else the first of its category."""
    by_code = {i.code: i for i in items}
    if kind in by_code:
        return by_code[kind]
    category = KIND_CATEGORY.get(kind)
    return next((i for i in items if i.category == category and not i.is_equipment), None)


def _area_demand(actor, area: Place, day, community_ids):
    """(community, kind) → [special, ordinary] of the day inside the area; communities outside are refused."""
    qs = demands_for(actor).filter(day=day, **{f"{area.kind}_id": area.pk})
    if community_ids:
        wanted = {int(c) for c in community_ids}
        inside = set(areas_for(actor).filter(pk__in=wanted, kind=PlaceKind.COMMUNITY, **{f"{area.kind}_id": area.pk})
                     .values_list("pk", flat=True)) if area.kind != PlaceKind.COMMUNITY else ({area.pk} & wanted)
        if wanted - inside:
            raise ServiceError.one("communities", "所选社区不在您负责的区域内，不能调配", "A chosen community lies outside your "
                                   "area: no allocation to it", "outside_area", status=403)
        qs = qs.filter(community_id__in=wanted)
    need: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for community_id, kind, special, quantity in qs.values_list("community_id", "kind", "special", "quantity"):
        need[(community_id, kind)][0 if special else 1] += quantity
    return need


def plan_build(*, actor, area_id, day=None, community_ids=None, now=None) -> Plan:
    """Compute a draft plan for the area's demand of the day from the stock on hand in the officer's warehouses."""
    _need(actor)
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    area = get_scoped(areas_for(actor), area_id)
    need = _area_demand(actor, area, day, community_ids)
    if not need:
        raise ServiceError.one("area", "该区域当日没有需求", "No demand in this area for the day", "no_demand")
    items = list(items_active().order_by("category", "code"))
    demands, unmatched, item_of = defaultdict(lambda: [0, 0]), defaultdict(int), {}
    for (community_id, kind), (special, ordinary) in need.items():
        item = item_for(kind, items)
        if item is None:
            unmatched[kind] += special + ordinary
            continue
        item_of[item.pk] = item
        demands[(community_id, item.pk)][0] += special
        demands[(community_id, item.pk)][1] += ordinary
    warehouses = {w.pk: w for w in warehouses_for(actor).filter(active=True)}
    stock = stock_on_hand(warehouses, item_of)
    communities = {p.pk: p for p in Place.objects.filter(pk__in={c for c, _i in demands})}
    costs = _costs(warehouses.values(), communities.values())
    # The allocation speaks of its keys in its explanations: give it the names people read.
    w_key, c_key, i_key = (_keys({pk: o.name for pk, o in objs.items()}) for objs in (warehouses, communities, item_of))
    try:
        result = alloc.allocate(
            [alloc.Stock(w_key[w], i_key[i], int(q)) for (w, i), q in stock.items() if int(q) > 0],
            [alloc.Demand(c_key[c], i_key[i], special=s, ordinary=o) for (c, i), (s, o) in demands.items()],
            costs={(w_key[w], c_key[c]): cost for (w, c), cost in costs.items()})
    except alloc.AllocationError as exc:
        raise ServiceError.one("area", str(exc), str(exc), "allocation") from None
    w_pk, c_pk, i_pk = ({v: k for k, v in keys.items()} for keys in (w_key, c_key, i_key))

    def names(item_key, community_key):
        item, community = item_of[i_pk[item_key]], communities[c_pk[community_key]]
        return {"item": item.pk, "item_name": item.name, "unit": item.unit, "community": community.pk,
                "community_name": community.name}

    with transaction.atomic():
        plan = Plan(day=day, cost=round(result.cost, 3), created_by=actor, created_at=now,
                    shortages=[{**names(s.item, s.community), "asked": s.asked, "given": s.given,
                                "special_asked": s.special_asked, "special_given": s.special_given, "why": s.why.value,
                                "zh": alloc.explain(s, "zh"), "en": alloc.explain(s, "en")} for s in result.shortages],
                    served=[{**names(s.item, s.community), "special": s.special, "ordinary": s.ordinary,
                             "special_asked": s.special_asked, "ordinary_asked": s.ordinary_asked}
                            for s in result.served],
                    unmatched=[{"kind": k, "label": str(NeedKind(k).label), "quantity": q} for k, q in unmatched.items()])
        plan.locate_at(area)
        plan.save()
        PlanLine.objects.bulk_create([PlanLine(plan=plan, warehouse_id=w_pk[s.warehouse], community_id=c_pk[s.community],
                                               item_id=i_pk[s.item], quantity=int(s.quantity))
                                      for s in result.shipments if s.quantity > 0])
        audit(actor, AuditAction.CREATE, "allocation_plan", plan.pk,
              detail={"area": area.pk, "day": str(day), "shortages": len(plan.shortages), "lines": plan.lines.count()})
    return plan


def _keys(names: dict[int, str]) -> dict[int, str]:
    """A readable key per object: its name, with its id where two share a name."""
    seen: dict[str, int] = defaultdict(int)
    for name in names.values():
        seen[name] += 1
    return {pk: name if seen[name] == 1 else f"{name}#{pk}" for pk, name in names.items()}


def _costs(warehouses, communities) -> dict[tuple[int, int], float]:
    """Kilometres by road-less straight line where both ends have coordinates; 1 per unit where one does not."""
    out = {}
    for w in warehouses:
        here = (w.longitude, w.latitude) if w.longitude is not None and w.latitude is not None else None
        for c in communities:
            there = geo.centroid(c.boundary)
            out[(w.pk, c.pk)] = round(geo.km(here, there), 3) if here and there else 1.0
    return out


def plan_confirm(*, actor, plan_id, now=None) -> Plan:
    """A person confirms the plan: every line is issued from the ledger (all or nothing) and orders are made."""
    _need(actor)
    now = now or timezone.now()
    with transaction.atomic():
        plan = get_scoped(plans_for(actor).select_for_update(), plan_id)
        if plan.status != PlanStatus.DRAFT:
            raise ServiceError({"general": [NOT_DRAFT]}, 409)
        lines = list(plan.lines.select_related("item", "community", "warehouse"))
        for line in lines:
            try:
                ledger.stock_issue(actor=actor, warehouse_id=line.warehouse_id, item_id=line.item_id,
                                   quantity=line.quantity, reference=f"plan:{plan.pk}",
                                   note=f"{line.community.name} {line.item.name}")
            except ServiceError as exc:
                first = next(iter(exc.errors.values()))[0]
                raise ServiceError.one(
                    "general", f"{line.warehouse.name}的{line.item.name}无法出库（{first.zh}），方案未执行，请重新计算",
                    f"{line.item.name} cannot be issued from {line.warehouse.name} ({first.en}): nothing was issued, "
                    "build the plan again", first.code, status=exc.status) from None
        orders: dict[tuple[int, int], DeliveryOrder] = {}
        for line in lines:
            key = (line.community_id, line.warehouse_id)
            if key not in orders:
                orders[key] = DeliveryOrder(plan=plan, warehouse=line.warehouse, load_kg=0, lines=[], created_at=now)
                orders[key].locate_at(line.community)
            order = orders[key]
            order.lines.append({"item": line.item_id, "item_name": line.item.name, "unit": line.item.unit,
                                "quantity": line.quantity})
            order.load_kg += int((Decimal(line.quantity) * line.item.weight_kg).to_integral_value())
        for order in orders.values():
            order.load_kg = max(order.load_kg, 1)
            order.save()
        plan.status, plan.confirmed_by, plan.confirmed_at = PlanStatus.CONFIRMED, actor, now
        plan.save(update_fields=["status", "confirmed_by", "confirmed_at"])
        audit(actor, AuditAction.UPDATE, "allocation_plan", plan.pk,
              detail={"confirmed": True, "issued_lines": len(lines), "orders": len(orders)})
    return plan


def plan_discard(*, actor, plan_id, now=None) -> Plan:
    _need(actor)
    with transaction.atomic():
        plan = get_scoped(plans_for(actor).select_for_update(), plan_id)
        if plan.status != PlanStatus.DRAFT:
            raise ServiceError({"general": [NOT_DRAFT]}, 409)
        plan.status = PlanStatus.DISCARDED
        plan.save(update_fields=["status"])
        audit(actor, AuditAction.UPDATE, "allocation_plan", plan.pk, detail={"discarded": True})
    return plan
