"""Returns corpus and per-sample code-generation scores, with bootstrap intervals.

Every corpus metric is computed from per-sample sufficient statistics (n-gram matches and
totals, subtree and data-flow matches, lengths), so the 95% bootstrap interval of each
resamples samples and re-scores the corpus from summed statistics: deterministic (seed 0,
1000 resamples by default) and fast, with no re-tokenising or re-parsing.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from . import bleu as sacre
from .codebleu import CodeBleuScorer, components
from .languages import normalize_language
from .ngrams import codexglue_bleu, codexglue_stats, hyp_counts, ngram_match_stats

CORPUS_METRICS = ("bleu", "bleu_codexglue", "codebleu", "ngram_match", "weighted_ngram_match",
                  "syntax_match", "dataflow_match", "exact_match", "exact_match_strict")
SAMPLE_METRICS = CORPUS_METRICS
TEXT_METRICS = ("bleu", "bleu_codexglue", "exact_match", "exact_match_strict")


def _check(predictions: Sequence[Any], references: Sequence[Any]) -> list[list[str]]:
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions but {len(references)} reference lists")
    if not predictions:
        raise ValueError("no samples to score")
    refs = []
    for i, (prediction, sample_refs) in enumerate(zip(predictions, references)):
        if not isinstance(prediction, str):
            raise ValueError(f"sample {i}: prediction must be a string, got {type(prediction).__name__}")
        if isinstance(sample_refs, str):
            sample_refs = [sample_refs]
        if not isinstance(sample_refs, (list, tuple)) or not sample_refs:
            raise ValueError(f"sample {i}: references must be a non-empty list of strings")
        for ref in sample_refs:
            if not isinstance(ref, str):
                raise ValueError(f"sample {i}: every reference must be a string, got {type(ref).__name__}")
        refs.append(list(sample_refs))
    return refs


_NO_CODE = {"ngram": [[0] * 4, [1] * 4, 0, 0], "weighted": [[0] * 4, [1] * 4, 0, 0],
            "syntax": [0, 0], "dataflow": [0, 0]}


def _statistics(predictions: Sequence[str], references: list[list[str]], lang: str | None) -> tuple:
    """Return (sacrebleu metric, list of per-sample statistic dicts); lang None skips CodeBLEU."""
    scorer = CodeBleuScorer(lang) if lang is not None else None
    metric, bleu_rows = sacre.corpus_stats(predictions, references)
    code_stats = (scorer.corpus_stats(predictions, references) if scorer is not None
                  else [None] * len(predictions))
    samples = []
    for prediction, refs, bleu_row, stats in zip(predictions, references, bleu_rows, code_stats):
        tokens = prediction.split()
        if stats is None:
            stats = dict(_NO_CODE)
            ref_tokens = [ref.split() for ref in refs]
            counts = [hyp_counts(ref) for ref in ref_tokens]
            lengths = [len(ref) for ref in ref_tokens]
            clipped = ngram_match_stats(len(tokens), hyp_counts(tokens), counts, lengths)[0]
            stats["codexglue"] = codexglue_stats(clipped, len(tokens), lengths)
        stats["sacrebleu"] = bleu_row
        stats["exact_match"] = float(any(tokens == ref.split() for ref in refs))
        stats["exact_match_strict"] = float(any(prediction.strip() == ref.strip() for ref in refs))
        samples.append(stats)
    return metric, samples


def _flatten(stats: dict) -> list[float]:
    row: list[float] = []
    for key in ("ngram", "weighted", "codexglue"):
        nums, dens, hyp_len, ref_len = stats[key]
        row += list(nums) + list(dens) + [hyp_len, ref_len]
    row += list(stats["syntax"]) + list(stats["dataflow"]) + list(stats["sacrebleu"])
    row += [stats["exact_match"], stats["exact_match_strict"]]
    return row


def _scores(metric: Any, row: Sequence[float], n: int, code: bool = True) -> dict[str, float]:
    """Return the corpus metrics (CodeBLEU ones only if `code`) from one flattened, summed
    statistics row of n samples."""
    def part(offset: int) -> list:
        return [list(row[offset:offset + 4]), list(row[offset + 4:offset + 8]),
                row[offset + 8], row[offset + 9]]
    out = {"bleu": sacre.score_from_stats(metric, row[34:-2]),
           "bleu_codexglue": 100.0 * codexglue_bleu(*part(20))}
    if code:
        out.update(components(part(0), part(10), row[30:32], row[32:34]))
    out["exact_match"] = row[-2] / n
    out["exact_match_strict"] = row[-1] / n
    return out


def _summed_rows(matrix: np.ndarray, resamples: int, seed: int):
    # The resampled sums every Glassbox interval and paired test draws (evaluators/core/stats.py).
    from ..core.stats import resampled_sums

    for sums in resampled_sums(matrix, resamples, seed):
        yield from sums


def score_corpus_and_samples(predictions: Sequence[str], references: Sequence[Sequence[str]], lang: str,
                             *, resamples: int = 1000, seed: int = 0,
                             level: float = 0.95) -> tuple[dict[str, Any], list[dict[str, float]]]:
    """Return (score_corpus's dict, score_samples's list), sharing one parse of every snippet."""
    lang = normalize_language(lang)
    refs = _check(predictions, references)
    metric, samples = _statistics(predictions, refs, lang)
    corpus = _corpus(metric, samples, CORPUS_METRICS, resamples, seed, level)
    return corpus, [_sample_scores(stats) for stats in samples]


def score_text_corpus(predictions: Sequence[str], references: Sequence[Sequence[str]], *,
                      resamples: int = 1000, seed: int = 0, level: float = 0.95) -> dict[str, Any]:
    """Return score_corpus's language-free part: bleu, bleu_signature, bleu_codexglue, exact_match,
    exact_match_strict, n and their intervals (no parsing, so any language or plain text)."""
    refs = _check(predictions, references)
    metric, samples = _statistics(predictions, refs, None)
    return _corpus(metric, samples, TEXT_METRICS, resamples, seed, level)


def _corpus(metric: Any, samples: list[dict], names: Sequence[str], resamples: int, seed: int,
            level: float) -> dict[str, Any]:
    from ..core.stats import percentile_interval

    n = len(samples)
    code = "codebleu" in names
    rows = [_flatten(stats) for stats in samples]
    # Plain sums in sample order, as the reference implementations add them, for exact parity.
    corpus: dict[str, Any] = _scores(metric, [sum(column) for column in zip(*rows)], n, code)
    corpus["bleu_signature"] = sacre.signature(metric)
    corpus["n"] = n
    if n == 1:
        for name in names:
            corpus[f"{name}_ci"] = [corpus[name], corpus[name]]
        return corpus
    draws: dict[str, list] = {name: [] for name in names}
    for row in _summed_rows(np.asarray(rows, dtype=np.float64), resamples, seed):
        scores = _scores(metric, row, n, code)
        for name in names:
            draws[name].append(scores[name])
    for name in names:
        corpus[f"{name}_ci"] = list(percentile_interval(np.asarray(draws[name]), level))
    return corpus


def _sample_scores(stats: dict) -> dict[str, float]:
    out = {"bleu": sacre.sentence_bleu(stats["sacrebleu"]),
           "bleu_codexglue": 100.0 * codexglue_bleu(*stats["codexglue"])}
    out.update(components(stats["ngram"], stats["weighted"], stats["syntax"], stats["dataflow"]))
    out["exact_match"] = stats["exact_match"]
    out["exact_match_strict"] = stats["exact_match_strict"]
    return out


def score_corpus(predictions: Sequence[str], references: Sequence[Sequence[str]], lang: str, *,
                 resamples: int = 1000, seed: int = 0, level: float = 0.95) -> dict[str, Any]:
    """Return corpus metrics (bleu, bleu_signature, bleu_codexglue, codebleu and its four components,
    exact_match, exact_match_strict, n) plus `<metric>_ci` = [low, high] 95% bootstrap intervals."""
    return score_corpus_and_samples(predictions, references, lang, resamples=resamples, seed=seed,
                                    level=level)[0]


def score_samples(predictions: Sequence[str], references: Sequence[Sequence[str]],
                  lang: str) -> list[dict[str, float]]:
    """Return one dict per sample with the keys in SAMPLE_METRICS (each a corpus of one sample)."""
    lang = normalize_language(lang)
    refs = _check(predictions, references)
    _, samples = _statistics(predictions, refs, lang)
    return [_sample_scores(stats) for stats in samples]


_COUNT_KEYS = ("sacrebleu", "ngram", "weighted", "codexglue", "syntax", "dataflow")


def _plain(value: Any) -> Any:
    # Tuples and numpy integers become JSON lists and numbers, so records store them as they are.
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value.item() if hasattr(value, "item") else value


def score_and_count_samples(predictions: Sequence[str], references: Sequence[Sequence[str]],
                            lang: str) -> tuple[list[dict[str, float]], list[dict[str, list]]]:
    """Return (score_samples's list, each sample's sufficient statistics), with one parse.

    The statistics are JSON-ready lists keyed sacrebleu ([hyp_len, ref_len, correct_1..4,
    total_1..4]), ngram, weighted, codexglue ([numerators, denominators, hyp_len, ref_len]),
    syntax and dataflow ([matches, total]); summed over samples they give every corpus metric
    (evaluators/codegen/stats.py), which is what paired tests between runs resample.
    """
    lang = normalize_language(lang)
    refs = _check(predictions, references)
    _, samples = _statistics(predictions, refs, lang)
    return ([_sample_scores(stats) for stats in samples],
            [{key: _plain(stats[key]) for key in _COUNT_KEYS} for stats in samples])


def paired_bootstrap(per_sample_a: Sequence[dict], per_sample_b: Sequence[dict], metric: str, *,
                     resamples: int = 1000, seed: int = 0, level: float = 0.95) -> dict[str, Any]:
    """Return {metric, n, mean_a, mean_b, diff, ci: [low, high], p_value, share_a_better,
    resamples, seed} for mean(a) - mean(b) over samples paired by position.

    Samples are resampled together (the same indices for both runs). p_value is two-sided:
    twice the smaller share of resampled differences on either side of zero, at most 1.
    """
    from ..core.stats import percentile_interval, resample_indices

    if len(per_sample_a) != len(per_sample_b):
        raise ValueError(f"runs differ in length: {len(per_sample_a)} vs {len(per_sample_b)} samples")
    if not per_sample_a:
        raise ValueError("no samples to compare")
    values = []
    for label, run in (("a", per_sample_a), ("b", per_sample_b)):
        column = []
        for i, record in enumerate(run):
            if metric not in record or not isinstance(record[metric], (int, float)):
                raise ValueError(f"run {label}, sample {i}: no numeric {metric!r}")
            column.append(float(record[metric]))
        values.append(np.asarray(column))
    a, b = values
    diffs = a - b
    observed = float(diffs.mean())
    if len(diffs) == 1:
        means = diffs.copy()
    else:
        means = np.concatenate([diffs[idx].mean(axis=1) for idx in resample_indices(len(diffs), resamples, seed)])
    low, high = percentile_interval(means, level) if len(diffs) > 1 else (observed, observed)
    below, above = float(np.mean(means <= 0)), float(np.mean(means >= 0))
    return {"metric": metric, "n": len(diffs), "mean_a": float(a.mean()), "mean_b": float(b.mean()),
            "diff": observed, "ci": [low, high], "p_value": min(1.0, 2.0 * min(below, above)),
            "share_a_better": float(np.mean(means > 0)), "resamples": resamples, "seed": seed}
