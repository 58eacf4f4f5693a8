"""Returns per-sample n-gram sufficient statistics and the BLEU variants built from them.

Three BLEU flavours live here, each as (per-sample statistics -> corpus score) so corpus
scores and their bootstrap intervals come from summed statistics, never from re-tokenising:

- CodeBLEU's n-gram match: NLTK-style corpus BLEU-4 on whitespace tokens, "method1" smoothing
  (a zero match count becomes 0.1), closest-reference length, and — as the `codebleu` package
  counts it — a denominator of at least 1 per sample and order (an empty or short prediction
  still adds 1 to every order's denominator).
- CodeBLEU's weighted n-gram match: the same shape, but n-gram *recall* against every
  reference (summed, not maxed), with unigrams weighted 1 for keywords and 0.2 otherwise.
- CodeXGLUE's smoothed BLEU-4 (the CONCODE text-to-code evaluator's `compute_bleu(...,
  smooth=True)`): add-one smoothing on every order (Lin and Och, 2004), reference length = the
  shortest reference, brevity penalty exp(1 - r/c) when c <= r.

Float sums run in the same order as the reference implementations, so scores agree to the bit.
"""
from __future__ import annotations

import math
from collections import Counter
from functools import reduce
from itertools import repeat
from operator import add, mul
from typing import Sequence

ORDERS = 4
KEYWORD_WEIGHT = 1.0
OTHER_WEIGHT = 0.2
_EPSILON = 0.1  # NLTK's SmoothingFunction().method1 default


def ngram_counts(tokens: Sequence[str], n: int) -> Counter:
    """Return the counts of the n-grams of `tokens` (empty when the sequence is shorter than n),
    each n-gram keyed by its tokens joined with a space.

    Tokens come from str.split(), so none holds a space and the joined key names one n-gram.
    Strings, unlike tuples, are not tracked by the cycle collector, so counts kept for every
    reference of a corpus cost it nothing to scan.
    """
    if n == 1:
        return Counter(tokens)
    return Counter(map(" ".join, zip(*(tokens[i:] for i in range(n)))))


def closest_length(ref_lengths: Sequence[int], hyp_len: int) -> int:
    """Return the reference length closest to hyp_len; ties go to the shorter reference."""
    return min(ref_lengths, key=lambda length: (abs(length - hyp_len), length))


def hyp_counts(tokens: Sequence[str]) -> list[Counter]:
    """Return the 1- to 4-gram counts of a token sequence."""
    return [ngram_counts(tokens, n) for n in range(1, ORDERS + 1)]


def clipped(counts: Counter, limit: Counter) -> int:
    """Return the sum over the keys of `counts` of min(counts[key], limit[key])."""
    # One hash lookup per key, with the iteration, lookups and min all in C.
    return sum(map(min, counts.values(), map(limit.get, counts.keys(), repeat(0))))


def ngram_match_stats(hyp_len: int, hyp: Sequence[Counter], refs_counts: Sequence[list[Counter]],
                      ref_lengths: Sequence[int]) -> tuple:
    """Return (numerators, denominators, hyp_len, ref_len) of clipped n-gram precision.

    hyp[n-1] and refs_counts[k][n-1] are the n-gram counts of the prediction and reference k.
    """
    nums, dens = [], []
    for n in range(1, ORDERS + 1):
        counts = hyp[n - 1]
        if len(refs_counts) == 1:
            limit = refs_counts[0][n - 1]
        else:
            limit = Counter()
            for ref in refs_counts:
                limit |= ref[n - 1]
        nums.append(clipped(counts, limit))
        dens.append(max(1, max(0, hyp_len - n + 1)))
    return nums, dens, hyp_len, closest_length(ref_lengths, hyp_len)


def weighted_reference(counts: Sequence[Counter], weights: dict) -> tuple:
    """Return what weighted_match_stats needs of one reference, computed once per reference:
    its unigrams, their counts and weights (first-occurrence order) and the per-order
    denominators (the weighted unigram total, then the 2- to 4-gram totals, each at least 1)."""
    unigrams = list(counts[0])
    unit_counts = list(counts[0].values())
    unit_weights = [weights[unigram] for unigram in unigrams]
    ref_sum = 0
    for count, weight in zip(unit_counts, unit_weights):  # in order, as the package sums
        ref_sum += count * weight
    totals = [max(1, ref_sum)] + [max(1, sum(counts[n].values())) for n in range(1, ORDERS)]
    return unigrams, unit_counts, unit_weights, totals


