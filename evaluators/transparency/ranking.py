"""Indicator × passage relevance: BM25 over words, sentence-embedding cosine to the indicator,
and (when an exemplar bank is given) similarity to passages experts scored for the indicator.
Each is standardised per indicator so that the scales add up."""
from __future__ import annotations

import re

from .checklists import Checklist, Indicator
from .passages import Passage

_STOP = frozenset("""a an and are as at be by for from has have in is it its of on or that the
this to was we were with our their which what how does do not any all""".split())
NEIGHBOURS = 5  # exemplars whose scores are averaged (weighted by similarity) into a score estimate


def tokens(text: str) -> list[str]:
    """Return lower-case word tokens with a crude plural strip and without stop words."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return [w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w
            for w in words if w not in _STOP]


def query_text(indicator: Indicator) -> str:
    """Return the text an indicator is searched with: its name (twice), subdomain and keywords."""
    return " ".join([indicator.indicator, indicator.indicator, indicator.subdomain,
                     " ".join(indicator.keywords)])


def embedding_text(indicator: Indicator) -> str:
    """Return the text an indicator is embedded as: its name, subdomain and first keywords."""
    return f"{indicator.indicator} ({indicator.subdomain}): {', '.join(indicator.keywords[:10])}"


def _standardise(matrix):
    import numpy as np

    mean = matrix.mean(axis=1, keepdims=True)
    std = matrix.std(axis=1, keepdims=True)
    return (matrix - mean) / np.where(std == 0, 1, std)


def _exemplar_scores(count: int, passages_emb, bank, embedder, exclude: str | None):
    """Return (best similarity, centroid similarity, neighbour score estimate), each
    (indicators, passages)."""
    import numpy as np

    keep = np.array(bank.keep_mask(exclude), dtype=bool)
    vectors = np.asarray(bank.embeddings(embedder))[keep]
    positions = np.array([item.position for item in bank.items])[keep]
    labels = np.array([item.score for item in bank.items], dtype=float)[keep]
    similarity = vectors @ np.asarray(passages_emb).T
    best = np.full((count, similarity.shape[1]), -1.0)
    estimate = np.full((count, similarity.shape[1]), 0.5)
    centroid = np.zeros((count, similarity.shape[1]))
    for index in range(count):
        rows = np.flatnonzero(positions == index)
        if not len(rows):
            continue
        sims = similarity[rows]
        best[index] = sims.max(axis=0)
        centroid[index] = vectors[rows].mean(axis=0) @ np.asarray(passages_emb).T
        top = np.argsort(-sims, axis=0)[:NEIGHBOURS]
        weights = np.take_along_axis(sims, top, axis=0).clip(min=0)
        estimate[index] = (labels[rows][top] * weights).sum(axis=0) / np.maximum(weights.sum(axis=0), 1e-9)
    return best, centroid, estimate


def relevance(checklist: Checklist, passages: list[Passage], embedder, bank=None,
              exclude: str | None = None) -> dict:
    """Return {"cosine", "combined", "exemplar", "estimate"}: arrays (indicators, passages), the
    last two None without an exemplar bank; and "passage_embeddings" (passages, dim)."""
    import numpy as np
    from rank_bm25 import BM25Okapi

    corpus = [tokens(p.text) or ["_"] for p in passages]
    bm25 = BM25Okapi(corpus)
    lexical = np.array([bm25.get_scores(tokens(query_text(i))) for i in checklist.indicators])
    queries = embedder.encode([embedding_text(i) for i in checklist.indicators])
    texts = embedder.encode([p.text for p in passages])
    cosine = np.asarray(queries) @ np.asarray(texts).T
    combined = _standardise(lexical) + _standardise(cosine)
    exemplar = estimate = None
    if bank is not None:
        exemplar, centroid, estimate = _exemplar_scores(len(checklist.indicators), texts, bank, embedder,
                                                        exclude)
        # The closest exemplar catches one specific wording; the centroid, the indicator's usual topic.
        combined = combined + _standardise(exemplar) + _standardise(centroid)
    return {"cosine": cosine, "combined": combined, "exemplar": exemplar, "estimate": estimate,
            "passage_embeddings": texts}
