"""The real generator of the speed evaluator: one transformers generate() call per batch.

Prompts are encoded as the code-generation evaluator encodes them (the BOS/EOS prefix first,
the end of an over-long prompt kept) and padded on the left. A forward pre-hook on the target
model records the number of new positions each forward pass feeds it; in assisted and
prompt-lookup decoding those are the candidate tokens being verified, which is how the drafted
token count is known without reaching into transformers' candidate generators.
"""
from __future__ import annotations

from typing import Any, Callable

from ..core.base import EvaluationError
from ..core.loading import LoadedModel
from .protocol import Generated, Variant
from .timing import TokenClock


class HFGenerator:
    """Calls generate() for one variant; `__call__(batch, streamer, call_number)` -> Generated."""

    def __init__(self, loaded: LoadedModel, variant: Variant, encoded: list[list[int]], batches: list[list[int]],
                 *, pad_id: int, eos_ids: list[int], settings: dict, draft: Any = None,
                 should_stop: Callable[[], bool] | None = None) -> None:
        from transformers import StoppingCriteriaList

        from ..codegen.generate import stop_on_cancel
        from ..core.memory_estimate import check_generation_fits

        self.loaded = loaded
        self.variant = variant
        self.pad_id = pad_id
        self.eos_ids = eos_ids
        self.settings = settings
        self.draft = draft
        self.forward_lengths: list[int] = []
        # Everything but generate() itself is prepared here, outside the timed calls: the padded
        # inputs of every batch, the generation config and the forward hook (removed by close()).
        self.inputs = {tuple(batch): self._padded([encoded[i] for i in batch]) for batch in batches}
        # Refuse a variant whose largest batch cannot fit before measuring anything; a cancel
        # stops a generate() call after its current token (see codegen_generate.stop_on_cancel).
        rows, width = max((ids.shape for ids, _, _ in self.inputs.values()),
                          key=lambda shape: shape[0] * (shape[1] + settings["max_new_tokens"]))
        check_generation_fits(loaded, prompts=rows, sequences_per_prompt=1, prompt_tokens=width,
                              new_tokens=settings["max_new_tokens"], batch_param="batch_sizes")
        self.criteria = StoppingCriteriaList([stop_on_cancel(should_stop)]) if should_stop else None
        self.config = self._config()
        self.hook = loaded.model.register_forward_pre_hook(self._record_forward, with_kwargs=True)

    def close(self) -> None:
        self.hook.remove()

    def _padded(self, rows: list[list[int]]) -> tuple[Any, Any, list[int]]:
        import torch

        width = max(len(ids) for ids in rows)
        device = self.loaded.device
        input_ids = torch.tensor([[self.pad_id] * (width - len(ids)) + ids for ids in rows], device=device)
        attention = torch.tensor([[0] * (width - len(ids)) + [1] * len(ids) for ids in rows], device=device)
        return input_ids, attention, [len(ids) for ids in rows]

    def _record_forward(self, module: Any, args: tuple, kwargs: dict) -> None:
        ids = kwargs.get("input_ids") if kwargs.get("input_ids") is not None else (args[0] if args else None)
        if ids is not None:
            self.forward_lengths.append(int(ids.shape[1]))

    def _config(self) -> Any:
        from transformers import GenerationConfig

        s = self.settings
        sample = self.variant.name == "sample"
        return GenerationConfig(
            max_new_tokens=s["max_new_tokens"],
            min_new_tokens=s["max_new_tokens"] if s["fixed_length"] else None,
            do_sample=sample, num_beams=1, pad_token_id=self.pad_id, eos_token_id=self.eos_ids,
            **({"temperature": s["temperature"], "top_k": s["top_k"], "top_p": s["top_p"]}
               if sample else {"temperature": None, "top_k": None, "top_p": None}),
            **({"cache_implementation": "static"} if self.variant.name == "static-cache" else {}),
            **({"prompt_lookup_num_tokens": s["prompt_lookup_num_tokens"]}
               if self.variant.name == "prompt-lookup" else {}))

    def __call__(self, batch: list[int], streamer: TokenClock, call_number: int) -> Generated:
        import torch

        input_ids, attention, prompt_tokens = self.inputs[tuple(batch)]
        width = input_ids.shape[1]
        extra = {"assistant_model": self.draft} if self.variant.name == "assisted" else {}
        if self.variant.name == "sample":
            torch.manual_seed(self.settings["seed"] + call_number)
        self.forward_lengths = []
        try:
            with torch.inference_mode():
                output = self.loaded.model.generate(
                    input_ids=input_ids, attention_mask=attention, generation_config=self.config,
                    streamer=streamer, stopping_criteria=self.criteria, **extra)
        except (RuntimeError, ValueError, IndexError) as error:
            # IndexError: an embedding looked up past its table (a position beyond the context).
            raise EvaluationError(f"variant {self.variant.key} failed in generate(): {error}") from error
        sequences = output if isinstance(output, torch.Tensor) else output.sequences
        forwards = len(self.forward_lengths)
        drafted = 0
        if self.variant.speculative and forwards:
            # The first pass reads the prompt plus its candidates; each later pass reads the one
            # token not yet in the cache plus that step's candidates.
            drafted = sum(self.forward_lengths) - width - (forwards - 1)
        return Generated(output_ids=sequences[:, width:].tolist(),
                         prompt_tokens=prompt_tokens,
                         target_forwards=forwards, drafted_tokens=drafted)


