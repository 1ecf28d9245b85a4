"""Scans to stays (`pair_stays`) and the index over stays (`build_index`) that `engine.find_contacts` queries.

Pure NumPy, no Django; see `engine` for the definitions of stay, exposure and contact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shaodian.tracing.arrays import argsort_rows, bits, i64, sort_rows

# Stays are kept on shelves by duration so one long stay widens the search of its shelf only.
SHELF_LIMITS_SECONDS = (30 * 60, 2 * 3600, 8 * 3600)


@dataclass(frozen=True, eq=False)
class Scans:
    """Scan records as columns, one row per scan, in any order."""

    person: np.ndarray
    venue: np.ndarray
    time: np.ndarray
    is_in: np.ndarray  # True = entry scan, False = exit scan

    def __len__(self) -> int:
        return len(self.time)


@dataclass(frozen=True, eq=False)
class Stays:
    """Stays as columns, closed intervals [start, end]."""

    person: np.ndarray
    venue: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def __len__(self) -> int:
        return len(self.start)


def pair_stays(
    scans: Scans, *, default_dwell_minutes: float = 30, max_stay_minutes: float | None = 24 * 60
) -> Stays:
    """Stays from scans: each in-scan closed by the same person's next scan there if it is an out."""
    dwell = int(round(default_dwell_minutes * 60))
    # A forgotten out-scan must not join a visit days later into one stay that meets everybody.
    max_stay = np.iinfo(np.int64).max if max_stay_minutes is None else int(round(max_stay_minutes * 60))
    person, venue, time = i64(scans.person), i64(scans.venue), i64(scans.time)
    if len(time) == 0:
        return Stays(*(np.zeros(0, dtype=np.int64) for _ in range(4)))
    p0, v0, t0 = int(person.min()), int(venue.min()), int(time.min())
    pb, vb, tb = (bits(int(x.max()) - x0) for x, x0 in ((person, p0), (venue, v0), (time, t0)))
    # out sorts after in at the same second, so in+out in one second is a zero-length stay;
    # exact duplicates (a retried upload) are dropped.
    out = ~np.asarray(scans.is_in, dtype=bool)
    if pb + vb + tb + 1 <= 63:  # the usual case: one packed key, built in place, sorted
        key = person - p0
        for x, x0, w in ((venue, v0, vb), (time, t0, tb)):
            key <<= w
            key += x
            key -= x0
        key <<= 1
        key += out
        key.sort()
        dup = key[1:] == key[:-1]
        if dup.any():
            key = key[np.r_[True, ~dup]]
        is_in = (key & 1) == 0
        t = key >> 1
        t &= (1 << tb) - 1
        pv = key >> (tb + 1)
        del key
        same = pv[1:] == pv[:-1]

        def who(i):
            return (pv[i] >> vb) + p0, (pv[i] & ((1 << vb) - 1)) + v0

    else:
        p, v, t, o = sort_rows([person - p0, venue - v0, time - t0, out.astype(np.int64)], unique=True)
        is_in = o == 0
        same = (p[1:] == p[:-1]) & (v[1:] == v[:-1])

        def who(i):
            return p[i] + p0, v[i] + v0

    n = len(t)
    closes = np.zeros(n, dtype=bool)  # scan i is an in-scan closed by scan i + 1
    closes[:-1] = is_in[:-1] & ~is_in[1:] & same
    if max_stay < np.iinfo(np.int64).max:
        closes[:-1] &= t[1:] - t[:-1] <= max_stay
    anchor = np.ones(n, dtype=bool)  # every scan starts a stay except an out that closes one
    anchor[1:] = ~closes[:-1]
    i = np.flatnonzero(anchor)
    ti, ini = t[i] + t0, is_in[i]
    nxt = t[np.minimum(i + 1, n - 1)] + t0
    start = np.where(ini, ti, ti - dwell)
    end = np.where(closes[i], nxt, np.where(ini, ti + dwell, ti))
    return Stays(*who(i), start, end)


