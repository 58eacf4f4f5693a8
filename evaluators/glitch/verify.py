"""Does the model repeat a candidate token when asked? (Land & Bartolo 2024, step 3.)

A few-shot repetition prompt suited to base models, built from token ids so that the candidate is
exactly one token: "Repeat each word.\\nvalue->value\\nreturn->return\\nitems->items\\n" then the
candidate, "->", and the probability the model gives to the candidate as the next token. A token
the model never learnt cannot be copied, so its probability stays low.
"""
from __future__ import annotations

from typing import Any, Callable

EXAMPLES = ("value", "return", "items")


def prompt_parts(tokenizer: Any) -> tuple[list[int], list[int]]:
    """Return (ids before the candidate, ids after it)."""
    def ids(text: str) -> list[int]:
        return tokenizer.encode(text, add_special_tokens=False)

    before = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else []
    before += ids("Repeat each word.\n")
    for word in EXAMPLES:
        before += ids(word) + ids("->") + ids(word) + ids("\n")
    return before, ids("->")


def repeat_probabilities(model: Any, tokenizer: Any, token_ids: list[int], batch_size: int, device: str,
                         on_batch: Callable[[int], None] | None = None) -> list[float]:
    """Return, per token, the model's probability of repeating it after the prompt."""
    import torch

    before, after = prompt_parts(tokenizer)
    probabilities: list[float] = []
    with torch.inference_mode():
        for start in range(0, len(token_ids), batch_size):
            batch = token_ids[start:start + batch_size]
            # Every prompt has the same length (one candidate token each): no padding is needed.
            inputs = torch.tensor([before + [token] + after for token in batch], device=device)
            logits = model(input_ids=inputs).logits[:, -1, :].float()
            chosen = torch.softmax(logits, dim=-1)[torch.arange(len(batch), device=device),
                                                   torch.tensor(batch, device=device)]
            probabilities.extend(chosen.cpu().tolist())
            if on_batch is not None:
                on_batch(len(batch))
    return probabilities
