"""Allocation properties against a brute-force reference on tiny cases (hypothesis, no Django).

The reference is written apart from the code under test: the fairness rule in exact fractions with its own
largest-remainder rounding, and the least transport cost by trying every whole-unit shipment plan.
"""

import itertools
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from shaodian.supplies.allocate import Demand, Stock, allocate

ITEM = "大米"


def _largest_remainder(total, asked):
    """Whole shares of `total` in proportion to `asked` (total < sum(asked)); ties to the first listed."""
    need = sum(asked)
    exact = [Fraction(a * total, need) for a in asked]
    base = [int(e) for e in exact]
    order = sorted(range(len(asked)), key=lambda j: (-(exact[j] - base[j]), j))
    for j in order[: total - sum(base)]:
        base[j] += 1
    return base


def reference_served(stock_total, special, ordinary):
    """The rule as the docstring states it: special first, equal fractions, the rest in proportion."""
    if stock_total >= sum(special):
        sp, left = list(special), stock_total - sum(special)
    else:
        sp, left = _largest_remainder(stock_total, special), 0
    od = list(ordinary) if left >= sum(ordinary) else _largest_remainder(left, ordinary)
    return sp, od


def _splits(total, parts, caps):
    """Every way to write `total` as a sum over warehouses, each part within its cap."""
    if parts == 1:
        if total <= caps[0]:
            yield (total,)
        return
    for first in range(min(total, caps[0]) + 1):
        for rest in _splits(total - first, parts - 1, caps[1:]):
            yield (first, *rest)


def brute_cost(stock, need, cost):
    """Least cost of any whole-unit plan bringing each community exactly `need` (None if impossible)."""
    best = None
    columns = [list(_splits(n, len(stock), stock)) for n in need]
    for plan in itertools.product(*columns):
        if all(sum(col[i] for col in plan) <= stock[i] for i in range(len(stock))):
            c = sum(col[i] * cost[i][j] for j, col in enumerate(plan) for i in range(len(stock)))
            best = c if best is None else min(best, c)
    return best


@st.composite
def cases(draw):
    n_w, n_c = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stock = draw(st.lists(st.integers(0, 6), min_size=n_w, max_size=n_w))
    special = draw(st.lists(st.integers(0, 3), min_size=n_c, max_size=n_c))
    ordinary = draw(st.lists(st.integers(0, 4), min_size=n_c, max_size=n_c))
    cost = draw(st.lists(st.lists(st.integers(0, 9), min_size=n_c, max_size=n_c), min_size=n_w, max_size=n_w))
    return stock, special, ordinary, cost


def _run(stock, special, ordinary, cost, **kw):
    ws, cs = [f"W{i}" for i in range(len(stock))], [f"C{j}" for j in range(len(special))]
    plan = allocate([Stock(w, ITEM, q) for w, q in zip(ws, stock)],
                    [Demand(c, ITEM, p, o) for c, p, o in zip(cs, special, ordinary)],
                    {(w, c): cost[i][j] for i, w in enumerate(ws) for j, c in enumerate(cs)}, **kw)
    served = {s.community: s for s in plan.served}
    return plan, [served[c] for c in cs], ws


@settings(max_examples=300, deadline=None)
@given(cases())
def test_it_matches_the_reference_shares_at_the_least_cost(case):
    stock, special, ordinary, cost = case
    plan, served, ws = _run(stock, special, ordinary, cost)
    sp, od = reference_served(sum(stock), special, ordinary)
    assert [s.special for s in served] == sp
    assert [s.ordinary for s in served] == od
    need = [a + b for a, b in zip(sp, od)]
    assert plan.cost == brute_cost(stock, need, cost)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_no_warehouse_is_over_issued_and_no_one_gets_more_than_asked(case):
    stock, special, ordinary, cost = case
    plan, served, ws = _run(stock, special, ordinary, cost)
    issued = plan.issued()
    assert all(issued.get((w, ITEM), 0) <= q for w, q in zip(ws, stock))
    assert all(0 <= s.special <= s.special_asked and 0 <= s.ordinary <= s.ordinary_asked for s in served)
    assert all(float(s.quantity).is_integer() and s.quantity > 0 for s in plan.shipments)
    assert sum(s.quantity for s in plan.shipments) == sum(s.total for s in served)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_demand_is_met_in_full_whenever_stock_suffices_else_all_stock_goes_out(case):
    stock, special, ordinary, cost = case
    plan, served, _ = _run(stock, special, ordinary, cost)
    if sum(stock) >= sum(special) + sum(ordinary):
        assert plan.shortages == () and all(s.total == s.asked for s in served)
    else:
        assert sum(s.quantity for s in plan.shipments) == sum(stock)
        assert {s.community for s in plan.shortages} == {f"C{j}" for j, s in enumerate(served) if s.total < s.asked}


@settings(max_examples=300, deadline=None)
@given(cases())
def test_special_groups_come_first_and_the_shares_are_fair(case):
    stock, special, ordinary, cost = case
    _plan, served, _ = _run(stock, special, ordinary, cost)
    if any(s.special < s.special_asked for s in served):
        assert all(s.ordinary == 0 for s in served)
    for kind in ("special", "ordinary"):
        asked = [getattr(s, f"{kind}_asked") for s in served]
        got = [getattr(s, kind) for s in served]
        if sum(asked) and sum(got) < sum(asked):
            f = Fraction(sum(got), sum(asked))
            # Whole units: each share is its exact fraction rounded down or up, never further off.
            assert all(abs(g - f * a) < 1 for g, a in zip(got, asked))


@settings(max_examples=200, deadline=None)
@given(cases())
def test_fractional_shares_are_exactly_proportional(case):
    stock, special, ordinary, cost = case
    _plan, served, _ = _run(stock, special, ordinary, cost, whole_units=False)
    for kind in ("special", "ordinary"):
        asked = [getattr(s, f"{kind}_asked") for s in served]
        got = [getattr(s, kind) for s in served]
        if sum(asked):
            f = sum(got) / sum(asked)
            assert all(abs(g - f * a) < 1e-7 for g, a in zip(got, asked))


@settings(max_examples=200, deadline=None)
@given(cases(), st.data())
def test_with_closed_lanes_only_open_ones_carry_and_the_cost_is_least_for_what_is_served(case, data):
    stock, special, ordinary, cost = case
    closed = {(i, j) for i in range(len(stock)) for j in range(len(special)) if data.draw(st.booleans())}
    ws, cs = [f"W{i}" for i in range(len(stock))], [f"C{j}" for j in range(len(special))]
    lanes = {(ws[i], cs[j]): cost[i][j] for i in range(len(ws)) for j in range(len(cs)) if (i, j) not in closed}
    plan = allocate([Stock(w, ITEM, q) for w, q in zip(ws, stock)],
                    [Demand(c, ITEM, p, o) for c, p, o in zip(cs, special, ordinary)], lanes)
    assert all((s.warehouse, s.community) in lanes for s in plan.shipments)
    issued = plan.issued()
    assert all(issued.get((w, ITEM), 0) <= q for w, q in zip(ws, stock))
    served = {s.community: s for s in plan.served}
    need = [int(served[c].total) for c in cs]
    big = 10**6
    blocked = [[big if (i, j) in closed else cost[i][j] for j in range(len(cs))] for i in range(len(ws))]
    assert plan.cost == brute_cost(stock, need, blocked)
    # Nobody is left short while a warehouse with an open lane to them still holds stock.
    for c in cs:
        if served[c].total < served[c].asked:
            for i, w in enumerate(ws):
                if (w, c) in lanes:
                    assert issued.get((w, ITEM), 0) == stock[i]
