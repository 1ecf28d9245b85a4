"""The pure cores of stock and markets (no Django): days of demand, price checks, the order state machine,
the reopening rule and equipment gaps, each against a brute-force reading of its rule."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shaodian.supplies import days, gaps, orders, pricing, reopening

# A loaded machine must not fail a correct rule: no deadline, no slowness check.
RELAXED = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("20000"), places=2)
qty = st.decimals(min_value=Decimal(0), max_value=Decimal("100000"), places=3)


@RELAXED
@given(stock=qty, population=st.integers(0, 10_000), need=st.decimals(min_value=Decimal(0), max_value=Decimal(5),
                                                                       places=3), min_days=st.integers(0, 30))
def test_days_of_demand_agree_with_counting_days(stock, population, need, min_days):
    d = days.days_of_demand(stock, population, need)
    total = population * need
    if total == 0:
        assert d is None and not days.under_minimum(stock, population, need, min_days)
        return
    # Brute force: the stock lasts d days (to the tenth) when d days use no more than it and d + 0.1 more.
    assert total * d <= stock < total * (d + Decimal("0.1"))
    assert days.under_minimum(stock, population, need, min_days) == (stock < total * min_days)


@RELAXED
@given(price=st.decimals(min_value=Decimal("-10"), max_value=Decimal("20000"), places=2),
       history=st.lists(money, max_size=9))
def test_absurd_prices_follow_the_stated_rule(price, history):
    verdict = pricing.absurd(price, history)
    s = sorted(history)
    n = len(s)
    med = (s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2) if n else None
    expected = ("not_positive" if price <= 0 else "over_cap" if price > 10000
                else "far_from_median" if n >= 3 and (price > 10 * med or price * 10 < med) else None)
    assert verdict == expected


@RELAXED
@given(price=money, history=st.lists(money, max_size=9))
def test_a_spike_is_more_than_a_fifth_over_the_week_median(price, history):
    is_spike, med = pricing.spike(price, history)
    if len(history) < 2:
        assert not is_spike
    else:
        over = sum(1 for h in history if price > h * Decimal("1.2"))
        # price > 1.2 × median ⇔ price/1.2 is above the median: more than half the week's prices are below it
        assert is_spike == (price > med * Decimal("1.2"))
        if is_spike:
            assert over >= len(history) / 2


def test_spike_examples():
    assert pricing.spike(Decimal("6.1"), [Decimal(5), Decimal(5), Decimal(5)]) == (True, Decimal(5))
    assert pricing.spike(Decimal("6.0"), [Decimal(5), Decimal(5), Decimal(5)]) == (False, Decimal(5))
    assert pricing.absurd(Decimal("60"), [Decimal(5)] * 3) == "far_from_median"


@RELAXED
@given(path=st.lists(st.sampled_from(list(orders.Action)), max_size=6))
def test_orders_move_only_along_the_chain(path):
    status = orders.Status.RAISED
    for action in path:
        try:
            nxt = orders.transition(status, action)
        except orders.IllegalMove:
            assert (status, action) not in orders.MOVES
            continue
        assert status not in orders.FINAL
        assert orders.MOVES[(status, action)] == nxt
        status = nxt


def test_a_received_order_is_final():
    with pytest.raises(orders.IllegalMove):
        orders.transition(orders.Status.RECEIVED, orders.Action.CANCEL)


@RELAXED
@given(nodes=st.lists(st.tuples(st.integers(1, 99), st.sampled_from(reopening.KINDS),
                                st.sampled_from(["open", "closed"]),
                                st.sampled_from(["", "precaution", "controlled", "sealed"])), max_size=12))
def test_the_reopening_list_is_the_closed_nodes_their_zone_allows(nodes):
    allowed = {("", k) for k in reopening.KINDS} | {("precaution", k) for k in reopening.KINDS} | {
        ("controlled", "distribution_centre"), ("controlled", "ecommerce_warehouse"),
        ("controlled", "central_kitchen")}
    assert reopening.to_reopen(nodes) == [n[0] for n in nodes if n[2] == "closed" and (n[3], n[1]) in allowed]


def test_the_strictest_zone_governs():
    assert reopening.strictest(["precaution", "sealed", "controlled"]) == "sealed"
    assert reopening.strictest([]) == ""


@RELAXED
@given(workers=st.dictionaries(st.integers(1, 5), st.integers(0, 20), max_size=4),
       stock=st.dictionaries(st.tuples(st.integers(1, 5), st.integers(1, 3)), qty, max_size=10))
def test_gaps_list_every_community_item_short_of_its_minimum(workers, stock):
    needs = [gaps.Need(1, Decimal(20), Decimal(0)), gaps.Need(2, Decimal(10), Decimal(0)),
             gaps.Need(3, Decimal(0), Decimal(2))]
    found = {(g.community_id, g.item_id): g for g in gaps.gaps(workers, needs, stock)}
    for cid, w in workers.items():
        for need in needs:
            req = need.per_community + need.per_worker_day * w * 30
            have = stock.get((cid, need.item_id), Decimal(0))
            assert ((cid, need.item_id) in found) == (have < req)
            if have < req:
                assert found[(cid, need.item_id)].missing == req - have
