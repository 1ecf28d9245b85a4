"""Vehicle routing (配送路线) on the nine Solomon VRPTW instances: mean gap to the best known distance.

    shaodian bench route [--seconds 3] [--clock cpu|wall] [--instances DIR] [--seed 1] [--baseline vroom|pyvrp]

Ours: `supplies.routing.solve`, the platform's own routing (validation, screening, PyVRP search, the
feasibility check), `--seconds` per instance on one core; the gap is that of the unrounded Euclidean
distance of its routes to the best-known distance (`BKS.json`, keys `*_distance`). Baseline: VROOM
(pyvroom, exploration level 5, one thread, the same time limit) where it is installed, else PyVRP called
directly (`pyvrp.Model`, distances ×10 rounded, as its own examples do); the baseline's gap is computed the
same way. Target: mean gap ≤ 0.5 % at ≤ 3 s per instance on one core. `--clock cpu` (the default) counts
the seconds as processor time of this process, so a busy shared machine does not shorten the search
(PyVRP is single-threaded: one core); VROOM's own time limit is wall time, so with `--clock cpu` it runs its
level-5 search to the end, untimed (about 3 s per instance on an idle core), and its wall time is printed. The instances are read from
$SHAODIAN_VRPTW_DIR or `shared/data/vrptw` beside the repository. The code is the same for every instance.
"""

import json
import statistics
import time
from pathlib import Path

import numpy as np

from shaodian_bench import _support

NAME = "route"
TARGET_GAP = 0.5


def _options(argv):
    p = _support.parser(NAME, __doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=3.0)
    p.add_argument("--instances", help="folder with the Solomon files and BKS.json")
    p.add_argument("--clock", choices=["cpu", "wall"], default="cpu")
    p.add_argument("--baseline", choices=["vroom", "pyvrp"], help="default: vroom if installed, else pyvrp")
    return p.parse_args(argv)


def _length(dist: np.ndarray, orders: list[list[int]]) -> float:
    return float(sum(dist[0, o[0]] + dist[o[-1], 0] + sum(dist[a, b] for a, b in zip(o, o[1:])) for o in orders if o))


def vroom_baseline(problem, dist, seconds: float, seed: int, cpu: bool = True) -> tuple[float, int]:
    """VROOM on the instance scaled ×100 (its integers); returns (unrounded distance, jobs left out)."""
    import datetime as dt

    import vroom

    scale = 100
    m = np.rint(dist * scale).astype(np.uint32)
    inp = vroom.Input()
    inp.set_durations_matrix("car", m)
    v = problem.vehicles[0]
    tw = vroom.TimeWindow(int(problem.depot.opens * scale), int(problem.depot.closes * scale))
    for k in range(v.count):
        inp.add_vehicle(vroom.Vehicle(k + 1, start=0, end=0, capacity=[v.capacity], time_window=tw))
    for j, s in enumerate(problem.stops, 1):
        inp.add_job(vroom.Job(j, location=j, delivery=[s.demand], default_service=int(s.service * scale),
                              time_windows=[vroom.TimeWindow(int(s.ready * scale), int(s.due * scale))]))
    # VROOM's time limit is wall time: on the processor clock it runs its level-5 search to the end instead
    # (about 3 s per instance on an idle core), so a busy machine cannot starve it.
    limit = None if cpu else dt.timedelta(seconds=seconds)
    sol = inp.solve(exploration_level=5, nb_threads=1, timeout=limit).to_dict()
    orders = [[st["id"] for st in r["steps"] if st["type"] == "job"] for r in sol["routes"]]
    return _length(dist, orders), len(sol.get("unassigned", []))


class CpuSeconds:
    """A PyVRP stopping criterion on processor time (the bench's own, apart from the platform's)."""

    def __init__(self, seconds: float):
        self.seconds, self.start = seconds, None

    def __call__(self, best_cost) -> bool:
        if self.start is None:
            self.start = time.process_time()
        return time.process_time() - self.start > self.seconds


def stopper(seconds: float, cpu: bool):
    from pyvrp.stop import MaxRuntime

    return CpuSeconds(seconds) if cpu else MaxRuntime(seconds)


