"""Medusa-1 training: the base model frozen, only the heads learn.

Loss = sum over heads k = 1..K of decay^k * CE(head k at position t, token t + k + 1), decay 0.8
(the paper's lambda_k = 0.8^k). Training sequences come from a dataset of kind `text` (JSONL
{"id", "text"} or a .txt file, the perplexity kind):

- plain: the texts as one BOS text EOS stream, cut in blocks of `block_size` tokens;
- self-distillation (`self_distill`): the first `prompt_tokens` tokens of each text are a prompt,
  the base model's own greedy continuation fills the block, and only the continuation is learned.
  That is the paper's recipe when the base's training data is not at hand: the heads learn to
  predict what the base will say, which is what verification accepts.

The base is frozen, so its hidden states never change: they are computed once per sequence and
kept (up to FEATURE_BUDGET bytes, beyond that recomputed per batch). Seeded: the same inputs and
seed give the same heads, bit for bit, on one machine and thread count.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import torch
import torch.nn.functional as F

from ..core.base import EvaluationError

DECAY = 0.8
IGNORE = -100
FEATURE_BUDGET = 512 * 2**20


@dataclass(frozen=True)
class TrainSettings:
    heads: int = 4
    layers: int = 1
    steps: int = 1000
    lr: float = 1e-3  # the Medusa repository's Medusa-1 rate
    batch_size: int = 8
    block_size: int = 256
    self_distill: bool = False
    prompt_tokens: int = 64
    seed: int = 0


def training_sequences(model: Any, tokenizer: Any, texts: list[str], settings: TrainSettings,
                       on_batch: Callable[[int, int], None] = lambda done, total: None) -> tuple[Any, Any]:
    """Return (ids, labels), both (n, block_size); labels are IGNORE where nothing is learned.

    `on_batch(done, total)` follows the self-distillation's generation, prompt by prompt.
    """
    encoded = tokenizer(texts, add_special_tokens=False, verbose=False).input_ids
    bos, eos = tokenizer.bos_token_id, tokenizer.eos_token_id
    if settings.self_distill:
        rows = _self_distilled(model, tokenizer, [([bos] if bos is not None else []) + ids[:settings.prompt_tokens]
                                                  for ids in encoded if ids], settings, on_batch)
    else:
        stream = [t for ids in encoded for t in ([bos] if bos is not None else []) + ids + ([eos] if eos is not None else [])]
        size = settings.block_size
        rows = [(stream[i:i + size], 0) for i in range(0, len(stream), size) if len(stream[i:i + size]) > 1]
    if not rows:
        raise EvaluationError("the training data gives no sequence of two tokens or more")
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else (eos or 0)
    width = max(len(ids) for ids, _ in rows)
    ids = torch.full((len(rows), width), pad, dtype=torch.long)
    labels = torch.full((len(rows), width), IGNORE, dtype=torch.long)
    for row, (tokens, learned_from) in enumerate(rows):
        ids[row, :len(tokens)] = torch.tensor(tokens)
        labels[row, learned_from:len(tokens)] = ids[row, learned_from:len(tokens)]
    return ids, labels


def _self_distilled(model: Any, tokenizer: Any, prompts: list[list[int]], settings: TrainSettings,
                    on_batch: Callable[[int, int], None], batch: int = 16) -> list[tuple[list[int], int]]:
    """Return (prompt + greedy continuation, prompt length) per prompt, continuations filling the block."""
    device = model.get_output_embeddings().weight.device
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    rows: list[tuple[list[int], int]] = []
    on_batch(0, len(prompts))
    for start in range(0, len(prompts), batch):
        group = prompts[start:start + batch]
        width = max(len(p) for p in group)
        ids = torch.tensor([[pad] * (width - len(p)) + p for p in group], device=device)
        mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in group], device=device)
        with torch.inference_mode():
            out = model.generate(input_ids=ids, attention_mask=mask, do_sample=False, num_beams=1,
                                 max_new_tokens=settings.block_size - width, pad_token_id=pad,
                                 temperature=None, top_k=None, top_p=None)
        for prompt, row in zip(group, out[:, width:].tolist()):
            ends = [i + 1 for i, t in enumerate(row) if t == tokenizer.eos_token_id]
            rows.append((prompt + row[:ends[0] if ends else len(row)], len(prompt)))
        on_batch(len(rows), len(prompts))
    return rows


def head_losses(heads: Any, hidden: torch.Tensor, labels: torch.Tensor) -> list[torch.Tensor]:
    """Return each head's cross-entropy: head k (1-based) at position t against the token at t + k + 1."""
    losses = []
    for k, head in enumerate(heads, start=1):
        span = hidden.shape[1] - (k + 1)
        targets = labels[:, k + 1:]
        if span <= 0 or not (targets != IGNORE).any():
            losses.append(hidden.new_zeros(()))  # sequences too short for this head: nothing to learn
            continue
        logits = head(hidden[:, :span])
        losses.append(F.cross_entropy(logits.reshape(-1, logits.shape[-1]).float(), targets.reshape(-1),
                                      ignore_index=IGNORE))
    return losses


