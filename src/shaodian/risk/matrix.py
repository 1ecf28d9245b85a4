"""Risk matrix (风险研判): probability × impact from a configurable indicator set. Pure, no Django.

Each indicator maps its value to a score 1–5 through four ascending thresholds; a value equal
to a threshold falls into the band above it. Direction matters: for "higher is riskier" a value
≥ t1 scores 2 …; for "lower is riskier" (e.g. share of contacts traced) a value below t1 scores 5
and a value ≥ t4 scores 1. Weights are positive integers so that the axis grade, the weighted
mean rounded half up, is exact integer arithmetic: the scalar path and the NumPy path agree bit
for bit, and a person can redo the sum by hand. The result is a recommendation with its full
explanation; a person confirms it (SEC-3).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray


class Axis(StrEnum):
    PROBABILITY = "probability"
    IMPACT = "impact"


class Direction(StrEnum):
    HIGHER_IS_RISKIER = "higher_is_riskier"
    LOWER_IS_RISKIER = "lower_is_riskier"


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


RISK_LEVEL_LABELS = {RiskLevel.LOW: ("低风险", "low risk"), RiskLevel.MEDIUM: ("中风险", "medium risk"),
                     RiskLevel.HIGH: ("高风险", "high risk")}
_LEVELS = (RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH)  # index = code in arrays


@dataclass(frozen=True)
class Indicator:
    key: str
    name_zh: str
    name_en: str
    axis: Axis
    direction: Direction
    thresholds: tuple[float, float, float, float]
    weight: int
    unit: str = ""

    def __post_init__(self) -> None:
        t = self.thresholds
        ascending = all(a < b for a, b in zip(t, t[1:], strict=False))
        if len(t) != 4 or not all(math.isfinite(x) for x in t) or not ascending:
            raise ValueError(f"{self.key}: thresholds must be 4 finite, strictly ascending numbers")
        if isinstance(self.weight, bool) or not isinstance(self.weight, int) or self.weight < 1:
            raise ValueError(f"{self.key}: weight must be a positive integer")

    def score(self, value: float) -> int:
        above = bisect_right(self.thresholds, value)
        return 1 + above if self.direction == Direction.HIGHER_IS_RISKIER else 5 - above


@dataclass(frozen=True)
class RiskMatrix:
    """cells[p - 1][i - 1] is the level for probability grade p and impact grade i."""

    cells: tuple[tuple[RiskLevel, ...], ...]

    def __post_init__(self) -> None:
        if len(self.cells) != 5 or any(len(row) != 5 for row in self.cells):
            raise ValueError("the risk matrix must be 5 × 5")
        object.__setattr__(self, "cells", tuple(tuple(RiskLevel(c) for c in row) for row in self.cells))

    @classmethod
    def from_product_bands(cls, low_max: int = 4, medium_max: int = 12) -> RiskMatrix:
        """Level by p × i: ≤ low_max low, ≤ medium_max medium, else high (the usual 5 × 5 bands)."""
        def level(product: int) -> RiskLevel:
            if product <= low_max:
                return RiskLevel.LOW
            return RiskLevel.MEDIUM if product <= medium_max else RiskLevel.HIGH
        return cls(tuple(tuple(level(p * i) for i in range(1, 6)) for p in range(1, 6)))

    def level(self, probability_grade: int, impact_grade: int) -> RiskLevel:
        return self.cells[probability_grade - 1][impact_grade - 1]


@dataclass(frozen=True)
class IndicatorSet:
    indicators: tuple[Indicator, ...]
    matrix: RiskMatrix

    def __post_init__(self) -> None:
        keys = [i.key for i in self.indicators]
        if len(set(keys)) != len(keys):
            raise ValueError("indicator keys must be unique")
        for axis in Axis:
            if not any(i.axis == axis for i in self.indicators):
                raise ValueError(f"the {axis} axis has no indicator")

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(i.key for i in self.indicators)


def _ind(key: str, zh: str, en: str, axis: Axis, direction: Direction,
         thresholds: tuple[float, float, float, float], weight: int, unit: str) -> Indicator:
    return Indicator(key, zh, en, axis, direction, thresholds, weight, unit)


_P, _I = Axis.PROBABILITY, Axis.IMPACT
_UP, _DOWN = Direction.HIGHER_IS_RISKIER, Direction.LOWER_IS_RISKIER

# The seed's 12 indicators. Thresholds are starting values for a community-sized area, to be
# set by the health bureau per granularity (a building needs its own set); they are data.
DEFAULT_INDICATORS = IndicatorSet(
    (
        _ind("new_cases_7d", "近7日新增病例", "New cases in 7 days", _P, _UP, (1, 3, 10, 30), 3, "例"),
        _ind("unmonitored_case_share", "社会面发现病例占比", "Share of cases found outside monitoring",
             _P, _UP, (0.05, 0.15, 0.3, 0.5), 2, "share"),
        _ind("known_chain_share", "传播链清晰病例占比", "Share of cases with a known chain",
             _P, _DOWN, (0.5, 0.7, 0.85, 0.95), 2, "share"),
        _ind("contacts_traced_share", "密接追踪到位率", "Share of contacts traced",
             _P, _DOWN, (0.6, 0.8, 0.9, 0.98), 2, "share"),
        _ind("test_positivity", "检测阳性率", "Test positivity", _P, _UP,
             (0.001, 0.005, 0.01, 0.03), 2, "share"),
        _ind("mobility", "人员流动指数", "Mobility (vs normal = 1)", _P, _UP,
             (0.3, 0.6, 0.9, 1.2), 1, "index"),
        _ind("testing_coverage", "近7日检测覆盖率", "Testing coverage in 7 days",
             _P, _DOWN, (0.2, 0.4, 0.6, 0.8), 1, "share"),
        _ind("population_density", "人口密度", "Population density", _I, _UP,
             (5_000, 10_000, 20_000, 40_000), 1, "人/km²"),
        _ind("elderly_share", "老年人口占比", "Share of elderly", _I, _UP, (0.1, 0.15, 0.2, 0.3), 2, "share"),
        _ind("free_bed_share", "医疗资源余量（空床率）", "Medical capacity (free bed share)",
             _I, _DOWN, (0.05, 0.1, 0.2, 0.3), 2, "share"),
        _ind("supply_days", "生活物资库存天数", "Days of supply stock", _I, _DOWN, (1, 3, 7, 14), 2, "天"),
        _ind("complaint_pressure", "诉求压力（每千人日投诉）", "Complaint pressure (per 1,000 per day)",
             _I, _UP, (0.5, 1, 2, 5), 1, "件"),
    ),
    RiskMatrix.from_product_bands(),
)


@dataclass(frozen=True)
class IndicatorExplanation:
    key: str
    name_zh: str
    name_en: str
    axis: Axis
    direction: Direction
    value: float
    score: int
    weight: int
    contribution: float  # weight × score / axis weight; an axis's contributions sum to its score


@dataclass(frozen=True)
class Assessment:
    rows: tuple[IndicatorExplanation, ...]
    probability: float
    impact: float
    probability_grade: int
    impact_grade: int
    level: RiskLevel
    needs_confirmation: bool = True  # a recommendation, never a decision

    def drivers(self, n: int = 3) -> tuple[IndicatorExplanation, ...]:
        """The indicators that pushed the level up most (highest score × weight)."""
        ranked = sorted(self.rows, key=lambda r: -r.score * r.weight)
        return tuple(r for r in ranked[:n] if r.score > 1)

    @property
    def summary_zh(self) -> str:
        zh = RISK_LEVEL_LABELS[self.level][0]
        top = "、".join(f"{r.name_zh} {_fmt(r.value)}（{r.score}分）" for r in self.drivers()) or "无"
        return (f"可能性 {self.probability:.2f}（{self.probability_grade}级）× 影响 {self.impact:.2f}"
                f"（{self.impact_grade}级）→ {zh}。主要因素：{top}。系统建议，须经人工确认。")

    @property
    def summary_en(self) -> str:
        en = RISK_LEVEL_LABELS[self.level][1]
        top = ", ".join(f"{r.name_en} {_fmt(r.value)} (score {r.score})" for r in self.drivers()) or "none"
        return (f"Probability {self.probability:.2f} (grade {self.probability_grade}) × impact "
                f"{self.impact:.2f} (grade {self.impact_grade}) → {en}. Main drivers: {top}. "
                "A recommendation: a person must confirm it.")


def _fmt(value: float) -> str:
    return f"{value:g}"


def _check_keys(given: Collection[str], indicator_set: IndicatorSet) -> None:
    missing = [k for k in indicator_set.keys if k not in given]
    unknown = sorted(set(given) - set(indicator_set.keys))
    if missing or unknown:
        raise ValueError(f"indicator values: missing {missing}, unknown {unknown}")


def _grade(weighted_sum: int, total_weight: int) -> int:
    # Round half up in integers: grade = floor(ws / w + 1/2).
    return (2 * weighted_sum + total_weight) // (2 * total_weight)


def assess(values: Mapping[str, float], indicator_set: IndicatorSet = DEFAULT_INDICATORS) -> Assessment:
    """Assess one area; every indicator must have a finite value."""
    _check_keys(values, indicator_set)
    scored = []
    for ind in indicator_set.indicators:
        value = float(values[ind.key])
        if not math.isfinite(value):
            raise ValueError(f"{ind.key}: value must be finite, got {value}")
        scored.append((ind, value, ind.score(value)))
    totals = {axis: sum(i.weight for i in indicator_set.indicators if i.axis == axis) for axis in Axis}
    sums = {axis: sum(i.weight * s for i, _, s in scored if i.axis == axis) for axis in Axis}
    rows = tuple(
        IndicatorExplanation(i.key, i.name_zh, i.name_en, i.axis, i.direction, v, s, i.weight,
                             i.weight * s / totals[i.axis])
        for i, v, s in scored
    )
    p_grade, i_grade = _grade(sums[_P], totals[_P]), _grade(sums[_I], totals[_I])
    return Assessment(rows, sums[_P] / totals[_P], sums[_I] / totals[_I], p_grade, i_grade,
                      indicator_set.matrix.level(p_grade, i_grade))


@dataclass(frozen=True)
class BatchAssessment:
    """Results for n areas; row i of every array belongs to area i."""

    indicator_set: IndicatorSet
    values: NDArray[np.float64]  # (n, k)
    scores: NDArray[np.int8]  # (n, k)
    probability: NDArray[np.float64]
    impact: NDArray[np.float64]
    probability_grade: NDArray[np.int8]
    impact_grade: NDArray[np.int8]
    level_codes: NDArray[np.int8]  # index into LEVELS

    LEVELS = _LEVELS

    def __len__(self) -> int:
        return len(self.level_codes)

    def level(self, i: int) -> RiskLevel:
        return _LEVELS[int(self.level_codes[i])]

    def counts(self) -> dict[RiskLevel, int]:
        found = np.bincount(self.level_codes, minlength=len(_LEVELS))
        return {lv: int(found[code]) for code, lv in enumerate(_LEVELS)}

    def explain(self, i: int) -> Assessment:
        """The full explanation for one area, as shown to the person who confirms it."""
        row = dict(zip(self.indicator_set.keys, self.values[i].tolist(), strict=True))
        return assess(row, self.indicator_set)


def assess_many(values: Mapping[str, ArrayLike],
                indicator_set: IndicatorSet = DEFAULT_INDICATORS) -> BatchAssessment:
    """Assess many areas at once (e.g. every building of a district) with NumPy."""
    _check_keys(values, indicator_set)
    inds = indicator_set.indicators
    columns = [np.asarray(values[i.key], dtype=np.float64) for i in inds]
    if any(c.ndim != 1 for c in columns) or len({c.shape for c in columns}) != 1:
        raise ValueError("every indicator needs a 1-D array of the same length")
    matrix = np.column_stack(columns) if columns[0].size else np.empty((0, len(inds)))
    bad = ~np.isfinite(matrix)
    if bad.any():
        row, col = map(int, np.argwhere(bad)[0])
        raise ValueError(f"{inds[col].key}: value at row {row} must be finite")
    scores = np.empty(matrix.shape, dtype=np.int8)
    for k, ind in enumerate(inds):
        above = np.searchsorted(np.asarray(ind.thresholds, dtype=np.float64), matrix[:, k], side="right")
        scores[:, k] = 1 + above if ind.direction == Direction.HIGHER_IS_RISKIER else 5 - above
    weights = np.asarray([i.weight for i in inds], dtype=np.int64)
    out = {}
    for axis in Axis:
        mask = np.asarray([i.axis == axis for i in inds])
        total = int(weights[mask].sum())
        weighted = scores[:, mask].astype(np.int64) @ weights[mask]
        out[axis] = (weighted / total, ((2 * weighted + total) // (2 * total)).astype(np.int8))
    table = np.asarray([[_LEVELS.index(c) for c in row] for row in indicator_set.matrix.cells], dtype=np.int8)
    (p, pg), (im, ig) = out[_P], out[_I]
    return BatchAssessment(indicator_set, matrix, scores, p, im, pg, ig, table[pg - 1, ig - 1])


# --- zone breadth (精准划定，不得随意扩大) -----------------------------------------------------


class EvidenceKind(StrEnum):
    CASE = "case"
    CLOSE_CONTACT = "close_contact"


@dataclass(frozen=True)
class Evidence:
    unit_id: str  # where the case or contact lives (单元)
    kind: EvidenceKind


@dataclass(frozen=True)
class BreadthWarning:
    proposed_count: int
    evidence_places: tuple[str, ...]
    excess_places: tuple[str, ...]  # in the zone with no case or contact
    granularity: str  # "building" or "unit"
    reason_zh: str
    reason_en: str


def zone_breadth_warning(
    proposed_units: Iterable[str],
    evidence: Iterable[Evidence],
    unit_building: Mapping[str, str],
    *,
    granularity: str = "building",
    allowed_extra: int = 0,
) -> BreadthWarning | None:
    """Warn when a proposed zone covers more buildings (or units) than the evidence supports.

    The caller expands a proposed zone (a community, a grid …) to its units; `unit_building`
    maps every unit to its building. The warning is for the person deciding, not a refusal.
    """
    if granularity not in ("building", "unit"):
        raise ValueError("granularity must be 'building' or 'unit'")

    def place(unit: str) -> str:
        if granularity == "unit":
            return unit
        try:
            return unit_building[unit]
        except KeyError:
            raise ValueError(f"unit {unit!r} has no building") from None

    zone = {place(u) for u in proposed_units}
    supported = sorted({place(e.unit_id) for e in evidence})
    excess = sorted(zone - set(supported))
    if len(excess) <= allowed_extra:
        return None
    names_zh = "、".join(excess[:5]) + ("等" if len(excess) > 5 else "")
    names_en = ", ".join(excess[:5]) + (" …" if len(excess) > 5 else "")
    where_zh = "、".join(supported[:5]) or "无"
    zh_unit = "栋楼" if granularity == "building" else "个单元"
    en_unit = "buildings" if granularity == "building" else "units"
    return BreadthWarning(
        len(zone), tuple(supported), tuple(excess), granularity,
        f"拟划定区域含 {len(zone)} {zh_unit}，病例和密接仅涉及 {len(supported)} {zh_unit}（{where_zh}）；"
        f"其余 {len(excess)} {zh_unit}（{names_zh}）无证据支持。请按楼栋/单元精准划定，"
        "或写明扩大范围的理由。",
        f"The proposed zone covers {len(zone)} {en_unit}, but cases and contacts are in only "
        f"{len(supported)} ({', '.join(supported[:5]) or 'none'}); {len(excess)} {en_unit} "
        f"({names_en}) have no supporting evidence. Draw the zone by building/unit, or record why "
        "it must be wider.",
    )
