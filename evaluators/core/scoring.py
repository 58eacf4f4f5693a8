"""Batched log-likelihood of token windows under a causal language model.

Windows of different lengths share a forward pass: they are right-padded (real tokens never
attend to the padding after them) and only each window's scored tokens enter the sum.
Per-token log-probabilities come from a float32 log_softmax whatever the model's dtype;
each window's negative log-likelihood is their exact (math.fsum) float64 sum.
"""
from __future__ import annotations

import inspect
import math
from typing import Any, Sequence

from .base import EvaluationError

# Positions whose float32 log_softmax is taken at once: bounds memory for large vocabularies.
_POSITIONS_PER_CHUNK = 2048


def window_nlls(model: Any, windows: Sequence[tuple[Sequence[int], int]], batch_size: int,
                pad_id: int) -> list[float]:
    """Return each window's negative log-likelihood (nats) of its last `scored` tokens.

    `windows` holds (token ids, scored) pairs; the first token of a window is never scored.
    Windows are sorted by length so a batch pads little; the result keeps the input order.
    """
    import torch

    keep_supported = "logits_to_keep" in inspect.signature(model.forward).parameters
    order = sorted(range(len(windows)), key=lambda i: -len(windows[i][0]))
    results = [0.0] * len(windows)
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            try:
                sums = _score_batch(model, [windows[i] for i in batch], pad_id, keep_supported)
            except torch.OutOfMemoryError:
                longest = len(windows[batch[0]][0])
                raise EvaluationError(
                    f"out of GPU memory scoring {len(batch)} windows of up to {longest} tokens; "
                    "lower batch_size or max_length") from None
            for index, value in zip(batch, sums):
                results[index] = value
    return results


def _score_batch(model: Any, batch: list[tuple[Sequence[int], int]], pad_id: int,
                 keep_supported: bool) -> list[float]:
    import torch

    device = next(model.parameters()).device
    lengths = [len(ids) for ids, _ in batch]
    width = max(lengths)
    # Row i predicts its scored tokens from positions [length - scored - 1, length - 1).
    first = min(length - scored - 1 for length, (_, scored) in zip(lengths, batch))
    keep = width - first if keep_supported else width
    offset = width - keep
    input_ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    attention = torch.zeros((len(batch), width), dtype=torch.long)
    predict = torch.zeros((len(batch), keep), dtype=torch.bool)
    targets = torch.zeros((len(batch), keep), dtype=torch.long)
    for row, ((ids, scored), length) in enumerate(zip(batch, lengths)):
        input_ids[row, :length] = torch.as_tensor(ids, dtype=torch.long)
        attention[row, :length] = 1
        lo, hi = length - scored - 1 - offset, length - 1 - offset
        predict[row, lo:hi] = True
        targets[row, lo:hi] = input_ids[row, length - scored:length]
    kwargs = {"logits_to_keep": keep} if keep_supported else {}
    # logits_to_keep skips the output layer where no token is scored (the overlap of a window).
    logits = model(input_ids=input_ids.to(device), attention_mask=attention.to(device),
                   use_cache=False, **kwargs).logits[:, -keep:]
    selected = logits[predict.to(device)]
    wanted = targets[predict].to(device)
    pieces = []
    for lo in range(0, len(wanted), _POSITIONS_PER_CHUNK):
        chunk = selected[lo:lo + _POSITIONS_PER_CHUNK].float().log_softmax(dim=-1)
        picked = chunk.gather(1, wanted[lo:lo + _POSITIONS_PER_CHUNK, None]).squeeze(1)
        pieces.append(picked.double().neg().cpu())
    token_nlls = torch.cat(pieces).tolist()
    # Boolean indexing is row-major, so each row's tokens are one consecutive run.
    sums, at = [], 0
    for _, scored in batch:
        sums.append(math.fsum(token_nlls[at:at + scored]))
        at += scored
    return sums
