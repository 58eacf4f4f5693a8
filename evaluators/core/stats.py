"""Percentile bootstrap confidence intervals, deterministic for a given seed.

Items (documents, samples) are resampled with replacement. The resampled indices come from
one numpy Generator seeded with `seed`, drawn in the same order whatever the statistic, so
`bootstrap_ci` with a hand-written ratio and the vectorised `ratio_ci` give the same interval.
"""
from __future__ import annotations

from typing import Callable, Iterator

import numpy as np

# Indices drawn per chunk: bounds memory (8 bytes each) for datasets of millions of items.
_CHUNK_ELEMENTS = 4_000_000


def resample_indices(n_items: int, resamples: int, seed: int) -> Iterator[np.ndarray]:
    """Yield arrays of shape (k, n_items) of resampled item indices, `resamples` rows in all."""
    rng = np.random.default_rng(seed)
    per_chunk = max(1, _CHUNK_ELEMENTS // n_items)
    left = resamples
    while left > 0:
        k = min(per_chunk, left)
        yield rng.integers(0, n_items, size=(k, n_items))
        left -= k


def resampled_sums(matrix: np.ndarray, resamples: int, seed: int) -> Iterator[np.ndarray]:
    """Yield arrays (rows, k) of the column sums of `matrix` (n, k) over each resample of its rows,
    `resamples` rows in all, drawn as resample_indices(n, resamples, seed) draws them."""
    n = matrix.shape[0]
    for idx in resample_indices(n, resamples, seed):
        # weights[r, i] = how often resample r drew row i: one matrix product sums every resample
        # of the chunk, without materialising an array of (resamples, n, k).
        rows = idx.shape[0]
        flat = (idx + np.arange(rows)[:, None] * n).ravel()
        weights = np.bincount(flat, minlength=rows * n).reshape(rows, n).astype(np.float64)
        yield weights @ matrix


def percentile_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Return the (low, high) percentiles that bound the central `level` share of `values`."""
    tail = (1.0 - level) / 2.0 * 100.0
    low, high = np.percentile(values, [tail, 100.0 - tail])
    return float(low), float(high)


def _check(n_items: int, resamples: int, level: float) -> None:
    if n_items < 1:
        raise ValueError("a bootstrap needs at least one item")
    if resamples < 1:
        raise ValueError("resamples must be at least 1")
    if not 0.0 < level < 1.0:
        raise ValueError("level must be between 0 and 1")


def bootstrap_ci(n_items: int, statistic: Callable[[np.ndarray], float], resamples: int = 1000,
                 seed: int = 0, level: float = 0.95) -> tuple[float, float]:
    """Return the percentile bootstrap interval of `statistic(indices)` over resampled items.

    General but slow (one Python call per resample); use `ratio_ci` for sums and means.
    """
    _check(n_items, resamples, level)
    if n_items == 1:
        value = float(statistic(np.zeros(1, dtype=np.int64)))
        return value, value
    values = [statistic(row) for chunk in resample_indices(n_items, resamples, seed) for row in chunk]
    return percentile_interval(np.asarray(values, dtype=np.float64), level)


def ratio_ci(numerators: np.ndarray, denominators: np.ndarray,
             transform: Callable[[np.ndarray], np.ndarray] | None = None, resamples: int = 1000,
             seed: int = 0, level: float = 0.95) -> tuple[float, float]:
    """Return the bootstrap interval of transform(sum(numerators) / sum(denominators)).

    This is the statistic of a pooled ratio such as NLL per token: items are resampled,
    both sums taken over the resample, and `transform` (e.g. exp) applied per resample
    before the percentiles. Vectorised: 1000 resamples of 10,000 items take well under a second.
    """
    num = np.asarray(numerators, dtype=np.float64)
    den = np.asarray(denominators, dtype=np.float64)
    if num.shape != den.shape or num.ndim != 1:
        raise ValueError("numerators and denominators must be 1-d arrays of the same length")
    _check(len(num), resamples, level)
    if len(num) == 1:
        ratios = num / den
    else:
        ratios = np.concatenate([num[idx].sum(axis=1) / den[idx].sum(axis=1)
                                 for idx in resample_indices(len(num), resamples, seed)])
    if transform is not None:
        ratios = transform(ratios)
    if len(num) == 1:
        return float(ratios[0]), float(ratios[0])
    return percentile_interval(ratios, level)
