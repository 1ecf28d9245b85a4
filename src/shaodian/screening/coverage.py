"""Coverage arithmetic (横到边、纵到底): per-grid counters rolled up to every level above. Pure: no Django."""

from collections.abc import Iterable
from dataclasses import dataclass

LEVELS = ("grid", "community", "street", "district", "city")


@dataclass(frozen=True, slots=True)
class Counter:
    """One grid's counters, with the ids of the nodes above it (None where a level was merged away)."""

    ids: dict  # level → node id, for every name in LEVELS
    total: int
    reached: int
    refused: int = 0


@dataclass(slots=True)
class Tally:
    total: int = 0
    reached: int = 0
    refused: int = 0

    @property
    def open(self) -> int:
        return self.total - self.reached

    @property
    def percent(self) -> float:
        return percent(self.reached, self.total)


def percent(part: int, whole: int) -> float:
    """part/whole in percent, one decimal, rounded down: 99.96 % is not shown as 100 % (无死角 means all)."""
    if whole <= 0:
        return 0.0
    return (part * 1000 // whole) / 10


def rollup(counters: Iterable[Counter], level: str) -> dict[int, Tally]:
    """The tallies of every node of `level` that has grids under it."""
    if level not in LEVELS:
        raise ValueError(level)
    out: dict[int, Tally] = {}
    for c in counters:
        node = c.ids.get(level)
        if node is None:
            continue
        t = out.setdefault(node, Tally())
        t.total += c.total
        t.reached += c.reached
        t.refused += c.refused
    return out


def child_level(level: str) -> str | None:
    """The level one below `level` (None under a grid)."""
    i = LEVELS.index(level)
    return LEVELS[i - 1] if i > 0 else None
