"""Array helpers of the contact engine: packed sorts, ranges and searches over int64 columns, no Python loops."""

from __future__ import annotations

import numpy as np


def i64(values) -> np.ndarray:
    return np.ascontiguousarray(values, dtype=np.int64)


def bits(n: int) -> int:
    """Bits needed for 0..n."""
    return int(n).bit_length()


def ranges(lo: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Concatenation of arange(lo[i], lo[i] + count[i]), without a Python loop."""
    total = int(count.sum())
    shift = lo - (np.cumsum(count) - count)
    return np.arange(total, dtype=np.int64) + np.repeat(shift, count)


def search_sorted(sorted_keys: np.ndarray, needles: np.ndarray) -> np.ndarray:
    """searchsorted with the needles sorted first: neighbouring searches then share cache lines."""
    order = argsort_rows([needles])
    out = np.empty(len(needles), dtype=np.int64)
    out[order] = np.searchsorted(sorted_keys, needles[order])
    return out


def sort_rows(cols: list[np.ndarray], unique: bool = False) -> list[np.ndarray]:
    """Rows of non-negative int columns sorted lexicographically (first column first)."""
    widths = [bits(c.max()) if len(c) else 0 for c in cols]
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


def argsort_rows(cols: list[np.ndarray]) -> np.ndarray:
    """Stable lexicographic order of rows of non-negative int columns."""
    n = len(cols[0])
    widths = [bits(c.max()) if n else 0 for c in cols]
    if sum(widths) + bits(n) <= 63:  # the row number makes a packed sort stable
        return sort_rows(cols + [np.arange(n, dtype=np.int64)])[-1]
    if sum(widths) <= 63:
        key = np.zeros(n, dtype=np.int64)
        for c, w in zip(cols, widths):
            key <<= w
            key |= c
        return np.argsort(key, kind="stable")
    return np.lexsort(cols[::-1])
