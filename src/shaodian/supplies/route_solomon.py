"""Solomon-format VRPTW instances (C101, R201, …) as a RoutingProblem, and the routes as Solomon lines.

The file: a name, `VEHICLE` with NUMBER and CAPACITY, then `CUSTOMER` rows
`CUST NO. XCOORD. YCOORD. DEMAND READY TIME DUE DATE SERVICE TIME`, the depot first (customer 0; its
due date closes the depot). Distances and travel times are Euclidean and unrounded.
"""

from __future__ import annotations

from pathlib import Path

from shaodian.supplies.routing import Depot, RoutingError, RoutingProblem, RoutingSolution, Stop, Vehicles


def read(path: str | Path) -> RoutingProblem:
    """Parse a Solomon instance; RoutingError says which line is wrong."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise RoutingError(f"无法读取文件 / cannot read {path}: {exc}") from None
    words = [ln.split() for ln in lines]
    try:
        v = next(i for i, w in enumerate(words) if w and w[0].upper() == "VEHICLE")
        count, capacity = (int(x) for x in next(w for w in words[v + 1:] if w and w[0].isdigit())[:2])
        c = next(i for i, w in enumerate(words) if w and w[0].upper() == "CUSTOMER")
    except (StopIteration, ValueError):
        raise RoutingError(f"{path}: 不是Solomon格式（缺少VEHICLE/CUSTOMER段）/ not a Solomon file "
                           "(no VEHICLE or CUSTOMER section)") from None
    rows = []
    for n, w in enumerate(words[c + 1:], c + 2):
        if not w or not w[0].isdigit():
            continue
        if len(w) != 7:
            raise RoutingError(f"{path}:{n}: 应有7列 / expected 7 columns, got {len(w)}")
        try:
            rows.append((w[0], float(w[1]), float(w[2]), int(float(w[3])), float(w[4]), float(w[5]), float(w[6])))
        except ValueError:
            raise RoutingError(f"{path}:{n}: 数字格式错误 / not a number in {' '.join(w)}") from None
    if len(rows) < 2 or rows[0][0] != "0":
        raise RoutingError(f"{path}: 须先列仓库（编号0）再列客户 / the depot (number 0) and customers are needed")
    key, x, y, _d, ready, due, _s = rows[0]
    depot = Depot("0", x, y, opens=ready, closes=due)
    stops = tuple(Stop(k, dem, x, y, ready=r, due=d, service=s) for k, x, y, dem, r, d, s in rows[1:])
    return RoutingProblem(depot=depot, stops=stops, vehicles=(Vehicles("vehicle", capacity, count),))


def lines(solution: RoutingSolution) -> list[str]:
    """`route K: c1 c2 …` per route, then `vehicles=N distance=D` (unserved stops, if any, on a line before)."""
    out = [f"route {k}: " + " ".join(v.stop for v in r.visits) for k, r in enumerate(solution.routes, 1)]
    if solution.unserved:
        out.append("unserved: " + " ".join(f"{u.stop}({u.why.value})" for u in solution.unserved))
    out.append(f"vehicles={solution.vehicles_used} distance={solution.distance:.2f}")
    return out


def instances_dir() -> Path | None:
    """Where the Solomon instances are: $SHAODIAN_VRPTW_DIR, else `shared/data/vrptw` beside the repository
    (or any folder above it), else the copy the benchmarks ship (`shaodian_bench/data/vrptw`)."""
    import os

    if os.environ.get("SHAODIAN_VRPTW_DIR"):
        return Path(os.environ["SHAODIAN_VRPTW_DIR"])
    for base in (Path(__file__).resolve(), Path.cwd().resolve()):
        for up in base.parents:
            if (up / "shared" / "data" / "vrptw" / "BKS.json").exists():
                return up / "shared" / "data" / "vrptw"
    shipped = Path(__file__).resolve().parents[2] / "shaodian_bench" / "data" / "vrptw"
    return shipped if (shipped / "BKS.json").exists() else None
