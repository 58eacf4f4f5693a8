"""Scoring one group of documents: the unit of work a perplexity run resumes by."""
from __future__ import annotations

import math

from ..core.loading import LoadedModel
from ..core.rolling import plan_windows, prefix_token_id, with_prefix
from ..core.scoring import window_nlls


def score_group(loaded: LoadedModel, texts: list[str], max_length: int, stride: int,
                batch_size: int) -> list[dict]:
    """Return one record {"nll", "tokens", "words", "bytes"} per text, in order.

    All windows of the group are batched together (sorted by length inside `window_nlls`),
    so the numbers depend on the group's documents and batch_size alone.
    """
    tokenizer = loaded.tokenizer
    prefix = prefix_token_id(tokenizer)
    # Padding is never attended to by a real token nor scored; any id in the vocabulary works.
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else prefix
    # verbose=False: documents longer than the model's context are expected, and windowed.
    encoded = tokenizer(texts, add_special_tokens=False, verbose=False).input_ids
    windows, owners = [], []
    for document, token_ids in enumerate(encoded):
        sequence = with_prefix(token_ids, prefix)
        for window in plan_windows(len(sequence), max_length, stride):
            windows.append((sequence[window.begin:window.end], window.scored))
            owners.append(document)
    nlls = window_nlls(loaded.model, windows, batch_size, pad_id)

    per_document: list[list[float]] = [[] for _ in texts]
    scored = [0] * len(texts)
    for document, nll, (_, count) in zip(owners, nlls, windows):
        per_document[document].append(nll)
        scored[document] += count
    records = []
    for text, token_ids, parts, count in zip(texts, encoded, per_document, scored):
        # The windows tile the document; a mismatch would be a bug in plan_windows.
        assert count == len(token_ids), (count, len(token_ids))
        records.append({"nll": math.fsum(parts), "tokens": len(token_ids),
                        "words": len(text.split()), "bytes": len(text.encode("utf-8"))})
    return records
