"""The contact engine against a brute-force reference written from the definitions."""

from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shaodian.tracing import engine
from shaodian.tracing.engine import (
    SHELF_LIMITS_SECONDS,
    Scans,
    Stays,
    build_index,
    find_contacts,
    pair_stays,
    second_degree,
)

T0 = 1_648_742_400  # 2022-04-01 00:00 Asia/Shanghai
MIN = 60


# ---- brute-force reference: plain loops over all rows, no index, no vectorization ----


def ref_pair(scans, dwell, max_stay):
    """Walk each (person, venue) timeline; in before out within one second."""
    rows = sorted({(p, v, t, not is_in) for p, v, t, is_in in scans})
    timelines = defaultdict(list)
    for p, v, t, is_out in rows:
        timelines[p, v].append((t, is_out))
    stays = []
    for (p, v), line in timelines.items():
        i = 0
        while i < len(line):
            t, is_out = line[i]
            if is_out:
                stays.append((p, v, t - dwell, t))
            elif (
                i + 1 < len(line) and line[i + 1][1] and (max_stay is None or line[i + 1][0] - t <= max_stay)
            ):
                stays.append((p, v, t, line[i + 1][0]))
                i += 1
            else:
                stays.append((p, v, t, t + dwell))
            i += 1
    return stays


def ref_contacts(stays, cases, windows, w, m, exclude=()):
    """{case: [(person, seconds, n, sorted exposures)] best first}, a double loop over stays."""
    out = {}
    for c in cases:
        t_from, t_to = windows[c]
        found = defaultdict(list)
        for p, v, s, e in stays:
            if p != c:
                continue
            s1, e1 = max(s, t_from), min(e, t_to)
            if s1 > e1:
                continue
            for p2, v2, s2, e2 in stays:
                if v2 != v or p2 == c or p2 in exclude:
                    continue
                lo, hi = max(s1, s2 - w), min(e1, e2 + w)
                if hi - lo >= m:
                    found[p2].append((v, lo, hi))
        rows = [(p, sum(h - lo for _, lo, h in ex), len(ex), sorted(ex)) for p, ex in found.items()]
        out[c] = sorted(rows, key=lambda r: (-r[1], -r[2], r[0]))
    return out


def engine_rows(result):
    out = {}
    for i, c in enumerate(result.cases):
        rows = []
        for j in range(result.case_off[i], result.case_off[i + 1]):
            a, b = result.exp_off[j], result.exp_off[j + 1]
            ex = list(zip(result.venue[a:b].tolist(), result.start[a:b].tolist(), result.end[a:b].tolist()))
            assert [e[1] for e in ex] == sorted(e[1] for e in ex), "exposures ordered by start"
            rows.append(
                (int(result.person[j]), int(result.seconds[j]), int(result.n_exposures[j]), sorted(ex))
            )
        out[int(c)] = rows
    return out


def to_scans(rows):
    p, v, t, d = zip(*rows) if rows else ((), (), (), ())
    return Scans(np.array(p, np.int64), np.array(v, np.int64), np.array(t, np.int64), np.array(d, bool))


def to_stays(rows):
    p, v, s, e = zip(*rows) if rows else ((), (), (), ())
    return Stays(*(np.array(x, np.int64) for x in (p, v, s, e)))


# ---- random small data ----

# a 5-minute grid makes touching intervals and zero-length stays common; raw seconds break ties
times = st.one_of(st.integers(0, 24).map(lambda k: T0 + 300 * k), st.integers(T0, T0 + 7200))
scan_row = st.tuples(st.integers(0, 3), st.integers(0, 1), times, st.booleans())
# mostly busy venues: hypothesis' default list sizes are too small for people to meet
scan_rows = st.one_of(
    st.lists(scan_row, max_size=4), st.lists(scan_row, min_size=10, max_size=30, unique=True)
)
params = st.fixed_dictionaries(
    {
        "dwell": st.sampled_from([0, 5, 30]),
        "max_stay": st.sampled_from([None, 10, 60, 24 * 60]),
        "w": st.sampled_from([0, 5, 30, 60]) | st.integers(0, 90),
        "m": st.sampled_from([0, 0, 0, 1, 5, 10]) | st.integers(0, 40),
        "shelves": st.sampled_from([(), (300,), (600, 1800), SHELF_LIMITS_SECONDS]),
        "big_ids": st.booleans(),
        "chunk": st.sampled_from([1, 2, 7, 1 << 22]),
    }
)
cases_st = st.lists(st.integers(0, 5), max_size=5).map(lambda c: [0, *c])  # 4 and 5 never scan
window_st = st.one_of(
    st.just((T0 - 4000, 15_000)), st.tuples(st.integers(T0 - 3000, T0 + 7200), st.integers(0, 9000))
)


