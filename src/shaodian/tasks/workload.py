"""Workload of one worker, pure: hours on shift per local day, the overload flags (过劳) and their reasons.

Over 12 hours in a day; a streak of 7 or more days in a row on duty ("白加黑、5加2"); more residents per worker than
the node's ratio (the seeds cite about 360). Shifts are split at local midnight so a night shift counts for both days.
"""

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

DAY_LIMIT = dt.timedelta(hours=12)
STREAK_DAYS = 7
DEFAULT_RATIO = 360
LOCAL = ZoneInfo("Asia/Shanghai")


def hours_per_day(shifts: list[tuple[dt.datetime, dt.datetime]], tz=LOCAL) -> dict[dt.date, dt.timedelta]:
    """Time on duty per local day; overlapping shifts count once."""
    spans = sorted((s.astimezone(tz), e.astimezone(tz)) for s, e in shifts if e > s)
    merged: list[list[dt.datetime]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    out: dict[dt.date, dt.timedelta] = {}
    for s, e in merged:
        while s < e:
            midnight = dt.datetime.combine(s.date() + dt.timedelta(days=1), dt.time(), tzinfo=tz)
            cut = min(e, midnight)
            out[s.date()] = out.get(s.date(), dt.timedelta()) + (cut - s)
            s = cut
    return out


def longest_streak(days) -> int:
    """The longest run of consecutive dates."""
    best, run, last = 0, 0, None
    for d in sorted(set(days)):
        run = run + 1 if last is not None and d - last == dt.timedelta(days=1) else 1
        best, last = max(best, run), d
    return best


@dataclasses.dataclass(frozen=True)
class Load:
    hours: dict[dt.date, dt.timedelta]
    long_days: tuple[dt.date, ...]
    streak: int
    residents: int
    ratio: int

    @property
    def reasons(self) -> tuple[str, ...]:
        out = []
        if self.long_days:
            out.append("long_day")
        if self.streak >= STREAK_DAYS:
            out.append("streak")
        if self.residents > self.ratio:
            out.append("ratio")
        return tuple(out)

    @property
    def overloaded(self) -> bool:
        return bool(self.reasons)


def load(shifts, *, residents: int, ratio: int = DEFAULT_RATIO, tz=LOCAL) -> Load:
    """A worker's load over the shifts given (the caller picks the window, e.g. the last 14 days)."""
    hours = hours_per_day(shifts, tz)
    long_days = tuple(sorted(d for d, h in hours.items() if h > DAY_LIMIT))
    return Load(hours, long_days, longest_streak(d for d, h in hours.items() if h > dt.timedelta(0)), residents,
                ratio)
