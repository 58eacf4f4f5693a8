"""Bootstrap intervals: deterministic, vectorised equal to the general form, degenerate at n=1."""
from __future__ import annotations

import math

import numpy as np
import pytest

from evaluators.core.stats import bootstrap_ci, ratio_ci


def test_one_item_gives_a_zero_width_interval():
    assert bootstrap_ci(1, lambda idx: 4.5) == (4.5, 4.5)
    assert ratio_ci(np.array([3.0]), np.array([2.0]), transform=np.exp) == (math.exp(1.5),) * 2


def test_the_vectorised_ratio_equals_the_general_bootstrap():
    rng = np.random.default_rng(7)
    num, den = rng.uniform(1, 50, 300), rng.integers(1, 40, 300).astype(float)
    general = bootstrap_ci(300, lambda idx: math.exp(num[idx].sum() / den[idx].sum()))
    fast = ratio_ci(num, den, transform=np.exp)
    assert fast == pytest.approx(general, rel=1e-12)


def test_it_is_a_percentile_interval_over_seeded_resamples():
    values = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    # Written out: 1000 rows of 5 indices from a seed-0 generator, the mean of each, 2.5%/97.5%.
    draws = np.random.default_rng(0).integers(0, 5, size=(1000, 5))
    means = values[draws].mean(axis=1)
    expected = (np.percentile(means, 2.5), np.percentile(means, 97.5))
    assert bootstrap_ci(5, lambda idx: values[idx].mean()) == pytest.approx(expected)
    assert ratio_ci(values, np.ones(5)) == pytest.approx(expected)


def test_same_seed_same_interval_other_seed_other_interval():
    values = np.arange(50, dtype=float)
    ones = np.ones(50)
    assert ratio_ci(values, ones, seed=0) == ratio_ci(values, ones, seed=0)
    assert ratio_ci(values, ones, seed=0) != ratio_ci(values, ones, seed=1)


def test_a_wider_level_gives_a_wider_interval():
    values = np.arange(50, dtype=float)
    low90, high90 = ratio_ci(values, np.ones(50), level=0.90)
    low99, high99 = ratio_ci(values, np.ones(50), level=0.99)
    assert low99 < low90 < np.mean(values) < high90 < high99


def test_many_items_are_fast_and_chunked(monkeypatch):
    import time

    import evaluators.core.stats as stats

    monkeypatch.setattr(stats, "_CHUNK_ELEMENTS", 10_000)  # forces many chunks
    num, den = np.linspace(1, 2, 5000), np.ones(5000)
    started = time.perf_counter()
    chunked = ratio_ci(num, den)
    assert time.perf_counter() - started < 2.0
    monkeypatch.setattr(stats, "_CHUNK_ELEMENTS", 10**9)
    assert ratio_ci(num, den) == chunked, "chunking does not change the draws"


@pytest.mark.parametrize("bad", [dict(n_items=0), dict(resamples=0), dict(level=1.0)])
def test_bad_arguments_are_refused(bad):
    args = {"n_items": 3, "statistic": lambda idx: 0.0, **bad}
    with pytest.raises(ValueError):
        bootstrap_ci(**args)
