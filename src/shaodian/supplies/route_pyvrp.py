"""The PyVRP side of `routing.solve`: screen out stops no vehicle can serve, search, read the routes back.

PyVRP works in integers. Distances are scaled by SCALE and rounded (the objective; the distances we report
are recomputed unrounded from the caller's matrix). Times are scaled by SCALE and rounded towards the safe
side: travel and service times up, window openings up, window closings and depot closing down. So a plan
PyVRP finds feasible in integers is feasible in the caller's own numbers, which `route_check` then verifies.
"""

from __future__ import annotations

import math
import time

import numpy as np
from pyvrp import Client, Depot, Location, ProblemData, VehicleType
from pyvrp import solve as pyvrp_solve
from pyvrp.stop import MaxIterations, MaxRuntime

from shaodian.supplies.routing import Route, RoutingProblem, RoutingSolution, Unserved, Visit, Why, schedule

SCALE = 1000
BIG = 2**40  # "no limit" in scaled integers; far above any real plan, far below int64 overflow in sums


def _up(t: float) -> int:
    return BIG if math.isinf(t) else min(BIG, math.ceil(t * SCALE - 1e-6))


def _down(t: float) -> int:
    return BIG if math.isinf(t) else min(BIG, math.floor(t * SCALE + 1e-6))


def _int_matrix(m: np.ndarray, up: bool) -> np.ndarray:
    scaled = m * SCALE
    return (np.ceil(scaled - 1e-6) if up else np.rint(scaled)).astype(np.int64)


def screen(problem: RoutingProblem, dur_i: np.ndarray) -> tuple[list[int], list[Unserved]]:
    """Stops a single vehicle could serve on a trip of its own, and the others with their reason."""
    fleet = [v for v in problem.vehicles if v.count > 0]
    biggest = max((v.capacity for v in fleet), default=0)
    opens, closes = _up(problem.depot.opens), _down(problem.depot.closes)
    keep, out = [], []
    for j, s in enumerate(problem.stops, 1):
        arrive = opens + int(dur_i[0, j])
        back = max(arrive, _up(s.ready)) + _up(s.service) + int(dur_i[j, 0])
        if not fleet:
            out.append(Unserved(s.key, Why.NO_VEHICLES, {"demand": s.demand}))
        elif s.demand > biggest:
            out.append(Unserved(s.key, Why.OVER_CAPACITY, {"demand": s.demand, "capacity": biggest}))
        elif arrive > _down(s.due):
            out.append(Unserved(s.key, Why.WINDOW_UNREACHABLE, {"earliest_arrival": arrive / SCALE, "due": s.due}))
        elif back > closes:
            out.append(Unserved(s.key, Why.NO_RETURN, {"back_at": back / SCALE, "closes": problem.depot.closes}))
        else:
            keep.append(j)
    return keep, out


def _data(problem, keep, dist_i, dur_i, optional: bool) -> ProblemData:
    d = problem.depot
    idx = [0, *keep]
    sub_dist = np.ascontiguousarray(dist_i[np.ix_(idx, idx)])
    sub_dur = np.ascontiguousarray(dur_i[np.ix_(idx, idx)])
    prize = int(4 * sub_dist.max() + SCALE) if optional else 0
    locations = [Location(d.x, d.y, name=d.key)] + [
        Location(problem.stops[j - 1].x, problem.stops[j - 1].y, name=problem.stops[j - 1].key) for j in keep]
    clients = [
        Client(location=n, delivery=[int(s.demand)], service_duration=_up(s.service), tw_early=_up(s.ready),
               tw_late=_down(s.due), prize=prize, required=not optional, name=s.key)
        for n, s in enumerate((problem.stops[j - 1] for j in keep), 1)
    ]
    depots = [Depot(location=0, tw_early=_up(d.opens), tw_late=_down(d.closes), name=d.key)]
    types = [VehicleType(num_available=int(v.count), capacity=[int(v.capacity)], tw_early=_up(d.opens),
                         tw_late=_down(d.closes), name=v.key)
             for v in problem.vehicles if v.count > 0]
    return ProblemData(locations, clients, depots, types, [sub_dist], [sub_dur])


class CpuTime:
    """PyVRP stopping criterion: this process's processor time since the first call exceeds `seconds`."""

    def __init__(self, seconds: float):
        self.seconds, self.start = seconds, None

    def __call__(self, best_cost: int) -> bool:
        if self.start is None:
            self.start = time.process_time()
        return time.process_time() - self.start > self.seconds


def _search(data: ProblemData, seconds: float, iterations: int | None, seed: int, cpu: bool = False):
    if iterations is not None:
        stop = MaxIterations(iterations)
    else:
        stop = CpuTime(seconds) if cpu else MaxRuntime(seconds)
    return pyvrp_solve(data, stop=stop, seed=seed, collect_stats=False, display=False).best


def plan(problem: RoutingProblem, dist: np.ndarray, dur: np.ndarray, *, seconds: float,
         iterations: int | None, seed: int, cpu: bool = False) -> RoutingSolution:
    """Solve with every servable stop required; if the fleet cannot, again with stops optional but prized."""
    dist_i, dur_i = _int_matrix(dist, up=False), _int_matrix(dur, up=True)
    keep, unserved = screen(problem, dur_i)
    if not keep:
        return RoutingSolution((), tuple(unserved), 0.0)
    fleet = [v for v in problem.vehicles if v.count > 0]
    room = sum(v.capacity * v.count for v in fleet)
    best = None
    if sum(problem.stops[j - 1].demand for j in keep) <= room:
        best = _search(_data(problem, keep, dist_i, dur_i, optional=False), seconds, iterations, seed, cpu)
    if best is None or not best.is_feasible():
        best = _search(_data(problem, keep, dist_i, dur_i, optional=True), seconds, iterations, seed, cpu)
    kinds = [v for v in problem.vehicles if v.count > 0]
    routes, served = [], set()
    for r in best.routes():
        order = [keep[a.idx] for a in r.schedule() if a.is_client()]  # idx: 0-based among clients
        if not order or not r.is_feasible():
            continue  # an infeasible route is dropped whole: its stops are reported as not served
        routes.append(_route(problem, dist, dur, kinds[r.vehicle_type()].key, order))
        served.update(order)
    for j in keep:
        if j not in served:
            unserved.append(Unserved(problem.stops[j - 1].key, Why.FLEET_SHORT, {"demand": problem.stops[j - 1].demand}))
    return RoutingSolution(tuple(routes), tuple(unserved), float(sum(r.distance for r in routes)))


def _route(problem, dist, dur, vehicle: str, order: list[int]) -> Route:
    first = problem.stops[order[0] - 1]
    # Leave as late as the first stop allows without changing any service start: no wait at the first door.
    leaves = max(problem.depot.opens, first.ready - float(dur[0, order[0]]))
    times, back = schedule(problem, dur, order, leaves)
    visits = tuple(Visit(problem.stops[j - 1].key, a, s, d) for j, (a, s, d) in zip(order, times))
    length = float(dist[0, order[0]] + dist[order[-1], 0] + sum(dist[a, b] for a, b in zip(order, order[1:])))
    load = sum(problem.stops[j - 1].demand for j in order)
    return Route(vehicle, visits, int(load), length, leaves, back)
