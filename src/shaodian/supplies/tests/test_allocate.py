"""Allocation by examples a supply officer would check by hand: shortage shared, lanes, reasons, bad input."""

import math

import pytest

from shaodian.supplies.allocate import AllocationError, Demand, Stock, Why, allocate, explain

AT_W = {"东仓": (0.0, 0.0), "西仓": (10.0, 0.0)}
AT_C = {"幸福社区": (1.0, 0.0), "和平社区": (9.0, 0.0), "光明社区": (5.0, 0.0)}


def _given(plan, community, item="大米"):
    return next(s for s in plan.served if s.community == community and s.item == item)


def test_it_meets_all_demand_from_the_nearest_warehouse_when_stock_suffices():
    plan = allocate([Stock("东仓", "大米", 50), Stock("西仓", "大米", 50)],
                    [Demand("幸福社区", "大米", 2, 10), Demand("和平社区", "大米", 0, 20)],
                    warehouse_at=AT_W, community_at=AT_C)
    assert plan.shortages == ()
    assert {(s.warehouse, s.community, s.quantity) for s in plan.shipments} == {
        ("东仓", "幸福社区", 12.0), ("西仓", "和平社区", 20.0)}
    assert plan.cost == pytest.approx(12 * 1 + 20 * 1)


def test_it_serves_special_groups_first_then_shares_the_rest_in_proportion():
    # 30 bags for 6 special + 48 ordinary: special in full, then 24 over 12:36 ordinary -> 6 and 18.
    plan = allocate([Stock("东仓", "大米", 30)],
                    [Demand("幸福社区", "大米", 4, 12), Demand("和平社区", "大米", 2, 36)],
                    warehouse_at=AT_W, community_at=AT_C)
    a, b = _given(plan, "幸福社区"), _given(plan, "和平社区")
    assert (a.special, a.ordinary, b.special, b.ordinary) == (4, 6, 2, 18)
    assert {s.community: s.why for s in plan.shortages} == {"幸福社区": Why.STOCK_SHORT, "和平社区": Why.STOCK_SHORT}
    assert sum(s.quantity for s in plan.shipments) == 30


def test_it_shares_special_group_demand_alike_when_even_that_is_short():
    plan = allocate([Stock("东仓", "胰岛素", 5)],
                    [Demand("幸福社区", "胰岛素", 6, 3), Demand("和平社区", "胰岛素", 4, 0)],
                    warehouse_at=AT_W, community_at=AT_C)
    a, b = _given(plan, "幸福社区", "胰岛素"), _given(plan, "和平社区", "胰岛素")
    assert (a.special, b.special, a.ordinary) == (3, 2, 0)
    text = explain(next(s for s in plan.shortages if s.community == "幸福社区"), "zh")
    assert "特殊群体总需求10" in text and "50%" in text and "普通需求暂无库存可分" in text


def test_largest_remainders_get_the_odd_units_and_nothing_is_left_idle():
    plan = allocate([Stock("东仓", "大米", 10)],
                    [Demand(c, "大米", 0, 3) for c in AT_C], warehouse_at=AT_W, community_at=AT_C)
    got = sorted(_given(plan, c).total for c in AT_C)
    assert got == [3, 3, 3]  # enough for all
    plan = allocate([Stock("东仓", "大米", 7)],
                    [Demand(c, "大米", 0, 3) for c in AT_C], warehouse_at=AT_W, community_at=AT_C)
    got = sorted(_given(plan, c).total for c in AT_C)
    assert got == [2, 2, 3] and sum(s.quantity for s in plan.shipments) == 7


def test_fractional_mode_gives_everyone_the_exact_same_fraction():
    plan = allocate([Stock("东仓", "食用油", 7)], [Demand(c, "食用油", 0, 3) for c in AT_C],
                    warehouse_at=AT_W, community_at=AT_C, whole_units=False)
    for c in AT_C:
        assert _given(plan, c, "食用油").ordinary == pytest.approx(7 / 3)


def test_items_do_not_cover_one_another_and_no_stock_is_said():
    plan = allocate([Stock("东仓", "大米", 100)], [Demand("幸福社区", "食用油", 0, 5)],
                    warehouse_at=AT_W, community_at=AT_C)
    [short] = plan.shortages
    assert (short.item, short.why, short.given) == ("食用油", Why.NO_STOCK, 0)
    assert explain(short, "en").endswith("no warehouse holds any 食用油.")


