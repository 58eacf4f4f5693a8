"""Does the model repeat a candidate token when asked? (Land & Bartolo 2024, step 3.)

Each repetition prompt (prompts.py) is filled with the candidate's token id, and the model's
probability of the candidate as the next token is read. A token the model never learnt cannot be
copied, so its probability stays low under every prompt. A candidate's repeat probability is the
highest over the prompts: it is confirmed only when no prompt gets the model to repeat it, so a
prompt the model happens not to follow cannot make a well-trained token look untrained.
"""
from __future__ import annotations

from typing import Any, Callable

from .prompts import prompt_ids


def repeat_probabilities(model: Any, tokenizer: Any, token_ids: list[int], batch_size: int, device: str,
                         prompts: list[dict], on_batch: Callable[[int], None] | None = None) -> list[dict[str, float]]:
    """Return, per token, {prompt id: the model's probability of repeating it after that prompt}."""
    import torch

    parts = {row["id"]: prompt_ids(tokenizer, row) for row in prompts}
    results: list[dict[str, float]] = [{} for _ in token_ids]
    with torch.inference_mode():
        for start in range(0, len(token_ids), batch_size):
            batch = token_ids[start:start + batch_size]
            for prompt_id, (before, after) in parts.items():
                # Every prompt of one template has the same length (one candidate token each):
                # no padding is needed.
                inputs = torch.tensor([before + [token] + after for token in batch], device=device)
                logits = model(input_ids=inputs).logits[:, -1, :].float()
                chosen = torch.softmax(logits, dim=-1)[torch.arange(len(batch), device=device),
                                                       torch.tensor(batch, device=device)]
                for offset, probability in enumerate(chosen.cpu().tolist()):
                    results[start + offset][prompt_id] = probability
            if on_batch is not None:
                on_batch(len(batch))
    return results
