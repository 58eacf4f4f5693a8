"""The Medusa decoding loop on transformers' model forward and DynamicCache, one sequence at a time.

Prefill: one forward pass over the prompt gives the base's next token (the root of the first
tree) and the last hidden state, from which the heads guess the tokens after it. Each step then:

1. builds the tree's tokens: the root, then each node's head guess of its rank;
2. runs ONE forward pass over all nodes, with the 4-D tree mask and position ids prefix + depth,
   the cache holding the prefix;
3. keeps the accepted branch (greedy or typical acceptance), adds the base's own next token at
   its last node (the "bonus" token: argmax, or sampled at the temperature), and keeps in the
   cache only the prefix, the root and the accepted nodes (an index-select over the positions);
4. feeds the hidden state at the branch's last node to the heads for the next step.

So every step costs one base forward pass and yields accepted + 1 tokens.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import torch

from ..core.base import Cancelled, EvaluationError
from .acceptance import Verdict, greedy_verdict, typical_verdict
from .tree import Tree, tree_attention_mask

MODES = ("greedy", "typical")


@dataclass
class Decoded:
    """One generation: its new tokens and what it cost."""

    tokens: list[int]
    forwards: int = 0  # base forward passes, the prefill included
    steps: int = 0     # tree verification passes
    accepted: int = 0  # candidate tokens accepted over all steps
    accepted_at_depth: list[int] = field(default_factory=list)  # steps that accepted >= k candidates, k = 1..


class MedusaDecoder:
    """Decodes with a base model, its heads and a tree; `generate(prompt_ids, max_new_tokens)`."""

    def __init__(self, model: Any, heads: Any, tree: Tree, *, mode: str = "greedy", temperature: float = 1.0,
                 epsilon: float = 0.09, delta: float = 0.3, suppress_ids: tuple[int, ...] = ()) -> None:
        from transformers import SuppressTokensLogitsProcessor, TemperatureLogitsWarper

        if mode not in MODES:
            raise ValueError(f"unknown Medusa mode '{mode}'; use {' or '.join(MODES)}")
        if tree.depth > len(heads):
            raise EvaluationError(f"medusa_tree is {tree.depth} deep but there are {len(heads)} heads")
        if tree.topk > heads.vocab:
            raise EvaluationError(f"medusa_tree asks for rank {tree.topk - 1}, beyond the vocabulary")
        self.model, self.heads, self.tree, self.mode = model, heads, tree, mode
        self.temperature, self.epsilon, self.delta = temperature, epsilon, delta
        device = model.get_output_embeddings().weight.device
        self.device = device
        # Fixed-length runs never end on EOS, as generate(min_new_tokens=...) suppresses it.
        self.suppress = SuppressTokensLogitsProcessor(list(suppress_ids), device=device) if suppress_ids else None
        self.warper = TemperatureLogitsWarper(temperature) if mode == "typical" else None
        dtype = model.get_output_embeddings().weight.dtype
        self.tree_mask = tree_attention_mask(tree, 0, dtype, device)[0, 0]  # (size, size), additive
        self.depths = torch.tensor([len(p) for p in tree.paths], dtype=torch.long, device=device)
        # Node i > 0 reads head (depth - 1)'s guess of rank path[-1]; the root's entries are unused.
        self.head_of = torch.tensor([max(len(p) - 1, 0) for p in tree.paths], dtype=torch.long, device=device)
        self.rank_of = torch.tensor([p[-1] if p else 0 for p in tree.paths], dtype=torch.long, device=device)

    @torch.inference_mode()
    def generate(self, prompt_ids: list[int], max_new_tokens: int, *, eos_ids: tuple[int, ...] = (),
                 streamer: Any = None, generator: torch.Generator | None = None,
                 should_stop: Callable[[], bool] | None = None) -> Decoded:
        """Return up to `max_new_tokens` new tokens, ending after the first of `eos_ids` if one comes."""
        from transformers import DynamicCache

        cache = DynamicCache(config=self.model.config)
        ids = torch.tensor([prompt_ids], dtype=torch.long, device=self.device)
        if streamer is not None:
            streamer.put(ids.cpu())
        result = Decoded(tokens=[], accepted_at_depth=[0] * self.tree.depth)
        logits, hidden = self._forward(ids, cache, None, None, last_only=True)
        result.forwards += 1
        if any(getattr(layer, "is_sliding", False) for layer in cache.layers):
            raise EvaluationError("Medusa decoding needs a full-attention KV cache; this model uses a sliding window")
        root = self._choose(logits[-1], generator)
        done = self._emit(result, [root], max_new_tokens, set(eos_ids), streamer)
        hidden = hidden[-1]
        while not done:
            if should_stop is not None and should_stop():
                raise Cancelled()
            guesses = torch.topk(self.heads(hidden), max(self.tree.topk, 1), dim=-1).indices  # (heads, topk)
            tokens = guesses[self.head_of, self.rank_of]
            tokens[0] = root
            prefix = cache.get_seq_length()
            mask = torch.cat([self.tree_mask.new_zeros(self.tree.size, prefix), self.tree_mask], dim=1)
            logits, hidden = self._forward(tokens[None], cache, mask[None, None], (self.depths + prefix)[None])
            result.forwards += 1
            verdict = self._verdict(tokens, logits)
            keep = torch.cat([torch.arange(prefix, device=self.device),
                              prefix + torch.tensor(verdict.branch, device=self.device)])
            keep_positions(cache, keep)
            root = self._choose(logits[verdict.last], generator)
            hidden = hidden[verdict.last]
            result.steps += 1
            result.accepted += verdict.accepted
            for depth in range(verdict.accepted):
                result.accepted_at_depth[depth] += 1
            new = tokens[verdict.branch[1:]].tolist() + [root]
            done = self._emit(result, new, max_new_tokens, set(eos_ids), streamer)
        return result

    def _forward(self, ids: torch.Tensor, cache: Any, mask: torch.Tensor | None, positions: torch.Tensor | None,
                 last_only: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
        """Return the processed logits (positions, vocab) and last hidden states (positions, hidden)."""
        out = self.model(input_ids=ids, attention_mask=mask, position_ids=positions, cache=cache,
                         use_cache=True, output_hidden_states=True, logits_to_keep=1 if last_only else 0)
        logits = out.logits[0]
        if self.suppress is not None:
            logits = self.suppress(None, logits)
        return logits, out.hidden_states[-1][0]

    def _verdict(self, tokens: torch.Tensor, logits: torch.Tensor) -> Verdict:
        if self.mode == "greedy":
            return greedy_verdict(self.tree, tokens, logits)
        return typical_verdict(self.tree, tokens, logits, self.temperature, self.epsilon, self.delta)

    def _choose(self, logits: torch.Tensor, generator: torch.Generator | None) -> int:
        """The base's own token: its argmax, or (typical mode) a sample at the temperature."""
        if self.warper is None:
            return int(logits.argmax())
        probs = torch.softmax(self.warper(None, logits[None].float()), dim=-1)
        return int(torch.multinomial(probs, 1, generator=generator))

    @staticmethod
    def _emit(result: Decoded, new: list[int], max_new_tokens: int, eos: set[int], streamer: Any) -> bool:
        """Append `new` up to the limit or the first EOS; stream it; return whether generation ends."""
        room = new[:max_new_tokens - len(result.tokens)]
        cut = next((i + 1 for i, token in enumerate(room) if token in eos), None)
        room = room[:cut] if cut is not None else room
        result.tokens.extend(room)
        if streamer is not None and room:
            streamer.put(torch.tensor(room))
        return cut is not None or len(result.tokens) >= max_new_tokens


def keep_positions(cache: Any, keep: torch.Tensor) -> None:
    """Keep only the cache entries at `keep` (sequence positions), in that order, in every layer."""
    for layer in cache.layers:
        if getattr(layer, "keys", None) is None or layer.keys.numel() == 0:
            continue  # a layer that shares another's cache (KV sharing) holds nothing of its own
        layer.keys = layer.keys.index_select(-2, keep)
        layer.values = layer.values.index_select(-2, keep)
