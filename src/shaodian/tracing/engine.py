"""Close-contact finding (密接 / 次密接) by co-location in venue and checkpoint scans (扫码记录).

Pure NumPy, no Django: `tracing.services` loads scans, calls these functions and stores the
results, and the same code is checked against brute force in property tests.

Definitions (times are int seconds since the epoch, UTC; ids are ints):
- stay: one person at one venue during the closed interval [start, end] (built by `pair_stays`).
- exposure: a case stay, clipped to [t_from, t_to], and another person's stay at the same venue
  widened by the window on both sides, overlapping for >= min_overlap; start/end = that overlap.
- contact: a person with >= 1 exposure; score = (total exposure minutes, number of exposures),
  one exposure per (case stay, contact stay) pair; ties are broken by the smaller person id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

# Stays are kept on shelves by duration so one long stay widens the search of its shelf only.
SHELF_LIMITS_SECONDS = (30 * 60, 2 * 3600, 8 * 3600)
# Candidates expanded at once; bounds memory to a few hundred MB whatever the query size.
_CHUNK = 1 << 22


def _i64(values) -> np.ndarray:
    return np.ascontiguousarray(values, dtype=np.int64)


def _bits(n: int) -> int:
    """Bits needed for 0..n."""
    return int(n).bit_length()


def _ranges(lo: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Concatenation of arange(lo[i], lo[i] + count[i]), without a Python loop."""
    total = int(count.sum())
    shift = lo - (np.cumsum(count) - count)
    return np.arange(total, dtype=np.int64) + np.repeat(shift, count)


def _search(sorted_keys: np.ndarray, needles: np.ndarray) -> np.ndarray:
    """searchsorted with the needles sorted first: neighbouring searches then share cache lines."""
    order = _argsort([needles])
    out = np.empty(len(needles), dtype=np.int64)
    out[order] = np.searchsorted(sorted_keys, needles[order])
    return out


def _sort_rows(cols: list[np.ndarray], unique: bool = False) -> list[np.ndarray]:
    """Rows of non-negative int columns sorted lexicographically (first column first)."""
    widths = [_bits(c.max()) if len(c) else 0 for c in cols]
    if sum(widths) <= 63:  # one packed int64 sorts several times faster than lexsort
        key = np.zeros(len(cols[0]), dtype=np.int64)
        for c, w in zip(cols, widths):
            key <<= w
            key |= c
        key.sort()
        if unique:
            key = key[np.r_[True, key[1:] != key[:-1]]]
        out = []
        for w in reversed(widths):
            out.append(key & ((1 << w) - 1))
            key >>= w
        return out[::-1]
    order = np.lexsort(cols[::-1])
    rows = [c[order] for c in cols]
    if unique:
        new = np.zeros(len(order), dtype=bool)
        new[:1] = True
        for c in rows:
            new[1:] |= c[1:] != c[:-1]
        rows = [c[new] for c in rows]
    return rows


