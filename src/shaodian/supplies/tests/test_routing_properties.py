"""Routing against a brute-force reference on tiny instances (hypothesis, no Django).

The reference tries every split of the stops into at most `count` routes and every order within each,
keeping the shortest plan in which every route respects capacity, windows and depot hours (in floats).
To stay fair to the solver's safe-side rounding of times (1/1000 of a time unit), the reference plans
with windows closing 0.01 earlier; ours must be at least as short as that plan and never shorter than
the true optimum.
"""

import dataclasses
import itertools
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from shaodian.supplies.routing import Depot, RoutingProblem, Stop, Vehicles, matrices, route_check, schedule, solve


def _partitions(items):
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in _partitions(rest):
        for k in range(len(part)):
            yield part[:k] + [[first, *part[k]]] + part[k + 1:]
        yield [[first], *part]


def brute_force(problem: RoutingProblem) -> float | None:
    """Least total distance serving every stop, or None when no plan serves them all."""
    dist, dur = matrices(problem)
    v = problem.vehicles[0]
    best_route: dict[tuple, float | None] = {}

    def route_cost(group):
        key = tuple(sorted(group))
        if key not in best_route:
            best = None
            if sum(problem.stops[j - 1].demand for j in group) <= v.capacity:
                for order in itertools.permutations(group):
                    times, back = schedule(problem, dur, order, problem.depot.opens)
                    if back <= problem.depot.closes and all(
                            t[1] <= problem.stops[j - 1].due for t, j in zip(times, order)):
                        d = dist[0, order[0]] + dist[order[-1], 0] + sum(dist[a, b] for a, b in zip(order, order[1:]))
                        best = d if best is None else min(best, d)
            best_route[key] = best
        return best_route[key]

    best = None
    for part in _partitions(list(range(1, len(problem.stops) + 1))):
        if len(part) > v.count:
            continue
        costs = [route_cost(g) for g in part]
        if all(c is not None for c in costs):
            best = sum(costs) if best is None else min(best, sum(costs))
    return best


@st.composite
def problems(draw):
    n = draw(st.integers(1, 5))
    stops = []
    for k in range(n):
        ready = draw(st.integers(0, 60))
        stops.append(Stop(f"S{k}", draw(st.integers(1, 6)), draw(st.integers(-20, 20)), draw(st.integers(-20, 20)),
                          ready=ready, due=ready + draw(st.integers(0, 80)), service=draw(st.integers(0, 10))))
    fleet = Vehicles("车", draw(st.integers(6, 15)), draw(st.integers(1, 3)))
    return RoutingProblem(depot=Depot("站", 0, 0, opens=0, closes=draw(st.integers(60, 200))), stops=tuple(stops),
                          vehicles=(fleet,))


@settings(max_examples=120, deadline=None)
@given(problems())
def test_it_finds_the_shortest_plan_and_every_plan_passes_the_checker(problem):
    plan = solve(problem, iterations=400, seed=2)
    assert route_check(problem, plan) == []
    exact = brute_force(problem)
    safe = brute_force(dataclasses.replace(
        problem, stops=tuple(dataclasses.replace(s, due=s.due - 0.01) for s in problem.stops)))
    if exact is None:
        assert plan.unserved  # nothing can serve every stop: some are explained
    if safe is not None:
        assert not plan.unserved
        assert plan.distance <= safe + 1e-6 * max(1.0, safe)
    if not plan.unserved:
        assert exact is not None and plan.distance >= exact - 1e-6 * max(1.0, exact)


@settings(max_examples=60, deadline=None)
@given(problems())
def test_the_reasons_given_hold(problem):
    plan = solve(problem, iterations=200, seed=3)
    dist, dur = matrices(problem)
    cap = max(v.capacity for v in problem.vehicles)
    for u in plan.unserved:
        j = next(i for i, s in enumerate(problem.stops, 1) if s.key == u.stop)
        s = problem.stops[j - 1]
        if u.why == "over_capacity":
            assert s.demand > cap
        elif u.why == "window_unreachable":
            assert problem.depot.opens + dur[0, j] > s.due - 0.01
        elif u.why == "no_return":
            back = max(problem.depot.opens + dur[0, j], s.ready) + s.service + dur[j, 0]
            assert back > problem.depot.closes - 0.01
        else:
            assert u.why == "fleet_short" and s.demand <= cap and math.isfinite(dist[0, j])
