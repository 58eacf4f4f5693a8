"""Paired bootstrap comparisons of two runs on the same samples, for leaderboard rank groups.

A metric is rebuilt from per-sample records as transform(sum(numerator) / sum(denominator)):
perplexity is exp(sum nll / sum tokens), a share such as exact_match is sum(hit) / sum(1). Both runs
are resampled with the same indices, so the difference's interval accounts for the samples they
share. Metrics that are not such a ratio of per-sample sums (corpus BLEU, CodeBLEU) have no entry
in PAIRED_STATISTICS, and callers must say that no paired test was made.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from .stats import percentile_interval, resample_indices


@dataclass(frozen=True)
class RatioStatistic:
    """How to read a metric's numerator and denominator out of one sample record."""

    numerator: Callable[[dict], float]
    denominator: Callable[[dict], float]
    transform: Callable[[np.ndarray], np.ndarray] | None = None


def _field(*path: str) -> Callable[[dict], float]:
    def read(record: dict) -> float:
        value = record
        for part in path:
            value = value[part]
        return float(value)
    return read


def _one(record: dict) -> float:
    return 1.0


def _bits(values: np.ndarray) -> np.ndarray:
    return values / math.log(2)


PAIRED_STATISTICS: dict[tuple[str, str], RatioStatistic] = {
    ("perplexity", "perplexity"): RatioStatistic(_field("nll"), _field("tokens"), np.exp),
    ("perplexity", "word_perplexity"): RatioStatistic(_field("nll"), _field("words"), np.exp),
    ("perplexity", "byte_perplexity"): RatioStatistic(_field("nll"), _field("bytes"), np.exp),
    ("perplexity", "bits_per_byte"): RatioStatistic(_field("nll"), _field("bytes"), _bits),
    ("codegen", "exact_match"): RatioStatistic(_field("scores", "exact_match"), _one),
    ("codegen", "exact_match_strict"): RatioStatistic(_field("scores", "exact_match_strict"), _one),
}


def statistic_for(evaluator: str, metric: str) -> RatioStatistic | None:
    """Return how to rebuild `metric` from per-sample records, or None when it cannot be."""
    return PAIRED_STATISTICS.get((evaluator, metric))


def paired_ratio_bootstrap(records_a: Sequence[dict], records_b: Sequence[dict], statistic: RatioStatistic, *,
                           resamples: int = 1000, seed: int = 0, level: float = 0.95) -> dict:
    """Return {n, value_a, value_b, diff, ci: [low, high], significant} for value(a) - value(b).

    The records are paired by position (the same sample in both lists). `significant` is True
    when the interval of the difference excludes zero.
    """
    if len(records_a) != len(records_b):
        raise ValueError(f"runs differ in length: {len(records_a)} vs {len(records_b)} samples")
    if not records_a:
        raise ValueError("no shared samples to compare")
    columns = [np.array([[statistic.numerator(r), statistic.denominator(r)] for r in records], dtype=np.float64)
               for records in (records_a, records_b)]
    transform = statistic.transform or (lambda values: values)

    def value(data: np.ndarray, idx: np.ndarray) -> np.ndarray:
        return transform(data[idx, 0].sum(axis=-1) / data[idx, 1].sum(axis=-1))

    full = np.arange(len(records_a))
    value_a, value_b = float(value(columns[0], full)), float(value(columns[1], full))
    if len(records_a) == 1:
        low = high = value_a - value_b
    else:
        diffs = np.concatenate([value(columns[0], idx) - value(columns[1], idx)
                                for idx in resample_indices(len(records_a), resamples, seed)])
        low, high = percentile_interval(diffs, level)
    return {"n": len(records_a), "value_a": value_a, "value_b": value_b, "diff": value_a - value_b,
            "ci": [low, high], "significant": bool(low > 0 or high < 0)}
