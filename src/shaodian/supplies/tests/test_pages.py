"""The supplies pages: each answers for the roles that see supplies, takes its input through forms, refuses bad
input with the service's words, and the public page shows no personal data."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from shaodian.checkpoints.models import Checkpoint
from shaodian.supplies import fleet, partners, prices, selectors, services
from shaodian.supplies.models import StockEntry
from shaodian.supplies.tests.factories import make_item, make_warehouse

PAGES = ["/supplies/", "/supplies/catalogue/", "/supplies/alerts/", "/supplies/prices/", "/supplies/suppliers/",
         "/supplies/freight/", "/supplies/equipment/", "/supplies/vehicles/"]


@pytest.fixture
def ground(users):
    supply = users["supply"]
    rice = make_item("大米")
    wh = make_warehouse(users["staff_a"].node, "名苑社区储备点", level="community")
    services.stock_receive(actor=supply, warehouse_id=wh.pk, item_id=rice.pk, quantity=500)
    s = partners.supplier_create(actor=supply, name="海棠粮油有限公司", category="grain", daily_capacity=50)
    partners.supplier_contact_add(actor=supply, supplier_id=s.pk, name="刘经理", phone="13912345678")
    driver = fleet.driver_register(actor=supply, name="张建军", phone="13700001111", whitelisted=True)
    v = fleet.vehicle_register(actor=supply, plate="川A12345", registered_in="四川省", driver_id=driver.pk)
    gate = Checkpoint.objects.filter(community_id=users["guard_a"].node_id).first()
    now = timezone.now()
    fleet.vehicle_pass_issue(actor=supply, vehicle_id=v.pk, checkpoint_ids=[gate.pk], valid_from=now,
                             valid_to=now + dt.timedelta(days=3), reason="保供运输")
    prices.price_observe(actor=supply, item_id=rice.pk, price="5.20", market="海棠农贸市场")
    return {"rice": rice, "wh": wh, "vehicle": v}


@pytest.mark.parametrize("who", ["supply", "staff_a", "commander"])
def test_every_page_answers_in_chinese(client_as, ground, who):
    c = client_as(who)
    for url in PAGES + [f"/supplies/warehouses/{ground['wh'].pk}/"]:
        r = c.get(url)
        assert r.status_code == 200, url
        assert "保供物资" in r.content.decode(), url


def test_roles_without_supplies_are_refused(client_as, ground):
    c = client_as("cdc")
    assert c.get("/supplies/").status_code == 403


def test_a_warehouse_of_another_community_is_not_found(client_as, ground):
    assert client_as("grid_b").get(f"/supplies/warehouses/{ground['wh'].pk}/").status_code == 404


def test_the_ledger_form_records_and_refuses_an_issue_above_stock(client_as, ground):
    c = client_as("supply")
    url = f"/supplies/warehouses/{ground['wh'].pk}/"
    r = c.post(url, {"action": "issue", "item": ground["rice"].pk, "quantity": "600"})
    assert r.status_code == 409 and "库存不足" in r.content.decode()
    r = c.post(url, {"action": "issue", "item": ground["rice"].pk, "quantity": "-5"})
    assert r.status_code == 422 and "数量须大于零" in r.content.decode()
    r = c.post(url, {"action": "issue", "item": ground["rice"].pk, "quantity": "120", "reference": "CK-7"})
    assert r.status_code == 302
    assert selectors.stock_on_hand([ground["wh"].pk]) == {(ground["wh"].pk, ground["rice"].pk): Decimal(380)}
    assert StockEntry.objects.filter(reference="CK-7").count() == 1
    assert "CK-7" in c.get(url + f"?item={ground['rice'].pk}").content.decode()


@pytest.mark.parametrize("item", ["abc", "9" * 30, "9" * 5_000_000])
def test_a_bad_item_filter_shows_the_whole_ledger(client_as, ground, item):
    c = client_as("supply")
    url = f"/supplies/warehouses/{ground['wh'].pk}/"
    assert c.post(url, {"action": "issue", "item": ground["rice"].pk, "quantity": "1", "reference": "CK-8"}).status_code == 302
    r = c.get(url, {"item": item})
    assert r.status_code == 200 and "CK-8" in r.content.decode()


def test_the_equipment_page_is_a_page_for_any_other_format(client_as, ground):
    for fmt in ("csv", "x" * 5_000_000):
        r = client_as("supply").get("/supplies/equipment/", {"format": fmt})
        assert r.status_code == 200 and r["Content-Type"].startswith("text/html")


def test_an_absurd_price_is_refused_on_the_page(client_as, ground):
    r = client_as("supply").post("/supplies/prices/", {"item": ground["rice"].pk, "market": "菜场", "price": "-3"})
    assert r.status_code == 422 and "价格须大于零" in r.content.decode()


def test_the_vehicle_page_records_one_disinfection_per_trip(client_as, ground):
    c = client_as("supply")
    data = {"vehicle": ground["vehicle"].pk, "trip": "T-9", "agent": "含氯消毒液", "site": "中转站"}
    assert c.post("/supplies/vehicles/disinfect/", data).status_code == 302
    r = c.post("/supplies/vehicles/disinfect/", data)
    assert r.status_code == 409 and "已有消杀记录" in r.content.decode()
    page = c.get("/supplies/vehicles/").content.decode()
    assert "T-9" in page and "13700001111" not in page and "137****1111" in page


def test_the_supplier_page_masks_contact_phones(client_as, ground):
    page = client_as("supply").get("/supplies/suppliers/").content.decode()
    assert "刘经理" in page and "13912345678" not in page


def test_the_equipment_export_is_a_workbook(client_as, ground):
    r = client_as("supply").get("/supplies/equipment/?format=xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"


def test_the_public_page_needs_no_login_and_shows_no_personal_data(client, ground):
    r = client.get("/public/supplies/")
    page = r.content.decode()
    assert r.status_code == 200 and "保供稳价信息" in page
    assert "大米" in page and "5.20" in page and "海棠农贸市场" in page
    for secret in ("13912345678", "刘经理", "张建军", "13700001111", "川A12345", "名苑社区储备点"):
        assert secret not in page


def test_the_api_reads_stock_and_ledger_in_the_jurisdiction_only(api_as, ground):
    wh = ground["wh"]
    body = api_as("staff_a").get(f"/api/v1/supplies/warehouses/{wh.pk}").json()
    assert body["stock"] == [{"item_id": ground["rice"].pk, "item": "大米", "unit": "公斤", "quantity": "500.000"}]
    ledger = api_as("staff_a").get(f"/api/v1/supplies/warehouses/{wh.pk}/ledger").json()
    assert [e["kind"] for e in ledger] == ["receipt"]
    assert wh.pk in [w["id"] for w in api_as("supply").get("/api/v1/supplies/warehouses").json()]
    assert api_as("grid_b").get(f"/api/v1/supplies/warehouses/{wh.pk}").status_code == 404
    assert api_as("grid_b").get(f"/api/v1/supplies/warehouses/{wh.pk}/ledger").status_code == 404
    assert api_as("cdc").get("/api/v1/supplies/warehouses").status_code == 403