def _argsort(cols: list[np.ndarray]) -> np.ndarray:
    """Stable lexicographic order of rows of non-negative int columns."""
    n = len(cols[0])
    widths = [_bits(c.max()) if n else 0 for c in cols]
    if sum(widths) + _bits(n) <= 63:  # the row number makes a packed sort stable
        return _sort_rows(cols + [np.arange(n, dtype=np.int64)])[-1]
    if sum(widths) <= 63:
        key = np.zeros(n, dtype=np.int64)
        for c, w in zip(cols, widths):
            key <<= w
            key |= c
        return np.argsort(key, kind="stable")
    return np.lexsort(cols[::-1])


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
    person, venue, time = _i64(scans.person), _i64(scans.venue), _i64(scans.time)
    if len(time) == 0:
        return Stays(*(np.zeros(0, dtype=np.int64) for _ in range(4)))
    p0, v0, t0 = int(person.min()), int(venue.min()), int(time.min())
    pb, vb, tb = (_bits(int(x.max()) - x0) for x, x0 in ((person, p0), (venue, v0), (time, t0)))
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
        p, v, t, o = _sort_rows([person - p0, venue - v0, time - t0, out.astype(np.int64)], unique=True)
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
    person, venue = _i64(stays.person), _i64(stays.venue)
    start, end = _i64(stays.start), _i64(stays.end)
    n = len(start)
    if n and bool((end < start).any()):
        raise ValueError("a stay ends before it starts")
    # pair_stays returns stays grouped by person; only other callers pay for a sort here
    by_person = (
        None if n < 2 or bool((person[1:] >= person[:-1]).all()) else _argsort([person - person.min()])
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
    tb = _bits(int(srel.max()) + 1) if n else 1  # 2**tb - 1 > any start, so clipped bounds stay in group
    vb = _bits(len(venue_ids))
    if _bits(len(shelf_limits)) + vb + tb > 63:
        raise ValueError("time span too long to index")
    key = shelf << (vb + tb) | vcode << tb | srel
    order = _argsort([key])
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


class Exposure(NamedTuple):
    """One meeting: the overlap of a case stay and a (widened) contact stay at one venue."""

    venue: int
    start: int  # the overlap interval
    end: int
    minutes: float


class Contact(NamedTuple):
    """One close contact of one case with the meetings that make it one."""

    person: int
    minutes: float  # total exposure minutes: the score's first key
    n_exposures: int  # the score's second key
    exposures: tuple[Exposure, ...]

    @property
    def score(self) -> tuple[float, int]:
        return (self.minutes, self.n_exposures)


@dataclass(frozen=True, eq=False)
class Contacts:
    """Ranked contacts of many cases as flat columns; `for_case` builds objects for one case."""

    cases: np.ndarray  # queried ids, ascending
    case_off: np.ndarray  # contact rows of cases[i] are case_off[i]:case_off[i + 1], best first
    person: np.ndarray  # contact id per row
    seconds: np.ndarray  # total exposure seconds per row
    n_exposures: np.ndarray
    exp_off: np.ndarray  # exposure rows of contact row j are exp_off[j]:exp_off[j + 1]
    venue: np.ndarray  # per exposure row, ascending start within a contact
    start: np.ndarray
    end: np.ndarray

    def __len__(self) -> int:
        return len(self.person)

    @property
    def case(self) -> np.ndarray:
        """Case id per contact row."""
        return np.repeat(self.cases, np.diff(self.case_off))

    def for_case(self, case_id: int) -> list[Contact]:
        """Contacts of one case, best first; [] for a case without stays or not queried."""
        i = int(np.searchsorted(self.cases, case_id))
        if i == len(self.cases) or self.cases[i] != case_id:
            return []
        return self._contacts(int(self.case_off[i]), int(self.case_off[i + 1]))

    def as_dict(self) -> dict[int, list[Contact]]:
        """{case id: contacts best first} for every queried case; ~5 µs per contact."""
        contacts = self._contacts(0, len(self.person))
        off = self.case_off.tolist()
        return {c: contacts[a:b] for c, a, b in zip(self.cases.tolist(), off, off[1:])}

    def _contacts(self, a: int, b: int) -> list[Contact]:
        """Contact objects of rows a:b, converting columns to lists once (objects are slow)."""
        ea, eb = int(self.exp_off[a]), int(self.exp_off[b])
        exposures = list(
            map(
                Exposure,
                self.venue[ea:eb].tolist(),
                self.start[ea:eb].tolist(),
                self.end[ea:eb].tolist(),
                ((self.end[ea:eb] - self.start[ea:eb]) / 60).tolist(),
            )
        )
        off = (self.exp_off[a : b + 1] - ea).tolist()
        return [
            Contact(p, s / 60, n, tuple(exposures[x:y]))
            for p, s, n, x, y in zip(
                self.person[a:b].tolist(),
                self.seconds[a:b].tolist(),
                self.n_exposures[a:b].tolist(),
                off,
                off[1:],
            )
        ]


def merge_exposures(exposures) -> list[Exposure]:
    """One row per meeting: exposures at one venue that overlap or touch become their union; by venue, then start.

    The engine counts one exposure per (case stay, contact stay) pair, so a case that scanned in twice
    during one contact's stay yields the same meeting twice; a person reads it once.
    """
    out: list[Exposure] = []
    for e in sorted(exposures, key=lambda e: (e.venue, e.start, e.end)):
        last = out[-1] if out else None
        if last is not None and last.venue == e.venue and e.start <= last.end:
            end = max(last.end, e.end)
            out[-1] = Exposure(last.venue, last.start, end, (end - last.start) / 60)
        else:
            out.append(Exposure(e.venue, e.start, e.end, (e.end - e.start) / 60))
    return out


def _seconds(minutes: float, name: str) -> int:
    if minutes < 0:
        raise ValueError(f"{name} must be >= 0")
    return int(round(minutes * 60))


def find_contacts(
    index: ContactIndex,
    case_person_ids,
    t_from,
    t_to,
    window_minutes: float = 30,
    min_overlap_minutes: float = 0,
) -> Contacts:
    """Close contacts (密接) of each case; t_from/t_to: one int or one per case (ids then unique)."""
    ids = _i64(case_person_ids).ravel()
    cases, first = np.unique(ids, return_index=True)
    tf, tt = np.broadcast_to(_i64(t_from), ids.shape), np.broadcast_to(_i64(t_to), ids.shape)
    if len(cases) != len(ids) and (np.ndim(t_from) or np.ndim(t_to)):
        raise ValueError("per-case windows need unique case ids")
    w = _seconds(window_minutes, "window_minutes")
    m = _seconds(min_overlap_minutes, "min_overlap_minutes")
    return _query(index, cases, tf[first], tt[first], w, m, None)


def second_degree(
    index: ContactIndex,
    case_person_ids,
    t_from,
    t_to,
    window_minutes: float = 30,
    min_overlap_minutes: float = 0,
    *,
    first: Contacts | None = None,
) -> Contacts:
    """Secondary contacts (次密接): contacts of the close contacts, keyed by close contact."""
    if first is None:
        first = find_contacts(index, case_person_ids, t_from, t_to, window_minutes, min_overlap_minutes)
    # a close contact can pass it on only after first meeting a case
    row_start = first.start[first.exp_off[:-1]]
    sources, inv = np.unique(first.person, return_inverse=True)
    since = np.full(len(sources), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(since, inv, row_start)
    tt = np.full(len(sources), np.max(_i64(t_to)), dtype=np.int64)  # per-case ends: the latest
    # cases and close contacts are already in a stricter tier
    known = np.unique(np.r_[first.cases, sources])
    pos = np.searchsorted(index.person_ids, known)
    pos = pos[pos < len(index.person_ids)]
    exclude = np.zeros(len(index.person_ids), dtype=bool)
    exclude[pos[np.isin(index.person_ids[pos], known)]] = True
    w = _seconds(window_minutes, "window_minutes")
    m = _seconds(min_overlap_minutes, "min_overlap_minutes")
    return _query(index, sources, since, tt, w, m, exclude)


def _query(
    ix: ContactIndex,
    cases: np.ndarray,
    tf: np.ndarray,
    tt: np.ndarray,
    w: int,
    m: int,
    exclude: np.ndarray | None,
) -> Contacts:
    """Contacts of unique sorted `cases`, each in its own window [tf, tt]; `exclude` masks codes."""
    n_people = len(ix.person_ids)
    pos = np.searchsorted(ix.person_ids, cases)
    found = pos < n_people
    found[found] = ix.person_ids[pos[found]] == cases[found]
    rank = np.flatnonzero(found)
    code = pos[found]
    lo, cnt = ix.person_off[code], ix.person_off[code + 1] - ix.person_off[code]
    row_rank, row_code = np.repeat(rank, cnt), np.repeat(code, cnt)
    cs = ix.person_pos[_ranges(lo, cnt)]
    # the case stay counts only inside the case's window and must last min_overlap itself
    s1 = np.maximum(ix.start[cs], tf[row_rank])
    e1 = np.minimum(ix.end[cs], tt[row_rank])
    keep = e1 - s1 >= m
    cs, s1, e1, row_rank, row_code = cs[keep], s1[keep], e1[keep], row_rank[keep], row_code[keep]
    venue = (ix.key[cs] >> ix.tb) & ((1 << ix.vb) - 1)
    # one search per shelf: an other stay [s2, e2] qualifies iff s2 - w <= e1 - m and
    # e2 + w >= s1 + m (plus e2 - s2 + 2w >= m), and e2 <= s2 + maxdur bounds s2 from below.
    k = ix.shelves
    group = (np.repeat(np.arange(k, dtype=np.int64), len(cs)) << ix.vb) | np.tile(venue, k)
    row = np.tile(np.arange(len(cs), dtype=np.int64), k)
    g = np.minimum(np.searchsorted(ix.group_key, group), max(len(ix.group_key) - 1, 0))
    exists = ix.group_key[g] == group  # g is empty whenever the index is
    group, row, g = group[exists], row[exists], g[exists]
    top = (1 << ix.tb) - 1
    q_lo = np.clip(s1[row] + m - w - ix.group_maxdur[g] - ix.t0, 0, top)
    q_hi = np.clip(e1[row] + w - m + 1 - ix.t0, 0, top)
    group <<= ix.tb
    lo, hi = np.split(_search(ix.key, np.r_[group | q_lo, group | q_hi]), 2)
    count = np.maximum(hi - lo, 0)
    parts = []
    bounds = np.searchsorted(np.cumsum(count), np.arange(_CHUNK, int(count.sum()), _CHUNK))
    for a, b in zip(np.r_[0, bounds + 1], np.r_[bounds + 1, len(count)]):
        parts.append(_expand(ix, row[a:b], lo[a:b], count[a:b], s1, e1, row_code, w, m, exclude))
    r, cand, os_, oe = (np.concatenate(x) for x in zip(*parts))
    return _rank(ix, cases, row_rank[r], ix.pcode[cand].astype(np.int64), venue[r], os_, oe)


def _expand(ix, row, lo, count, s1, e1, row_code, w, m, exclude):
    """Candidates of some case stays, filtered to exposures: (case-stay row, stay, start, end)."""
    r = np.repeat(row, count)
    cand = _ranges(lo, count)
    os_ = np.maximum(s1[r], ix.start[cand] - w)
    oe = np.minimum(e1[r], ix.end[cand] + w)
    ok = oe - os_ >= m
    pc = ix.pcode[cand]
    ok &= pc != row_code[r]
    if exclude is not None:
        ok &= ~exclude[pc]
    return r[ok], cand[ok], os_[ok], oe[ok]


def _rank(ix, cases, rank, ccode, vcode, os_, oe) -> Contacts:
    """Group exposures into (case, contact) rows and order rows by score within each case."""
    pair = rank * max(len(ix.person_ids), 1) + ccode
    o = _argsort([pair, os_ - ix.t0]) if len(pair) else pair
    pair, vcode, os_, oe = pair[o], vcode[o], os_[o], oe[o]
    head = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]]) if len(pair) else pair
    seconds = np.add.reduceat(oe - os_, head) if len(head) else head
    n_exp = np.diff(np.r_[head, len(pair)])
    p_rank, p_code = pair[head] // max(len(ix.person_ids), 1), ccode[o][head]
    # stable, so ties keep the (case, contact code) order, i.e. the smaller person id first
    order = _argsort([p_rank, seconds.max() - seconds, n_exp.max() - n_exp]) if len(head) else head
    exp = _ranges(head[order], n_exp[order])
    n_exp = n_exp[order]
    return Contacts(
        cases=cases,
        case_off=np.r_[0, np.cumsum(np.bincount(p_rank, minlength=len(cases)))].astype(np.int64),
        person=ix.person_ids[p_code[order]],
        seconds=seconds[order],
        n_exposures=n_exp,
        exp_off=np.r_[0, np.cumsum(n_exp)].astype(np.int64),
        venue=ix.venue_ids[vcode[exp]],
        start=os_[exp],
        end=oe[exp],
    )
