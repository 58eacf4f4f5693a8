"""Perplexity run page: the documents the model found hardest, by bits per byte."""
from __future__ import annotations

import math

from ..models import Run

SHOWN = 50


def context(run: Run, request=None) -> dict:
    """Return per-document figures, worst first, from the run's per-sample records."""
    documents = []
    for key, data in run.samples.values_list("key", "data"):
        nll, tokens, size = data.get("nll"), data.get("tokens"), data.get("bytes")
        if nll is None or not tokens or not size:
            continue
        documents.append({"key": key, "tokens": tokens, "bytes": size, "words": data.get("words"),
                          "perplexity": math.exp(nll / tokens), "bits_per_byte": nll / size / math.log(2)})
    documents.sort(key=lambda d: d["bits_per_byte"], reverse=True)
    return {"documents": documents[:SHOWN], "document_count": len(documents)}
