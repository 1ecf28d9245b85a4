"""The stock story of the demo city (all through the services): a catalogue, reserves at every level stocked by
receipts and issues, one community's rice under its minimum, a week of prices with a pork spike, suppliers with
wartime memos activated for 海棠街道 and an order received, freight nodes with one to reopen, an equipment gap
list, and a supply truck from another province with its pass and its disinfection record."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from shaodian.checkpoints.models import Checkpoint
from shaodian.people.models import Resident
from shaodian.people.selectors import population_of
from shaodian.places.models import Place, PlaceKind
from shaodian.security.models import User
from shaodian.supplies import fleet, freight, partners, prices, services
from shaodian.supplies.models import Item, Warehouse

# code, name, category, unit, kg per unit, shelf life, daily need per person, equipment minimums (community, worker/day)
CATALOGUE = [
    ("010001", "大米", "grain", "公斤", 1, 365, "0.30", None),
    ("010002", "面粉", "grain", "公斤", 1, 180, "0.15", None),
    ("020001", "食用油", "oil", "升", "0.92", 540, "0.03", None),
    ("030001", "蔬菜", "vegetables", "公斤", 1, 7, "0.40", None),
    ("040001", "水果", "fruit", "公斤", 1, 10, "0.20", None),
    ("050001", "猪肉", "meat", "公斤", 1, 90, "0.08", None),
    ("060001", "鸡蛋", "eggs", "公斤", 1, 30, "0.05", None),
    ("070001", "牛奶", "milk", "升", "1.03", 21, "0.10", None),
    ("080001", "冻鱼", "aquatic", "公斤", 1, 180, "0.03", None),
    ("090001", "婴幼儿配方奶粉", "baby_formula", "罐", "0.9", 540, "0.002", None),
    ("100001", "常用感冒药", "medicine", "盒", "0.1", 730, "0.005", None),
    ("110001", "隔离围挡", "equipment", "个", 15, None, "0", (20, 0)),
    ("110002", "应急灯", "equipment", "个", 1, None, "0", (10, 0)),
    ("120001", "医用防护服", "protective_gear", "套", "0.3", 730, "0", (0, 1)),
    ("120002", "医用外科口罩", "protective_gear", "只", "0.005", 730, "0", (0, 2)),
    ("130001", "含氯消毒液", "disinfectant", "升", 1, 365, "0", (50, 0)),
]


def _local_driver() -> Resident | None:
    """A working-age resident holding a resident ID card who drives a supply truck: from a community where no demo
    login works, as the other stories follow those communities' people (a white-listed driver is never put under
    home quarantine), and under no health flag."""
    today = timezone.localdate()
    born = (today - dt.timedelta(days=55 * 365), today - dt.timedelta(days=25 * 365))
    nodes = Place.objects.filter(pk__in=User.objects.values("node_id"))
    busy = {c for n in nodes for c in (n.community_id, n.pk if n.kind == PlaceKind.COMMUNITY else None) if c}
    return (Resident.objects.exclude(community_id__in=busy)
            .filter(document_type="resident_id", sex="M", birth_date__range=born, health_flags__isnull=True)
            .order_by("pk").first())


def _u(name: str) -> User:
    return User.objects.select_related("node").get(username=name)


def _items() -> dict[str, Item]:
    out = {}
    for code, name, cat, unit, kg, life, need, mins in CATALOGUE:
        per_community, per_worker = mins or (0, 0)
        out[name] = Item.objects.create(
            code=code, name=name, category=cat, unit=unit, weight_kg=Decimal(str(kg)), shelf_life_days=life,
            daily_need_per_person=Decimal(need), is_equipment=mins is not None,
            min_per_community=per_community, min_per_worker_day=per_worker)
    return out


def _warehouse(place: Place, name: str, level: str, kind: str = "reserve", tonnes: int = 0, min_days: int = 7,
               lat: float = 39.92, lon: float = 116.40) -> Warehouse:
    wh = Warehouse(name=name, level=level, kind=kind, capacity_tonnes=tonnes, min_days=min_days, latitude=lat,
                   longitude=lon, address=f"{place.name}")
    wh.locate_at(place)
    wh.save()
    return wh


def build_supplies_story(rng, now=None) -> dict:
    now = now or timezone.now()
    supply, staff, street_user = _u("supply"), _u("staff_a"), _u("street_a")
    district = Place.objects.get(pk=supply.node_id)
    street = Place.objects.get(pk=street_user.node_id)
    community = Place.objects.get(pk=staff.node_id)
    other = (Place.objects.filter(kind=PlaceKind.COMMUNITY, street_id=street.pk).exclude(pk=community.pk)
             .order_by("code").first() or community)
    items = _items()
    ago = lambda days, hours=0: now - dt.timedelta(days=days, hours=hours)  # noqa: E731

    # Reserves of every level that serve the district sit at the district's node; the street has its transfer
    # station, the communities their own stores and drop point.
    national = _warehouse(district, "国家粮食和物资储备局海棠直属库", "national", tonnes=50_000, min_days=10,
                          lat=39.95, lon=116.33)
    provincial = _warehouse(district, "省级储备海棠分库", "provincial", tonnes=20_000, min_days=7, lat=39.88,
                            lon=116.47)
    city_store = _warehouse(district, "海棠市应急物资储备库", "city", tonnes=8_000, min_days=5, lat=39.90, lon=116.36)
    county = _warehouse(district, "海棠区生活必需品储备库", "county", tonnes=3_000, min_days=3, lat=39.93, lon=116.44)
    station = _warehouse(street, f"{street.name}中转站", "county", "transfer_station", tonnes=200, min_days=1, lat=39.91,
                         lon=116.41)
    store = _warehouse(community, f"{community.name}应急物资储备点", "community", tonnes=20, min_days=7)
    drop = _warehouse(community, f"{community.name}接驳区", "community", "drop_point", tonnes=5)
    other_store = _warehouse(other, f"{other.name}应急物资储备点", "community", tonnes=20)

    people = population_of(district)
    for wh, days in ((national, 20), (provincial, 10), (city_store, 6), (county, 4)):
        for name in ("大米", "面粉", "食用油", "猪肉", "冻鱼", "婴幼儿配方奶粉", "常用感冒药"):
            qty = (Decimal(people) * items[name].daily_need_per_person * days).quantize(Decimal(1)) + 1
            services.stock_receive(actor=supply, warehouse_id=wh.pk, item_id=items[name].pk, quantity=qty,
                                   reference=f"RK-{wh.pk:03d}-{items[name].code}", now=ago(9))
    for name in ("蔬菜", "水果", "鸡蛋", "牛奶"):
        qty = (Decimal(people) * items[name].daily_need_per_person * 3).quantize(Decimal(1)) + 1
        services.stock_receive(actor=supply, warehouse_id=county.pk, item_id=items[name].pk, quantity=qty,
                               reference="RK-产销对接", now=ago(2))
    # A week of issues from the national reserve to the street's transfer station, and on to the community.
    rice = items["大米"]
    served = population_of(community)
    need = max(Decimal(served) * rice.daily_need_per_person, Decimal(1))
    services.stock_transfer(actor=supply, from_warehouse_id=national.pk, to_warehouse_id=station.pk, item_id=rice.pk,
                            quantity=(need * 12).quantize(Decimal(1)), reference="DB-001", now=ago(6))
    services.stock_transfer(actor=supply, from_warehouse_id=station.pk, to_warehouse_id=store.pk, item_id=rice.pk,
                            quantity=(need * 10).quantize(Decimal(1)), reference="DB-002", now=ago(6))
    for day in range(5, 0, -1):  # daily distribution to households: the store falls under its 7-day minimum
        services.stock_issue(actor=supply, warehouse_id=store.pk, item_id=rice.pk, quantity=need.quantize(Decimal(1)),
                             reference=f"CK-{day}", note="配送到户", now=ago(day))
    services.stock_count(actor=supply, warehouse_id=store.pk, item_id=rice.pk,
                         counted=(need * 10).quantize(Decimal(1)) - 5 * need.quantize(Decimal(1)) - 3,
                         note="盘点：破袋 3 公斤", now=ago(0, 2))

    # Equipment of the two communities (seed 003): barriers and lights short in one, gear short in both.
    for wh, barrier, light, suits, masks in ((store, 12, 10, 60, 800), (other_store, 20, 6, 30, 2000)):
        for name, qty in (("隔离围挡", barrier), ("应急灯", light), ("医用防护服", suits), ("医用外科口罩", masks),
                          ("含氯消毒液", 40)):
            services.stock_receive(actor=supply, warehouse_id=wh.pk, item_id=items[name].pk, quantity=qty,
                                   reference="ZB-应急物资", now=ago(8))

    # Freight nodes: a closed distribution centre outside any zone is listed for reopening (应开尽开).
    market = freight.freight_node_create(actor=supply, name="海棠农产品批发市场", kind="wholesale_market",
                                         place_id=district.pk, latitude=39.94, longitude=116.38)
    freight.freight_node_create(actor=supply, name=f"{street.name}社区团购配送中心", kind="distribution_centre",
                                place_id=street.pk, status="closed", latitude=39.91, longitude=116.42)
    freight.freight_node_create(actor=supply, name="海棠电商前置仓", kind="ecommerce_warehouse", place_id=street.pk,
                                latitude=39.92, longitude=116.40)
    kitchen = freight.freight_node_create(actor=supply, name="海棠中央厨房", kind="central_kitchen",
                                          place_id=district.pk, latitude=39.89, longitude=116.39)
    freight.freight_node_set_status(actor=supply, node_id=kitchen.pk, status="closed", reason="员工集中隔离，暂停营业",
                                    now=ago(3))

    # A week of prices at two markets; pork jumps at the wholesale market today (a spike).
    week = {"大米": "5.20", "食用油": "12.80", "蔬菜": "3.60", "猪肉": "26.00", "鸡蛋": "9.80"}
    for day in range(6, 0, -1):
        for name, base in week.items():
            jitter = Decimal(rng.randint(-3, 3)) / 100
            prices.price_observe(actor=supply, item_id=items[name].pk, price=(Decimal(base) * (1 + jitter)).quantize(Decimal("0.01")),
                                 freight_node_id=market.pk, now=ago(day, 3))
            prices.price_observe(actor=supply, item_id=items[name].pk, price=(Decimal(base) * (1 + jitter / 2)).quantize(Decimal("0.01")),
                                 market=f"{community.name}便民菜店", place_id=community.pk, now=ago(day, 2))
    spike = prices.price_observe(actor=supply, item_id=items["猪肉"].pk, price="33.50", freight_node_id=market.pk,
                                 now=ago(0, 1))

    # Suppliers, their memos for the street, and the wartime activation of the street with one order received.
    grain = partners.supplier_create(actor=supply, name="海棠粮油集团有限公司", category="grain", daily_capacity=120,
                                     sites="海棠区工业园粮库；城南加工厂")
    partners.supplier_contact_add(actor=supply, supplier_id=grain.pk, name="王经理", role="保供联络员",
                                  phone="13910002000")
    veg = partners.supplier_create(actor=supply, name="绿野蔬菜种植合作社", category="vegetables", daily_capacity=60,
                                   sites="城郊基地三处")
    partners.supplier_contact_add(actor=supply, supplier_id=veg.pk, name="赵社长", phone="13910003000")
    partners.memo_create(actor=supply, supplier_id=grain.pk, item_id=rice.pk, place_id=street.pk,
                         destination_id=station.pk, quota_per_day=(need * 3).quantize(Decimal(1)), price_cap="5.50",
                         trigger="sealed_zone", signed_on=(now - dt.timedelta(days=90)).date())
    partners.memo_create(actor=supply, supplier_id=veg.pk, item_id=items["蔬菜"].pk, place_id=street.pk,
                         destination_id=station.pk, quota_per_day=(Decimal(served) * Decimal("0.4") * 2).quantize(
                             Decimal(1)), price_cap="4.00", signed_on=(now - dt.timedelta(days=60)).date())
    orders = partners.supplies_wartime_activate(actor=street_user, node=street.pk, now=ago(0, 6))
    for action in ("confirm", "ship", "receive"):
        partners.supply_order_advance(actor=supply, order_id=orders[-1].pk, action=action, now=ago(0, 5))

    # A supply truck registered in another province, its white-listed driver, its pass and a disinfection.
    gates = list(Checkpoint.objects.filter(community_id=community.pk, active=True).order_by("pk")[:2])
    driver = fleet.driver_register(actor=supply, name="张建军", phone="13700001111", whitelisted=True)
    fleet.driver_health_check(actor=supply, driver_id=driver.pk, negative=True, now=ago(0, 8))
    # The spare driver lives in the city: registered with their ID number, linked to their resident record, so
    # tracing spares them home quarantine as a close contact (the driver from Sichuan stays unlinked).
    local = _local_driver()
    spare = fleet.driver_register(actor=supply, name=local.name if local else "李卫东", phone="13700002222",
                                  whitelisted=True, id_number=local.id_number if local else "")
    truck = fleet.vehicle_register(actor=supply, plate="川A7B123", registered_in="四川省成都市", capacity_kg=8000,
                                   driver_id=driver.pk, supplier_id=grain.pk)
    if gates:
        fleet.vehicle_pass_issue(actor=supply, vehicle_id=truck.pk, checkpoint_ids=[g.pk for g in gates],
                                 valid_from=ago(0, 9), valid_to=now + dt.timedelta(days=7), reason="保供物资运输")
    fleet.disinfection_record(actor=supply, vehicle_id=truck.pk, trip=f"{timezone.localdate(now):%m%d}-1",
                              agent="含氯消毒液 500mg/L", site=station.name, now=ago(0, 7))
    return {"warehouses": [national.pk, provincial.pk, city_store.pk, county.pk, station.pk, store.pk, drop.pk,
                           other_store.pk], "spike": spike.pk, "orders": [o.pk for o in orders],
            "truck": truck.pk, "spare_driver": spare.pk}
