"""The wait before a retry doubles from the base up to the cap (pure: runs without Django)."""

from hypothesis import given
from hypothesis import strategies as st

from shaodian.core.backoff import backoff


def reference(attempt: int, base: float, cap: float) -> float:
    """Brute force: start at the base and double once per earlier failure, stopping at the cap."""
    if attempt < 1:
        return 0.0
    wait = base
    for _ in range(attempt - 1):
        wait = min(cap, wait * 2)
    return min(cap, wait)


@given(attempt=st.integers(-3, 200), base=st.floats(0.001, 600), cap=st.floats(1, 86400))
def test_it_matches_doubling_step_by_step(attempt, base, cap):
    assert backoff(attempt, base=base, cap=cap) == reference(attempt, base, cap)


@given(attempt=st.integers(1, 200), base=st.floats(0.001, 600), cap=st.floats(1, 86400))
def test_it_never_shrinks_and_never_passes_the_cap(attempt, base, cap):
    assert backoff(attempt, base=base, cap=cap) <= backoff(attempt + 1, base=base, cap=cap) <= cap


def test_it_waits_base_then_doubles():
    assert [backoff(a, base=30, cap=3600) for a in range(1, 9)] == [30, 60, 120, 240, 480, 960, 1920, 3600]
