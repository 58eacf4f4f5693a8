"""The demo model builder, on a small slice of its corpus and small shapes, so it runs in seconds."""
from __future__ import annotations

import json

import pytest

from evaluators import demo_corpus, demo_models
from evaluators.base import ModelRef
from evaluators.demo_models import MARKER, SHAPES, build_demo_models, llama_config
from evaluators.loading import load_model


def test_the_demo_shapes_are_about_five_million_and_a_tenth_of_that():
    import torch
    from transformers import LlamaForCausalLM

    class FourKTokenizer:
        bos_token_id, eos_token_id, pad_token_id = 0, 1, 2

        def __len__(self) -> int:
            return demo_models.VOCAB_SIZE

    counts = {}
    for name, shape in SHAPES.items():
        with torch.device("meta"):  # no memory, no initialisation: just the shapes
            model = LlamaForCausalLM(llama_config(FourKTokenizer(), *shape, 512))
        counts[name] = sum(p.numel() for p in model.parameters())
    assert 4_000_000 <= counts["base"] <= 6_000_000
    assert counts["draft"] / counts["base"] == pytest.approx(0.1, abs=0.05)


def test_it_builds_both_models_once_and_then_reuses_them(tmp_path, monkeypatch):
    small = sorted(demo_corpus.training_files(), key=lambda p: p.stat().st_size)[:6]
    monkeypatch.setattr(demo_corpus, "training_files", lambda: small)
    monkeypatch.setattr(demo_models, "SHAPES", {"base": (32, 2, 2, 64), "draft": (16, 1, 1, 32)})
    monkeypatch.setattr(demo_models, "BLOCK_SIZE", 32)
    paths = build_demo_models(tmp_path, steps=2, progress=False)
    assert set(paths) == {"base", "draft"}
    marker = {name: json.loads((path / MARKER).read_text()) for name, path in paths.items()}
    assert marker["draft"]["parameters"] < marker["base"]["parameters"]
    assert marker["base"]["steps"] == 2 and marker["base"]["seed"] == 0
    assert "glassbox-demo-base" in (paths["base"] / "README.md").read_text()
    base = load_model(ModelRef(str(paths["base"])), device="cpu")
    draft = load_model(ModelRef(str(paths["draft"])), device="cpu")
    assert base.tokenizer.get_vocab() == draft.tokenizer.get_vocab()
    assert (base.tokenizer.bos_token, base.tokenizer.pad_token) == ("<s>", "<pad>")
    assert base.model.config.max_position_embeddings == 512

    built_at = (paths["base"] / MARKER).stat().st_mtime_ns
    assert build_demo_models(tmp_path, steps=2, progress=False) == paths
    assert (paths["base"] / MARKER).stat().st_mtime_ns == built_at, "cached, not rebuilt"
