"""`shaodian bench contacts`: our contact engine against a DuckDB interval join of the same stays."""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from shaodian.tracing.engine import Contacts, Scans, build_index, find_contacts, pair_stays, second_degree

T0 = 1_648_742_400  # 2022-04-01 00:00 Asia/Shanghai, in UTC seconds
DAY = 86_400
P_NO_IN, P_NO_OUT = 0.04, 0.08  # visits whose entry / exit scan was never made

BASELINE_SQL = """
WITH cs AS (
    SELECT s.person AS case_id, s.venue, greatest(s.start, {tf}) AS s1, least(s."end", {tt}) AS e1
    FROM stays s JOIN cases_np c ON s.person = c.person
    WHERE least(s."end", {tt}) - greatest(s.start, {tf}) >= {m}
), ex AS (
    SELECT cs.case_id, o.person, cs.venue,
           greatest(cs.s1, o.start - {w}) AS os, least(cs.e1, o."end" + {w}) AS oe
    FROM cs JOIN stays o
      ON o.venue = cs.venue AND o.start - {w} <= cs.e1 - {m} AND o."end" + {w} >= cs.s1 + {m}
    WHERE o.person <> cs.case_id
      AND least(cs.e1, o."end" + {w}) - greatest(cs.s1, o.start - {w}) >= {m}
)
SELECT case_id, person, venue, os, oe, sum(oe - os) OVER pair AS secs, count(*) OVER pair AS n
FROM ex WINDOW pair AS (PARTITION BY case_id, person)
ORDER BY case_id, secs DESC, n DESC, person, os
"""


def synthetic_scans(n_scans: int, people: int, venues: int, days: int, seed: int) -> Scans:
    """Deterministic city-like scans: visits of lognormal length to venues of lognormal popularity."""
    rng = np.random.default_rng(seed)
    weight = np.cumsum(rng.lognormal(0.0, 1.0, venues))
    visits = int(n_scans / (2 - P_NO_IN - P_NO_OUT) * 1.01) + 16
    person = rng.integers(0, people, visits, dtype=np.int64)
    venue = np.minimum(np.searchsorted(weight / weight[-1], rng.random(visits)), venues - 1)
    # arrivals between 06:00 and 22:00 local time, stays of ~30 min median, 1 min to 8 h
    arrive = T0 + rng.integers(0, days, visits) * DAY + rng.integers(6 * 3600, 22 * 3600, visits)
    dwell = np.clip(rng.lognormal(np.log(1800), 0.8, visits), 60, 8 * 3600).astype(np.int64)
    has_in, has_out = rng.random(visits) >= P_NO_IN, rng.random(visits) >= P_NO_OUT
    keep = rng.permutation(int(has_in.sum() + has_out.sum()))[:n_scans]  # arrival order, trimmed
    return Scans(
        person=np.r_[person[has_in], person[has_out]][keep],
        venue=np.r_[venue[has_in], venue[has_out]].astype(np.int64)[keep],
        time=np.r_[arrive[has_in], (arrive + dwell)[has_out]][keep],
        is_in=np.r_[np.ones(has_in.sum(), bool), np.zeros(has_out.sum(), bool)][keep],
    )


def _timed(fn, *args, **kw):
    t = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - t


def _median_time(fn, runs: int):
    times, out = [], None
    for _ in range(runs):
        out, dt = _timed(fn)
        times.append(dt)
    return out, float(np.median(times))


def _pairs(case: np.ndarray, person: np.ndarray, seconds: np.ndarray) -> set[tuple[int, int, int]]:
    return set(zip(case.tolist(), person.tolist(), seconds.tolist()))


