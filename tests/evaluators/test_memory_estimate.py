"""The memory a generation needs, against what the device has: KV bytes are measured, not assumed."""
from __future__ import annotations

import pytest

from evaluators.core import memory_estimate
from evaluators.core.base import EvaluationError
from evaluators.core.memory_estimate import (available_bytes, check_generation_fits, generation_bytes, kv_bytes_per_token,
                                        model_footprint)


def _measured_kv_bytes_per_token(model, tokens: int = 10) -> float:
    """Run one forward pass with a cache and divide the cache's bytes by the tokens it holds."""
    import torch

    ids = torch.arange(1, tokens + 1)[None, :]
    with torch.no_grad():
        cache = model(ids, use_cache=True).past_key_values
    total = sum(layer.keys.nbytes + layer.values.nbytes for layer in cache.layers)
    return total / tokens


def test_kv_bytes_per_token_match_what_the_tiny_models_cache_really_holds(tiny):
    footprint = model_footprint(tiny.model)
    assert footprint.kv_bytes_per_token == _measured_kv_bytes_per_token(tiny.model)
    # 2 layers x (keys, values) x 32 hidden x 4 bytes (float32)
    assert footprint.kv_bytes_per_token == 2 * 2 * 32 * 4
    assert footprint.parameters == sum(p.numel() for p in tiny.model.parameters())
    assert (footprint.bytes_per_parameter, footprint.vocab_size) == (4, tiny.model.config.vocab_size)


def test_grouped_query_attention_holds_fewer_keys_and_values_than_the_hidden_size():
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=50, hidden_size=64, num_hidden_layers=3, num_attention_heads=8,
                         num_key_value_heads=2, intermediate_size=32, max_position_embeddings=64)
    model = LlamaForCausalLM(config).eval()
    measured = _measured_kv_bytes_per_token(model)
    assert kv_bytes_per_token(config, 4) == measured == 3 * 2 * 2 * 8 * 4  # KV heads x head size 8
    assert measured < 3 * 2 * 64 * 4


def test_the_estimate_is_the_kv_cache_at_full_length_plus_one_step_of_float32_logits(tiny):
    footprint = model_footprint(tiny.model)
    vocab = tiny.model.config.vocab_size
    # 3 prompts x 4 beams = 12 rows of 20 prompt + 30 new tokens
    assert generation_bytes(footprint, sequences=12, tokens=50) == 12 * 50 * 512 + 12 * vocab * 4


def test_available_memory_on_the_cpu_is_memavailable(tmp_path):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       24683664 kB\nMemFree:        20902252 kB\n"
                       "MemAvailable:   22756676 kB\nBuffers:           50584 kB\n")
    assert available_bytes("cpu", meminfo) == 22756676 * 1024
    meminfo.write_text("MemTotal:       24683664 kB\n")
    assert available_bytes("cpu", meminfo) is None
    assert available_bytes("cpu", tmp_path / "missing") is None


def test_this_machine_reports_some_available_memory():
    with open("/proc/meminfo") as handle:
        line = next(line for line in handle if line.startswith("MemAvailable:"))
    assert abs(available_bytes("cpu") - int(line.split()[1]) * 1024) < 2**30  # it moves a little


def test_a_batch_that_fits_passes(tiny):
    check_generation_fits(tiny, prompts=8, sequences_per_prompt=64, prompt_tokens=64, new_tokens=63)


def test_a_batch_that_cannot_fit_is_refused_with_the_numbers_and_the_batch_size_that_would(tiny, monkeypatch):
    vocab = tiny.model.config.vocab_size
    per_prompt = 4 * 100 * 512 + 4 * vocab * 4  # 4 beams x (60 + 40 tokens) x 512 bytes, plus logits
    monkeypatch.setattr(memory_estimate, "available_bytes", lambda device: 3 * per_prompt + 5)
    with pytest.raises(EvaluationError) as error:
        check_generation_fits(tiny, prompts=8, sequences_per_prompt=4, prompt_tokens=60, new_tokens=40,
                              other_params=("num_beams", "max_new_tokens"))
    message = str(error.value)
    assert message.startswith("a batch of 8 prompts x 4 sequences x 100 tokens (longest prompt 60 + 40 new) "
                              "needs at least ")
    assert "(512 bytes per token)" in message and "but cpu has" in message
    assert memory_estimate.size(8 * per_prompt) in message and memory_estimate.size(3 * per_prompt + 5) in message
    assert message.endswith("lower batch_size to 3 or less, or lower num_beams, max_new_tokens")
    check_generation_fits(tiny, prompts=3, sequences_per_prompt=4, prompt_tokens=60, new_tokens=40)


def test_when_not_even_one_prompt_fits_the_advice_is_the_other_parameters(tiny, monkeypatch):
    monkeypatch.setattr(memory_estimate, "available_bytes", lambda device: 1000)
    with pytest.raises(EvaluationError, match="even one prompt needs .*: lower max_new_tokens, or use a device "
                                              "with more memory$"):
        check_generation_fits(tiny, prompts=1, sequences_per_prompt=1, prompt_tokens=10, new_tokens=10)


def test_on_this_machine_a_hopeless_batch_is_refused_without_faking_anything(tiny):
    # 256 prompts x 64 beams x 4,160 tokens x 512 bytes = 32.5 GiB of KV cache, for the tiny model.
    with pytest.raises(EvaluationError, match="lower batch_size to"):
        if available_bytes("cpu") > 256 * 64 * 4160 * 512:
            pytest.skip("this machine has more memory than the batch needs")
        check_generation_fits(tiny, prompts=256, sequences_per_prompt=64, prompt_tokens=64, new_tokens=4096)


def test_an_unknown_shape_or_free_memory_checks_nothing(tiny, monkeypatch):
    monkeypatch.setattr(memory_estimate, "available_bytes", lambda device: None)
    check_generation_fits(tiny, prompts=10**6, sequences_per_prompt=64, prompt_tokens=10**4, new_tokens=10**4)
