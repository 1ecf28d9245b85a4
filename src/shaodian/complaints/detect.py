"""Over-blocking detection rules (MEA-6) over the complaint stream, pure: which communities need a review.

- medical_days: at least MEDICAL_PER_DAY "cannot reach medical care" reports from one community on each of
  MEDICAL_DAYS consecutive days (two days do not trigger, three do);
- fire_lane: any "fire lane or emergency exit blocked" report;
- supply_cluster: SUPPLY_CLUSTER or more supply-shortage reports from one community within SUPPLY_WINDOW.
"""

import dataclasses
import datetime as dt
from collections import defaultdict

MEDICAL_DAYS = 3
MEDICAL_PER_DAY = 1
SUPPLY_CLUSTER = 5
SUPPLY_WINDOW = dt.timedelta(hours=24)


@dataclasses.dataclass(frozen=True)
class Report:
    id: int
    community_id: int
    category: str
    filed_at: dt.datetime  # aware
    day: dt.date  # the local (Asia/Shanghai) day it was filed


@dataclasses.dataclass(frozen=True)
class Trigger:
    rule: str
    community_id: int
    key: str  # one review per rule, community and window
    report_ids: tuple[int, ...]
    per_day: dict  # ISO day → count


def _medical(reports: list[Report], days: int, per_day: int) -> list[Trigger]:
    out = []
    by_community: dict[int, dict[dt.date, list[int]]] = defaultdict(lambda: defaultdict(list))
    for r in reports:
        if r.category == "medical_access":
            by_community[r.community_id][r.day].append(r.id)
    for community, by_day in by_community.items():
        qualifying = sorted(d for d, ids in by_day.items() if len(ids) >= per_day)
        run: list[dt.date] = []
        for d in qualifying:
            run = run + [d] if run and d - run[-1] == dt.timedelta(days=1) else [d]
            if len(run) >= days:
                window = run[-days:]
                ids = tuple(i for w in window for i in by_day[w])
                out.append(Trigger("medical_days", community, f"medical_days:{community}:{window[0].isoformat()}",
                                   ids, {w.isoformat(): len(by_day[w]) for w in window}))
                run = []  # the next review needs a fresh run of days
    return out


def _fire(reports: list[Report]) -> list[Trigger]:
    return [Trigger("fire_lane", r.community_id, f"fire_lane:{r.id}", (r.id,), {r.day.isoformat(): 1})
            for r in reports if r.category == "fire_lane"]


def _supply(reports: list[Report], size: int, window: dt.timedelta) -> list[Trigger]:
    out = []
    by_community: dict[int, list[Report]] = defaultdict(list)
    for r in reports:
        if r.category == "supply_shortage":
            by_community[r.community_id].append(r)
    for community, rs in by_community.items():
        rs.sort(key=lambda r: r.filed_at)
        start = 0
        for end in range(len(rs)):
            while rs[end].filed_at - rs[start].filed_at > window:
                start += 1
            if end - start + 1 >= size:
                chosen = rs[start:end + 1]
                per_day: dict[str, int] = defaultdict(int)
                for r in chosen:
                    per_day[r.day.isoformat()] += 1
                out.append(Trigger("supply_cluster", community, f"supply_cluster:{community}:{chosen[0].id}",
                                   tuple(r.id for r in chosen), dict(per_day)))
                break  # one review per community per look; the key keeps it from opening twice
    return out


def triggers(reports: list[Report], *, medical_days: int = MEDICAL_DAYS, medical_per_day: int = MEDICAL_PER_DAY,
             supply_cluster: int = SUPPLY_CLUSTER, supply_window: dt.timedelta = SUPPLY_WINDOW) -> list[Trigger]:
    """Every rule's triggers over these reports (each with its evidence)."""
    reports = [r for r in reports if r.community_id is not None]
    return (_medical(reports, medical_days, medical_per_day) + _fire(reports)
            + _supply(reports, supply_cluster, supply_window))
