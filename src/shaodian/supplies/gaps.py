"""Equipment gaps per community, pure (seed 003): a committee holds at least so many of each item, plus
protective gear for so many days per worker.
"""

from dataclasses import dataclass
from decimal import Decimal

GEAR_DAYS = 30  # protective gear for 30 days per worker


@dataclass(frozen=True)
class Need:
    item_id: int
    per_community: Decimal
    per_worker_day: Decimal


@dataclass(frozen=True)
class Gap:
    community_id: int
    item_id: int
    required: Decimal
    on_hand: Decimal

    @property
    def missing(self) -> Decimal:
        return max(self.required - self.on_hand, Decimal(0))


def required(need: Need, workers: int, days: int = GEAR_DAYS) -> Decimal:
    return need.per_community + need.per_worker_day * workers * days


def gaps(communities: dict[int, int], needs: list[Need], stock: dict[tuple[int, int], Decimal],
         days: int = GEAR_DAYS) -> list[Gap]:
    """Every (community, item) short of its minimum. communities: id → workers; stock: (community, item) → on hand."""
    out = []
    for cid, workers in sorted(communities.items()):
        for need in needs:
            req = required(need, workers, days)
            have = stock.get((cid, need.item_id), Decimal(0))
            if have < req:
                out.append(Gap(cid, need.item_id, req, have))
    return out
