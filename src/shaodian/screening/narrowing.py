"""MEA-7 for testing rounds: a lower level may narrow a round ordered above it, never widen it. Pure: no Django.

A sub-round lies inside its parent's area (the parent's node is one of the sub-round's ancestors or the
node itself), tests the same way, falls in the parent's period and is not more frequent.
"""

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Round:
    area: int  # node id
    path: tuple[int, ...]  # ids of the area's ancestors and the area itself, from the top
    kind: str
    day: dt.date
    every_days: int


@dataclass(frozen=True, slots=True)
class Widening:
    code: str
    zh: str
    en: str


def check(parent: Round, child: Round) -> list[Widening]:
    """Every way `child` would widen `parent`; empty when it only narrows or repeats it."""
    out = []
    if parent.area not in child.path:
        out.append(Widening("outside_area", "子轮次的范围超出了上级下达的范围",
                            "The sub-round's area lies outside the area ordered above"))
    if child.kind != parent.kind:
        out.append(Widening("other_kind", "检测方式须与上级下达的一致", "The test must be the one ordered above"))
    if child.every_days < parent.every_days:
        out.append(Widening("more_frequent", f"检测频次不得高于上级规定（每{parent.every_days}天一次）",
                            f"Testing may not be more frequent than ordered above (every {parent.every_days} days)"))
    if child.day < parent.day:
        out.append(Widening("earlier", "子轮次日期不得早于上级轮次", "A sub-round cannot start before the round above"))
    return out
