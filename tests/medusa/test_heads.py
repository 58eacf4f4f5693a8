"""Heads: the residual block and projection, our safetensors folder, the Medusa repository's
layout, and the refusals (pickle files, another base model, wrong shapes, bad configs)."""
from __future__ import annotations

import json

import pytest
import torch
import torch.nn.functional as F

from evaluators.core.base import EvaluationError
from evaluators.medusa.heads import WEIGHTS, base_fingerprint, load_heads, new_heads, save_heads

from .conftest import load, scrambled_heads


def test_a_new_head_is_the_base_lm_head_and_computes_h_plus_silu_wh(tiny_llama):
    model, _ = load(tiny_llama)
    heads = new_heads(model, 3)
    hidden = torch.randn(5, model.config.hidden_size)
    lm_head = model.get_output_embeddings().weight
    with torch.no_grad():
        # Zero-initialised block: the identity, so every head starts as the base's LM head.
        torch.testing.assert_close(heads(hidden), torch.stack([hidden @ lm_head.T] * 3))
        w, b = torch.randn(32, 32), torch.randn(32)
        heads[1][0].linear.weight.copy_(w)
        heads[1][0].linear.bias.copy_(b)
        torch.testing.assert_close(heads(hidden)[1], (hidden + F.silu(hidden @ w.T + b)) @ lm_head.T)


def test_saved_heads_load_back_equal_with_their_record(tiny_llama, tmp_path):
    model, _ = load(tiny_llama)
    heads = scrambled_heads(model, num_heads=2)
    save_heads(heads, tmp_path / "h", {"base_fingerprint": base_fingerprint(model), "base_model": "tiny"})
    config = json.loads((tmp_path / "h" / "config.json").read_text())
    assert (config["medusa_num_heads"], config["medusa_num_layers"]) == (2, 1)
    loaded = load_heads(tmp_path / "h", model)
    for a, b in zip(heads.state_dict().values(), loaded.state_dict().values()):
        assert torch.equal(a, b)
    assert loaded.config["glassbox"]["base_model"] == "tiny"


def test_heads_in_the_medusa_repository_layout_load(tiny_llama, tmp_path):
    """Keys {k}.{i}.linear.weight/bias for the blocks, {k}.{layers}.weight for the projection, and
    a config.json with medusa_num_heads / medusa_num_layers (no Glassbox record)."""
    from safetensors.torch import save_file

    model, _ = load(tiny_llama)
    h, v = model.config.hidden_size, model.config.vocab_size
    generator = torch.Generator().manual_seed(3)
    state = {}
    for k in range(2):
        for i in range(2):
            state[f"{k}.{i}.linear.weight"] = torch.randn(h, h, generator=generator) * 0.1
            state[f"{k}.{i}.linear.bias"] = torch.randn(h, generator=generator) * 0.1
        state[f"{k}.2.weight"] = torch.randn(v, h, generator=generator)
    folder = tmp_path / "repo-heads"
    folder.mkdir()
    save_file(state, str(folder / WEIGHTS))
    (folder / "config.json").write_text(json.dumps({"medusa_num_heads": 2, "medusa_num_layers": 2,
                                                    "base_model_name_or_path": "lmsys/vicuna-7b-v1.3"}))
    heads = load_heads(folder, model)
    x = torch.randn(3, h)
    with torch.no_grad():
        for k in range(2):
            y = x
            for i in range(2):
                y = y + F.silu(y @ state[f"{k}.{i}.linear.weight"].T + state[f"{k}.{i}.linear.bias"])
            torch.testing.assert_close(heads(x)[k], y @ state[f"{k}.2.weight"].T)


def test_pickle_heads_are_refused_without_being_opened(tiny_llama, tmp_path):
    model, _ = load(tiny_llama)
    folder = tmp_path / "pickled"
    folder.mkdir()
    (folder / "medusa_lm_head.pt").write_bytes(b"not even opened")
    (folder / "config.json").write_text(json.dumps({"medusa_num_heads": 1, "medusa_num_layers": 1}))
    with pytest.raises(EvaluationError, match="pickle weights \\(medusa_lm_head.pt\\).*safetensors"):
        load_heads(folder, model)


def test_heads_trained_for_another_base_are_refused(tiny_llama, tmp_path):
    from evaluators.demo.models import build_tiny_model

    model, _ = load(tiny_llama)
    save_heads(new_heads(model, 1), tmp_path / "h", {"base_fingerprint": base_fingerprint(model)})
    other, _ = load(build_tiny_model(tmp_path / "other", seed=1))  # same shapes, other weights
    with pytest.raises(EvaluationError, match="trained for another base model"):
        load_heads(tmp_path / "h", other)
    # The same base loaded in bfloat16 is still recognised (the fingerprint rounds to bfloat16).
    assert load_heads(tmp_path / "h", model.to(torch.bfloat16)) is not None


def test_heads_of_the_wrong_shape_are_refused(tiny_llama, tmp_path):
    from transformers import LlamaConfig, LlamaForCausalLM

    model, _ = load(tiny_llama)
    wide = LlamaForCausalLM(LlamaConfig(**{**model.config.to_dict(), "hidden_size": 64}))
    save_heads(new_heads(wide, 1), tmp_path / "wide", {})
    with pytest.raises(EvaluationError, match="has shape \\[64, 64\\], this base model needs \\[32, 32\\]"):
        load_heads(tmp_path / "wide", model)


@pytest.mark.parametrize("config, message", [
    (None, "has no config.json"),
    ("{", "is not JSON"),
    ('{"medusa_num_heads": 0}', "needs 'medusa_num_heads' as a positive integer"),
    ('{"medusa_num_heads": 3}', "lacks '1.0.linear.bias' \\(config.json says 3 heads of 1 layers\\)"),
])
def test_a_bad_config_is_refused_with_the_reason(tiny_llama, tmp_path, config, message):
    model, _ = load(tiny_llama)
    save_heads(new_heads(model, 1), tmp_path / "h", {})
    if config is None:
        (tmp_path / "h" / "config.json").unlink()
    else:
        (tmp_path / "h" / "config.json").write_text(config)
    with pytest.raises(EvaluationError, match=message):
        load_heads(tmp_path / "h", model)
