"""The perplexity evaluator's output: totals over per-document records, with bootstrap CIs."""
from __future__ import annotations

import math

from ..core.base import EvaluationError

RESAMPLES = 1000
SEED = 0
LEVEL = 0.95


def _exp(value: float) -> float:
    # A model that is hopeless on a text can overflow exp; say "infinite", don't crash.
    try:
        return math.exp(value)
    except OverflowError:
        return math.inf


def summarize(records: list[dict], *, max_length: int, stride: int, batch_size: int) -> dict:
    """Return the output dict (also the CLI's JSON) computed from every document's record.

    Sums run in a fixed order (math.fsum is exact), so a resumed run and an uninterrupted
    one give identical numbers from identical records.
    """
    import numpy as np

    from ..core.stats import ratio_ci

    nll = math.fsum(record["nll"] for record in records)
    tokens = sum(record["tokens"] for record in records)
    words = sum(record["words"] for record in records)
    n_bytes = sum(record["bytes"] for record in records)
    if tokens == 0:
        raise EvaluationError("no document has any token to score; the texts are empty")

    nlls = np.array([record["nll"] for record in records], dtype=np.float64)
    token_counts = np.array([record["tokens"] for record in records], dtype=np.float64)
    byte_counts = np.array([record["bytes"] for record in records], dtype=np.float64)
    ci = {"resamples": RESAMPLES, "seed": SEED, "level": LEVEL}
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # Resamples are documents: a document's tokens are not independent of each other.
        perplexity_ci = ratio_ci(nlls, token_counts, transform=np.exp, **ci)
        bits_per_byte_ci = ratio_ci(nlls, byte_counts, transform=lambda r: r / math.log(2), **ci)

    return {
        "perplexity": _exp(nll / tokens),
        "perplexity_ci": list(perplexity_ci),
        "word_perplexity": _exp(nll / words) if words else None,
        "byte_perplexity": _exp(nll / n_bytes),
        "bits_per_byte": nll / n_bytes / math.log(2),
        "bits_per_byte_ci": list(bits_per_byte_ci),
        "tokens": tokens,
        "words": words,
        "bytes": n_bytes,
        "documents": len(records),
        "n": len(records),
        "max_length": max_length,
        "stride": stride,
        "batch_size": batch_size,
    }
