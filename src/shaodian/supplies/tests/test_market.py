"""Prices (absurd refused, spikes alerted), suppliers and memos, wartime activation and orders, freight nodes
and the reopening list."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from shaodian.core.models import OutboxItem
from shaodian.errors import NotFound, ServiceError
from shaodian.measures.models import Measure, MeasureStatus
from shaodian.places.models import Place
from shaodian.supplies import freight, partners, prices, selectors
from shaodian.supplies.models_market import PriceObservation, SupplierContact, SupplyOrder
from shaodian.supplies.tests.factories import make_item, make_warehouse

T0 = dt.datetime(2026, 11, 2, 1, tzinfo=dt.UTC)


@pytest.fixture
def rice(db):
    return make_item("大米")


def observe(user, item, price, market="海棠农贸市场", at=T0, **kw):
    return prices.price_observe(actor=user, item_id=item.pk, price=price, market=market, now=at, **kw)


def test_a_price_more_than_a_fifth_over_the_week_median_is_a_spike_and_alerts(users, rice):
    supply = users["supply"]
    for i, p in enumerate(["5.00", "5.20", "4.80"]):
        assert not observe(supply, rice, p, at=T0 + dt.timedelta(days=i)).spike
    before = OutboxItem.objects.filter(key__startswith="notify:supplies.price_spike").count()
    obs = observe(supply, rice, "6.50", at=T0 + dt.timedelta(days=3))
    assert obs.spike and obs.median_7d == Decimal("5.00")
    assert OutboxItem.objects.filter(key__startswith="notify:supplies.price_spike").count() > before
    # Another market's history is not this market's: no spike there on its first prices.
    assert not observe(supply, rice, "6.50", market="朝阳菜市场", at=T0 + dt.timedelta(days=3)).spike


@pytest.mark.parametrize("bad,code", [("-1", "absurd_price"), ("0", "absurd_price"), ("10000.01", "absurd_price"),
                                      ("abc", "float_parsing"), ("5.001", "decimal_places"), ("NaN", "finite_number")])
def test_negative_zero_absurd_and_malformed_prices_are_refused(users, rice, bad, code):
    with pytest.raises(ServiceError) as exc:
        observe(users["supply"], rice, bad)
    assert exc.value.errors["price"][0].code == code
    assert not PriceObservation.objects.filter(item=rice).exists()


def test_a_price_ten_times_the_month_median_is_refused_as_a_typing_error(users, rice):
    for i in range(3):
        observe(users["supply"], rice, "5.00", at=T0 + dt.timedelta(days=i))
    with pytest.raises(ServiceError) as exc:
        observe(users["supply"], rice, "50.01", at=T0 + dt.timedelta(days=4))
    assert "十倍" in exc.value.errors["price"][0].zh
    assert PriceObservation.objects.filter(item=rice).count() == 3


def test_prices_in_another_jurisdiction_are_refused_and_unseen(users, rice):
    other_street = Place.objects.get(code="120105002")
    with pytest.raises(ServiceError):
        observe(users["street_a"], rice, "5", place_id=other_street.pk)
    obs = observe(users["supply"], rice, "5", place_id=other_street.pk)
    assert not prices.prices_for(users["street_a"]).filter(pk=obs.pk).exists()
    assert prices.prices_for(users["commander"]).filter(pk=obs.pk).exists()


@pytest.fixture
def memo_ground(users, rice):
    supply = users["supply"]
    street = users["street_a"].node
    wh = make_warehouse(street, "海棠街道中转站", kind="transfer_station")
    s = partners.supplier_create(actor=supply, name="海棠粮油有限公司", category="grain", daily_capacity=50)
    memo = partners.memo_create(actor=supply, supplier_id=s.pk, item_id=rice.pk, place_id=street.pk,
                                destination_id=wh.pk, quota_per_day=2000, price_cap="5.50")
    return {"supplier": s, "memo": memo, "warehouse": wh, "street": street}


def test_wartime_activation_switches_memos_on_and_raises_one_order_a_day(users, rice, memo_ground):
    supply = users["supply"]
    orders = partners.supplies_wartime_activate(actor=supply, node=memo_ground["street"], now=T0)
    assert [(o.supplier_id, o.item_id, o.quantity, o.destination_id, o.status) for o in orders] == [
        (memo_ground["supplier"].pk, rice.pk, Decimal(2000), memo_ground["warehouse"].pk, "raised")]
    memo_ground["memo"].refresh_from_db()
    assert memo_ground["memo"].active and memo_ground["memo"].activated_by == supply
    assert partners.supplies_wartime_activate(actor=supply, node=memo_ground["street"], now=T0) == []
    assert len(partners.supplies_wartime_activate(actor=supply, node=memo_ground["street"],
                                                  now=T0 + dt.timedelta(days=1))) == 1


def test_an_order_received_lands_in_stock_through_the_ledger(users, rice, memo_ground):
    supply = users["supply"]
    order = partners.supplies_wartime_activate(actor=supply, node=memo_ground["street"], now=T0)[0]
    with pytest.raises(ServiceError) as exc:
        partners.supply_order_advance(actor=supply, order_id=order.pk, action="receive")
    assert exc.value.status == 409
    for action in ("confirm", "ship", "receive"):
        order = partners.supply_order_advance(actor=supply, order_id=order.pk, action=action)
    assert order.status == "received" and order.received_entry.reference == f"SO-{order.pk}"
    wh = memo_ground["warehouse"]
    assert selectors.stock_on_hand([wh.pk], [rice.pk]) == {(wh.pk, rice.pk): Decimal(2000)}
    with pytest.raises(ServiceError):
        partners.supply_order_advance(actor=supply, order_id=order.pk, action="cancel")


def test_activation_outside_the_jurisdiction_or_without_memos_is_refused(users, memo_ground):
    with pytest.raises(ServiceError) as exc:
        partners.supplies_wartime_activate(actor=users["street_a"], node=Place.objects.get(code="120105002"))
    assert exc.value.status == 404
    with pytest.raises(ServiceError) as exc:
        partners.supplies_wartime_activate(actor=users["supply"], node=Place.objects.get(code="120105002"))
    assert exc.value.errors["node"][0].code == "no_memo"
    with pytest.raises(ServiceError) as exc:
        partners.supplies_wartime_activate(actor=users["staff_a"], node=users["staff_a"].node)
    assert exc.value.status == 403
    assert not SupplyOrder.objects.exists()


def test_a_supplier_contact_phone_is_encrypted_and_checked(users, memo_ground):
    from django.db import connection

    c = partners.supplier_contact_add(actor=users["supply"], supplier_id=memo_ground["supplier"].pk, name="刘经理",
                                      phone="13912345678")
    with connection.cursor() as cur:
        cur.execute("SELECT phone FROM supplies_suppliercontact WHERE id = %s", [c.pk])
        assert "13912345678" not in cur.fetchone()[0]
    with pytest.raises(ServiceError):
        partners.supplier_contact_add(actor=users["supply"], supplier_id=memo_ground["supplier"].pk, name="刘",
                                      phone="12345")
    with pytest.raises(NotFound):
        partners.supplier_contact_add(actor=users["street_a"], supplier_id=memo_ground["supplier"].pk, name="刘",
                                      phone="13912345678")
    assert SupplierContact.objects.count() == 1


def test_the_reopening_list_holds_closed_nodes_their_zone_allows(users, measures_story):
    supply = users["supply"]
    community_a, community_b = users["staff_a"].node, users["grid_b"].node.parent
    market = freight.freight_node_create(actor=supply, name="名苑批发市场", kind="wholesale_market",
                                         place_id=community_a.pk, status="closed")
    kitchen = freight.freight_node_create(actor=supply, name="名苑中央厨房", kind="central_kitchen",
                                          place_id=community_a.pk, status="closed")
    free = freight.freight_node_create(actor=supply, name="东里配送中心", kind="distribution_centre",
                                       place_id=community_b.pk, status="closed")
    freight.freight_node_create(actor=supply, name="东里电商仓", kind="ecommerce_warehouse", place_id=community_b.pk)
    ids = measures_story(5)
    now = timezone.now()
    live = [m for m in Measure.objects.filter(pk__in=ids.values(), status=MeasureStatus.IN_FORCE)
            if m.starts_at <= now < m.ends_at]
    assert live, "the story leaves a measure in force"
    # A controlled zone over the whole of community A: its market stays shut, its kitchen should open.
    Measure.objects.filter(pk=live[0].pk).update(place=community_a, building=None, unit=None, zone="controlled")
    rows, reopen = freight.freight_overview(supply)
    assert {n.pk for n in reopen} == {kitchen.pk, free.pk}
    zone = {r["node"].pk: r["zone"] for r in rows}
    assert zone[market.pk] == "controlled" and zone[free.pk] == ""
    Measure.objects.filter(pk=live[0].pk).update(zone="sealed")
    assert {n.pk for n in freight.freight_overview(supply)[1]} == {free.pk}
    with pytest.raises(ServiceError):
        freight.freight_node_set_status(actor=supply, node_id=free.pk, status="closed", reason="")
    freight.freight_node_set_status(actor=supply, node_id=free.pk, status="open")
    assert freight.freight_overview(supply)[1] == []
    assert {r["node"].pk for r in freight.freight_overview(users["street_a"])[0]} == {market.pk, kitchen.pk,
                                                                                      free.pk, free.pk + 1}
    assert freight.freight_overview(users["grid_b"])[0] == []  # nodes sit at the community, above a grid
