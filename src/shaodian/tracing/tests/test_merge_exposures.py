"""`merge_exposures` against a brute force over covered half-seconds: one row per meeting, nothing lost or added."""

from hypothesis import given
from hypothesis import strategies as st

from shaodian.tracing.engine import Exposure, merge_exposures

exposure = st.builds(lambda v, s, d: Exposure(v, s, s + d, d / 60), st.integers(1, 3), st.integers(0, 60), st.integers(0, 20))


def brute(exposures):
    """Closed intervals as sets of doubled points, so touching intervals join and a gap of one second stays a gap."""
    out = []
    for venue in sorted({e.venue for e in exposures}):
        points = sorted({p for e in exposures if e.venue == venue for p in range(2 * e.start, 2 * e.end + 1)})
        run = [points[0]]
        for p in points[1:]:
            if p == run[-1] + 1:
                run.append(p)
            else:
                out.append((venue, run[0] // 2, run[-1] // 2))
                run = [p]
        out.append((venue, run[0] // 2, run[-1] // 2))
    return out


@given(st.lists(exposure, max_size=12))
def test_merged_exposures_equal_the_brute_force_union(exposures):
    merged = merge_exposures(exposures)
    assert [(e.venue, e.start, e.end) for e in merged] == brute(exposures)
    assert all(e.minutes == (e.end - e.start) / 60 for e in merged)


def test_the_same_meeting_twice_is_one_row():
    twice = [Exposure(7, 100, 1300, 20.0), Exposure(7, 100, 1300, 20.0), Exposure(8, 100, 1300, 20.0)]
    assert merge_exposures(twice) == [Exposure(7, 100, 1300, 20.0), Exposure(8, 100, 1300, 20.0)]
