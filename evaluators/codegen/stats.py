"""How each code-generation metric is rebuilt from summed per-sample statistics.

A codegen sample record keeps `stats` (codemetrics.score_and_count_samples): sacrebleu's BLEU row
[hyp_len, ref_len, correct_1..4, total_1..4], CodeBLEU's n-gram and weighted n-gram rows
[numerators_1..4, denominators_1..4, hyp_len, ref_len], CodeXGLUE's [matches_1..4,
possible_1..4, hyp_len, ref_len], and [matches, total] of syntax and data-flow match. The
reductions below are the corpus formulas of codemetrics (bleu.py, ngrams.py, codebleu.py)
written over numpy arrays of shape (..., k), so one call scores every bootstrap resample.
Records written before `stats` existed have none; their metrics get no paired test.
"""
from __future__ import annotations

import math
from typing import Any

from ..core.base import SampleStatistic

_ORDERS = 4
_SACRE_LOG_ZERO = -9999999999  # sacrebleu.utils.my_log(0)
_NLTK_EPSILON = 0.1  # NLTK's method1 smoothing, as codemetrics.ngrams


def _exp(values: Any) -> Any:
    # The C library's exp, as sacrebleu and codemetrics call it through `math`: numpy's own
    # differs in the last bit for a few percent of inputs, and corpus scores must match exactly.
    import numpy as np

    return np.vectorize(math.exp, otypes=[np.float64])(values)


def _log(values: Any) -> Any:
    import numpy as np

    return np.vectorize(math.log, otypes=[np.float64])(values)


def sacrebleu_bleu(sums: Any) -> Any:
    """Return sacrebleu's corpus BLEU (0-100; defaults: "exp" smoothing, 4-grams) of summed rows."""
    import numpy as np

    sums = np.asarray(sums, dtype=np.float64)
    sys_len, ref_len = sums[..., 0], sums[..., 1]
    correct, total = sums[..., 2:2 + _ORDERS], sums[..., 2 + _ORDERS:2 + 2 * _ORDERS]
    with np.errstate(divide="ignore", invalid="ignore"):
        penalty = np.where(sys_len < ref_len,
                           np.where(sys_len > 0, _exp(1 - ref_len / np.where(sys_len > 0, sys_len, 1)), 0.0),
                           1.0)
        # sacrebleu stops at the first order with no n-grams; later precisions stay 0.
        alive = np.cumprod(total > 0, axis=-1).astype(bool)
        # "exp" smoothing: the k-th order without a match gets 100 / (2**k * total).
        halvings = np.cumsum((correct == 0) & alive, axis=-1)
        precision = np.where(correct > 0, 100.0 * correct / total, 100.0 / (2.0 ** halvings * total))
        precision = np.where(alive, precision, 0.0)
        logs = np.where(precision > 0, _log(np.where(precision > 0, precision, 1.0)), _SACRE_LOG_ZERO)
    # Added left to right, as sacrebleu's sum() over the list, for bit-equal corpus scores.
    total_log = logs[..., 0] + logs[..., 1] + logs[..., 2] + logs[..., 3]
    score = penalty * _exp(total_log / _ORDERS)
    return np.where(correct.any(axis=-1), score, 0.0)


