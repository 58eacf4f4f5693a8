"""Every spec parameter of every evaluator is bounded; the schema says so; lengths fit the model."""
from __future__ import annotations

import dataclasses
import json
import math

import pytest

from evaluators import registry
from evaluators.core.specs import SpecError
from evaluators.core.limits import check_fits_context

NUMBER_TYPES = ("int", "float", "int | None", "float | None")


def _numeric_fields():
    for name in registry.names():
        spec_class = registry.get(name).spec_class
        for f in dataclasses.fields(spec_class):
            if str(f.type) in NUMBER_TYPES:
                yield name, f


def _text_fields():
    for name in registry.names():
        for f in dataclasses.fields(registry.get(name).spec_class):
            if str(f.type) == "str":
                yield name, f


def test_every_evaluator_is_covered():
    assert registry.names() == ["bbq", "bias", "codegen", "glitch-tokens", "medusa-train", "passk", "perplexity",
                                "speed", "truthfulqa"]


@pytest.mark.parametrize("evaluator, f", list(_numeric_fields()), ids=lambda v: getattr(v, "name", v))
def test_every_number_has_a_lower_and_an_upper_bound_that_make_spec_enforces(evaluator, f):
    metadata = f.metadata
    assert ("min" in metadata or "above" in metadata) and "max" in metadata, f"{evaluator}.{f.name} is unbounded"
    assert "help" in metadata
    high = metadata["max"]
    too_high = high + 1 if str(f.type).startswith("int") else high * 2 + 1.0
    with pytest.raises(SpecError, match=f"^parameter '{f.name}' must be at most {high}, got {too_high}$"):
        registry.get(evaluator).make_spec({f.name: too_high})
    low = metadata.get("min", metadata.get("above"))
    too_low = low - 1 if str(f.type).startswith("int") else low - 0.5
    with pytest.raises(SpecError, match=f"^parameter '{f.name}' must be (at least|above) {low}, got {too_low}$"):
        registry.get(evaluator).make_spec({f.name: too_low})


@pytest.mark.parametrize("evaluator, f", list(_text_fields()), ids=lambda v: getattr(v, "name", v))
def test_every_text_parameter_is_capped_or_a_closed_choice(evaluator, f):
    huge = "x" * 100_000
    with pytest.raises(SpecError, match=f.name):
        registry.get(evaluator).make_spec({f.name: huge})
    if "max_length" in f.metadata:
        with pytest.raises(SpecError, match=f"parameter '{f.name}' must be at most "
                                            f"{f.metadata['max_length']:,} characters long, got 100,000"):
            registry.get(evaluator).make_spec({f.name: huge})


@pytest.mark.parametrize("name", ["bbq", "bias", "codegen", "medusa-train", "perplexity", "speed", "truthfulqa"])
def test_the_defaults_lie_within_the_bounds(name):
    evaluator = registry.get(name)
    assert dataclasses.asdict(evaluator.make_spec({})) == dataclasses.asdict(evaluator.spec_class())


def test_a_million_beams_is_refused_naming_the_field_and_the_limit():
    with pytest.raises(SpecError) as error:
        registry.get("codegen").make_spec({"num_beams": 1_000_000})
    assert str(error.value) == "parameter 'num_beams' must be at most 64, got 1000000"


def test_the_limits_themselves_are_accepted():
    codegen = registry.get("codegen")
    spec = codegen.make_spec({"num_beams": 64, "num_return_sequences": 64, "max_new_tokens": 4096,
                              "batch_size": 16, "temperature": 10.0, "top_p": 1.0, "seed": 2**32 - 1})
    assert (spec.num_beams, spec.num_return_sequences, spec.max_new_tokens) == (64, 64, 4096)
    speed = registry.get("speed").make_spec({"batch_sizes": "1,256", "warmup": 100, "min_repeats": 1000,
                                              "min_seconds": 3600.0})
    assert (speed.batch_sizes, speed.warmup, speed.min_seconds) == ((1, 256), 100, 3600.0)
    assert registry.get("perplexity").make_spec({"batch_size": 256, "max_length": 2**20}).max_length == 2**20


def test_sequences_held_by_one_generate_call_are_bounded_across_fields():
    # 17 prompts x 64 beams = 1088 rows in one generate() call: each field alone is allowed.
    with pytest.raises(SpecError, match="1088 sequences per generate\\(\\) call, at most 1024: lower batch_size"):
        registry.get("codegen").make_spec({"batch_size": 17, "num_beams": 64})
    with pytest.raises(SpecError, match="1088 sequences"):
        registry.get("codegen").make_spec({"batch_size": 17, "do_sample": True, "num_return_sequences": 64})
    assert registry.get("codegen").make_spec({"batch_size": 16, "num_beams": 64}).batch_size == 16


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_non_finite_numbers_are_refused_before_any_bound(value):
    with pytest.raises(SpecError, match=f"parameter 'min_seconds' must be a finite number .*, got {value!r}"):
        registry.get("speed").make_spec({"min_seconds": value})


