"""How long a failed job waits before its next try. Pure: no Django."""


def backoff(attempt: int, *, base: float, cap: float) -> float:
    """Seconds to wait after the attempt-th failure: base, 2·base, 4·base, … never more than cap."""
    if attempt < 1:
        return 0.0
    return min(cap, base * 2 ** min(attempt - 1, 60))