def nltk_bleu(sums: Any) -> Any:
    """Return codemetrics.ngrams.nltk_bleu (0-1) of summed [nums_1..4, dens_1..4, hyp_len, ref_len]."""
    import numpy as np

    sums = np.asarray(sums, dtype=np.float64)
    nums, dens = sums[..., :_ORDERS], sums[..., _ORDERS:2 * _ORDERS]
    hyp_len, ref_len = sums[..., 2 * _ORDERS], sums[..., 2 * _ORDERS + 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        penalty = np.where(hyp_len > ref_len, 1.0,
                           np.where(hyp_len == 0, 0.0, _exp(1 - ref_len / np.where(hyp_len == 0, 1, hyp_len))))
        logs = 0.25 * _log(np.where(nums != 0, nums, _NLTK_EPSILON) / dens)
    score = penalty * _exp(logs[..., 0] + logs[..., 1] + logs[..., 2] + logs[..., 3])
    return np.where(nums[..., 0] == 0, 0.0, score)


def codexglue_bleu(sums: Any) -> Any:
    """Return codemetrics.ngrams.codexglue_bleu times 100 of summed [matches, possible, hyp, ref]."""
    import numpy as np

    sums = np.asarray(sums, dtype=np.float64)
    matches, possible = sums[..., :_ORDERS], sums[..., _ORDERS:2 * _ORDERS]
    hyp_len, ref_len = sums[..., 2 * _ORDERS], sums[..., 2 * _ORDERS + 1]
    logs = 0.25 * _log((matches + 1.0) / (possible + 1.0))
    geo_mean = _exp(logs[..., 0] + logs[..., 1] + logs[..., 2] + logs[..., 3])
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = hyp_len / np.where(ref_len == 0, 1, ref_len)
        penalty = np.where(ratio > 1.0, 1.0, _exp(1 - 1.0 / np.where(ratio == 0, 1, ratio)))
    score = np.where(ref_len == 0, geo_mean, np.where(hyp_len == 0, 0.0, geo_mean * penalty))
    return 100.0 * score


def share(sums: Any) -> Any:
    """Return matches / total, 0 where the total is 0 (codebleu.components' syntax and data flow)."""
    import numpy as np

    sums = np.asarray(sums, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(sums[..., 1] > 0, sums[..., 0] / np.where(sums[..., 1] > 0, sums[..., 1], 1), 0.0)


def codebleu(sums: Any) -> Any:
    """Return CodeBLEU (0-1) of summed [ngram(10), weighted(10), syntax(2), dataflow(2)] rows."""
    import numpy as np

    sums = np.asarray(sums, dtype=np.float64)
    dataflow = share(sums[..., 22:24])
    # As the package (codebleu.components): a data-flow match of 0 counts as 1 in the score.
    return 0.25 * (nltk_bleu(sums[..., 0:10]) + nltk_bleu(sums[..., 10:20]) + share(sums[..., 20:22])
                   + np.where(dataflow == 0, 1.0, dataflow))


def _row(record: dict, key: str) -> list[float]:
    nums, dens, hyp_len, ref_len = record["stats"][key]
    return [*nums, *dens, hyp_len, ref_len]


def _ngram_fields(prefix: str) -> tuple[str, ...]:
    return (tuple(f"{prefix}_num_{n}" for n in range(1, 5)) + tuple(f"{prefix}_den_{n}" for n in range(1, 5))
            + (f"{prefix}_hyp_len", f"{prefix}_ref_len"))


def _mean(sums: Any) -> Any:
    return sums[..., 0] / sums[..., 1]


def _hit(name: str) -> SampleStatistic:
    """Return the statistic (hit, 1) of a share such as exact match."""
    return SampleStatistic((name, "one"), lambda record: (record["scores"][name], 1.0), _mean)


_SACRE_FIELDS = ("hyp_len", "ref_len") + tuple(f"correct_{n}" for n in range(1, 5)) + tuple(
    f"total_{n}" for n in range(1, 5))
_CODE_FIELDS = _ngram_fields("ngram") + _ngram_fields("weighted") + (
    "syntax_matches", "syntax_total", "dataflow_matches", "dataflow_total")


def _code_row(record: dict) -> list[float]:
    stats = record["stats"]
    return [*_row(record, "ngram"), *_row(record, "weighted"), *stats["syntax"], *stats["dataflow"]]


STATISTICS: dict[str, SampleStatistic] = {
    "bleu": SampleStatistic(_SACRE_FIELDS, lambda record: record["stats"]["sacrebleu"], sacrebleu_bleu),
    "bleu_codexglue": SampleStatistic(_ngram_fields("codexglue"), lambda record: _row(record, "codexglue"),
                                      codexglue_bleu),
    "codebleu": SampleStatistic(_CODE_FIELDS, _code_row, codebleu),
    "ngram_match": SampleStatistic(_ngram_fields("ngram"), lambda record: _row(record, "ngram"), nltk_bleu),
    "weighted_ngram_match": SampleStatistic(_ngram_fields("weighted"), lambda record: _row(record, "weighted"),
                                            nltk_bleu),
    "syntax_match": SampleStatistic(("syntax_matches", "syntax_total"),
                                    lambda record: record["stats"]["syntax"], share),
    "dataflow_match": SampleStatistic(("dataflow_matches", "dataflow_total"),
                                      lambda record: record["stats"]["dataflow"], share),
    "exact_match": _hit("exact_match"),
    "exact_match_strict": _hit("exact_match_strict"),
}
