"""The linear programmes behind `allocate` for one item (pure: NumPy, SciPy HiGHS; no Django).

Warehouses i hold stock s_i, communities j ask special-group demand p_j and ordinary demand o_j, a lane
i→j is open when its cost per unit c_ij is finite. See `allocate` for the fairness rule these implement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import ot
from scipy import sparse
from scipy.optimize import linprog

EPS = 1e-9
NETWORK_SIMPLEX_ITERATIONS = 10**8
NEAR = 4  # lanes per community in the first, small transport LP


class LPFailure(RuntimeError):
    """HiGHS did not return an optimum where one must exist (a bug, never bad input)."""


@dataclass(frozen=True)
class ItemPlan:
    flows: list[tuple[int, int, float]]   # (warehouse index, community index, quantity > 0)
    special: list[float]                  # special-group demand served per community
    ordinary: list[float]                 # ordinary demand served per community
    reachable: list[bool]                 # an open lane from a warehouse with stock reaches the community
    lane_limited: list[bool]              # served less than all lanes open would have given it


def distances(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> np.ndarray:
    """Straight-line distances between two lists of points (rows: a, columns: b)."""
    pa, pb = np.asarray(a, float).reshape(-1, 2), np.asarray(b, float).reshape(-1, 2)
    return np.hypot(pa[:, None, 0] - pb[None, :, 0], pa[:, None, 1] - pb[None, :, 1])


def lane_matrix(warehouses: list[str], communities: list[str], lanes) -> np.ndarray:
    """Cost per unit by (warehouse, community) from a mapping; a pair left out is closed (infinite)."""
    out = np.full((len(warehouses), len(communities)), np.inf)
    wi = {w: i for i, w in enumerate(warehouses)}
    ci = {c: j for j, c in enumerate(communities)}
    for (w, c), cost in lanes.items():
        if w in wi and c in ci:
            out[wi[w], ci[c]] = float(cost)
    return out


def fair_shares(total: float, asked: np.ndarray, whole: bool) -> np.ndarray:
    """Serve `asked` in full if `total` covers it, else the same fraction of each (largest remainder if whole)."""
    need = float(asked.sum())
    if total >= need - EPS:
        return asked.astype(float).copy()
    if total <= EPS:
        return np.zeros_like(asked, dtype=float)
    if not whole:
        return asked * (total / need)
    # Whole units in exact integer arithmetic, so equal remainders tie exactly (first listed wins).
    share = asked.astype(np.int64) * int(round(total))
    base, rest = share // int(round(need)), share % int(round(need))
    left = int(round(total)) - int(base.sum())
    if left > 0:
        order = np.argsort(-rest, kind="stable")[:left]
        base[order] += 1
    return base.astype(float)


def _lanes(cost: np.ndarray, stock: np.ndarray):
    open_ = np.isfinite(cost) & (stock[:, None] > 0)
    wi, cj = np.nonzero(open_)
    return wi, cj, cost[wi, cj]


def _flow_matrices(wi, cj, n_w, n_c):
    n = len(wi)
    cols = np.arange(n)
    out_of = sparse.csr_array((np.ones(n), (wi, cols)), shape=(n_w, n))    # Σ_j x_ij
    into = sparse.csr_array((np.ones(n), (cj, cols)), shape=(n_c, n))      # Σ_i x_ij
    return out_of, into


def transport(stock: np.ndarray, need: np.ndarray, cost: np.ndarray) -> list[tuple[int, int, float]]:
    """Least-cost flows that bring each community exactly `need` without over-issuing any warehouse.

    With every lane open (the usual case) this is a transportation problem, solved exactly by the network
    simplex of POT (`ot.emd`, a min-cost flow) with a free extra sink for the stock left over; with closed
    lanes, by the HiGHS LP of `_lanes_lp`. Both return a vertex: whole flows for whole stock and needs.
    """
    if need.sum() <= EPS:
        return []
    held = stock > 0
    if not np.isfinite(cost[held]).all():
        return _lanes_lp(stock, need, cost)
    rows = np.nonzero(held)[0]
    left = float(stock[rows].sum() - need.sum())
    if left < -1e-6 * max(1.0, float(need.sum())):
        raise LPFailure("transport: the needs exceed the stock")
    plan, log = ot.emd(stock[rows], np.r_[need, max(0.0, left)], np.c_[cost[rows], np.zeros(len(rows))],
                       numItermax=NETWORK_SIMPLEX_ITERATIONS, log=True)
    if log["result_code"] != 1:
        raise LPFailure(f"transport: network simplex stopped ({log['warning']})")
    r, c = np.nonzero(plan[:, :-1] > EPS)
    return [(int(rows[i]), int(j), float(plan[i, j])) for i, j in zip(r, c)]


def _lanes_lp(stock: np.ndarray, need: np.ndarray, cost: np.ndarray) -> list[tuple[int, int, float]]:
    """`transport` over the open lanes only, as a HiGHS LP.

    Column generation keeps the LP small (a city has ~50 warehouses and ~2,000 communities: 100,000 lanes):
    start from each community's NEAR cheapest lanes plus an artificial lane of prohibitive cost M (so the
    small LP is always feasible), then add every lane whose reduced cost under the LP's duals is negative,
    until none is. That is the optimality condition of the full LP, so the result is its optimum. M
    exceeds the cost of any rerouting path (≤ 2·W+1 lanes), so the artificial lanes carry nothing whenever
    the needs can be met at all.
    """
    open_ = np.isfinite(cost) & (stock[:, None] > 0)
    cols = np.nonzero(need > EPS)[0]
    if len(cols) == 0:
        return []
    if not open_[:, cols].any(axis=0).all():
        raise LPFailure("transport: a community with a need has no open lane")
    n_w, n_c = len(stock), len(need)
    priced = np.where(open_, cost, np.inf)
    big = (2 * n_w + 2) * max(1.0, float(priced[open_].max()))
    k = min(n_w, NEAR)
    nearest = np.argpartition(priced, k - 1, axis=0)[:k] if k < n_w else np.broadcast_to(np.arange(n_w)[:, None], (n_w, n_c))
    active = np.zeros_like(open_)
    np.put_along_axis(active, nearest, True, axis=0)
    active &= open_
    active[:, need <= EPS] = False
    art = sparse.csr_array((np.ones(len(cols)), (cols, np.arange(len(cols)))), shape=(n_c, len(cols)))
    for _round in range(100):
        wi, cj = np.nonzero(active)
        out_of, into = _flow_matrices(wi, cj, n_w, n_c)
        a_ub = sparse.hstack([out_of, sparse.csr_array((n_w, len(cols)))]).tocsr()
        a_eq = sparse.hstack([into, art]).tocsr()
        c = np.r_[cost[wi, cj], np.full(len(cols), big)]
        res = linprog(c, A_ub=a_ub, b_ub=stock, A_eq=a_eq, b_eq=need, bounds=(0, None), method="highs")
        if res.status != 0:
            raise LPFailure(f"transport LP: {res.message}")
        reduced = priced - res.ineqlin.marginals[:, None] - res.eqlin.marginals[None, :]
        enter = open_ & ~active & (reduced < -1e-9 * big)
        enter[:, need <= EPS] = False
        if not enter.any():
            break
        active |= enter
    else:
        raise LPFailure("transport: column generation did not settle")
    x = res.x[: len(wi)]
    if res.x[len(wi):].sum() > 1e-6:
        raise LPFailure("transport: the needs exceed what the open lanes can carry")
    keep = np.nonzero(x > EPS)[0]
    return [(int(wi[k]), int(cj[k]), float(x[k])) for k in keep]


def _stage(stock, cost, floor_, asked, whole):
    """Serve up to `asked` more on top of `floor_`: the smallest fraction first, then the total."""
    wi, cj, _c = _lanes(cost, stock)
    n_w, n_c, n = len(stock), len(asked), len(wi)
    if n == 0:
        return np.zeros(n_c)
    out_of, into = _flow_matrices(wi, cj, n_w, n_c)
    reach = np.asarray(into.sum(axis=1)).ravel() > 0
    ask = np.where(reach, asked, 0.0)
    rows = np.nonzero(ask > EPS)[0]
    if len(rows) == 0:
        return np.zeros(n_c)
    # Variables: x (n lanes), t. Served_j = Σ_i x_ij ≤ floor_j + ask_j; served_j ≥ floor_j + t·ask_j (every j:
    # what an earlier stage gave stays given).
    t_col = sparse.csr_array(ask.reshape(-1, 1))
    a_ub = sparse.vstack([
        sparse.hstack([out_of, sparse.csr_array((n_w, 1))]),
        sparse.hstack([into, sparse.csr_array((n_c, 1))]),
        sparse.hstack([-into, t_col]),
    ]).tocsr()
    b_ub = np.concatenate([stock, floor_ + ask, -floor_])
    bounds = [(0, None)] * n + [(0, 1)]
    first = linprog(np.r_[np.zeros(n), -1.0], A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
    if first.status != 0:
        raise LPFailure(f"fair-share LP: {first.message}")
    t = max(0.0, float(first.x[-1]) - 1e-7)
    bounds[-1] = (t, t)
    second = linprog(np.r_[-np.ones(n), 0.0], A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
    if second.status != 0:
        raise LPFailure(f"total-served LP: {second.message}")
    got = np.clip(into @ second.x[:n] - floor_, 0.0, ask)
    if not whole:
        return got
    # Whole units: keep the rounded-down shares, then hand out the units rounding freed wherever lanes let
    # them go (lower and upper bounds whole, so the LP's vertex is whole).
    low = floor_ + np.floor(got + 1e-6)
    a_ub = sparse.vstack([out_of, into, -into]).tocsr()
    third = linprog(-np.ones(n), A_ub=a_ub, b_ub=np.concatenate([stock, floor_ + ask, -low]),
                    bounds=(0, None), method="highs")
    if third.status != 0:
        raise LPFailure(f"whole-units LP: {third.message}")
    return np.clip(np.rint(into @ third.x - floor_), 0.0, ask)


def solve_item(stock, special, ordinary, cost, whole: bool) -> ItemPlan:
    """Allocate one item: fair shares by the rule, then the least-cost transport for them."""
    stock = np.asarray(stock, float)
    special, ordinary = np.asarray(special, float), np.asarray(ordinary, float)
    cost = np.asarray(cost, float).reshape(len(stock), len(special))
    open_ = np.isfinite(cost) & (stock[:, None] > 0)
    reachable = open_.any(axis=0) if len(stock) else np.zeros(len(special), bool)
    total = float(stock.sum())
    # What every community would get with all lanes open: the rule in closed form.
    sp_open = fair_shares(total, special, whole)
    od_open = fair_shares(max(0.0, total - float(sp_open.sum())), ordinary, whole)
    if open_[stock > 0].all() or total <= EPS:
        sp, od = sp_open, od_open
    else:
        sp = _stage(stock, cost, np.zeros(len(special)), special, whole)
        od = _stage(stock, cost, sp, ordinary, whole)
    flows = transport(stock, sp + od, cost)
    if whole:
        flows = [(i, j, float(round(q))) for i, j, q in flows if round(q) > 0]
    limited = (sp + od) < (sp_open + od_open) - 1e-6
    return ItemPlan(flows, sp.tolist(), od.tolist(), reachable.tolist(), limited.tolist())
