"""Deadlines per category (PUB-1), pure: answer within 24 h and resolve within 72 h unless a category says otherwise."""

import dataclasses
import datetime as dt

ANSWER = dt.timedelta(hours=24)
RESOLVE = dt.timedelta(hours=72)

# Urgent categories: someone cannot reach care or a fire lane is blocked now.
BY_CATEGORY: dict[str, tuple[dt.timedelta, dt.timedelta]] = {
    "medical_access": (dt.timedelta(hours=2), dt.timedelta(hours=12)),
    "fire_lane": (dt.timedelta(hours=2), dt.timedelta(hours=12)),
    "supply_shortage": (dt.timedelta(hours=12), dt.timedelta(hours=48)),
    "over_blocking": (dt.timedelta(hours=12), dt.timedelta(hours=48)),
}


@dataclasses.dataclass(frozen=True)
class Due:
    answer_by: dt.datetime
    resolve_by: dt.datetime


def due(category: str, filed_at: dt.datetime) -> Due:
    answer, resolve = BY_CATEGORY.get(category, (ANSWER, RESOLVE))
    return Due(filed_at + answer, filed_at + resolve)


def is_late(*, status: str, responded_at, closed_at, answer_by, resolve_by, now: dt.datetime) -> bool:
    """Late: not answered by its answer deadline, or not closed by its resolve deadline."""
    if closed_at is not None:
        return False
    return (responded_at is None and now > answer_by) or now > resolve_by
