"""Numeric formats: what quantization replaces and what it costs in bytes (by hand), `auto` resolved,
and a format that cannot run refused before any sample is scored."""
from __future__ import annotations

import sys

import pytest

from evaluators.core.base import EvaluationError, ModelRef, RunContext


def tiny_llama():
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=300, hidden_size=64, intermediate_size=96, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=False)
    return LlamaForCausalLM(config).eval()


def linears(model):
    import torch

    return [m for m in model.modules() if isinstance(m, torch.nn.Linear) and m is not model.lm_head]


def test_auto_is_float32_on_the_cpu_and_a_named_format_is_itself():
    from evaluators.core.precision import resolve_precision

    assert resolve_precision("auto", "cpu") == "float32"
    assert resolve_precision("int8", "cpu") == "int8"
    with pytest.raises(EvaluationError, match="unknown precision 'int3'"):
        resolve_precision("int3", "cpu")


def test_an_unknown_precision_is_a_spec_error_naming_the_choices():
    from evaluators.core import registry
    from evaluators.core.specs import SpecError

    with pytest.raises(SpecError, match="parameter 'precision' must be one of auto, float32, bfloat16"):
        registry.get("perplexity").make_spec({"precision": "fp8"})
    assert registry.get("perplexity").parameter_schema()["properties"]["precision"]["enum"][0] == "auto"


@pytest.mark.parametrize("precision, per_row_groups", [("int8", 1), ("int4", None)])
def test_quantization_replaces_the_linear_layers_but_lm_head_and_its_bytes_add_up_by_hand(precision, per_row_groups):
    from evaluators.core.precision import INT4_GROUP, quantize, weight_bytes

    model = tiny_llama()
    full = weight_bytes(model)
    float_linear = sum(m.weight.numel() * 4 for m in linears(model))
    shapes = [tuple(m.weight.shape) for m in linears(model)]
    quantize(model, precision, "cpu")
    assert all(type(m.weight).__name__ != "Parameter" for m in linears(model))
    assert type(model.lm_head.weight).__name__ == "Parameter"
    # Each quantized weight: one int8 byte per weight (int4 too: stored unpacked on the CPU) plus,
    # per row and group, a float32 scale and an int8 zero point. Linear layers here have no bias.
    groups = [(out, per_row_groups or inputs // INT4_GROUP) for out, inputs in shapes]
    quantized = sum(out * inputs for out, inputs in shapes) + sum(out * g * (4 + 1) for out, g in groups)
    assert weight_bytes(model) == full - float_linear + quantized


def test_int4_leaves_a_layer_whose_width_the_group_does_not_divide_as_loaded_and_names_it():
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    from evaluators.core.precision import INT4_GROUP, quantize

    # The demo base's shape: an MLP 688 wide, which groups of 32 do not divide (688 = 21.5 x 32).
    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=300, hidden_size=64, intermediate_size=688, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=False)
    model = LlamaForCausalLM(config).eval()
    assert 688 % INT4_GROUP and 64 % INT4_GROUP == 0
    left = quantize(model, "int4", "cpu")
    assert left == ["model.layers.0.mlp.down_proj", "model.layers.1.mlp.down_proj"]
    for name, module in model.named_modules():
        if isinstance(module, torch.nn.Linear) and module is not model.lm_head:
            assert (type(module.weight).__name__ == "Parameter") == (name in left), name
    with torch.no_grad():
        assert torch.isfinite(model(torch.arange(10).unsqueeze(0)).logits).all()
    assert quantize(tiny_llama(), "int8", "cpu") == [] and quantize(tiny_llama(), "float32", "cpu") == []


def test_int8_scores_close_to_float32_and_not_identically():
    import torch

    from evaluators.core.precision import quantize

    model = tiny_llama()
    ids = torch.arange(40).unsqueeze(0)
    with torch.no_grad():
        reference = model(ids).logits.log_softmax(-1)
        quantize(model, "int8", "cpu")
        quantized = model(ids).logits.log_softmax(-1)
    difference = (quantized - reference).abs().max().item()
    assert 0 < difference < 0.05


def test_a_format_that_cannot_run_is_refused_before_any_sample(tmp_path, monkeypatch):
    from evaluators.core import registry
    from evaluators.demo.models import build_tiny_model

    directory = build_tiny_model(tmp_path / "tiny", seed=1)
    monkeypatch.setitem(sys.modules, "torchao", None)  # as if torchao were not installed
    evaluator = registry.get("perplexity")
    recorded: list[str] = []
    context = RunContext(ModelRef(str(directory)), [{"id": "1", "text": "def f(x):\n    return x\n"}],
                         evaluator.make_spec({"precision": "int8"}), "cpu",
                         on_sample=lambda key, index, record: recorded.append(key))
    with pytest.raises(EvaluationError, match=r"precision int8 needs the torchao package .*pip install torchao=="):
        evaluator.run(context)
    assert recorded == []


def test_the_environment_records_the_format_and_both_byte_counts(tmp_path):
    from evaluators.core.loading import load_model
    from evaluators.demo.models import build_tiny_model

    directory = build_tiny_model(tmp_path / "tiny", seed=1)
    full = load_model(ModelRef(str(directory)), "cpu", "auto")
    int8 = load_model(ModelRef(str(directory)), "cpu", "int8")
    assert (full.precision, full.environment["precision"], int8.environment["precision"]) == ("float32", "float32", "int8")
    parameters = sum(p.numel() for p in full.model.parameters())
    assert full.environment["predicted_weight_bytes"] == parameters * 4
    assert int8.environment["predicted_weight_bytes"] == parameters
    assert int8.environment["weight_bytes"] < full.environment["weight_bytes"]