def _baseline_pairs(rows: dict) -> set[tuple[int, int, int]]:
    """(case, contact, seconds) from the baseline's exposure rows."""
    first = np.r_[
        True, (rows["case_id"][1:] != rows["case_id"][:-1]) | (rows["person"][1:] != rows["person"][:-1])
    ]
    return _pairs(rows["case_id"][first], rows["person"][first], rows["secs"][first].astype(np.int64))


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="shaodian bench contacts", description=__doc__)
    ap.add_argument("--scans", type=int, default=10_000_000)
    ap.add_argument("--people", type=int, default=1_000_000)
    ap.add_argument("--venues", type=int, default=20_000)
    ap.add_argument("--days", type=int, default=14)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cases", type=int, default=10_000, help="size of the many-case query")
    ap.add_argument("--window", type=float, default=30, help="minutes")
    ap.add_argument("--min-overlap", type=float, default=0, help="minutes")
    ap.add_argument("--runs", type=int, default=3, help="runs of the many-case query (median)")
    args = ap.parse_args(argv)
    try:
        import duckdb
    except ImportError:
        print("contacts: the baseline needs duckdb (pip install duckdb==2.0.0)")
        return 2
    w, m = int(round(args.window * 60)), int(round(args.min_overlap * 60))
    t_from, t_to = T0, T0 + args.days * DAY

    scans, dt_gen = _timed(synthetic_scans, args.scans, args.people, args.venues, args.days, args.seed)
    print(
        f"contacts: data {len(scans):,} scans, {args.people:,} people, {args.venues:,} venues, "
        f"{args.days} days, seed {args.seed} (generated in {dt_gen:.2f} s)"
    )
    stays, dt_pair = _timed(pair_stays, scans)
    index, dt_index = _timed(build_index, stays)
    print(f"contacts: ours pair_stays {len(stays):,} stays {dt_pair:.2f} s, build_index {dt_index:.2f} s")
    del scans

    con = duckdb.connect()
    cols = {"person": stays.person, "venue": stays.venue, "start": stays.start, "end": stays.end}
    con.register("stays_np", cols)
    _, dt_load = _timed(con.execute, "CREATE TABLE stays AS SELECT * FROM stays_np ORDER BY venue, start")
    con.unregister("stays_np")
    print(f"contacts: baseline duckdb {duckdb.__version__} load {dt_load:.2f} s")
    sql = BASELINE_SQL.format(tf=t_from, tt=t_to, w=w, m=m)

    def ours(ids: np.ndarray) -> Contacts:
        return find_contacts(
            index, ids, t_from, t_to, window_minutes=args.window, min_overlap_minutes=args.min_overlap
        )

    def baseline(ids: np.ndarray) -> dict:
        con.register("cases_np", {"person": ids})
        try:
            return con.execute(sql).fetchnumpy()
        finally:
            con.unregister("cases_np")

    rng = np.random.default_rng(args.seed + 1)
    many = np.sort(rng.choice(args.people, min(args.cases, args.people), replace=False)).astype(np.int64)

    singles = many[:20]
    t_ours = [_timed(ours, singles[i : i + 1])[1] for i in range(len(singles))]
    t_base = [_timed(baseline, singles[i : i + 1])[1] for i in range(len(singles))]
    print(
        f"contacts: 1 case: ours median {np.median(t_ours) * 1e3:.1f} ms (max {max(t_ours) * 1e3:.1f} ms), "
        f"baseline median {np.median(t_base) * 1e3:.1f} ms, over {len(singles)} cases"
    )

    hundred = many[:100]
    got, dt_o = _timed(ours, hundred)
    want, dt_b = _timed(baseline, hundred)
    mismatches = len(_pairs(got.case, got.person, got.seconds) ^ _baseline_pairs(want))
    print(
        f"contacts: {len(hundred)} cases: ours {dt_o:.3f} s, baseline {dt_b:.3f} s, "
        f"{len(got):,} contact pairs, {len(got.start):,} exposures, mismatches {mismatches}"
    )
    if mismatches or len(got.start) != len(want["os"]):
        raise AssertionError("ours and the baseline disagree on the 100-case query")
    second, dt_2 = _timed(
        second_degree, index, hundred, t_from, t_to, args.window, args.min_overlap, first=got
    )
    print(
        f"contacts: {len(hundred)} cases, second degree: {len(second.cases):,} close contacts -> "
        f"{len(second):,} secondary pairs in {dt_2:.3f} s"
    )

    got, dt_o = _median_time(lambda: ours(many), args.runs)
    want, dt_b = _median_time(lambda: baseline(many), args.runs)
    _, dt_obj = _timed(got.as_dict)
    # the bare join, without ranking and result transfer, shows where the baseline spends its time
    con.register("cases_np", {"person": many})
    _, dt_join = _timed(
        lambda: con.execute(sql[: sql.index("SELECT case_id, person")] + "SELECT count(*) FROM ex").fetchall()
    )
    con.unregister("cases_np")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(
        f"contacts: {len(many):,} cases: {len(got):,} contact pairs, {len(got.start):,} exposures "
        f"(baseline {len(want['os']):,}); median of {args.runs}; as_dict objects {dt_obj:.2f} s; "
        f"baseline join+count only {dt_join:.3f} s; peak RSS {rss:.2f} GB"
    )
    print(f"contacts: ours {dt_o:.3g} s, baseline {dt_b:.3g} s, ratio {dt_o / dt_b:.2g}")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
