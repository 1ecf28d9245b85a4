"""Routing by examples: routes within capacity and windows, the unservable explained, the checker's teeth."""

import dataclasses
import math

import pytest

from shaodian.supplies.routing import (
    Depot, Route, RoutingError, RoutingProblem, RoutingSolution, Stop, Unserved, Vehicles, Visit, Why, explain,
    route_check, solve,
)

DEPOT = Depot("中转站", 0, 0, opens=0, closes=100)
TRUCK = Vehicles("厢货", capacity=10, count=2)


def _problem(stops, vehicles=(TRUCK,), **kw):
    return RoutingProblem(depot=kw.pop("depot", DEPOT), stops=tuple(stops), vehicles=tuple(vehicles), **kw)


def _solve(problem):
    return solve(problem, iterations=300, seed=1)


def test_it_routes_every_stop_within_capacity_and_windows():
    stops = [Stop("A", 4, 10, 0), Stop("B", 4, 10, 1), Stop("C", 4, -10, 0), Stop("D", 4, -10, 1, ready=20, due=30)]
    plan = _solve(_problem(stops))
    assert route_check(_problem(stops), plan) == []
    assert plan.unserved == () and plan.vehicles_used == 2
    assert sorted(sorted(v.stop for v in r.visits) for r in plan.routes) == [["A", "B"], ["C", "D"]]
    d = next(v for r in plan.routes for v in r.visits if v.stop == "D")
    assert 20 <= d.start <= 30 and d.arrival <= d.start
    assert plan.distance == pytest.approx(2 * (10 + 1 + math.hypot(10, 1)))


def test_a_driver_leaves_so_as_not_to_wait_at_the_first_door():
    plan = _solve(_problem([Stop("A", 1, 10, 0, ready=50, due=60)]))
    [route] = plan.routes
    assert route.leaves == pytest.approx(40) and route.visits[0].arrival == pytest.approx(50)
    assert route.returns == pytest.approx(60)


def test_a_distance_and_a_duration_matrix_are_used_as_given():
    dist = [[0, 5, 7], [5, 0, 1], [7, 1, 0]]
    dur = [[0, 30, 20], [30, 0, 10], [20, 10, 0]]
    problem = _problem([Stop("A", 1), Stop("B", 1, due=25)], distance=dist, duration=dur)
    plan = _solve(problem)
    assert route_check(problem, plan) == []
    # B must come first (due 25: 20 away directly, 40 after A); then A.
    [route] = plan.routes
    assert [v.stop for v in route.visits] == ["B", "A"] and route.distance == pytest.approx(7 + 1 + 5)


def test_stops_no_vehicle_can_serve_are_explained():
    stops = [Stop("big", 11, 1, 0), Stop("late", 1, 50, 0, due=40), Stop("far", 1, 0, 48, ready=0, due=60, service=10),
             Stop("ok", 1, 1, 1)]
    plan = _solve(_problem(stops))
    assert route_check(_problem(stops), plan) == []
    why = {u.stop: u.why for u in plan.unserved}
    assert why == {"big": Why.OVER_CAPACITY, "late": Why.WINDOW_UNREACHABLE, "far": Why.NO_RETURN}
    texts = {u.stop: explain(u, "zh") for u in plan.unserved}
    assert texts["big"] == "配送点big未排入路线：需求11超过最大车辆载重10。"
    assert "最早50到达，已过时间窗截止40" in texts["late"]
    assert "after the depot closes at 100" in explain(next(u for u in plan.unserved if u.stop == "far"), "en")


def test_too_small_a_fleet_serves_what_it_can_and_says_so():
    # Two stops at the same hour in opposite directions: one truck can reach only one of them.
    stops = [Stop("东", 1, 30, 0, ready=30, due=31), Stop("西", 1, -30, 0, ready=30, due=31), Stop("南", 1, 0, -5)]
    problem = _problem(stops, vehicles=(Vehicles("皮卡", 5, 1),))
    plan = _solve(problem)
    assert route_check(problem, plan) == []
    assert plan.vehicles_used == 1 and len(plan.routes[0].visits) == 2
    [left] = plan.unserved
    assert left.why == Why.FLEET_SHORT and left.stop in ("东", "西")
    assert "车辆或时间不足" in explain(left)


