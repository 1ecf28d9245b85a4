"""Allocation of stock to communities (物资调配): pure, no Django.

    plan = allocate(stocks, demands, costs)          # or warehouse_at=/community_at= coordinates
    for s in plan.shipments: ...                      # warehouse, community, item, quantity
    for s in plan.shortages: explain(s, "zh")         # one sentence a supply officer reads

Each item is allocated on its own (stock of rice never covers demand for oil).

The fairness rule (per item), exactly:
1. If the stock that can reach the communities covers all demand, every community gets all it asked for.
2. Otherwise special-group demand (特殊群体: medicine, insulin, baby formula, …) comes first: if the
   stock covers all special-group demand, it is all served; if not, every community gets the same
   fraction of its special-group demand, f = stock / total special-group demand, and ordinary demand
   gets nothing.
3. What is left after special-group demand is shared over ordinary demand in proportion: every
   community gets the same fraction g = left / total ordinary demand of its ordinary demand.
4. Among all allocations that serve exactly these amounts, the one with the least transport cost
   (Σ quantity × cost per unit of the lane) is returned (HiGHS linear programme).

When lanes are closed (a `costs` mapping that leaves out some warehouse–community pairs), equal fractions
may be impossible; then, for special-group demand and after it ordinary demand, the smallest fraction
served is made as large as possible, then the total served, then the cost is minimised (a lexicographic
sequence of linear programmes). With all lanes open this gives exactly rules 1–4.

Quantities are in the item's own unit. With `whole_units=True` (the default: bags, boxes, bottles), stock and
demand must be whole numbers and so are the results: shares are rounded by largest remainder (the
fractions above, rounded down, then one more unit to the largest remainders until the stock is used; equal
remainders go first to the community whose key sorts first), and
the transport plan is a vertex of the LP, hence whole.

Every community that gets less than it asked for is listed in `shortages` with a reason code and the
numbers behind it; `explain(shortage, lang)` renders a Chinese or English sentence.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from shaodian.supplies import allocate_lp

__all__ = [
    "Stock", "Demand", "Shipment", "Served", "Shortage", "Why", "Allocation", "AllocationError",
    "allocate", "explain",
]


class AllocationError(ValueError):
    """Bad input: the message says which row and why, in Chinese then English."""


@dataclass(frozen=True)
class Stock:
    """Quantity of an item on hand at a warehouse (the ledger's sum, already computed)."""

    warehouse: str
    item: str
    quantity: float


@dataclass(frozen=True)
class Demand:
    """Demand of a community for an item, split into special-group and ordinary demand."""

    community: str
    item: str
    special: float = 0
    ordinary: float = 0

    @property
    def total(self) -> float:
        return self.special + self.ordinary


@dataclass(frozen=True)
class Shipment:
    """Send `quantity` of `item` from `warehouse` to `community`; `cost` = quantity × lane cost."""

    warehouse: str
    community: str
    item: str
    quantity: float
    cost: float


@dataclass(frozen=True)
class Served:
    """What a community gets of an item, split the same way as its demand."""

    community: str
    item: str
    special: float
    ordinary: float
    special_asked: float
    ordinary_asked: float

    @property
    def total(self) -> float:
        return self.special + self.ordinary

    @property
    def asked(self) -> float:
        return self.special_asked + self.ordinary_asked


class Why(str, Enum):
    """Why a community got less than it asked for."""

    NO_STOCK = "no_stock"            # no warehouse holds any of the item
    STOCK_SHORT = "stock_short"      # all stock of the item is less than all demand: shared by the rule
    NO_LANE = "no_lane"              # no open lane from a warehouse holding the item to the community
    LANES_SHORT = "lanes_short"      # the warehouses it can be reached from ran out first
    ROUNDING = "rounding"            # whole units: the share was rounded down


@dataclass(frozen=True)
class Shortage:
    """A community served less than it asked for, with the reason and the numbers behind it.

    numbers: total_stock, total_special, total_ordinary (item totals over all communities), and
    special_fraction / ordinary_fraction (share of each kind of demand served over all communities).
    """

    item: str
    community: str
    asked: float
    given: float
    special_asked: float
    special_given: float
    why: Why
    numbers: Mapping[str, float] = field(default_factory=dict)

    @property
    def missing(self) -> float:
        return self.asked - self.given


@dataclass(frozen=True)
class Allocation:
    """The plan: shipments, what each community gets, shortages explained, total transport cost."""

    shipments: tuple[Shipment, ...]
    served: tuple[Served, ...]
    shortages: tuple[Shortage, ...]
    cost: float

    def issued(self) -> dict[tuple[str, str], float]:
        """Quantity leaving each (warehouse, item)."""
        out: dict[tuple[str, str], float] = defaultdict(float)
        for s in self.shipments:
            out[(s.warehouse, s.item)] += s.quantity
        return dict(out)


def _number(value, what: str, row) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise AllocationError(f"{what}不是数字：{row!r} / {what} is not a number: {row!r}") from None
    if not math.isfinite(v) or v < 0:
        raise AllocationError(f"{what}不能为负数或无穷：{row!r} / {what} must be finite and not negative: {row!r}")
    return v


def _whole(v: float, what: str, row) -> int:
    if v != int(v):
        raise AllocationError(f"{what}须为整数单位：{row!r} / {what} must be whole units: {row!r}")
    return int(v)


def _check(stocks, demands, whole_units):
    stock: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for s in stocks:
        q = _number(s.quantity, "库存 stock", s)
        stock[s.item][s.warehouse] += _whole(q, "库存 stock", s) if whole_units else q
    demand: dict[str, dict[str, list[float]]] = defaultdict(dict)
    for d in demands:
        sp, od = _number(d.special, "特殊群体需求 special demand", d), _number(d.ordinary, "需求 demand", d)
        if whole_units:
            sp, od = _whole(sp, "特殊群体需求 special demand", d), _whole(od, "需求 demand", d)
        if d.community in demand[d.item]:
            raise AllocationError(f"社区{d.community}的{d.item}需求重复 / duplicate demand for {d.item} "
                                  f"in community {d.community}")
        demand[d.item][d.community] = [sp, od]
    return stock, demand


def _lane_costs(costs, warehouse_at, community_at):
    if costs is not None:
        for key, c in costs.items():
            _number(c, "运输成本 transport cost", key)
        return costs, False
    if warehouse_at is None or community_at is None:
        raise AllocationError("需要运输成本或坐标 / give costs or coordinates")
    return None, True


def allocate(
    stocks: list[Stock] | tuple[Stock, ...],
    demands: list[Demand] | tuple[Demand, ...],
    costs: Mapping[tuple[str, str], float] | None = None,
    *,
    warehouse_at: Mapping[str, tuple[float, float]] | None = None,
    community_at: Mapping[str, tuple[float, float]] | None = None,
    whole_units: bool = True,
) -> Allocation:
    """Allocate stock to demand by the fairness rule of the module, at least transport cost.

    costs: cost per unit for each open (warehouse, community) lane; a pair left out is closed. Without
    costs, the cost per unit is the straight-line distance between warehouse_at and community_at points
    (every lane open). Raises AllocationError on negative, infinite or (whole_units) fractional numbers,
    duplicate demand rows, a missing coordinate.
    """
    stock, demand = _check(stocks, demands, whole_units)
    lanes, by_distance = _lane_costs(costs, warehouse_at, community_at)
    shipments: list[Shipment] = []
    served: list[Served] = []
    shortages: list[Shortage] = []
    for item in sorted(demand):
        wh = sorted(w for w, q in stock.get(item, {}).items() if q > 0)
        cm = sorted(demand[item])
        if by_distance:
            missing = [w for w in wh if w not in warehouse_at] + [c for c in cm if c not in community_at]
            if missing:
                raise AllocationError(f"缺少坐标：{missing[:5]} / no coordinates for {missing[:5]}")
            cost_of = allocate_lp.distances([warehouse_at[w] for w in wh], [community_at[c] for c in cm])
        else:
            cost_of = allocate_lp.lane_matrix(wh, cm, lanes)
        part = allocate_lp.solve_item(
            [stock[item][w] for w in wh], [demand[item][c][0] for c in cm], [demand[item][c][1] for c in cm],
            cost_of, whole_units,
        )
        num = int if whole_units else float
        for i, j, q in part.flows:
            shipments.append(Shipment(wh[i], cm[j], item, num(q), q * float(cost_of[i, j])))
        totals = {"total_stock": float(sum(stock[item][w] for w in wh)),
                  "total_special": float(sum(d[0] for d in demand[item].values())),
                  "total_ordinary": float(sum(d[1] for d in demand[item].values()))}
        totals["special_fraction"] = _fraction(sum(part.special), totals["total_special"])
        totals["ordinary_fraction"] = _fraction(sum(part.ordinary), totals["total_ordinary"])
        for j, c in enumerate(cm):
            sp_asked, od_asked = demand[item][c]
            row = Served(c, item, num(part.special[j]), num(part.ordinary[j]), sp_asked, od_asked)
            served.append(row)
            if row.total < row.asked - 1e-9:
                shortages.append(Shortage(item, c, row.asked, row.total, sp_asked, row.special,
                                          _why(part, j, wh, totals), dict(totals)))
    return Allocation(tuple(shipments), tuple(served), tuple(shortages), sum(s.cost for s in shipments))


def _fraction(given: float, asked: float) -> float:
    return 1.0 if asked <= 0 else given / asked


def _why(part, j, wh, totals) -> Why:
    if not wh:
        return Why.NO_STOCK
    if not part.reachable[j]:
        return Why.NO_LANE
    if part.lane_limited[j]:
        return Why.LANES_SHORT
    if totals["total_stock"] < totals["total_special"] + totals["total_ordinary"]:
        return Why.STOCK_SHORT
    return Why.ROUNDING


_ZH = {
    Why.NO_STOCK: "各仓库均无{item}库存",
    Why.STOCK_SHORT: "{item}总库存{total_stock:g}少于总需求{total_demand:g}，先保特殊群体需求（满足{sp_pct}），"
                     "其余按需求比例分配（普通需求满足{od_pct}）",
    "special_short": "{item}总库存{total_stock:g}少于特殊群体总需求{total_special:g}，各社区特殊群体需求按同一比例"
                     "满足{sp_pct}，普通需求暂无库存可分",
    Why.NO_LANE: "没有通往该社区且有{item}库存的开放线路",
    Why.LANES_SHORT: "能送达该社区的仓库{item}库存不足（部分线路关闭）",
    Why.ROUNDING: "按整件分配，份额取整后少{missing:g}",
}
_EN = {
    Why.NO_STOCK: "no warehouse holds any {item}",
    Why.STOCK_SHORT: "total {item} stock {total_stock:g} is below total demand {total_demand:g}: special-group "
                     "demand first ({sp_pct} of it met), the rest shared in proportion ({od_pct} of ordinary demand met)",
    "special_short": "total {item} stock {total_stock:g} is below the special-group demand {total_special:g}: every "
                     "community gets the same share of its special-group demand ({sp_pct}), none is left for ordinary demand",
    Why.NO_LANE: "no open lane reaches this community from a warehouse holding {item}",
    Why.LANES_SHORT: "the warehouses that can reach this community ran out of {item} (some lanes are closed)",
    Why.ROUNDING: "whole units: the share was rounded down by {missing:g}",
}


def explain(s: Shortage, lang: str = "zh") -> str:
    """One sentence for a supply officer: who got how much of what they asked, and why."""
    n = s.numbers
    words = {
        "item": s.item, "missing": s.missing, "total_stock": n.get("total_stock", 0),
        "total_special": n.get("total_special", 0),
        "total_demand": n.get("total_special", 0) + n.get("total_ordinary", 0),
        "sp_pct": f"{n.get('special_fraction', 0):.0%}", "od_pct": f"{n.get('ordinary_fraction', 0):.0%}",
    }
    key = "special_short" if s.why is Why.STOCK_SHORT and n.get("special_fraction", 1) < 1 else s.why
    if lang.startswith("zh"):
        head = (f"{s.community}申请{s.item}{s.asked:g}（其中特殊群体{s.special_asked:g}），"
                f"分得{s.given:g}（特殊群体{s.special_given:g}），缺{s.missing:g}：")
        return head + _ZH[key].format(**words) + "。"
    head = (f"{s.community} asked for {s.asked:g} {s.item} ({s.special_asked:g} for special groups) and gets "
            f"{s.given:g} ({s.special_given:g} for special groups), {s.missing:g} short: ")
    return head + _EN[key].format(**words) + "."
