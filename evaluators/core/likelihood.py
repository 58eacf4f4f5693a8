"""Per-token log-probabilities of short token sequences under a causal language model, batched.

Each sequence is scored whole in one forward pass: the log-probability of token t given
tokens 0..t-1, for every t >= 1 (token 0, the BOS/EOS prefix, is context only). Sequences
of different lengths share a pass: they are right-padded, and with the attention mask a
real token never attends to the padding after it, so batching changes the numbers only at
the level of floating-point rounding (a different matrix shape can round differently).
Log-probabilities come from a float32 log_softmax whatever the model's dtype, and are
returned as Python floats (float64) so sums over them can be exact (math.fsum).
"""
from __future__ import annotations

from typing import Any, Sequence

from .base import EvaluationError


def token_logprobs(model: Any, sequences: Sequence[Sequence[int]], batch_size: int,
                   pad_id: int) -> list[list[float]]:
    """Return, for each sequence, the log-probabilities of its tokens 1..n-1 (natural log).

    Sequences are sorted by length (longest first) so a batch pads little; the result keeps
    the input order. `batch_size` is the number of sequences per forward pass.
    """
    import torch

    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    order = sorted(range(len(sequences)), key=lambda i: (-len(sequences[i]), i))
    results: list[list[float]] = [[] for _ in sequences]
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            try:
                values = _score_batch(model, [sequences[i] for i in batch], pad_id)
            except torch.OutOfMemoryError:
                raise EvaluationError(
                    f"out of GPU memory scoring {len(batch)} sequences of up to "
                    f"{len(sequences[batch[0]])} tokens; lower batch_size") from None
            for index, value in zip(batch, values):
                results[index] = value
    return results


def _score_batch(model: Any, batch: list[Sequence[int]], pad_id: int) -> list[list[float]]:
    import torch

    device = next(model.parameters()).device
    lengths = [len(ids) for ids in batch]
    if min(lengths) < 2:
        raise ValueError("every sequence needs a prefix token and at least one token to score")
    width = max(lengths)
    input_ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    attention = torch.zeros((len(batch), width), dtype=torch.long)
    for row, (ids, length) in enumerate(zip(batch, lengths)):
        input_ids[row, :length] = torch.as_tensor(list(ids), dtype=torch.long)
        attention[row, :length] = 1
    logits = model(input_ids=input_ids.to(device), attention_mask=attention.to(device),
                   use_cache=False).logits
    targets = input_ids.to(device)
    results = []
    # Row by row, so the float32 log_softmax holds one sequence's positions x vocabulary at a
    # time; position p predicts token p + 1, and padding positions are never computed.
    for row, length in enumerate(lengths):
        logprobs = logits[row, :length - 1].float().log_softmax(dim=-1)
        picked = logprobs.gather(1, targets[row, 1:length, None]).squeeze(1)
        results.append(picked.double().cpu().tolist())
    return results
