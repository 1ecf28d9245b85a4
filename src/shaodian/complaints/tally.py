"""What one complaint adds to the daily summary, and the moves that keep the summary equal to a recount. Pure.

The summary holds, per (filed day, place, body, category), how many complaints filed that day are now in each
condition below. A complaint's share is a function of its row alone; when a write changes the row, the summary
takes the new share and gives back the old one (two moves when the key changed, one when only counts did).
"""

from collections.abc import Hashable, Iterable

COUNTERS = ("filed", "closed", "resolved", "closed_unresolved", "feedback", "satisfied", "responded_24h",
            "reopened", "escalated")
CLOSED = frozenset({"resolved", "closed_unresolved"})
ZERO = (0,) * len(COUNTERS)


def share(*, status: str, answered_in_24h: bool, satisfied: bool | None, reopen_count: int,
          escalated: bool) -> tuple[int, ...]:
    """One complaint's counts, in the order of COUNTERS."""
    return (
        1,
        int(status in CLOSED),
        int(status == "resolved"),
        int(status == "closed_unresolved"),
        int(satisfied is not None),
        int(satisfied is True),
        int(bool(answered_in_24h)),
        int(reopen_count > 0),
        int(bool(escalated)),
    )


def moves(old: tuple[Hashable, tuple[int, ...]] | None,
          new: tuple[Hashable, tuple[int, ...]] | None) -> list[tuple[Hashable, tuple[int, ...]]]:
    """The (key, delta) additions that turn a summary holding `old` into one holding `new`; none when equal."""
    out: dict[Hashable, list[int]] = {}
    for item, sign in ((old, -1), (new, 1)):
        if item is None:
            continue
        key, counts = item
        acc = out.setdefault(key, [0] * len(COUNTERS))
        for i, v in enumerate(counts):
            acc[i] += sign * v
    return [(k, tuple(v)) for k, v in out.items() if any(v)]


def recount(items: Iterable[tuple[Hashable, tuple[int, ...]]]) -> dict[Hashable, tuple[int, ...]]:
    """The summary from scratch: shares added up per key (rows of zeros left out)."""
    out: dict[Hashable, list[int]] = {}
    for key, counts in items:
        acc = out.setdefault(key, [0] * len(COUNTERS))
        for i, v in enumerate(counts):
            acc[i] += v
    return {k: tuple(v) for k, v in out.items() if any(v)}