def test_temperature_and_top_p_must_be_above_zero():
    with pytest.raises(SpecError, match="^parameter 'temperature' must be above 0.0, got 0.0$"):
        registry.get("codegen").make_spec({"temperature": 0.0})
    with pytest.raises(SpecError, match="^parameter 'top_p' must be above 0.0, got 0.0$"):
        registry.get("speed").make_spec({"top_p": 0.0})


def test_speed_batch_sizes_are_bounded_one_by_one_and_in_number():
    speed = registry.get("speed")
    with pytest.raises(SpecError, match=r"^parameter 'batch_sizes\[1\]' must be at most 256, got 257$"):
        speed.make_spec({"batch_sizes": [1, 257]})
    with pytest.raises(SpecError, match=r"^parameter 'batch_sizes\[1\]' must be at most 256, got 257$"):
        speed.make_spec({"batch_sizes": "1,257"})
    with pytest.raises(SpecError, match="^parameter 'batch_sizes' may hold at most 16 items, got 17$"):
        speed.make_spec({"batch_sizes": list(range(1, 18))})


def test_the_schema_carries_the_bounds():
    schema = registry.get("codegen").parameter_schema()["properties"]
    assert (schema["num_beams"]["minimum"], schema["num_beams"]["maximum"]) == (1, 64)
    assert (schema["max_new_tokens"]["minimum"], schema["max_new_tokens"]["maximum"]) == (1, 4096)
    assert (schema["temperature"]["exclusiveMinimum"], schema["temperature"]["maximum"]) == (0.0, 10.0)
    assert "minimum" not in schema["temperature"]
    assert schema["stop"]["maxLength"] == 4096
    assert "maximum" not in schema["do_sample"]
    json.dumps(schema)  # still plain JSON
    for evaluator, f in _numeric_fields():
        prop = registry.get(evaluator).parameter_schema()["properties"][f.name]
        assert prop["maximum"] == f.metadata["max"]
        assert prop.get("minimum", prop.get("exclusiveMinimum")) == f.metadata.get("min", f.metadata.get("above"))


def _spec(name: str, **params) -> tuple[type, dict]:
    evaluator = registry.get(name)
    return evaluator.spec_class, dataclasses.asdict(evaluator.make_spec(params))


def test_new_tokens_must_leave_room_for_a_prompt_in_the_context():
    with pytest.raises(SpecError) as error:
        check_fits_context(*_spec("codegen", max_new_tokens=128), 128)
    assert str(error.value) == "parameter 'max_new_tokens' must be below the model's context length (128), got 128"
    check_fits_context(*_spec("codegen", max_new_tokens=127), 128)
    with pytest.raises(SpecError, match="parameter 'max_new_tokens' must be below the model's context length \\(64\\)"):
        check_fits_context(*_spec("speed"), 64)  # the default, 64 new tokens
    check_fits_context(*_spec("speed"), 65)


def test_a_window_may_span_the_context_but_not_more_and_a_stride_must_be_shorter():
    check_fits_context(*_spec("perplexity", max_length=128), 128)
    with pytest.raises(SpecError, match="parameter 'max_length' must be at most the model's context length "
                                        "\\(128\\), got 129"):
        check_fits_context(*_spec("perplexity", max_length=129), 128)
    # Without max_length the window is the whole context, so the stride must be shorter than it.
    with pytest.raises(SpecError, match="parameter 'stride' must be below the model's context length"):
        check_fits_context(*_spec("perplexity", stride=128), 128)
    check_fits_context(*_spec("perplexity", stride=127), 128)


def test_nothing_is_checked_when_the_context_is_unknown_and_evaluators_without_lengths_pass():
    check_fits_context(*_spec("codegen", max_new_tokens=4096), None)
    check_fits_context(*_spec("bias"), 8)
    check_fits_context(*_spec("bbq"), 8)


def test_the_evaluator_checks_a_spec_against_a_context_too():
    with pytest.raises(SpecError, match="max_new_tokens"):
        registry.get("codegen").check_fits_context({"max_new_tokens": 200}, 128)
    registry.get("codegen").check_fits_context({}, 129)  # the default, 128, fits a context of 129