def weighted_match_stats(hyp_len: int, hyp: Sequence[Counter], refs_counts: Sequence[list[Counter]],
                         refs_weighted: Sequence[tuple], ref_lengths: Sequence[int],
                         ngram_nums: Sequence[int] | None = None) -> tuple:
    """Return (numerators, denominators, hyp_len, ref_len) of keyword-weighted n-gram recall.

    refs_weighted[k] is weighted_reference() of reference k; only unigrams are weighted.
    With one reference, pass ngram_match_stats' numerators as ngram_nums: its clipped 2- to
    4-gram counts are the same numbers (min is symmetric), so they are not counted again.
    """
    hyp_get = hyp[0].get
    numerator, denominator = 0, 0
    for unigrams, unit_counts, unit_weights, totals in refs_weighted:
        # sum_i min(count_i, hyp count_i) * weight_i, added left to right as the package's loop.
        numerator += reduce(add, map(mul, map(min, unit_counts, map(hyp_get, unigrams, repeat(0))),
                                     unit_weights), 0)
        denominator += totals[0]
    nums, dens = [numerator], [denominator]
    for n in range(2, ORDERS + 1):
        if ngram_nums is not None and len(refs_counts) == 1:
            numerator = ngram_nums[n - 1]
        else:
            numerator = 0
            for ref in refs_counts:
                numerator += clipped(ref[n - 1], hyp[n - 1])
        denominator = 0
        for ref in refs_weighted:
            denominator += ref[3][n - 1]
        nums.append(numerator)
        dens.append(denominator)
    # The package measures each reference as its [tokens, weights] pair, whose length is 2,
    # so this brevity penalty only bites predictions shorter than 2 tokens. Kept for parity.
    return nums, dens, hyp_len, closest_length([2] * len(ref_lengths), hyp_len)


def token_weights(tokens: Sequence[str], keywords: frozenset[str]) -> dict[str, float]:
    """Return {token: 1 for a keyword, 0.2 otherwise} over the distinct tokens."""
    return {token: (1 if token in keywords else OTHER_WEIGHT) for token in tokens}


def nltk_bleu(nums: Sequence[float], dens: Sequence[float], hyp_len: int, ref_len: int) -> float:
    """Return BLEU-4 in [0, 1] from summed statistics, as NLTK's corpus_bleu with method1 smoothing."""
    if nums[0] == 0:
        return 0.0
    if hyp_len > ref_len:
        penalty = 1.0
    elif hyp_len == 0:
        penalty = 0.0
    else:
        penalty = math.exp(1 - ref_len / hyp_len)
    logs = (0.25 * math.log((num if num != 0 else _EPSILON) / den) for num, den in zip(nums, dens))
    return penalty * math.exp(math.fsum(logs))


def codexglue_stats(clipped: Sequence[int], hyp_len: int, ref_lengths: Sequence[int]) -> list:
    """Return [matches, possible, hyp_len, ref_len] as CodeXGLUE's compute_bleu accumulates them.

    Its matches (prediction n-grams clipped by the maximum count over references) are exactly
    the n-gram match numerators, so they are reused; ref_len is the shortest reference.
    """
    possible = [max(0, hyp_len - n + 1) for n in range(1, ORDERS + 1)]
    return [list(clipped), possible, hyp_len, min(ref_lengths)]


def codexglue_bleu(matches: Sequence[int], possible: Sequence[int], hyp_len: int, ref_len: int) -> float:
    """Return CodeXGLUE's smoothed BLEU-4 in [0, 1] from summed statistics.

    Where the original divides by zero (every reference empty, or an empty prediction), we
    return 1 for the brevity penalty when ref_len is 0 and 0 for the score when hyp_len is 0.
    """
    precisions = [(m + 1.0) / (p + 1.0) for m, p in zip(matches, possible)]
    geo_mean = math.exp(sum(0.25 * math.log(p) for p in precisions))
    if ref_len == 0:
        return geo_mean
    if hyp_len == 0:
        return 0.0
    ratio = hyp_len / ref_len
    penalty = 1.0 if ratio > 1.0 else math.exp(1 - 1.0 / ratio)
    return geo_mean * penalty