def pyvrp_baseline(problem, dist, seconds: float, seed: int, cpu: bool = True) -> tuple[float, int]:
    """PyVRP's own modelling interface, distances and times ×10 rounded; (unrounded distance, left out)."""
    from pyvrp import Model

    scale = 10
    m = Model()
    v = problem.vehicles[0]
    m.add_vehicle_type(v.count, capacity=v.capacity, tw_early=int(problem.depot.opens * scale),
                       tw_late=int(problem.depot.closes * scale))
    locs = [m.add_location(problem.depot.x, problem.depot.y)]
    m.add_depot(locs[0], tw_early=int(problem.depot.opens * scale), tw_late=int(problem.depot.closes * scale))
    for s in problem.stops:
        loc = m.add_location(s.x, s.y)
        locs.append(loc)
        m.add_client(loc, delivery=s.demand, service_duration=int(s.service * scale), tw_early=int(s.ready * scale),
                     tw_late=int(s.due * scale))
    d = np.rint(dist * scale).astype(int)
    for i, a in enumerate(locs):
        for j, b in enumerate(locs):
            m.add_edge(a, b, distance=int(d[i, j]), duration=int(d[i, j]))
    best = m.solve(stop=stopper(seconds, cpu), seed=seed, display=False).best
    orders = [[a.idx + 1 for a in r.schedule() if a.is_client()] for r in best.routes()]
    return _length(dist, orders), len(problem.stops) - sum(len(o) for o in orders)


def _baseline_kind(choice):
    if choice:
        return choice
    try:
        import vroom  # noqa: F401
    except ImportError:
        return "pyvrp"
    return "vroom"


def main(argv: list[str]) -> int:
    from shaodian.supplies import route_solomon, routing

    opts = _options(argv)
    folder = Path(opts.instances) if opts.instances else route_solomon.instances_dir()
    if folder is None or not (folder / "BKS.json").exists():
        raise SystemExit("no Solomon instances: set --instances or SHAODIAN_VRPTW_DIR")
    bks = json.loads((folder / "BKS.json").read_text())
    names = sorted(p.stem for p in folder.glob("*.txt") if f"{p.stem}_distance" in bks)
    kind = _baseline_kind(opts.baseline)
    baseline = vroom_baseline if kind == "vroom" else pyvrp_baseline
    import os

    print(f"{len(names)} instances from {folder}; {opts.seconds:g} s ({opts.clock}) each; baseline {kind}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    ours_gaps, base_gaps = [], []
    for name in names:
        best = bks[f"{name}_distance"]["best_known_cost"]
        problem = route_solomon.read(folder / f"{name}.txt")
        t0 = time.perf_counter()
        plan = routing.solve(problem, seconds=opts.seconds, seed=opts.seed, cpu=opts.clock == "cpu")
        ours_s = time.perf_counter() - t0
        dist, _ = routing.matrices(problem)
        t0 = time.perf_counter()
        base_d, base_left = baseline(problem, dist, opts.seconds, opts.seed, opts.clock == "cpu")
        base_s = time.perf_counter() - t0
        gap = 100 * (plan.distance - best) / best
        bgap = 100 * (base_d - best) / best
        ours_gaps.append(gap)
        base_gaps.append(bgap)
        print(f"{name}: best {best:.2f}; ours {plan.distance:.2f} ({gap:+.2f} %, {plan.vehicles_used} vehicles, "
              f"{len(plan.unserved)} left out, {ours_s:.1f} s); {kind} {base_d:.2f} ({bgap:+.2f} %, "
              f"{base_left} left out, {base_s:.1f} s)")
    ours, base = statistics.mean(ours_gaps), statistics.mean(base_gaps)
    verdict = "within" if ours <= TARGET_GAP else "over"
    print(f"mean gap {ours:.2f} % ({verdict} the {TARGET_GAP} % target), {kind} {base:.2f} %")
    print(f"{NAME}: ours {ours:.2f} %, baseline {base:.2f} %, ratio {ours / base if base else float('inf'):.2f}")
    return 0
