"""Vehicle routes with capacities and time windows (配送路线): pure, no Django; PyVRP does the search.

    problem = RoutingProblem(depot=Depot("转运站", x, y, opens=0, closes=600),
                             stops=(Stop("幸福社区", demand=40, x=.., y=.., ready=60, due=180, service=15), ...),
                             vehicles=(Vehicles("4.2米厢货", capacity=200, count=5),))
    plan = solve(problem, seconds=5)
    for route in plan.routes: route.vehicle, [(v.stop, v.arrival) for v in route.visits]
    for u in plan.unserved: explain(u, "zh")

Units are the caller's: coordinates (or a distance matrix) in one length unit, times (ready, due, service,
depot hours, a duration matrix) in one time unit counted from the same zero (e.g. minutes after 06:00).
Without a duration matrix, travel time = distance / speed. Without a distance matrix, distance is the
straight line between (x, y) points. Matrices are indexed [depot, *stops] in the order of `stops`.

Rules: a vehicle leaves the depot no earlier than it opens and is back before it closes; it may wait at a
stop for its window to open (service starts in [ready, due]; it may end after due); the load of a route
(sum of its stops' demand) is at most the vehicle's capacity; each stop is served once by one vehicle.
The objective is the total distance. Stops that cannot be served are returned in `unserved` with a reason:
demand above every vehicle's capacity, a window that closes before a vehicle from the depot can arrive, a
stop from which the vehicle cannot be back before the depot closes, or too few vehicles for all of them.

Every solution `solve` returns has passed `route_check` (capacity, windows, vehicle counts, each stop at
most once, every stop served or explained, distances as stated); a failure raises RoutingError.
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

import numpy as np

__all__ = [
    "Depot", "Stop", "Vehicles", "RoutingProblem", "Visit", "Route", "Unserved", "Why", "RoutingSolution",
    "RoutingError", "solve", "route_check", "matrices", "explain",
]

TOLERANCE = 1e-6


class RoutingError(ValueError):
    """Bad input (the message says which stop or vehicle and why, Chinese then English), or a plan that
    failed the feasibility check (a bug: never handed out)."""


@dataclass(frozen=True)
class Depot:
    """Warehouse or transfer station (中转站) every route starts from and returns to, with its hours."""

    key: str = "depot"
    x: float = 0.0
    y: float = 0.0
    opens: float = 0.0
    closes: float = math.inf


@dataclass(frozen=True)
class Stop:
    """A drop point: demand (whole units of load), service window [ready, due] and service time."""

    key: str
    demand: int
    x: float = 0.0
    y: float = 0.0
    ready: float = 0.0
    due: float = math.inf
    service: float = 0.0


@dataclass(frozen=True)
class Vehicles:
    """`count` vehicles of one kind, each carrying at most `capacity` units."""

    key: str
    capacity: int
    count: int


@dataclass(frozen=True)
class RoutingProblem:
    depot: Depot
    stops: tuple[Stop, ...]
    vehicles: tuple[Vehicles, ...]
    distance: Sequence[Sequence[float]] | np.ndarray | None = None   # [depot, *stops] square
    duration: Sequence[Sequence[float]] | np.ndarray | None = None   # same shape; None: distance / speed
    speed: float = 1.0


@dataclass(frozen=True)
class Visit:
    """Arrival at a stop, start of service (after any wait for the window) and departure."""

    stop: str
    arrival: float
    start: float
    departure: float


@dataclass(frozen=True)
class Route:
    """One vehicle's trip: leaves the depot at `leaves`, visits in order, is back at `returns`."""

    vehicle: str
    visits: tuple[Visit, ...]
    load: int
    distance: float
    leaves: float
    returns: float


class Why(str, Enum):
    OVER_CAPACITY = "over_capacity"              # demand above the largest vehicle's capacity
    WINDOW_UNREACHABLE = "window_unreachable"    # even leaving the depot at opening, arrives after `due`
    NO_RETURN = "no_return"                      # cannot be served and back before the depot closes
    FLEET_SHORT = "fleet_short"                  # too few vehicles (or hours) to serve every stop
    NO_VEHICLES = "no_vehicles"                  # no vehicle given at all


@dataclass(frozen=True)
class Unserved:
    """A stop left out and why; numbers: demand, capacity, earliest_arrival, due, back_at, closes, ..."""

    stop: str
    why: Why
    numbers: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class RoutingSolution:
    routes: tuple[Route, ...]
    unserved: tuple[Unserved, ...]
    distance: float                 # total distance of the routes (unrounded)

    @property
    def vehicles_used(self) -> int:
        return len(self.routes)


def _whole(v) -> bool:
    return isinstance(v, Integral) and not isinstance(v, bool)