def test_no_vehicles_means_every_stop_is_explained():
    problem = _problem([Stop("A", 1, 1, 1)], vehicles=(Vehicles("厢货", 10, 0),))
    plan = _solve(problem)
    assert plan.routes == () and [u.why for u in plan.unserved] == [Why.NO_VEHICLES]


@pytest.mark.parametrize("change, says", [
    (dict(stops=(Stop("A", -1),)), "demand must be a whole number"),
    (dict(stops=(Stop("A", 1.5),)), "demand must be a whole number"),
    (dict(stops=(Stop("A", 1, ready=10, due=5),)), "window ends before it starts"),
    (dict(stops=(Stop("A", 1, service=math.nan),)), "service must be a number"),
    (dict(stops=(Stop("A", 1), Stop("A", 2))), "duplicate stops"),
    (dict(vehicles=(Vehicles("厢货", -5, 1),)), "capacity and count"),
    (dict(depot=Depot("中转站", opens=10, closes=5)), "closes before it opens"),
    (dict(distance=[[0, 1], [1]]), "distance"),
    (dict(distance=[[0, -1], [1, 0]]), "distance"),
    (dict(speed=0), "speed must be positive"),
])
def test_bad_input_is_refused_with_a_clear_message(change, says):
    problem = dataclasses.replace(_problem([Stop("A", 1, 1, 0)]), **change)
    with pytest.raises(RoutingError, match=says):
        solve(problem, iterations=10)


def _plan_by_hand(problem, orders, vehicle="厢货"):
    from shaodian.supplies.route_pyvrp import _route
    from shaodian.supplies.routing import matrices

    dist, dur = matrices(problem)
    index = {s.key: i + 1 for i, s in enumerate(problem.stops)}
    routes = tuple(_route(problem, dist, dur, vehicle, [index[k] for k in order]) for order in orders)
    return RoutingSolution(routes, (), sum(r.distance for r in routes))


def test_the_checker_finds_every_kind_of_fault():
    stops = [Stop("A", 6, 10, 0), Stop("B", 6, 20, 0, due=15), Stop("C", 1, -5, 0)]
    problem = _problem(stops, vehicles=(Vehicles("厢货", 10, 1),))
    good = _plan_by_hand(problem, [["A"], ["C"]])
    assert route_check(problem, dataclasses.replace(good, unserved=(Unserved("B", Why.FLEET_SHORT),))) == [
        "vehicle 厢货: 2 routes for 1 vehicles"]
    faults = route_check(problem, _plan_by_hand(problem, [["A", "B", "C"]]))
    assert any("load 13" in f for f in faults) and any("stop B served at 20.000 after its window closes" in f
                                                      for f in faults)
    twice = _plan_by_hand(problem, [["A", "C", "A"]])
    faults = route_check(problem, twice)
    assert "stop A appears 2 times" in faults and "stop B neither served nor explained" in faults
    bent = dataclasses.replace(good.routes[0], distance=1.0, visits=(Visit("A", 9, 9, 9),))
    faults = route_check(problem, RoutingSolution((bent,), (Unserved("B", Why.FLEET_SHORT),
                                                            Unserved("C", Why.FLEET_SHORT)), 1.0))
    assert any("distance stated 1.0" in f for f in faults) and any("times stated" in f for f in faults)
    stranger = Route("飞机", (Visit("A", 10, 10, 10),), 6, 20, 0, 20)
    assert route_check(problem, RoutingSolution((stranger,), (), 20)) [0] == "route 1: unknown vehicle '飞机'"


def test_the_depot_closing_time_binds_the_return():
    problem = _problem([Stop("A", 1, 40, 0, service=30)], depot=Depot("中转站", 0, 0, opens=0, closes=100))
    late = _plan_by_hand(problem, [["A"]])
    assert route_check(problem, late) == [f"route 1: back at 110.000 (stated {late.routes[0].returns}), depot closes 100"]


def test_numpy_numbers_are_taken_as_they_come():
    import numpy as np

    problem = _problem([Stop("A", np.int64(3), np.float64(1.5), 0, due=np.float64(50))],
                       vehicles=(Vehicles("厢货", np.int64(5), np.int32(1)),))
    plan = _solve(problem)
    assert route_check(problem, plan) == [] and plan.routes[0].load == 3
    with pytest.raises(RoutingError, match="demand must be a whole number"):
        _solve(_problem([Stop("A", True)]))
