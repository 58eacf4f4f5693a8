"""Paired bootstrap differences and the errors bad input gets."""
from __future__ import annotations

import numpy as np
import pytest

from evaluators.codemetrics import (SUPPORTED_LANGUAGES, UnsupportedLanguage, normalize_language,
                                    paired_bootstrap, score_corpus, score_samples)
from evaluators.core.stats import percentile_interval, resample_indices


def test_paired_bootstrap_of_a_small_difference():
    a = [{"codebleu": v} for v in (1.0, 0.0, 1.0, 1.0, 0.5)]
    b = [{"codebleu": v} for v in (0.0, 0.0, 1.0, 0.0, 0.5)]
    diffs = np.array([1.0, 0.0, 0.0, 1.0, 0.0])
    means = np.concatenate([diffs[idx].mean(axis=1) for idx in resample_indices(5, 1000, 0)])
    result = paired_bootstrap(a, b, "codebleu")
    assert result["diff"] == pytest.approx(0.4)
    assert result["ci"] == pytest.approx(list(percentile_interval(means)))
    assert result["p_value"] == pytest.approx(min(1.0, 2 * min(np.mean(means <= 0), np.mean(means >= 0))))
    assert result["n"] == 5 and result["mean_a"] == pytest.approx(0.7) and result["mean_b"] == pytest.approx(0.3)


def test_identical_runs_differ_by_nothing():
    runs = [{"bleu": float(i)} for i in range(10)]
    result = paired_bootstrap(runs, runs, "bleu")
    assert result["diff"] == 0.0 and result["ci"] == [0.0, 0.0] and result["p_value"] == 1.0


def test_paired_bootstrap_refuses_runs_of_different_sizes_or_missing_metrics():
    with pytest.raises(ValueError, match="differ in length"):
        paired_bootstrap([{"bleu": 1.0}], [], "bleu")
    with pytest.raises(ValueError, match="run b, sample 0: no numeric 'bleu'"):
        paired_bootstrap([{"bleu": 1.0}], [{"codebleu": 1.0}], "bleu")


def test_unsupported_language_lists_the_supported_ones():
    with pytest.raises(UnsupportedLanguage) as error:
        score_samples(["x"], [["x"]], "cobol")
    assert "cobol" in str(error.value)
    assert all(lang in str(error.value) for lang in SUPPORTED_LANGUAGES)
    assert isinstance(error.value, ValueError)


def test_language_aliases():
    assert normalize_language("C#") == "c_sharp"
    assert normalize_language("py") == "python"
    assert normalize_language("C++") == "cpp"


def test_bad_inputs_name_the_sample():
    with pytest.raises(ValueError, match="2 predictions but 1 reference"):
        score_corpus(["a", "b"], [["a"]], "python")
    with pytest.raises(ValueError, match="sample 1: every reference must be a string"):
        score_corpus(["a", "b"], [["a"], [3]], "python")
    with pytest.raises(ValueError, match="sample 0: references must be a non-empty list"):
        score_samples(["a"], [[]], "python")
    with pytest.raises(ValueError, match="no samples"):
        score_corpus([], [], "python")