def scale(rows, big):
    """Huge sparse ids force the factorizing and lexsort paths; order is kept."""
    if not big:
        return rows
    return [(p * 2**35 + 7, v * 2**31 - 5, t, d) for p, v, t, d in rows]


@settings(max_examples=300, deadline=None)
@given(scan_rows, params)
def test_pairing_matches_reference(rows, prm):
    rows = scale(rows, prm["big_ids"])
    stays = pair_stays(to_scans(rows), default_dwell_minutes=prm["dwell"], max_stay_minutes=prm["max_stay"])
    got = sorted(zip(stays.person.tolist(), stays.venue.tolist(), stays.start.tolist(), stays.end.tolist()))
    max_stay = None if prm["max_stay"] is None else prm["max_stay"] * MIN
    assert got == sorted(ref_pair(rows, prm["dwell"] * MIN, max_stay))


@settings(max_examples=400, deadline=None)
@given(scan_rows, params, cases_st, window_st, st.randoms(use_true_random=False))
def test_contacts_match_reference(rows, prm, cases, window, rnd):
    rows = scale(rows, prm["big_ids"])
    cases = [c * 2**35 + 7 for c in cases] if prm["big_ids"] else cases
    max_stay = None if prm["max_stay"] is None else prm["max_stay"] * MIN
    stays = ref_pair(rows, prm["dwell"] * MIN, max_stay)
    rnd.shuffle(stays)  # the index must not rely on pair_stays' order
    index = build_index(to_stays(stays), shelf_limits=prm["shelves"])
    t_from, t_to = window[0], window[0] + window[1]
    engine._CHUNK, chunk = prm["chunk"], engine._CHUNK  # tiny chunks split one query in many
    try:
        got = find_contacts(index, cases, t_from, t_to, window_minutes=prm["w"], min_overlap_minutes=prm["m"])
    finally:
        engine._CHUNK = chunk
    want = ref_contacts(
        stays, sorted(set(cases)), defaultdict(lambda: (t_from, t_to)), prm["w"] * MIN, prm["m"] * MIN
    )
    assert engine_rows(got) == want


@settings(max_examples=200, deadline=None)
@given(scan_rows, params, cases_st, st.lists(window_st, min_size=6, max_size=6))
def test_per_case_windows_match_reference(rows, prm, cases, windows):
    cases = sorted(set(cases))
    stays = ref_pair(rows, prm["dwell"] * MIN, None)
    win = {c: (windows[c][0], windows[c][0] + windows[c][1]) for c in cases}
    index = build_index(to_stays(stays), shelf_limits=prm["shelves"])
    got = find_contacts(
        index, cases, [win[c][0] for c in cases], [win[c][1] for c in cases], prm["w"], prm["m"]
    )
    assert engine_rows(got) == ref_contacts(stays, cases, win, prm["w"] * MIN, prm["m"] * MIN)


@settings(max_examples=200, deadline=None)
@given(scan_rows, params, cases_st, window_st)
def test_second_degree_matches_reference(rows, prm, cases, window):
    stays = ref_pair(rows, prm["dwell"] * MIN, None)
    index = build_index(to_stays(stays), shelf_limits=prm["shelves"])
    t_from, t_to = window[0], window[0] + window[1]
    w, m = prm["w"] * MIN, prm["m"] * MIN
    first = ref_contacts(stays, sorted(set(cases)), defaultdict(lambda: (t_from, t_to)), w, m)
    since = {}
    for rows_ in first.values():
        for p, _, _, ex in rows_:
            since[p] = min(since.get(p, ex[0][1]), min(lo for _, lo, _ in ex))
    exclude = set(cases) | set(since)
    want = ref_contacts(stays, sorted(since), {p: (s, t_to) for p, s in since.items()}, w, m, exclude)
    got = second_degree(index, cases, t_from, t_to, prm["w"], prm["m"])
    assert engine_rows(got) == want


# ---- hand-written examples ----


def stays_index(*rows, **kw):
    return build_index(to_stays(rows), **kw)


def contacts_of(index, case, t_from=0, t_to=10**6, w=0, m=0):
    return find_contacts(index, [case], t_from, t_to, window_minutes=w, min_overlap_minutes=m).for_case(case)


def test_it_pairs_in_with_next_out_and_defaults_missing_scans():
    scans = to_scans(
        [
            (1, 9, 1000, True), (1, 9, 4000, False),  # a full visit
            (2, 9, 5000, True),  # no out-scan: default dwell after
            (3, 9, 9000, False),  # no in-scan: default dwell before
            (4, 9, 7000, True), (4, 9, 7000, False),  # in and out in one second
        ]
    )  # fmt: skip
    s = pair_stays(scans, default_dwell_minutes=30)
    got = sorted(zip(s.person.tolist(), s.start.tolist(), s.end.tolist()))
    assert got == [(1, 1000, 4000), (2, 5000, 6800), (3, 7200, 9000), (4, 7000, 7000)]


