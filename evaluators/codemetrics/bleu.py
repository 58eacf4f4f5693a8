"""Returns sacrebleu BLEU statistics per sample and scores built from them.

Corpus BLEU is sacrebleu's with its defaults (13a tokenisation, "exp" smoothing, 0-100) and
its signature. Per-sample statistics come from the same BLEU object, so
a bootstrap resample re-scores a corpus from summed statistics without re-tokenising.
Sentence BLEU per sample is sacrebleu's sentence_score (effective order, "exp" smoothing).
"""
from __future__ import annotations

from typing import Any, Sequence


def _padded(references: Sequence[Sequence[str]]) -> list[list[str | None]]:
    # sacrebleu wants one stream per reference position; None marks a missing reference.
    width = max(len(refs) for refs in references)
    return [[refs[k] if k < len(refs) else None for refs in references] for k in range(width)]


def corpus_stats(predictions: Sequence[str], references: Sequence[Sequence[str]]) -> tuple[Any, list]:
    """Return (the sacrebleu BLEU object, per-sample statistic rows) for the corpus."""
    from sacrebleu.metrics import BLEU

    metric = BLEU()
    # Also records the reference count, which the signature reports.
    stats = metric._extract_corpus_statistics(list(predictions), _padded(references))
    return metric, [list(row) for row in stats]


def score_from_stats(metric: Any, stats: Sequence[float]) -> float:
    """Return the corpus BLEU (0-100) of summed statistics."""
    return float(metric._compute_score_from_stats([int(round(x)) for x in stats]).score)


def signature(metric: Any) -> str:
    """Return the sacrebleu signature string, e.g. nrefs:1|case:mixed|eff:no|tok:13a|..."""
    return str(metric.get_signature())


def sentence_bleu(stats: Sequence[int]) -> float:
    """Return sacrebleu's sentence BLEU (0-100, effective order) from one sample's statistics
    row, which is what BLEU(effective_order=True).sentence_score computes after tokenising."""
    from sacrebleu.metrics import BLEU

    if "bleu" not in _SENTENCE:
        _SENTENCE["bleu"] = BLEU(effective_order=True)
    return float(_SENTENCE["bleu"]._compute_score_from_stats(list(stats)).score)


_SENTENCE: dict = {}
