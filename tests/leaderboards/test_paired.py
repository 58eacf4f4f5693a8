"""The paired ratio bootstrap, checked against a loop over the same resampled indices."""
from __future__ import annotations

import math

import numpy as np
import pytest

from evaluators.core.paired import paired_ratio_bootstrap, statistic_for


def _records(nlls, tokens):
    return [{"nll": n, "tokens": t, "words": 1, "bytes": t} for n, t in zip(nlls, tokens)]


def test_identical_runs_are_not_different():
    a = _records([10.0, 20.0, 5.0, 7.0], [5, 10, 3, 4])
    result = paired_ratio_bootstrap(a, a, statistic_for("perplexity", "perplexity"))
    assert result["diff"] == 0.0 and result["ci"] == [0.0, 0.0] and not result["significant"]


def test_matches_a_hand_written_loop():
    rng = np.random.default_rng(5)
    tokens = rng.integers(5, 50, size=30)
    nll_a = tokens * rng.uniform(1.0, 2.0, size=30)
    nll_b = nll_a + tokens * rng.normal(0.05, 0.2, size=30)
    result = paired_ratio_bootstrap(_records(nll_a, tokens), _records(nll_b, tokens),
                                    statistic_for("perplexity", "perplexity"), resamples=500, seed=3)
    assert result["value_a"] == pytest.approx(math.exp(nll_a.sum() / tokens.sum()))
    # Reference: the same generator, one resample at a time.
    idx = np.random.default_rng(3).integers(0, 30, size=(500, 30))
    diffs = [math.exp(nll_a[i].sum() / tokens[i].sum()) - math.exp(nll_b[i].sum() / tokens[i].sum()) for i in idx]
    assert result["ci"] == pytest.approx(list(np.percentile(diffs, [2.5, 97.5])))


def test_a_clear_gap_is_significant_and_shares_use_hits():
    a = [{"scores": {"exact_match": 1.0}}] * 20
    b = [{"scores": {"exact_match": 0.0}}] * 20
    result = paired_ratio_bootstrap(a, b, statistic_for("codegen", "exact_match"))
    assert result["diff"] == 1.0 and result["significant"]
    # Corpus BLEU declares its statistic now; timings are not sums of per-sample statistics.
    assert statistic_for("codegen", "bleu") is not None
    assert statistic_for("speed", "ttft_ms_p50") is None


def test_unequal_lengths_are_refused():
    with pytest.raises(ValueError, match="differ in length"):
        paired_ratio_bootstrap(_records([1.0], [1]), [], statistic_for("perplexity", "perplexity"))