def speculative_reserve(variants: list[Variant], spec: Any, draft_settings: dict | None,
                        context: int | None, medusa_depth: int = 0) -> int:
    """Return how many positions to keep free at the end of the context for speculative candidates.

    Prompt lookup proposes up to prompt_lookup_num_tokens candidates without capping them at the
    final length, and the target reads them at positions past it: with a prompt cut to fit the
    context exactly (context - max_new_tokens - 1 tokens), GPT-2 and OPT fail in their position
    embeddings ("index out of range in self"). Assisted decoding proposes up to
    num_assistant_tokens; Medusa verifies a tree up to `medusa_depth` tokens deep. The target adds
    one token of its own to each verified step: + 1.
    The reserve never leaves a prompt without a token of its own.
    """
    names = {variant.name for variant in variants}
    reserve = spec.prompt_lookup_num_tokens + 1 if "prompt-lookup" in names else 0
    if "assisted" in names:
        drafted = (draft_settings or {}).get("num_assistant_tokens") or spec.num_assistant_tokens
        reserve = max(reserve, int(drafted) + 1)
    if names & {"medusa", "medusa-typical"}:
        reserve = max(reserve, medusa_depth + 1)
    if context is not None:
        reserve = min(reserve, max(0, context - spec.max_new_tokens - 2))
    return reserve


def check_draft(loaded: LoadedModel, draft: LoadedModel) -> None:
    """Refuse a draft model whose vocabulary differs from the target's: its token ids would mean
    other tokens, and assisted decoding would silently verify nonsense."""
    if loaded.tokenizer.get_vocab() != draft.tokenizer.get_vocab():
        raise EvaluationError("the draft model's tokenizer differs from the target's; assisted "
                              "decoding needs a draft with the same vocabulary")


def configure_draft(draft: LoadedModel, num_assistant_tokens: int) -> dict:
    """Set how many tokens the draft proposes per step (0 keeps transformers' default); return
    the draft settings generate() will use, for the report."""
    config = draft.model.generation_config
    if num_assistant_tokens > 0:
        config.num_assistant_tokens = num_assistant_tokens
        config.num_assistant_tokens_schedule = "constant"
    # Fields left unset take transformers' defaults at generate() time; report those values.
    defaults_of = getattr(type(config), "_get_default_generation_params", None)
    defaults = defaults_of() if callable(defaults_of) else {}
    names = ("num_assistant_tokens", "num_assistant_tokens_schedule", "assistant_confidence_threshold")
    return {name: getattr(config, name, None) if getattr(config, name, None) is not None else defaults.get(name)
            for name in names}
