"""The stock ledger: receipts, issues, transfers and counts; refusals that write nothing; scope; balances agree."""

from decimal import Decimal

import pytest

from shaodian.errors import ServiceError
from shaodian.places.models import Place
from shaodian.security.models import AuditLog
from shaodian.supplies import selectors, services
from shaodian.supplies.models import EntryKind, StockEntry
from shaodian.supplies.tests.factories import make_item, make_warehouse


@pytest.fixture
def ground(users):
    district = users["supply"].node
    community_a = users["staff_a"].node
    return {"item": make_item(), "county": make_warehouse(district, "区储备库"),
            "station": make_warehouse(district, "区中转站", kind="transfer_station"),
            "community": make_warehouse(community_a, "名苑社区储备点", level="community"),
            "other": make_warehouse(Place.objects.get(code="120105002001"), "朝阳社区储备点", level="community")}


def on_hand(wh, item):
    return selectors.stock_on_hand([wh.pk], [item.pk]).get((wh.pk, item.pk), Decimal(0))


def test_it_receives_issues_and_keeps_the_ledger_as_the_truth(users, ground):
    supply, item, wh = users["supply"], ground["item"], ground["county"]
    services.stock_receive(actor=supply, warehouse_id=wh.pk, item_id=item.pk, quantity="100.5", reference="RK-1")
    services.stock_issue(actor=supply, warehouse_id=wh.pk, item_id=item.pk, quantity=30)
    assert on_hand(wh, item) == Decimal("70.5")
    assert selectors.stock_from_ledger([wh.pk]) == selectors.stock_on_hand([wh.pk])
    kinds = list(StockEntry.objects.filter(warehouse=wh).values_list("kind", "quantity", "balance_after"))
    assert kinds == [(EntryKind.RECEIPT, Decimal("100.5"), Decimal("100.5")),
                     (EntryKind.ISSUE, Decimal("-30"), Decimal("70.5"))]
    assert AuditLog.objects.filter(object_type="stock_entry", actor=supply).count() == 2


def test_it_refuses_an_issue_above_the_stock_and_writes_nothing(users, ground):
    supply, item, wh = users["supply"], ground["item"], ground["county"]
    services.stock_receive(actor=supply, warehouse_id=wh.pk, item_id=item.pk, quantity=10)
    before = StockEntry.objects.count()
    with pytest.raises(ServiceError) as exc:
        services.stock_issue(actor=supply, warehouse_id=wh.pk, item_id=item.pk, quantity="10.001")
    assert exc.value.errors["quantity"][0].code == "insufficient_stock"
    assert "库存不足" in exc.value.errors["quantity"][0].zh
    assert StockEntry.objects.count() == before and on_hand(wh, item) == 10


@pytest.mark.parametrize("bad", ["-1", "0", "abc", "NaN", "Infinity", "1.0001", "1e12", None, ""])
def test_it_refuses_bad_quantities(users, ground, bad):
    with pytest.raises(ServiceError) as exc:
        services.stock_receive(actor=users["supply"], warehouse_id=ground["county"].pk, item_id=ground["item"].pk,
                               quantity=bad)
    assert "quantity" in exc.value.errors
    assert not StockEntry.objects.filter(warehouse=ground["county"]).exists()


def test_it_transfers_out_and_in_together(users, ground):
    supply, item = users["supply"], ground["item"]
    services.stock_receive(actor=supply, warehouse_id=ground["county"].pk, item_id=item.pk, quantity=50)
    out, into = services.stock_transfer(actor=supply, from_warehouse_id=ground["county"].pk,
                                        to_warehouse_id=ground["station"].pk, item_id=item.pk, quantity=20)
    assert (out.kind, out.quantity, into.kind, into.quantity) == ("transfer_out", -20, "transfer_in", 20)
    assert on_hand(ground["county"], item) == 30 and on_hand(ground["station"], item) == 20
    with pytest.raises(ServiceError):
        services.stock_transfer(actor=supply, from_warehouse_id=ground["station"].pk,
                                to_warehouse_id=ground["county"].pk, item_id=item.pk, quantity=21)
    with pytest.raises(ServiceError):
        services.stock_transfer(actor=supply, from_warehouse_id=ground["station"].pk,
                                to_warehouse_id=ground["station"].pk, item_id=item.pk, quantity=1)
    assert on_hand(ground["county"], item) == 30 and on_hand(ground["station"], item) == 20


