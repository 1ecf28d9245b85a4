"""Days of demand, pure: how long a stock lasts a population, and whether that is under the minimum."""

from decimal import ROUND_DOWN, Decimal


def days_of_demand(stock: Decimal, population: int, daily_need: Decimal) -> Decimal | None:
    """Whole tenths of a day the stock lasts `population` people needing `daily_need` each; None if nobody needs it."""
    need = Decimal(population) * Decimal(daily_need)
    if need <= 0:
        return None
    return (Decimal(stock) / need).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


def under_minimum(stock: Decimal, population: int, daily_need: Decimal, min_days: int) -> bool:
    """True when the stock covers fewer than `min_days` days (exactly, not after rounding)."""
    need = Decimal(population) * Decimal(daily_need)
    return need > 0 and Decimal(stock) < need * min_days