def _finite_nonneg(v, what: str, key: str, *, inf_ok: bool = False) -> None:
    if not isinstance(v, Real) or isinstance(v, bool) or math.isnan(v) or v < 0 or (math.isinf(v) and not inf_ok):
        raise RoutingError(f"{key}：{what}须为非负数 / {key}: {what} must be a number ≥ 0 (got {v!r})")


def validate(problem: RoutingProblem) -> None:
    """Refuse bad input with a clear message: negative numbers, windows inverted, duplicate keys, bad matrix."""
    d = problem.depot
    _finite_nonneg(d.opens, "开始时间 opens", d.key)
    _finite_nonneg(d.closes, "结束时间 closes", d.key, inf_ok=True)
    if d.closes < d.opens:
        raise RoutingError(f"{d.key}：关闭早于开放 / {d.key}: closes before it opens")
    keys = [s.key for s in problem.stops]
    dup = [k for k, n in Counter(keys).items() if n > 1]
    if dup:
        raise RoutingError(f"配送点重复：{dup[:5]} / duplicate stops: {dup[:5]}")
    for s in problem.stops:
        if not _whole(s.demand) or s.demand < 0:
            raise RoutingError(f"{s.key}：需求须为非负整数 / {s.key}: demand must be a whole number ≥ 0")
        _finite_nonneg(s.ready, "最早时间 ready", s.key)
        _finite_nonneg(s.due, "最晚时间 due", s.key, inf_ok=True)
        _finite_nonneg(s.service, "服务时长 service", s.key)
        if s.due < s.ready:
            raise RoutingError(f"{s.key}：时间窗结束早于开始 / {s.key}: window ends before it starts")
    for v in problem.vehicles:
        if not (_whole(v.capacity) and _whole(v.count)) or v.capacity < 0 or v.count < 0:
            raise RoutingError(f"{v.key}：载重与数量须为非负整数 / {v.key}: capacity and count must be whole numbers ≥ 0")
    if not (problem.speed > 0 and math.isfinite(problem.speed)):
        raise RoutingError("速度须为正数 / speed must be positive")


def _array(m) -> np.ndarray | None:
    try:
        return np.asarray(m, float)
    except (TypeError, ValueError):
        return None  # ragged or not numbers: refused below with the expected shape


def matrices(problem: RoutingProblem) -> tuple[np.ndarray, np.ndarray]:
    """Distance and travel-time matrices over [depot, *stops] (float, validated)."""
    n = len(problem.stops) + 1
    if problem.distance is None:
        pts = np.array([(problem.depot.x, problem.depot.y)] + [(s.x, s.y) for s in problem.stops], float)
        dist = np.hypot(pts[:, None, 0] - pts[None, :, 0], pts[:, None, 1] - pts[None, :, 1])
    else:
        dist = _array(problem.distance)
    if problem.duration is not None:
        dur = _array(problem.duration)
    else:
        dur = None if dist is None else dist / problem.speed
    for name, m in (("距离 distance", dist), ("时间 duration", dur)):
        if m is None or m.shape != (n, n) or not np.isfinite(m).all() or (m < 0).any():
            raise RoutingError(f"{name}矩阵须为{n}×{n}的非负有限数 / {name} matrix must be {n}×{n}, finite, ≥ 0")
    return dist, dur


def schedule(problem, dur, order: Sequence[int], leaves: float) -> tuple[list[tuple[float, float, float]], float]:
    """Forward pass over stop indices (1-based in the matrices): (arrival, start, departure) each, back time."""
    at, here, out = leaves, 0, []
    for j in order:
        arrival = at + float(dur[here, j])
        stop = problem.stops[j - 1]
        start = max(arrival, stop.ready)
        at = start + stop.service
        out.append((arrival, start, at))
        here = j
    return out, at + float(dur[here, 0])


