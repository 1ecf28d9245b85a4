"""A city's delivery plan (全市配送计划): 1,000 drop points with time windows, one transfer station, 60 s.

    shaodian bench route-city [--customers 1000] [--seconds 60] [--clock cpu|wall] [--seed 1]

No Gehring–Homberger file ships here, so the instance is generated in code, seeded, in their style (type
RC1): a 500 × 500 square with the depot in the middle, half the customers in 30 clusters and half spread
at random, demand 1–50 against a capacity of 200, service 10, the depot open for 1,500, and windows of
30–120 placed at random between the earliest arrival from the depot and the last start that still lets the
vehicle return; 250 vehicles. Distances and travel times are Euclidean and unrounded.

Ours: `supplies.routing.solve` for `--seconds`. Baseline: PyVRP called directly for the same time on the same
instance (ProblemData with the distances and times ×10 rounded, as its own examples do; distance measured
unrounded on its routes). Ratio = our distance / the baseline's; target ≤ 1.01, within 60 s. `--clock cpu`
(the default) gives both the same processor time, whatever else the machine is doing.
"""

import math
import os
import random
import time

import numpy as np

from shaodian_bench import _support

NAME = "route-city"  # as the verdict line and `shaodian bench route-city` name it; the module is route_city
TARGET_RATIO = 1.01


def _options(argv):
    p = _support.parser(NAME, __doc__.splitlines()[0])
    p.add_argument("--customers", type=int, default=1000)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--clock", choices=["cpu", "wall"], default="cpu")
    return p.parse_args(argv)


def make(n: int, seed: int):
    """A seeded RC1-style instance of n customers as a RoutingProblem."""
    from shaodian.supplies.routing import Depot, RoutingProblem, Stop, Vehicles

    rng = random.Random(seed)
    side, horizon, service = 500.0, 1500.0, 10.0
    depot = Depot("转运站", side / 2, side / 2, opens=0, closes=horizon)
    centres = [(rng.uniform(25, side - 25), rng.uniform(25, side - 25)) for _ in range(30)]
    stops = []
    for k in range(n):
        if k % 2 == 0:
            cx, cy = rng.choice(centres)
            x, y = min(side, max(0.0, rng.gauss(cx, 12))), min(side, max(0.0, rng.gauss(cy, 12)))
        else:
            x, y = rng.uniform(0, side), rng.uniform(0, side)
        away = math.hypot(x - depot.x, y - depot.y)
        width = rng.uniform(30, 120)
        first, last = math.ceil(away), math.floor(horizon - away - service)
        ready = rng.uniform(first, max(first, last - width))
        stops.append(Stop(f"{k + 1}", rng.randint(1, 50), x, y, ready=round(ready), due=round(ready) + round(width),
                          service=service))
    return RoutingProblem(depot=depot, stops=tuple(stops), vehicles=(Vehicles("厢货", capacity=200, count=250),))


def direct_pyvrp(problem, dist: np.ndarray, seconds: float, seed: int, cpu: bool) -> tuple[float, int, int]:
    """PyVRP without the platform's layer: (unrounded distance, routes, customers left out)."""
    from pyvrp import Client, Depot, Location, ProblemData, VehicleType, solve

    from shaodian_bench.route import stopper

    scale = 10
    d = problem.depot
    m = np.rint(dist * scale).astype(np.int64)
    locations = [Location(d.x, d.y)] + [Location(s.x, s.y) for s in problem.stops]
    clients = [Client(location=j, delivery=[s.demand], service_duration=round(s.service * scale),
                      tw_early=round(s.ready * scale), tw_late=round(s.due * scale))
               for j, s in enumerate(problem.stops, 1)]
    v = problem.vehicles[0]
    data = ProblemData(locations, clients, [Depot(0, tw_early=0, tw_late=round(d.closes * scale))],
                       [VehicleType(v.count, capacity=[v.capacity], tw_late=round(d.closes * scale))], [m], [m])
    best = solve(data, stop=stopper(seconds, cpu), seed=seed, collect_stats=False, display=False).best
    orders = [[a.idx + 1 for a in r.schedule() if a.is_client()] for r in best.routes()]
    length = sum(dist[0, o[0]] + dist[o[-1], 0] + sum(dist[a, b] for a, b in zip(o, o[1:])) for o in orders if o)
    feasible = "feasible" if best.is_feasible() else "INFEASIBLE"
    print(f"  direct PyVRP: {feasible} in its rounded numbers")
    return float(length), len(orders), len(problem.stops) - sum(len(o) for o in orders)


def main(argv: list[str]) -> int:
    from shaodian.supplies import routing

    opts = _options(argv)
    problem = make(opts.customers, opts.seed)
    print(f"{opts.customers} customers (seeded RC1-style, seed {opts.seed}), {opts.seconds:g} s ({opts.clock}) each; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    t0 = time.perf_counter()
    plan = routing.solve(problem, seconds=opts.seconds, seed=opts.seed, cpu=opts.clock == "cpu")
    ours_s = time.perf_counter() - t0
    print(f"ours: {plan.distance:.1f} over {plan.vehicles_used} routes, {len(plan.unserved)} left out, "
          f"checked feasible, {ours_s:.1f} s")
    dist, _ = routing.matrices(problem)
    t0 = time.perf_counter()
    base, routes, left = direct_pyvrp(problem, dist, opts.seconds, opts.seed, opts.clock == "cpu")
    print(f"direct PyVRP: {base:.1f} over {routes} routes, {left} left out, {time.perf_counter() - t0:.1f} s")
    ratio = plan.distance / base
    print(f"ratio {ratio:.4f} ({'within' if ratio <= TARGET_RATIO else 'over'} the {TARGET_RATIO} target)")
    print(f"{NAME}: ours {plan.distance:.1f} distance, baseline {base:.1f} distance, ratio {ratio:.3f}")
    return 0
