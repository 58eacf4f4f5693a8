"""The medusa and medusa-typical variants: Glassbox's Medusa loop (`evaluators.medusa`) under the
speed protocol, one prompt per call, with the figures only Medusa has.

- `mean_accepted_tokens`: output tokens per base forward pass (the prefill included), as for the
  other speculative variants (the paper's "acceleration rate").
- `head_acceptance`: for head k, the share of tree steps whose accepted branch reached depth k
  (head k's guess was accepted); None for a head the tree never reaches.
- `tree_size`: nodes per verification pass, the root included; `tree_depth`.
- `drafted_tokens` = steps x tree depth (the most a step can accept), so `acceptance_rate` is
  the share of that reach the heads achieved.
- medusa-typical only: the mean log-likelihood per generated token under the base model (at
  temperature 1) of its first-pass outputs, beside that of plain sampling (generate(), same
  temperature, no top-k/top-p, seed + prompt index) from the same prompts and lengths.
"""
from __future__ import annotations

import math
from typing import Any, Callable

from ..core.base import EvaluationError
from ..core.loading import LoadedModel
from .protocol import Generated, Variant, VariantMeasurement
from .timing import TokenClock


def load_medusa(loaded: LoadedModel, spec: Any) -> tuple[Any, Any]:
    """Return (heads, tree) for the spec's `medusa` folder and `medusa_tree`, checked against the model."""
    from ..medusa.heads import load_heads
    from ..medusa.tree import TreeError, parse_tree

    heads = load_heads(spec.medusa, loaded.model)
    try:
        tree = parse_tree(spec.medusa_tree, len(heads))
    except TreeError as error:
        raise EvaluationError(str(error)) from None
    return heads, tree


class MedusaGenerator:
    """One Medusa decode per call (batch size 1); `__call__(batch, streamer, call_number)` -> Generated."""

    def __init__(self, loaded: LoadedModel, variant: Variant, encoded: list[list[int]], heads: Any, tree: Any,
                 *, eos_ids: list[int], settings: dict, should_stop: Callable[[], bool] | None = None) -> None:
        from ..core.memory_estimate import check_generation_fits
        from ..medusa.decode import MedusaDecoder

        self.loaded, self.variant, self.encoded, self.tree, self.heads = loaded, variant, encoded, tree, heads
        self.settings, self.should_stop = settings, should_stop
        self.typical = variant.name == "medusa-typical"
        fixed = settings["fixed_length"]
        # Fixed length: EOS is suppressed, as generate(min_new_tokens=max_new_tokens) does, and never ends a call.
        self.eos_ids = () if fixed else tuple(eos_ids)
        self.all_eos = list(eos_ids)
        self.decoder = MedusaDecoder(loaded.model, heads, tree, mode="typical" if self.typical else "greedy",
                                     temperature=settings["temperature"], epsilon=settings["medusa_epsilon"],
                                     delta=settings["medusa_delta"], suppress_ids=tuple(eos_ids) if fixed else ())
        check_generation_fits(loaded, prompts=1, sequences_per_prompt=1, prompt_tokens=max(map(len, encoded)),
                              new_tokens=settings["max_new_tokens"] + tree.size, batch_param="batch_sizes")

    def close(self) -> None:
        return None

    def __call__(self, batch: list[int], streamer: TokenClock, call_number: int) -> Generated:
        import torch

        (prompt,) = batch  # planned at batch size 1 only
        generator = None
        if self.typical:
            generator = torch.Generator(device=self.loaded.device).manual_seed(self.settings["seed"] + call_number)
        try:
            decoded = self.decoder.generate(self.encoded[prompt], self.settings["max_new_tokens"],
                                            eos_ids=self.eos_ids, streamer=streamer, generator=generator,
                                            should_stop=self.should_stop)
        except EvaluationError:
            raise
        except (RuntimeError, ValueError, IndexError) as error:
            raise EvaluationError(f"variant {self.variant.key} failed in Medusa decoding: {error}") from error
        counters = {"steps": decoded.steps, "accepted": decoded.accepted}
        counters.update({f"accepted_at_depth_{k}": n for k, n in enumerate(decoded.accepted_at_depth, start=1)})
        return Generated(output_ids=[decoded.tokens], prompt_tokens=[len(self.encoded[prompt])],
                         target_forwards=decoded.forwards, drafted_tokens=decoded.steps * self.tree.depth,
                         counters=counters)

    def figures(self, measurement: VariantMeasurement) -> dict:
        """Return the Medusa fields of the variant's record."""
        steps = measurement.counters.get("steps", 0)
        acceptance = [measurement.counters.get(f"accepted_at_depth_{k}", 0) / steps
                      if steps and k <= self.tree.depth else None for k in range(1, len(self.heads) + 1)]
        out = {"tree_size": self.tree.size, "tree_depth": self.tree.depth, "medusa_tree": self.tree.name,
               "medusa_heads": len(self.heads), "medusa_steps": steps, "head_acceptance": acceptance}
        if self.typical:
            out.update(self._likelihoods(measurement.first_pass_ids))
        return out

    def _likelihoods(self, outputs: dict[int, list[int]]) -> dict:
        """Mean log-likelihood per token of the typical outputs and of plain sampling's, same prompts."""
        import torch

        s = self.settings
        sampled = {}
        for prompt in outputs:
            ids = torch.tensor([self.encoded[prompt]], device=self.loaded.device)
            torch.manual_seed(s["seed"] + prompt)
            with torch.inference_mode():
                out = self.loaded.model.generate(
                    input_ids=ids, attention_mask=torch.ones_like(ids), do_sample=True,
                    temperature=s["temperature"], top_k=0, top_p=1.0, max_new_tokens=s["max_new_tokens"],
                    min_new_tokens=s["max_new_tokens"] if s["fixed_length"] else None,
                    eos_token_id=self.all_eos, pad_token_id=self._pad_id())
            sampled[prompt] = out[0, ids.shape[1]:].tolist()
        typical, plain = self._mean_logprob(outputs), self._mean_logprob(sampled)
        return {"log_likelihood_per_token": typical, "sampling_log_likelihood_per_token": plain,
                "log_likelihood_vs_sampling": None if typical is None or plain is None else typical - plain}

    def _pad_id(self) -> int:
        tokenizer = self.loaded.tokenizer
        return tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id

    def _mean_logprob(self, outputs: dict[int, list[int]]) -> float | None:
        from ..core.likelihood import token_logprobs

        values: list[float] = []
        for prompt, tokens in outputs.items():
            if tokens:
                scored = token_logprobs(self.loaded.model, [self.encoded[prompt] + tokens], 1, self._pad_id())
                values.extend(scored[0][-len(tokens):])
        return math.fsum(values) / len(values) if values else None