def route_check(problem: RoutingProblem, solution: RoutingSolution) -> list[str]:
    """Every way the solution breaks the rules, in words; an empty list means feasible and complete."""
    dist, dur = matrices(problem)
    index = {s.key: i + 1 for i, s in enumerate(problem.stops)}
    kinds = {v.key: v for v in problem.vehicles}
    faults: list[str] = []
    seen: Counter = Counter()
    used: Counter = Counter()
    total = 0.0
    for k, r in enumerate(solution.routes, 1):
        v = kinds.get(r.vehicle)
        if v is None:
            faults.append(f"route {k}: unknown vehicle {r.vehicle!r}")
            continue
        used[r.vehicle] += 1
        unknown = [x.stop for x in r.visits if x.stop not in index]
        if unknown or not r.visits:
            faults.append(f"route {k}: unknown stops {unknown}" if unknown else f"route {k}: no stops")
            continue
        order = [index[x.stop] for x in r.visits]
        seen.update(x.stop for x in r.visits)
        load = sum(problem.stops[j - 1].demand for j in order)
        if load > v.capacity or load != r.load:
            faults.append(f"route {k}: load {load} (stated {r.load}) on capacity {v.capacity}")
        if r.leaves < problem.depot.opens - TOLERANCE:
            faults.append(f"route {k}: leaves at {r.leaves} before the depot opens at {problem.depot.opens}")
        times, back = schedule(problem, dur, order, r.leaves)
        for (arrival, start, departure), x, j in zip(times, r.visits, order):
            due = problem.stops[j - 1].due
            if start > due + TOLERANCE:
                faults.append(f"route {k}: stop {x.stop} served at {start:.3f} after its window closes at {due}")
            if max(abs(arrival - x.arrival), abs(start - x.start), abs(departure - x.departure)) > 1e-4:
                faults.append(f"route {k}: stop {x.stop} times stated {x.arrival, x.start, x.departure}, "
                              f"computed {arrival, start, departure}")
        if back > problem.depot.closes + TOLERANCE or abs(back - r.returns) > 1e-4:
            faults.append(f"route {k}: back at {back:.3f} (stated {r.returns}), depot closes {problem.depot.closes}")
        length = float(dist[0, order[0]] + dist[order[-1], 0] + sum(dist[a, b] for a, b in zip(order, order[1:])))
        if abs(length - r.distance) > 1e-6 * max(1.0, length):
            faults.append(f"route {k}: distance stated {r.distance}, computed {length}")
        total += length
    for key, n in used.items():
        if n > kinds[key].count:
            faults.append(f"vehicle {key}: {n} routes for {kinds[key].count} vehicles")
    seen.update(u.stop for u in solution.unserved)
    faults += [f"stop {s} appears {n} times" for s, n in seen.items() if n > 1]
    faults += [f"unknown stop {s} left unserved" for s in seen if s not in index]
    faults += [f"stop {s} neither served nor explained" for s in index if s not in seen]
    if abs(total - solution.distance) > 1e-6 * max(1.0, total):
        faults.append(f"total distance stated {solution.distance}, computed {total}")
    return faults


def solve(problem: RoutingProblem, *, seconds: float = 5.0, iterations: int | None = None,
          seed: int = 1, cpu: bool = False) -> RoutingSolution:
    """Routes of least total distance serving every stop that can be served; the rest explained.

    Stops by at most `seconds` of search (or `iterations`, for reproducible tests); when the fleet cannot
    serve every stop, a second search of the same length keeps as many stops as it can. With cpu=True the
    seconds are this process's processor time, not wall time (a fair budget on a busy, shared machine).
    Raises RoutingError on bad input (see `validate`).
    """
    from shaodian.supplies import route_pyvrp

    validate(problem)
    dist, dur = matrices(problem)
    plan = route_pyvrp.plan(problem, dist, dur, seconds=seconds, iterations=iterations, seed=seed, cpu=cpu)
    faults = route_check(problem, plan)
    if faults:
        raise RoutingError("路线校验未通过 / the plan failed its check: " + "; ".join(faults[:5]))
    return plan


_ZH = {
    Why.OVER_CAPACITY: "需求{demand:g}超过最大车辆载重{capacity:g}",
    Why.WINDOW_UNREACHABLE: "车辆即使准时出发，最早{earliest_arrival:g}到达，已过时间窗截止{due:g}",
    Why.NO_RETURN: "服务后最早{back_at:g}才能返回，晚于站点关闭时间{closes:g}",
    Why.FLEET_SHORT: "车辆或时间不足，无法在同一计划中送达所有配送点",
    Why.NO_VEHICLES: "没有可用车辆",
}
_EN = {
    Why.OVER_CAPACITY: "demand {demand:g} is above the largest vehicle's capacity {capacity:g}",
    Why.WINDOW_UNREACHABLE: "even leaving on time a vehicle arrives at {earliest_arrival:g}, after the window "
                            "closes at {due:g}",
    Why.NO_RETURN: "after service a vehicle is back at {back_at:g} at the earliest, after the depot closes at {closes:g}",
    Why.FLEET_SHORT: "too few vehicles or hours to reach every stop in one plan",
    Why.NO_VEHICLES: "no vehicle is available",
}


def explain(u: Unserved, lang: str = "zh") -> str:
    """One sentence for a dispatcher: which stop is left out and why."""
    words = {"demand": 0, "capacity": 0, "earliest_arrival": 0, "due": 0, "back_at": 0, "closes": 0, **u.numbers}
    if lang.startswith("zh"):
        return f"配送点{u.stop}未排入路线：" + _ZH[u.why].format(**words) + "。"
    return f"Stop {u.stop} is not routed: " + _EN[u.why].format(**words) + "."
