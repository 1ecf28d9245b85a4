"""The delivery story of the demo city, for grid_a's street under wartime supply: households' needs with special-group
needs first, a plan with a rice shortage explained and confirmed by the supply officer, routes from the street's
transfer station drawn on a map, and delivery rounds of the last 100 metres — one special-group household not reached,
with its reason, surfaced to the community the same day. Everything goes through the services."""

from django.utils import timezone

from shaodian.delivery import demand, plans, rounds, routes
from shaodian.delivery.geo import centroid
from shaodian.places.models import Building, Place, PlaceKind
from shaodian.security.models import User
from shaodian.security.roles import Perm
from shaodian.supplies import services as ledger
from shaodian.supplies.models import Category, Item, Warehouse, WarehouseKind, WarehouseLevel
from shaodian.supplies.selectors import stock_on_hand

# What the street's transfer station holds for the day: rice falls short of what the street asks.
DEMO_ITEMS = (("rice", "大米（10公斤袋）", Category.GRAIN, "袋", "10", 60),
              ("insulin", "胰岛素笔芯", Category.MEDICINE, "支", "0.05", 80),
              ("baby_formula", "婴幼儿配方奶粉", Category.BABY_FORMULA, "罐", "1", 40))


def _u(name: str) -> User:
    return User.objects.select_related("node").get(username=name)


def _ground(street: Place, supply: User) -> Warehouse:
    """The street's transfer station (中转站) with the day's stock, unless the supplies story already stocked one."""
    where = centroid(street.boundary) or (116.4, 39.9)
    station = Warehouse.objects.filter(street_id=street.pk, kind=WarehouseKind.TRANSFER_STATION).first()
    if station is None:
        station = Warehouse(name=f"{street.name}保供中转站", level=WarehouseLevel.COMMUNITY,
                            kind=WarehouseKind.TRANSFER_STATION, capacity_tonnes=50, address=f"{street.name}物流园",
                            longitude=where[0], latitude=where[1])
        station.locate_at(street)
        station.save()
    for code, name, category, unit, weight, quantity in DEMO_ITEMS:
        item, _ = Item.objects.get_or_create(code=code, defaults={"name": name, "category": category, "unit": unit,
                                                                   "weight_kg": weight})
        if not stock_on_hand([station.pk], [item.pk]):
            ledger.stock_receive(actor=supply, warehouse_id=station.pk, item_id=item.pk, quantity=quantity,
                                 reference="demo", note="保供物资到站")
    return station


def _needs(rng, grid_worker: User, street: Place, now) -> None:
    """grid_a's households ask (special groups first) and every community of the street orders for a building."""
    buildings = list(Building.objects.filter(grid_id=grid_worker.node_id).order_by("name")[:3])
    for building in buildings:
        for door in rounds.door_list(grid_worker, building)[:8]:
            demand.demand_submit(actor=grid_worker, household_id=door["household_id"], kind="rice", quantity=1, now=now)
            tags = door["special_tags"]
            if "insulin" in tags or "chronic" in tags:
                demand.demand_submit(actor=grid_worker, household_id=door["household_id"], kind="insulin",
                                     quantity=2, note="每日注射", now=now)
            if "child" in tags:
                demand.demand_submit(actor=grid_worker, household_id=door["household_id"], kind="baby_formula",
                                     quantity=1, now=now)
    if buildings:
        first = rounds.door_list(grid_worker, buildings[0])[0]
        _link, raw = demand.demand_link_issue(actor=grid_worker, household_id=first["household_id"], now=now)
        demand.demand_submit_by_link(token=raw, lines=[("milk", 2), ("vegetables", 1)], note="家中老人行动不便", now=now)
    field = list(User.objects.filter(role__in=["community_staff", "grid_worker"], node__street_id=street.pk)
                 .select_related("node").order_by("role", "username"))
    for community in Place.objects.filter(parent=street, kind=PlaceKind.COMMUNITY).order_by("code")[:4]:
        actor = next((u for u in field if community.pk in (u.node_id, u.node.community_id)), None)
        if actor is None:
            continue
        building = (Building.objects.for_user(actor, Perm.REQUEST_SUPPLIES).filter(community_id=community.pk)
                    .order_by("name").first())
        if building is None:
            continue
        demand.group_order_submit(actor=actor, building_id=building.pk, kind="rice", quantity=rng.randint(30, 45),
                                  households=rng.randint(20, 40), note="楼栋团购", now=now)


def _rounds(grid_worker: User, volunteer: User, now) -> None:
    """One round done (a special-group door not reached, with its reason) and one under way."""
    buildings = list(Building.objects.filter(grid_id=grid_worker.node_id).order_by("name")[:2])
    if not buildings:
        return
    done = rounds.round_create(actor=grid_worker, building_id=buildings[0].pk, volunteer_id=volunteer.pk,
                               drop_point=f"{buildings[0].name}东侧接驳点", goods="大米、胰岛素、奶粉", now=now)
    stops = list(done.stops.all())
    missed = next((s for s in stops if s.special_tags), stops[-1])
    for s in stops:
        if s.pk == missed.pk:
            rounds.stop_mark(actor=volunteer, stop_id=s.pk, status="unreached", client_id=f"demo-{s.pk}",
                             reason="敲门无应答，电话未接通，已告知网格员", now=now)
        else:
            rounds.stop_mark(actor=volunteer, stop_id=s.pk, status="delivered", client_id=f"demo-{s.pk}", now=now)
    rounds.round_close(actor=volunteer, round_id=done.pk, now=now)
    if len(buildings) > 1:
        going = rounds.round_create(actor=grid_worker, building_id=buildings[1].pk, volunteer_id=volunteer.pk,
                                    drop_point=f"{buildings[1].name}门口", goods="大米、蔬菜包", now=now)
        for s in list(going.stops.all())[:2]:
            rounds.stop_mark(actor=volunteer, stop_id=s.pk, status="delivered", client_id=f"demo-{s.pk}", now=now)


def build_delivery_story(rng, now=None) -> dict:
    now = now or timezone.now()
    grid_worker, supply, volunteer = _u("grid_a"), _u("supply"), _u("volunteer_a")
    street = Place.objects.get(pk=grid_worker.node.street_id)
    station = _ground(street, supply)
    _needs(rng, grid_worker, street, now)
    plan = plans.plan_build(actor=supply, area_id=street.pk, day=timezone.localdate(now), now=now)
    plans.plan_confirm(actor=supply, plan_id=plan.pk, now=now)
    run = routes.route_plan(actor=supply, plan_id=plan.pk, warehouse_id=station.pk, vehicles=3, capacity_kg=300,
                            seconds=1.0, now=now)
    _rounds(grid_worker, volunteer, now)
    return {"plan": plan.pk, "route_run": run.pk}