def weighted_loss(losses: list[torch.Tensor]) -> torch.Tensor:
    """Return sum over k = 1..K of DECAY^k * loss_k (the paper's lambda_k = 0.8^k)."""
    return sum(DECAY ** k * loss for k, loss in enumerate(losses, start=1))


def train_heads(model: Any, heads: Any, ids: torch.Tensor, labels: torch.Tensor, settings: TrainSettings,
                on_step: Callable[[int, list[float]], None] = lambda step, losses: None) -> list[float]:
    """Train `heads` in place; return each head's loss averaged over the last tenth of the steps."""
    from ..demo.training import batch_order, learning_rate

    torch.manual_seed(settings.seed)
    device = model.get_output_embeddings().weight.device
    features = _Features(model, ids, device)
    optimizer = torch.optim.AdamW(heads.parameters(), lr=settings.lr, weight_decay=0.0)
    tail = max(1, settings.steps // 10)
    sums = [0.0] * len(heads)
    heads.train()
    for step, rows in enumerate(batch_order(len(ids), settings.steps, settings.batch_size, settings.seed)):
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(step, settings.steps, settings.lr)
        losses = head_losses(heads, features(rows), labels[rows].to(device))
        total = weighted_loss(losses)
        optimizer.zero_grad(set_to_none=True)
        total.backward()
        optimizer.step()
        values = [float(loss.detach()) for loss in losses]
        if step >= settings.steps - tail:
            sums = [s + v for s, v in zip(sums, values)]
        on_step(step, values)
    heads.eval()
    return [s / tail for s in sums]


class _Features:
    """The frozen base's last hidden states (float32) per sequence, kept while they fit the budget."""

    def __init__(self, model: Any, ids: torch.Tensor, device: Any) -> None:
        self.model, self.ids, self.device = model, ids, device
        hidden = model.get_output_embeddings().weight.shape[1]
        self.keep = ids.numel() * hidden * 4 <= FEATURE_BUDGET
        self.cache: dict[int, torch.Tensor] = {}

    def __call__(self, rows: torch.Tensor) -> torch.Tensor:
        wanted = [int(r) for r in rows]
        missing = sorted(set(wanted) - set(self.cache))
        fresh: dict[int, torch.Tensor] = {}
        if missing:
            with torch.inference_mode():
                # Right padding and causal attention: pads after a text never change its states.
                out = self.model(input_ids=self.ids[missing].to(self.device), output_hidden_states=True,
                                 use_cache=False, logits_to_keep=1)
            fresh = dict(zip(missing, out.hidden_states[-1].float()))
            if self.keep:
                self.cache.update(fresh)
        # Inference tensors cannot enter autograd; the stacked copy is an ordinary tensor.
        return torch.stack([self.cache[r] if r in self.cache else fresh[r] for r in wanted]).clone()