def _factorize(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted distinct values, code per element); a table lookup when ids are dense."""
    if len(x) == 0:
        return x, x
    lo, span = int(x.min()), int(x.max()) - int(x.min())
    if span > 4 * len(x) + 1024:
        return np.unique(x, return_inverse=True)
    present = np.bincount(x - lo, minlength=span + 1) > 0
    code = np.cumsum(present) - 1
    return np.flatnonzero(present) + lo, code[x - lo]


@dataclass(frozen=True, eq=False)
class ContactIndex:
    """Stays sorted by (shelf, venue, start) with per-group max duration; built once, queried often."""

    key: np.ndarray  # shelf << (vb + tb) | venue code << tb | start - t0, ascending
    start: np.ndarray
    end: np.ndarray
    pcode: np.ndarray  # person code: index into person_ids
    group_key: np.ndarray  # key >> tb of each (shelf, venue) group
    group_maxdur: np.ndarray  # longest stay of each group: bounds how far back a search goes
    person_ids: np.ndarray  # ascending
    person_off: np.ndarray  # stays of person_ids[k] are person_pos[person_off[k]:person_off[k + 1]]
    person_pos: np.ndarray
    venue_ids: np.ndarray  # venue code -> venue id
    t0: int
    tb: int
    vb: int
    shelves: int

    def __len__(self) -> int:
        return len(self.key)


def build_index(stays: Stays, shelf_limits: tuple[int, ...] = SHELF_LIMITS_SECONDS) -> ContactIndex:
    """Index stays for `find_contacts`; O(n log n), mostly one packed sort."""
    person, venue = i64(stays.person), i64(stays.venue)
    start, end = i64(stays.start), i64(stays.end)
    n = len(start)
    if n and bool((end < start).any()):
        raise ValueError("a stay ends before it starts")
    # pair_stays returns stays grouped by person; only other callers pay for a sort here
    by_person = (
        None if n < 2 or bool((person[1:] >= person[:-1]).all()) else argsort_rows([person - person.min()])
    )
    ps = person if by_person is None else person[by_person]
    new = np.r_[True, ps[1:] != ps[:-1]] if n else np.zeros(0, dtype=bool)
    first = np.flatnonzero(new)
    pcode = np.cumsum(new) - 1
    if by_person is not None:
        pcode[by_person] = pcode.copy()
    venue_ids, vcode = _factorize(venue)
    dur = end - start
    shelf = np.searchsorted(np.asarray(shelf_limits, dtype=np.int64), dur, side="left")
    t0 = int(start.min()) if n else 0
    srel = start - t0
    tb = bits(int(srel.max()) + 1) if n else 1  # 2**tb - 1 > any start, so clipped bounds stay in group
    vb = bits(len(venue_ids))
    if bits(len(shelf_limits)) + vb + tb > 63:
        raise ValueError("time span too long to index")
    key = shelf << (vb + tb) | vcode << tb | srel
    order = argsort_rows([key])
    key = key[order]
    start, end = start[order], end[order]
    gk = key >> tb
    gfirst = np.flatnonzero(np.r_[True, gk[1:] != gk[:-1]]) if n else first
    inv = np.empty(n, dtype=np.int64)
    inv[order] = np.arange(n, dtype=np.int64)
    return ContactIndex(
        key=key,
        start=start,
        end=end,
        pcode=pcode[order].astype(np.int32 if len(first) < 2**31 else np.int64),
        group_key=gk[gfirst],
        group_maxdur=np.maximum.reduceat(end - start, gfirst) if n else np.zeros(0, np.int64),
        person_ids=ps[first],
        person_off=np.r_[first, n].astype(np.int64),
        person_pos=inv if by_person is None else inv[by_person],
        venue_ids=venue_ids,
        t0=t0,
        tb=tb,
        vb=vb,
        shelves=len(shelf_limits) + 1,
    )
