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

from shaodian.tracing.arrays import argsort_rows, i64, ranges, search_sorted
from shaodian.tracing.stays import SHELF_LIMITS_SECONDS, ContactIndex, Scans, Stays, build_index, pair_stays

__all__ = [
    "SHELF_LIMITS_SECONDS", "Contact", "ContactIndex", "Contacts", "Exposure", "Scans", "Stays", "build_index",
    "find_contacts", "merge_exposures", "pair_stays", "second_degree",
]

# Candidates expanded at once; bounds memory to a few hundred MB whatever the query size.
_CHUNK = 1 << 22


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
    ids = i64(case_person_ids).ravel()
    cases, first = np.unique(ids, return_index=True)
    tf, tt = np.broadcast_to(i64(t_from), ids.shape), np.broadcast_to(i64(t_to), ids.shape)
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
    tt = np.full(len(sources), np.max(i64(t_to)), dtype=np.int64)  # per-case ends: the latest
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
    cs = ix.person_pos[ranges(lo, cnt)]
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
    lo, hi = np.split(search_sorted(ix.key, np.r_[group | q_lo, group | q_hi]), 2)
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
    cand = ranges(lo, count)
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
    o = argsort_rows([pair, os_ - ix.t0]) if len(pair) else pair
    pair, vcode, os_, oe = pair[o], vcode[o], os_[o], oe[o]
    head = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]]) if len(pair) else pair
    seconds = np.add.reduceat(oe - os_, head) if len(head) else head
    n_exp = np.diff(np.r_[head, len(pair)])
    p_rank, p_code = pair[head] // max(len(ix.person_ids), 1), ccode[o][head]
    # stable, so ties keep the (case, contact code) order, i.e. the smaller person id first
    order = argsort_rows([p_rank, seconds.max() - seconds, n_exp.max() - n_exp]) if len(head) else head
    exp = ranges(head[order], n_exp[order])
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