def test_it_splits_a_pair_longer_than_max_stay():
    scans = to_scans([(1, 9, 0, True), (1, 9, 86401, False), (2, 9, 0, True), (2, 9, 86400, False)])
    s = pair_stays(scans, default_dwell_minutes=10, max_stay_minutes=24 * 60)
    got = sorted(zip(s.person.tolist(), s.start.tolist(), s.end.tolist()))
    assert got == [(1, 0, 600), (1, 86401 - 600, 86401), (2, 0, 86400)]


def test_it_counts_touching_intervals_as_zero_minute_exposure():
    index = stays_index((1, 5, 0, 600), (2, 5, 600, 900))
    [c] = contacts_of(index, 1)
    assert (c.person, c.minutes, c.n_exposures) == (2, 0.0, 1)
    assert c.exposures[0].start == c.exposures[0].end == 600


def test_it_widens_the_other_stay_by_the_window():
    index = stays_index((1, 5, 0, 600), (2, 5, 1800, 2400))  # 20 minutes apart
    assert contacts_of(index, 1, w=19) == []
    [c] = contacts_of(index, 1, w=30)
    assert (c.exposures[0].start, c.exposures[0].end, c.minutes) == (0, 600, 10.0)


def test_it_requires_min_overlap():
    index = stays_index((1, 5, 0, 600), (2, 5, 300, 1200), (3, 5, 599, 700))
    assert [c.person for c in contacts_of(index, 1, m=5)] == [2]
    assert [c.person for c in contacts_of(index, 1, m=6)] == []


def test_it_excludes_the_case_and_other_venues():
    index = stays_index((1, 5, 0, 600), (1, 5, 100, 200), (2, 6, 0, 600))
    assert contacts_of(index, 1, w=60) == []


def test_it_ranks_by_minutes_then_exposures_then_id():
    index = stays_index(
        (1, 5, 0, 3600), (1, 6, 7200, 9000),
        (4, 5, 0, 600), (4, 6, 7200, 7800),  # 20 min over 2 exposures
        (3, 5, 1200, 2400),  # 20 min in 1 exposure
        (2, 5, 2400, 3600),  # the same, smaller id
        (5, 5, 0, 3600),  # 60 min
    )  # fmt: skip
    assert [(c.person, c.minutes, c.n_exposures) for c in contacts_of(index, 1)] == [
        (5, 60.0, 1), (4, 20.0, 2), (2, 20.0, 1), (3, 20.0, 1)
    ]  # fmt: skip


def test_it_clips_case_stays_to_the_window():
    index = stays_index((1, 5, 0, 6000), (2, 5, 0, 1000), (3, 5, 5000, 6000))
    assert [c.person for c in contacts_of(index, 1, t_from=3000, t_to=10**6)] == [3]


def test_it_returns_no_contacts_for_a_case_without_stays():
    index = stays_index((1, 5, 0, 600), (2, 5, 0, 600))
    result = find_contacts(index, [99, 1], 0, 10**6)
    assert result.for_case(99) == [] and [c.person for c in result.for_case(1)] == [2]
    assert result.as_dict()[99] == []


def test_it_finds_a_long_stay_that_began_long_before():
    index = stays_index(
        (1, 5, 80_000, 80_600), (2, 5, 0, 86_400), *[(i, 5, 60 * i, 60 * i + 300) for i in range(10, 60)]
    )
    assert 2 in [c.person for c in contacts_of(index, 1)]


def test_it_finds_secondary_contacts_only_after_the_first_exposure():
    index = stays_index(
        (1, 5, 5000, 6000), (2, 5, 5500, 7000),  # 2 meets case 1
        (2, 6, 1000, 2000), (3, 6, 1000, 2000),  # before meeting 1: not counted
        (2, 6, 8000, 9000), (4, 6, 8500, 9500),  # after: 4 is a secondary contact
        (1, 6, 8000, 8100),  # the case is never its own secondary contact
    )  # fmt: skip
    second = second_degree(index, [1], 0, 10**6, window_minutes=0)
    assert second.cases.tolist() == [2]
    assert [c.person for c in second.for_case(2)] == [4]


def test_it_handles_an_empty_index():
    empty = pair_stays(to_scans([]))
    result = find_contacts(build_index(empty), [1, 2], 0, 10)
    assert len(result) == 0 and result.cases.tolist() == [1, 2]


def test_it_rejects_duplicate_cases_with_per_case_windows():
    index = stays_index((1, 5, 0, 600))
    with pytest.raises(ValueError):
        find_contacts(index, [1, 1], [0, 5], [10, 20])
