"""Price checks, pure: what counts as an absurd price (refused) and as a spike (an alert).

Absurd: zero or negative, above a fixed cap of 10,000 yuan per unit, or more than ten times (or less than a
tenth of) the item's median over the last 30 days when at least three prices are known.
Spike: more than 20 % above the median of the same item at the same market over the last 7 days
(at least two earlier prices).
"""

from decimal import Decimal
from statistics import median

PRICE_CAP = Decimal("10000")
ABSURD_FACTOR = Decimal(10)
ABSURD_MIN_HISTORY = 3
SPIKE_OVER = Decimal("0.20")
SPIKE_MIN_HISTORY = 2


def median_of(prices: list[Decimal]) -> Decimal | None:
    return Decimal(median(prices)) if prices else None


def absurd(price: Decimal, history_30d: list[Decimal]) -> str | None:
    """Why a price is refused ("not_positive", "over_cap", "far_from_median"), or None if it is believable."""
    if price <= 0:
        return "not_positive"
    if price > PRICE_CAP:
        return "over_cap"
    if len(history_30d) >= ABSURD_MIN_HISTORY:
        m = median_of(history_30d)
        if m > 0 and (price > m * ABSURD_FACTOR or price * ABSURD_FACTOR < m):
            return "far_from_median"
    return None


def spike(price: Decimal, history_7d_market: list[Decimal]) -> tuple[bool, Decimal | None]:
    """(is a spike, the 7-day median it was measured against)."""
    if len(history_7d_market) < SPIKE_MIN_HISTORY:
        return False, median_of(history_7d_market)
    m = median_of(history_7d_market)
    return price > m * (1 + SPIKE_OVER), m