def test_closed_lanes_are_never_used_and_the_cut_off_community_is_told_why():
    costs = {("东仓", "幸福社区"): 1.0, ("西仓", "和平社区"): 1.0}  # nothing reaches 光明社区
    plan = allocate([Stock("东仓", "大米", 10), Stock("西仓", "大米", 10)],
                    [Demand("幸福社区", "大米", 0, 5), Demand("和平社区", "大米", 0, 15), Demand("光明社区", "大米", 0, 4)],
                    costs)
    assert all((s.warehouse, s.community) in costs for s in plan.shipments)
    why = {s.community: s.why for s in plan.shortages}
    assert why == {"和平社区": Why.LANES_SHORT, "光明社区": Why.NO_LANE}
    assert _given(plan, "幸福社区").total == 5 and _given(plan, "和平社区").total == 10
    assert "没有通往该社区" in explain(next(s for s in plan.shortages if s.community == "光明社区"))


def test_with_closed_lanes_the_smallest_fraction_is_raised_first():
    # 东仓 reaches both, 西仓 only 和平社区. 12 units for 10 + 10: a 6/6 split is the fair one.
    costs = {("东仓", "幸福社区"): 5.0, ("东仓", "和平社区"): 1.0, ("西仓", "和平社区"): 1.0}
    plan = allocate([Stock("东仓", "大米", 8), Stock("西仓", "大米", 4)],
                    [Demand("幸福社区", "大米", 0, 10), Demand("和平社区", "大米", 0, 10)], costs)
    assert (_given(plan, "幸福社区").total, _given(plan, "和平社区").total) == (6, 6)
    assert plan.cost == pytest.approx(6 * 5 + 2 * 1 + 4 * 1)


def test_the_shortage_sentence_gives_the_numbers_in_both_languages():
    plan = allocate([Stock("东仓", "大米", 30)], [Demand("幸福社区", "大米", 4, 12), Demand("和平社区", "大米", 2, 36)],
                    warehouse_at=AT_W, community_at=AT_C)
    s = next(s for s in plan.shortages if s.community == "和平社区")
    assert explain(s, "zh") == ("和平社区申请大米38（其中特殊群体2），分得20（特殊群体2），缺18：大米总库存30少于总需求54，"
                                "先保特殊群体需求（满足100%），其余按需求比例分配（普通需求满足50%）。")
    assert explain(s, "en").startswith("和平社区 asked for 38 大米 (2 for special groups) and gets 20")


@pytest.mark.parametrize("stocks, demands, says", [
    ([Stock("东仓", "大米", -1)], [], "不能为负数"),
    ([Stock("东仓", "大米", math.nan)], [], "must be finite"),
    ([Stock("东仓", "大米", 1.5)], [], "whole units"),
    ([], [Demand("幸福社区", "大米", -2, 0)], "special demand"),
    ([], [Demand("幸福社区", "大米", 0, math.inf)], "不能为负数或无穷"),
    ([], [Demand("幸福社区", "大米", 0, 1), Demand("幸福社区", "大米", 0, 2)], "duplicate demand"),
    ([Stock("东仓", "大米", 1)], [Demand("幸福社区", "大米", 0, "many")], "not a number"),
])
def test_bad_input_is_refused_with_a_clear_message(stocks, demands, says):
    with pytest.raises(AllocationError, match=says):
        allocate(stocks, demands, warehouse_at=AT_W, community_at=AT_C)


def test_a_negative_lane_cost_or_a_missing_point_is_refused():
    with pytest.raises(AllocationError, match="transport cost"):
        allocate([Stock("东仓", "大米", 1)], [Demand("幸福社区", "大米", 0, 1)], {("东仓", "幸福社区"): -3})
    with pytest.raises(AllocationError, match="no coordinates"):
        allocate([Stock("北仓", "大米", 1)], [Demand("幸福社区", "大米", 0, 1)], warehouse_at=AT_W, community_at=AT_C)
    with pytest.raises(AllocationError, match="costs or coordinates"):
        allocate([Stock("东仓", "大米", 1)], [Demand("幸福社区", "大米", 0, 1)])
