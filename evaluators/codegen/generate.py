"""Batched generation with transformers: left padding, attention masks, early stop on stop strings.

Each prompt's tokens (no special tokens added) follow the tokenizer's BOS token (EOS where it
has none), as in the perplexity evaluator. Prompts are padded on the left so every row's last
prompt token sits at the same position and new tokens line up; generate() derives position ids
from the attention mask, so a padded row sees the positions it would see alone. Under greedy
decoding a batch therefore yields the same text as one prompt at a time; sampled text depends on
the seed and on which prompts share a batch (they draw from one random stream).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..core.base import Cancelled
from .text import has_stop
from ..core.loading import LoadedModel, context_length
from ..core.memory_estimate import check_generation_fits
from ..core.rolling import prefix_token_id


@dataclass(frozen=True)
class Decoding:
    """The generation settings of a spec, as generate() takes them."""

    max_new_tokens: int
    do_sample: bool
    temperature: float
    top_k: int
    top_p: float
    num_beams: int
    num_return_sequences: int
    repetition_penalty: float


@dataclass(frozen=True)
class Continuation:
    """What one prompt produced: its raw continuations, their token counts, and how many prompt
    tokens were dropped to fit the context."""

    texts: list[str]
    new_tokens: list[int]
    truncated_tokens: int


def _stop_on_sequences(tokenizer: Any, prompt_length: int, stops: list[str]) -> Any:
    import torch
    from transformers import StoppingCriteria

    class StopOnSequences(StoppingCriteria):
        # Ends a row once its new text holds a stop string; the text is cut there afterwards,
        # so stopping early only saves time and never changes what is scored.
        def __call__(self, input_ids, scores, **kwargs):
            new = tokenizer.batch_decode(input_ids[:, prompt_length:], skip_special_tokens=True)
            return torch.tensor([has_stop(text, stops) for text in new], device=input_ids.device)

    return StopOnSequences()


def stop_on_cancel(should_stop: Callable[[], bool]) -> Any:
    """Return a StoppingCriteria that raises Cancelled as soon as `should_stop()` says so.

    generate() calls it after every token, so a cancelled run stops within one decoding step
    (and however long should_stop takes to notice) instead of at the end of its batch, which
    with many beams or long outputs can be minutes and gigabytes away. It raises rather than
    ending the rows, so no cut-off text is ever taken for a finished generation.
    """
    import torch
    from transformers import StoppingCriteria

    class StopOnCancel(StoppingCriteria):
        def __call__(self, input_ids, scores, **kwargs):
            if should_stop():
                raise Cancelled()
            return torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)

    return StopOnCancel()


def encode_prompts(loaded: LoadedModel, prompts: list[str],
                   max_new_tokens: int) -> tuple[list[list[int]], list[int]]:
    """Return each prompt's token ids (after the BOS/EOS prefix) and how many were dropped.

    A prompt too long for the model's context keeps its last tokens (the prefix stays first),
    so that max_new_tokens still fit: the end of a prompt is what the code continues.
    """
    tokenizer = loaded.tokenizer
    prefix = prefix_token_id(tokenizer)
    limit = context_length(loaded.model)
    encoded, dropped = [], []
    for ids in tokenizer(prompts, add_special_tokens=False, verbose=False).input_ids:
        room = None if limit is None else limit - max_new_tokens - 1
        cut = max(0, len(ids) - room) if room is not None else 0
        encoded.append([prefix] + ids[cut:])
        dropped.append(cut)
    return encoded, dropped


def generate_batch(loaded: LoadedModel, prompts: list[str], decoding: Decoding, stops: list[str],
                   seed: int, should_stop: Callable[[], bool] | None = None) -> list[Continuation]:
    """Return the raw continuations (decoded new tokens, up to the first EOS) of each prompt.

    `seed` seeds torch before sampling; callers derive it from the batch's position so a batch
    samples the same text whenever it is generated. `should_stop` is asked after every token;
    when it says yes, Cancelled is raised. A batch whose KV cache cannot fit in the device's
    free memory is refused with an EvaluationError before it starts (see memory_estimate).
    """
    import torch
    from transformers import GenerationConfig, StoppingCriteriaList

    model, tokenizer = loaded.model, loaded.tokenizer
    limit = context_length(model)
    if limit is not None and decoding.max_new_tokens >= limit:
        from ..core.base import EvaluationError

        raise EvaluationError(f"max_new_tokens ({decoding.max_new_tokens}) must be below the "
                              f"model's context length ({limit})")
    eos_ids = eos_token_ids(model, tokenizer)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else eos_ids[0]
    encoded, dropped = encode_prompts(loaded, prompts, decoding.max_new_tokens)
    width = max(len(ids) for ids in encoded)
    input_ids = torch.tensor([[pad_id] * (width - len(ids)) + ids for ids in encoded])
    attention = torch.tensor([[0] * (width - len(ids)) + [1] * len(ids) for ids in encoded])
    config = GenerationConfig(
        max_new_tokens=decoding.max_new_tokens, do_sample=decoding.do_sample,
        num_beams=decoding.num_beams, num_return_sequences=decoding.num_return_sequences,
        repetition_penalty=decoding.repetition_penalty, pad_token_id=pad_id,
        eos_token_id=eos_ids, bos_token_id=tokenizer.bos_token_id,
        # Sampling knobs only when sampling: transformers warns about them under greedy.
        **({"temperature": decoding.temperature, "top_k": decoding.top_k, "top_p": decoding.top_p}
           if decoding.do_sample else {"temperature": None, "top_k": None, "top_p": None}))
    check_generation_fits(loaded, prompts=len(prompts),
                          sequences_per_prompt=max(decoding.num_beams, decoding.num_return_sequences),
                          prompt_tokens=width, new_tokens=decoding.max_new_tokens,
                          other_params=("num_beams", "num_return_sequences", "max_new_tokens"))
    criteria = StoppingCriteriaList()
    if stops and decoding.num_beams == 1:
        # Beam search keeps hypotheses its own way; there the text is only cut afterwards.
        criteria.append(_stop_on_sequences(tokenizer, width, stops))
    if should_stop is not None:
        if should_stop():
            raise Cancelled()
        criteria.append(stop_on_cancel(should_stop))
    if decoding.do_sample:
        torch.manual_seed(seed)
    with torch.inference_mode():
        output = model.generate(input_ids=input_ids.to(loaded.device),
                                attention_mask=attention.to(loaded.device),
                                generation_config=config, stopping_criteria=criteria or None)
    sequences = output.tolist() if hasattr(output, "tolist") else output.sequences.tolist()
    per_prompt = decoding.num_return_sequences
    results = []
    for row, cut in enumerate(dropped):
        new = [_until_eos(sequences[row * per_prompt + j][width:], eos_ids) for j in range(per_prompt)]
        texts = [tokenizer.decode(ids, skip_special_tokens=True) for ids in new]
        results.append(Continuation(texts=texts, new_tokens=[len(ids) for ids in new],
                                    truncated_tokens=cut))
    return results


def eos_token_ids(model: Any, tokenizer: Any) -> list[int]:
    value = getattr(model.generation_config, "eos_token_id", None)
    if value is None:
        value = tokenizer.eos_token_id
    if value is None:
        from ..core.base import EvaluationError

        raise EvaluationError("the model has no EOS token; generation would never end early")
    return list(value) if isinstance(value, (list, tuple)) else [int(value)]


def _until_eos(new_ids: list[int], eos_ids: list[int]) -> list[int]:
    # Tokens after the first EOS are padding that generate() adds to finished rows.
    for position, token in enumerate(new_ids):
        if token in eos_ids:
            return new_ids[:position]
    return new_ids
