"""Allocation plans: a shortage explained in words and special-group demand served first, confirmation by a person
that issues the stock all or nothing and makes one order per community, and refusal outside the officer's area."""

import pytest
from django.utils import timezone

from shaodian.delivery import demand, plans
from shaodian.delivery.models import DeliveryOrder, PlanStatus
from shaodian.delivery.tests.helpers import building_of, households_of
from shaodian.errors import NotFound, ServiceError
from shaodian.places.models import Place
from shaodian.supplies import services as ledger
from shaodian.supplies.models import Category, StockEntry
from shaodian.supplies.selectors import stock_on_hand
from shaodian.supplies.tests.factories import make_item, make_warehouse

pytestmark = pytest.mark.django_db


@pytest.fixture
def ground(users):
    """Rice (30 on hand against 12 + 30 asked) and insulin; grid_a's household asks for special needs."""
    district = Place.objects.get(pk=users["supply"].node_id)
    rice = make_item("大米", category=Category.GRAIN, unit="袋", weight_kg="5")
    insulin = make_item("胰岛素", category=Category.MEDICINE, unit="支", weight_kg="0.1")
    wh = make_warehouse(district, "区储备库")
    ledger.stock_receive(actor=users["supply"], warehouse_id=wh.pk, item_id=rice.pk, quantity=30)
    ledger.stock_receive(actor=users["supply"], warehouse_id=wh.pk, item_id=insulin.pk, quantity=10)
    special_home = households_of(building_of(users["grid_a"]))[0]
    demand.demand_submit(actor=users["grid_a"], household_id=special_home.pk, kind="rice", quantity=12)
    demand.demand_submit(actor=users["grid_a"], household_id=special_home.pk, kind="insulin", quantity=4)
    demand.group_order_submit(actor=users["grid_b"], building_id=building_of(users["grid_b"]).pk, kind="rice",
                              quantity=30, households=6)
    return {"wh": wh, "rice": rice, "insulin": insulin, "district": district}


def test_a_shortage_is_explained_and_special_needs_come_first(users, ground):
    plan = plans.plan_build(actor=users["supply"], area_id=ground["district"].pk)
    assert plan.status == PlanStatus.DRAFT
    [short] = [s for s in plan.shortages if s["community"] == users["grid_b"].node.community_id]
    assert short["item_name"] == "大米" and short["given"] == 18 and short["asked"] == 30
    assert "大米" in short["zh"] and short["en"]
    special = next(s for s in plan.served if s["community"] == users["grid_a"].node.community_id
                   and s["item"] == ground["rice"].pk)
    assert special["special"] == 12  # the special-group household's whole need
    assert sum(line.quantity for line in plan.lines.filter(item=ground["rice"])) == 30


def test_nothing_moves_before_a_person_confirms(users, ground):
    plans.plan_build(actor=users["supply"], area_id=ground["district"].pk)
    assert stock_on_hand([ground["wh"].pk])[(ground["wh"].pk, ground["rice"].pk)] == 30
    assert not DeliveryOrder.objects.exists()


def test_confirm_issues_the_stock_and_makes_orders_per_community(users, ground):
    plan = plans.plan_build(actor=users["supply"], area_id=ground["district"].pk)
    plans.plan_confirm(actor=users["supply"], plan_id=plan.pk)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CONFIRMED and plan.confirmed_by == users["supply"]
    assert (ground["wh"].pk, ground["rice"].pk) not in stock_on_hand([ground["wh"].pk])
    assert stock_on_hand([ground["wh"].pk])[(ground["wh"].pk, ground["insulin"].pk)] == 6
    orders = {o.community_id: o for o in DeliveryOrder.objects.all()}
    assert set(orders) == {users["grid_a"].node.community_id, users["grid_b"].node.community_id}
    assert orders[users["grid_a"].node.community_id].load_kg == 60  # 12 bags of 5 kg and 4 vials of 0.1 kg
    with pytest.raises(ServiceError) as exc:
        plans.plan_confirm(actor=users["supply"], plan_id=plan.pk)
    assert exc.value.status == 409


def test_confirm_is_all_or_nothing_when_the_stock_moved_meanwhile(users, ground):
    plan = plans.plan_build(actor=users["supply"], area_id=ground["district"].pk)
    # Someone issues insulin after the plan was computed: the plan's insulin line no longer fits.
    ledger.stock_issue(actor=users["supply"], warehouse_id=ground["wh"].pk, item_id=ground["insulin"].pk, quantity=9)
    entries = StockEntry.objects.count()
    with pytest.raises(ServiceError) as exc:
        plans.plan_confirm(actor=users["supply"], plan_id=plan.pk)
    assert "胰岛素" in str(exc.value.errors["general"][0].zh)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and StockEntry.objects.count() == entries
    assert stock_on_hand([ground["wh"].pk])[(ground["wh"].pk, ground["rice"].pk)] == 30
    assert not DeliveryOrder.objects.exists()