def test_a_count_records_the_difference(users, ground):
    supply, item, wh = users["supply"], ground["item"], ground["county"]
    services.stock_receive(actor=supply, warehouse_id=wh.pk, item_id=item.pk, quantity=40)
    entry = services.stock_count(actor=supply, warehouse_id=wh.pk, item_id=item.pk, counted="37.5", note="盘亏")
    assert (entry.kind, entry.quantity, entry.balance_after) == ("count_adjustment", Decimal("-2.5"), Decimal("37.5"))
    assert services.stock_count(actor=supply, warehouse_id=wh.pk, item_id=item.pk, counted="37.5") is None
    assert services.stock_count(actor=supply, warehouse_id=wh.pk, item_id=item.pk, counted=0).balance_after == 0
    with pytest.raises(ServiceError):
        services.stock_count(actor=supply, warehouse_id=wh.pk, item_id=item.pk, counted=-1)


def test_another_jurisdictions_warehouse_is_refused(users, ground):
    """The street commander of 海棠街道 cannot post to 朝阳's community store, nor to the district's."""
    street = users["street_a"]
    item = ground["item"]
    services.stock_receive(actor=street, warehouse_id=ground["community"].pk, item_id=item.pk, quantity=5)
    for wh in (ground["other"], ground["county"]):
        with pytest.raises(ServiceError) as exc:
            services.stock_receive(actor=street, warehouse_id=wh.pk, item_id=item.pk, quantity=5)
        assert exc.value.status == 404
    with pytest.raises(ServiceError) as exc:
        services.stock_transfer(actor=street, from_warehouse_id=ground["community"].pk,
                                to_warehouse_id=ground["other"].pk, item_id=item.pk, quantity=1)
    assert on_hand(ground["community"], item) == 5 and on_hand(ground["other"], item) == 0
    assert not selectors.warehouses_for(users["grid_b"]).filter(pk=ground["community"].pk).exists()


def test_roles_without_the_ledger_permission_are_refused(users, ground):
    with pytest.raises(ServiceError) as exc:
        services.stock_receive(actor=users["grid_a"], warehouse_id=ground["community"].pk,
                               item_id=ground["item"].pk, quantity=1)
    assert exc.value.status == 403


def test_stock_under_its_minimum_in_days_of_demand_alerts_and_a_receipt_clears_it(users, ground):
    from shaodian.core.models import OutboxItem
    from shaodian.supplies.minimums import minimum_alerts_for, population
    from shaodian.supplies.models import MinimumAlert

    supply, item, wh = users["supply"], ground["item"], ground["community"]
    people = population(wh.place)
    assert people == 24  # two grids of twelve
    need = Decimal("0.5") * people  # 12 kg a day; a 7-day minimum is 84 kg
    services.stock_receive(actor=supply, warehouse_id=wh.pk, item_id=item.pk, quantity=100)
    assert not MinimumAlert.objects.filter(warehouse=wh).exists()
    services.stock_issue(actor=supply, warehouse_id=wh.pk, item_id=item.pk, quantity=20)
    alert = MinimumAlert.objects.get(warehouse=wh, item=item, cleared_at=None)
    assert alert.days_left == Decimal("6.6") and 80 / need < 7
    assert OutboxItem.objects.filter(key__startswith=f"notify:supplies.minimum:{alert.pk}:").exists()
    assert list(minimum_alerts_for(users["staff_a"])) == [alert]
    assert list(minimum_alerts_for(users["grid_b"])) == []
    services.stock_issue(actor=supply, warehouse_id=wh.pk, item_id=item.pk, quantity=10)
    assert MinimumAlert.objects.filter(warehouse=wh).count() == 1  # still the one alert, updated
    services.stock_receive(actor=supply, warehouse_id=wh.pk, item_id=item.pk, quantity=20)
    alert.refresh_from_db()
    assert alert.cleared_at is not None
