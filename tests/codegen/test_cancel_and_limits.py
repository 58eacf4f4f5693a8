"""A cancel stops generate() after the current token; a batch too big for memory is refused before
it starts; the context check at request time agrees with what generation itself refuses."""
from __future__ import annotations

import dataclasses

import pytest

from evaluators.core import memory_estimate, registry
from evaluators.core.base import Cancelled, EvaluationError, ModelRef, RunContext
from evaluators.core.specs import SpecError
from evaluators.codegen.generate import Decoding, generate_batch
from evaluators.core.limits import check_fits_context

from .conftest import TASKS, TINY_CONTEXT, Recorder

LONG = Decoding(max_new_tokens=30, do_sample=False, temperature=1.0, top_k=0, top_p=1.0,
                num_beams=1, num_return_sequences=1, repetition_penalty=1.0)
PROMPTS = [task["prompt"] for task in TASKS[:3]]


@pytest.fixture
def forwards(tiny):
    """The number of forward passes the tiny model has made since the test began."""
    calls = []
    hook = tiny.model.register_forward_pre_hook(lambda module, args: calls.append(1))
    yield calls
    hook.remove()


class StopAfter:
    """should_stop() that says yes from its n-th question on, counting the questions."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.asked = 0

    def __call__(self) -> bool:
        self.asked += 1
        return self.asked >= self.n


def test_without_a_cancel_the_batch_runs_for_many_tokens(tiny, forwards):
    # The premise of the tests below: left alone, this batch takes far more than a few steps.
    generate_batch(tiny, PROMPTS, LONG, [], seed=0, should_stop=StopAfter(10**9))
    assert len(forwards) > 20


@pytest.mark.parametrize("beams", [1, 4])
def test_a_cancel_stops_generation_after_the_current_token(tiny, forwards, beams):
    decoding = dataclasses.replace(LONG, num_beams=beams, num_return_sequences=beams)
    should_stop = StopAfter(5)  # asked once before generate(), then after every token
    with pytest.raises(Cancelled):
        generate_batch(tiny, PROMPTS, decoding, [], seed=0, should_stop=should_stop)
    assert should_stop.asked == 5
    assert len(forwards) == 4  # the prompt's pass and three more tokens, not thirty


def test_a_cancel_before_the_batch_starts_costs_no_forward_pass(tiny, forwards):
    with pytest.raises(Cancelled):
        generate_batch(tiny, PROMPTS, LONG, [], seed=0, should_stop=lambda: True)
    assert forwards == []


def test_a_cancelled_codegen_run_keeps_the_finished_batches_and_records_nothing_half_done(tiny_model, metrics):
    recorder = Recorder()
    state = {"stop": False}

    def on_sample(key, index, record):
        recorder.on_sample(key, index, record)
        state["stop"] = True  # a user cancels while the first batch is being stored

    spec = registry.get("codegen").make_spec({"batch_size": 2, "max_new_tokens": 30})
    context = RunContext(model=ModelRef(str(tiny_model)), rows=TASKS, spec=spec, device="cpu",
                         on_sample=on_sample, should_stop=lambda: state["stop"])
    with pytest.raises(Cancelled):
        registry.get("codegen").run(context)
    assert sorted(recorder.samples) == sorted(task["id"] for task in TASKS[:2])


def test_a_codegen_run_refuses_a_batch_that_cannot_fit_in_free_memory(tiny_model, metrics, monkeypatch):
    monkeypatch.setattr(memory_estimate, "available_bytes", lambda device: 10_000)
    spec = registry.get("codegen").make_spec({"batch_size": 2, "max_new_tokens": 20, "num_beams": 2})
    recorder = Recorder()
    context = RunContext(model=ModelRef(str(tiny_model)), rows=TASKS, spec=spec, device="cpu",
                         on_sample=recorder.on_sample)
    with pytest.raises(EvaluationError) as error:
        registry.get("codegen").run(context)
    message = str(error.value)
    assert message.startswith("a batch of 2 prompts x 2 sequences x ")
    assert "but cpu has 9.8 KiB free" in message
    assert "lower num_beams, num_return_sequences, max_new_tokens" in message
    assert recorder.samples == {}


def test_the_request_time_context_check_agrees_with_what_generation_refuses(tiny):
    spec_class = registry.get("codegen").spec_class
    fits = dataclasses.asdict(registry.get("codegen").make_spec({"max_new_tokens": TINY_CONTEXT - 1}))
    check_fits_context(spec_class, fits, TINY_CONTEXT)
    generate_batch(tiny, PROMPTS[:1], dataclasses.replace(LONG, max_new_tokens=TINY_CONTEXT - 1), [], seed=0)

    too_long = {**fits, "max_new_tokens": TINY_CONTEXT}
    with pytest.raises(SpecError, match="max_new_tokens"):
        check_fits_context(spec_class, too_long, TINY_CONTEXT)
    with pytest.raises(EvaluationError, match="max_new_tokens"):
        generate_batch(tiny, PROMPTS[:1], dataclasses.replace(LONG, max_new_tokens=TINY_CONTEXT), [], seed=0)
