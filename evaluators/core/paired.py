"""Paired bootstrap comparisons of two runs on the same samples, for rank groups and run comparisons.

A metric that declares a `SampleStatistic` (evaluators/core/base.py) is rebuilt from per-sample records
as reduce(sum of read(record)): perplexity is exp(sum nll / sum tokens), exact match sum(hit) /
sum(1), corpus BLEU sacrebleu's score of summed n-gram matches, totals and lengths. Both runs are
resampled with the same indices, so the difference's interval accounts for the samples they share.

What is compared is the metric's badness (Metric.badness): the value itself for "higher" or
"lower" goals (up to sign), |value - target| for a target, so two models equally far from 50 on
either side are not called different. The p-value is sacrebleu's paired bootstrap p-value (Koehn
2004, as sacrebleu.significance computes it): with D the observed |badness(a) - badness(b)| and
D*_r the same over resample r, p = (1 + #{r : D*_r - mean(D*) > D}) / (R + 1).

Records without the statistic (runs recorded before a metric declared one) give None: callers
say that no paired test was made.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from . import registry
from .base import Metric, SampleStatistic
from .stats import percentile_interval, resampled_sums


def statistic_for(evaluator: str, metric: str) -> Metric | None:
    """Return the registered metric when it declares a per-sample statistic, else None."""
    try:
        found = registry.get(evaluator).metric(metric)
    except KeyError:
        return None
    return found if found.statistic is not None else None


def sample_matrix(records: Sequence[dict], statistic: SampleStatistic) -> np.ndarray | None:
    """Return the (n, k) matrix of the records' statistics, or None when a record lacks them."""
    try:
        rows = [[float(x) for x in statistic.read(record)] for record in records]
    except (KeyError, TypeError, IndexError):
        return None
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(statistic.fields))


def paired_bootstrap(records_a: Sequence[dict], records_b: Sequence[dict], metric: Metric, *,
                     resamples: int = 1000, seed: int = 0, level: float = 0.95) -> dict | None:
    """Return {n, value_a, value_b, diff, ci, badness_diff, badness_ci, p_value, significant,
    resamples, seed} for a minus b, or None when the records lack the metric's statistic.

    Records are paired by position (the same sample in both lists). `diff` and `ci` are of the
    values, `badness_diff` and `badness_ci` of Metric.badness (what rankings order by);
    `significant` is True when the badness interval excludes zero. Resamples whose value is
    undefined (NaN, e.g. a share of an empty subset) are dropped.
    """
    if metric.statistic is None:
        raise ValueError(f"metric '{metric.name}' declares no per-sample statistic")
    if len(records_a) != len(records_b):
        raise ValueError(f"runs differ in length: {len(records_a)} vs {len(records_b)} samples")
    if not records_a:
        raise ValueError("no shared samples to compare")
    matrices = [sample_matrix(records, metric.statistic) for records in (records_a, records_b)]
    if matrices[0] is None or matrices[1] is None:
        return None
    reduce = metric.statistic.reduce
    value_a, value_b = (float(np.asarray(reduce(m.sum(axis=0)))) for m in matrices)
    bad_a, bad_b = metric.badness(value_a), metric.badness(value_b)
    n = len(records_a)
    if n == 1:
        diffs = np.array([value_a - value_b])
        bad_diffs = np.array([bad_a - bad_b])
    else:
        # Side by side, so resample r draws the same samples from a and from b (and once).
        k = matrices[0].shape[1]
        parts = [(np.asarray(reduce(sums[:, :k])), np.asarray(reduce(sums[:, k:])))
                 for sums in resampled_sums(np.hstack(matrices), resamples, seed)]
        va = np.concatenate([a for a, _ in parts])
        vb = np.concatenate([b for _, b in parts])
        kept = ~(np.isnan(va) | np.isnan(vb))
        diffs = (va - vb)[kept]
        # Metric.badness is elementwise: -v, v or |v - target| on arrays as on numbers.
        bad_diffs = (metric.badness(va) - metric.badness(vb))[kept]
    if diffs.size == 0:
        return None
    low, high = percentile_interval(diffs, level)
    bad_low, bad_high = percentile_interval(bad_diffs, level)
    return {"n": n, "value_a": value_a, "value_b": value_b, "diff": value_a - value_b, "ci": [low, high],
            "badness_diff": bad_a - bad_b, "badness_ci": [bad_low, bad_high],
            "p_value": bootstrap_p_value(bad_diffs, bad_a - bad_b),
            "significant": bool(bad_low > 0 or bad_high < 0), "resamples": int(diffs.size), "seed": seed}


def statistic_interval(records: Sequence[dict], metric: Metric, *, resamples: int = 1000, seed: int = 0,
                       level: float = 0.95) -> tuple[float, tuple[float, float]] | None:
    """Return (value, (low, high)): the metric rebuilt from the records and its percentile
    bootstrap interval, or None when the records lack its statistic.

    The resamples are those of paired_bootstrap and of the evaluators' own intervals
    (stats.resampled_sums), so the same seed gives the same draws everywhere.
    """
    if metric.statistic is None:
        raise ValueError(f"metric '{metric.name}' declares no per-sample statistic")
    matrix = sample_matrix(records, metric.statistic)
    if matrix is None or not len(matrix):
        return None
    value = float(np.asarray(metric.statistic.reduce(matrix.sum(axis=0))))
    if len(matrix) == 1:
        return value, (value, value)
    values = np.concatenate([np.asarray(metric.statistic.reduce(sums))
                             for sums in resampled_sums(matrix, resamples, seed)])
    return value, percentile_interval(values[~np.isnan(values)], level)


def bootstrap_p_value(resampled_diffs: np.ndarray, observed_diff: float) -> float:
    """Return sacrebleu's paired bootstrap p-value of an observed difference.

    sacrebleu (significance._paired_bs_test and _compute_p_value, after Koehn 2004 and multeval)
    centres the resampled absolute differences on their mean, as under the null hypothesis, and
    counts how often they exceed the observed absolute difference, with add-one smoothing so a
    p-value is never 0. Only strict excesses count, so a run against itself gets 1 / (R + 1), as
    in sacrebleu ("a zero difference should not be attributed to chance").
    """
    sample = np.abs(np.asarray(resampled_diffs, dtype=np.float64))
    centred = sample - sample.mean()
    exceed = int(np.sum(centred > abs(observed_diff)))
    return (exceed + 1) / (sample.size + 1)


def paired_ratio_bootstrap(records_a: Sequence[dict], records_b: Sequence[dict], metric: Metric, *,
                           resamples: int = 1000, seed: int = 0, level: float = 0.95) -> dict:
    """Return paired_bootstrap's dict, raising ValueError where the records lack the statistic."""
    result = paired_bootstrap(records_a, records_b, metric, resamples=resamples, seed=seed, level=level)
    if result is None:
        raise ValueError(f"the records lack the per-sample statistics of '{metric.name}'")
    return result
