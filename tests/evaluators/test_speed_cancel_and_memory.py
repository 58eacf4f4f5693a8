"""The speed evaluator's generator stops at a cancel within a call and refuses a batch too big for memory."""
from __future__ import annotations

import time

import pytest

from evaluators.core import memory_estimate
from evaluators.core.base import Cancelled, EvaluationError

SETTINGS = {"max_new_tokens": 30, "fixed_length": True, "temperature": 1.0, "top_k": 0, "top_p": 1.0,
            "seed": 0, "prompt_lookup_num_tokens": 3}
PROMPTS = ["def add(a, b):\n", "for i in range(10):\n"]


def _generator(tiny, batch_size: int, **kwargs):
    from evaluators.codegen.generate import encode_prompts, eos_token_ids
    from evaluators.speed.generation import HFGenerator
    from evaluators.speed.protocol import Variant

    encoded, _ = encode_prompts(tiny, PROMPTS, SETTINGS["max_new_tokens"])
    eos = eos_token_ids(tiny.model, tiny.tokenizer)
    batches = [list(range(start, min(start + batch_size, len(PROMPTS))))
               for start in range(0, len(PROMPTS), batch_size)]
    return HFGenerator(tiny, Variant("greedy", batch_size), encoded, batches, pad_id=eos[0], eos_ids=eos,
                       settings=SETTINGS, **kwargs), batches


def _clock(batch_size: int):
    from evaluators.speed.timing import TokenClock

    clock = TokenClock(batch_size, time.perf_counter)
    clock.begin()
    return clock


def test_a_cancel_stops_a_timed_generate_call_after_the_current_token(tiny):
    asked = []
    generator, batches = _generator(tiny, 2, should_stop=lambda: asked.append(1) or len(asked) >= 4)
    try:
        with pytest.raises(Cancelled):
            generator(batches[0], _clock(2), 0)
    finally:
        generator.close()
    assert generator.forward_lengths and len(generator.forward_lengths) == 4  # not the 30 a call makes


def test_without_a_cancel_the_call_generates_every_token(tiny):
    generator, batches = _generator(tiny, 2, should_stop=lambda: False)
    try:
        generated = generator(batches[0], _clock(2), 0)
    finally:
        generator.close()
    assert [len(ids) for ids in generated.output_ids] == [30, 30]


def test_a_batch_size_that_cannot_fit_is_refused_before_measuring(tiny, monkeypatch):
    footprint = memory_estimate.model_footprint(tiny.model)
    monkeypatch.setattr(memory_estimate, "available_bytes", lambda device: 1_000)
    with pytest.raises(EvaluationError) as error:
        _generator(tiny, 2)
    message = str(error.value)
    assert message.startswith("a batch of 2 prompts x 1 sequences x ")
    assert f"({footprint.kv_bytes_per_token:,} bytes per token)" in message
    assert message.endswith("lower max_new_tokens, or use a device with more memory")
