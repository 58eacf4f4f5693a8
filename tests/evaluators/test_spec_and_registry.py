"""The perplexity spec refuses values it cannot honour; the registry refuses duplicates."""
from __future__ import annotations

import pytest

from evaluators import registry
from evaluators.core.base import EvaluationError
from evaluators.core.specs import SpecError
from evaluators.perplexity import PerplexitySpec

from .conftest import TINY_CONTEXT, run_perplexity


def _spec(**params):
    return registry.get("perplexity").make_spec(params)


@pytest.mark.parametrize("params, message", [
    ({"stride": 0}, "parameter 'stride' must be at least 1, got 0"),
    ({"max_length": 1}, "parameter 'max_length' must be at least 2, got 1"),
    ({"batch_size": 0}, "parameter 'batch_size' must be at least 1, got 0"),
    ({"max_length": 8, "stride": 9}, "must not exceed max_length"),
    ({"max_length": 8, "stride": 8}, "windows must overlap"),
    ({"batch_size": "8"}, "parameter 'batch_size' must be integer"),
    ({"batch_size": True}, "parameter 'batch_size' must be integer"),
    ({"window": 8}, "unknown parameter 'window'"),
])
def test_it_rejects_a_spec_it_cannot_honour(params, message):
    with pytest.raises(SpecError, match=message):
        _spec(**params)


def test_the_spec_validates_directly_with_value_errors():
    with pytest.raises(ValueError, match="stride"):
        PerplexitySpec(max_length=8, stride=9).validate()
    PerplexitySpec(max_length=2, stride=1, batch_size=1).validate()


def test_defaults_serialise_and_are_documented():
    evaluator = registry.get("perplexity")
    assert evaluator.make_spec({}) == PerplexitySpec(None, None, 8)
    schema = evaluator.parameter_schema()["properties"]
    assert schema["max_length"]["type"] == ["integer", "null"]
    assert schema["batch_size"]["default"] == 8
    assert all(prop.get("description") for prop in schema.values())


def test_metrics_are_registered_with_their_direction():
    evaluator = registry.get("perplexity")
    assert {m.name: m.direction for m in evaluator.metrics} == {
        "perplexity": "lower", "word_perplexity": "lower", "byte_perplexity": "lower",
        "bits_per_byte": "lower"}
    assert (evaluator.dataset_kind, evaluator.queue, evaluator.version) == ("text", "gpu", "1")


def test_the_registry_refuses_a_second_evaluator_of_the_same_name():
    with pytest.raises(ValueError, match="already registered"):
        registry.register(registry.get("perplexity"))
    assert registry.names().count("perplexity") == 1


def test_a_window_longer_than_the_model_context_is_refused(tiny_model, rows):
    with pytest.raises(EvaluationError, match=f"larger than the model's context length {TINY_CONTEXT}"):
        run_perplexity(tiny_model, rows, max_length=TINY_CONTEXT + 1)


def test_a_stride_as_long_as_the_resolved_window_is_refused(tiny_model, rows):
    with pytest.raises(SpecError, match="windows must overlap"):
        run_perplexity(tiny_model, rows, stride=TINY_CONTEXT)


def test_duplicate_ids_are_refused_because_resuming_needs_them(tiny_model):
    rows = [{"id": "a", "text": "one"}, {"id": "a", "text": "two"}]
    with pytest.raises(EvaluationError, match="id 'a' appears twice"):
        run_perplexity(tiny_model, rows)


def test_integers_beyond_what_json_readers_keep_exactly_are_refused():
    # Below 2**53 the field's own bound speaks; beyond it the number itself is suspect.
    with pytest.raises(SpecError, match="parameter 'batch_size' must be at most 256"):
        _spec(batch_size=2**53 - 1)
    with pytest.raises(SpecError, match="parameter 'batch_size' is out of range"):
        _spec(batch_size=10**30)