def test_allocating_outside_the_officers_area_is_refused(users, ground):
    street_b = Place.objects.get(pk=users["street_a"].node.parent.children.exclude(pk=users["street_a"].node_id)
                                 .values_list("pk", flat=True)[0])
    # street_a's commander plans for street_a only: street_b is not theirs, nor is a community of it.
    with pytest.raises(NotFound):
        plans.plan_build(actor=users["street_a"], area_id=street_b.pk)
    community_b2 = Place.objects.filter(parent=street_b, kind="community").first()
    with pytest.raises(ServiceError) as exc:
        plans.plan_build(actor=users["street_a"], area_id=users["street_a"].node_id, community_ids=[community_b2.pk])
    assert exc.value.status == 403 and "不在您负责的区域" in str(exc.value.errors["communities"][0].zh)
    with pytest.raises(ServiceError) as exc:
        plans.plan_build(actor=users["grid_a"], area_id=users["street_a"].node_id)
    assert exc.value.status == 403


def test_a_day_without_demand_says_so(users, ground):
    with pytest.raises(ServiceError) as exc:
        plans.plan_build(actor=users["supply"], area_id=ground["district"].pk,
                         day=timezone.localdate() - timezone.timedelta(days=3))
    assert exc.value.errors["area"][0].code == "no_demand"


def test_routes_serve_every_order_or_say_why(users, ground):
    from shaodian.delivery import routes

    plan = plans.plan_build(actor=users["supply"], area_id=ground["district"].pk)
    with pytest.raises(ServiceError) as exc:
        routes.route_plan(actor=users["supply"], plan_id=plan.pk, warehouse_id=ground["wh"].pk, vehicles=1,
                          capacity_kg=500)
    assert exc.value.status == 409  # not confirmed yet
    plans.plan_confirm(actor=users["supply"], plan_id=plan.pk)
    run = routes.route_plan(actor=users["supply"], plan_id=plan.pk, warehouse_id=ground["wh"].pk, vehicles=2,
                            capacity_kg=500, seconds=0.5)
    assert run.unserved == [] and run.stops.count() == 2 and run.vehicles_used >= 1
    sheets = routes.route_sheets(run)
    assert sum(len(s["stops"]) for s in sheets) == 2 and all(":" in st["arrival"] for s in sheets for st in s["stops"])
    # grid_b's community's 90 kg (18 bags of 5 kg) goes in two loads on 70-kg trucks; one truck cannot carry
    # 60 + 70 + 20 kg: what is left is named, with why.
    split = routes.route_plan(actor=users["supply"], plan_id=plan.pk, warehouse_id=ground["wh"].pk, vehicles=3,
                              capacity_kg=70, seconds=0.5)
    assert split.unserved == [] and sorted(split.stops.values_list("load_kg", flat=True)) == [20, 60, 70]
    small = routes.route_plan(actor=users["supply"], plan_id=plan.pk, warehouse_id=ground["wh"].pk, vehicles=1,
                              capacity_kg=70, seconds=0.5)
    assert small.unserved and all(u["why"] == "fleet_short" and u["community_name"] in u["zh"] for u in small.unserved)
    assert sum(u["load_kg"] for u in small.unserved) + sum(small.stops.values_list("load_kg", flat=True)) == 150
    drawn = routes.route_map(small)
    assert drawn["depot"] and drawn["unserved"]
    with pytest.raises(ServiceError):
        routes.route_plan(actor=users["supply"], plan_id=plan.pk, warehouse_id=ground["wh"].pk, vehicles=0,
                          capacity_kg=50)


def test_the_officer_builds_confirms_and_routes_on_the_pages(users, ground, client_as):
    client = client_as("supply")
    r = client.post("/delivery/plans/", {"area": ground["district"].pk, "day": timezone.localdate().isoformat()})
    assert r.status_code == 302
    page = client.get(r["Location"]).content.decode()
    assert "缺" in page and "确认方案" in page
    plan_url = r["Location"]
    assert client.post(plan_url + "decide/", {"decision": "confirm"}).status_code == 302
    r = client.post(plan_url + "route/", {"warehouse": ground["wh"].pk, "vehicles": "1", "capacity_kg": "60"})
    assert r.status_code == 302
    page = client.get(r["Location"]).content.decode()
    assert "<svg" in page and "无法配送" in page and "海棠东里社区" in page and "@media print" not in page


def test_a_grid_worker_neither_sees_the_districts_plans_nor_builds_one(users, ground, client_as):
    plan = plans.plan_build(actor=users["supply"], area_id=ground["district"].pk)
    client = client_as("grid_a")
    page = client.get("/delivery/plans/").content.decode()
    assert f"/delivery/plans/{plan.pk}/" not in page and "计算方案" not in page
    assert client.get(f"/delivery/plans/{plan.pk}/").status_code == 404
    assert client.post("/delivery/plans/", {"area": users["grid_a"].node.community_id}).status_code == 403
    assert client.post(f"/delivery/plans/{plan.pk}/decide/", {"decision": "confirm"}).status_code == 403
