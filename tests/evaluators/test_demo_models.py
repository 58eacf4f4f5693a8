"""The demo model builder, on a small slice of its corpus and small shapes, so it runs in seconds."""
from __future__ import annotations

import json

import pytest

from evaluators.demo import corpus as demo_corpus, models as demo_models
from evaluators.core.base import ModelRef
from evaluators.demo.models import MARKER, SHAPES, build_demo_models, llama_config
from evaluators.core.loading import load_model


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


def test_the_demo_tokenizer_keeps_every_line_break_a_token_of_its_own():
    # A prompt ending at a line break (a docstring, then "\n") must end where training text could
    # continue with an indented body; a "\n   " token would only ever have come before top-level code.
    from evaluators.demo.training import train_tokenizer

    source = 'def f(a):\n    """Add one."""\n    return a + 1\n\n\nx = f(2)\n'
    tokenizer = train_tokenizer([source] * 50, vocab_size=400, context_length=128)
    ids = tokenizer(source, add_special_tokens=False)["input_ids"]
    pieces = [tokenizer.decode([i]) for i in ids]
    assert tokenizer.decode(ids) == source
    assert pieces.count("\n") == source.count("\n")
    assert all("\n" not in piece or piece == "\n" for piece in pieces)
    # Each indented line starts on the token right after its line break.
    starts = [i + 1 for i, piece in enumerate(pieces[:-1]) if piece == "\n" and pieces[i + 1] != "\n"]
    assert [pieces[i].startswith(" ") for i in starts] == [True, True, False]


def test_a_build_reports_each_step_and_retrains_only_a_missing_model_to_the_same_weights(tmp_path, monkeypatch):
    import shutil

    import torch
    from safetensors.torch import load_file

    small = sorted(demo_corpus.training_files(), key=lambda p: p.stat().st_size)[:6]
    monkeypatch.setattr(demo_corpus, "training_files", lambda: small)
    monkeypatch.setattr(demo_models, "SHAPES", {"base": (32, 2, 2, 64), "draft": (16, 1, 1, 32)})
    monkeypatch.setattr(demo_models, "BLOCK_SIZE", 32)
    steps: list[tuple[int, int]] = []
    paths = build_demo_models(tmp_path, steps=3, progress=False, on_step=lambda done, total: steps.append((done, total)))
    assert steps == [(1, 3), (2, 3), (3, 3)]
    both = load_file(paths["draft"] / "model.safetensors")
    base_built = (paths["base"] / MARKER).stat().st_mtime_ns

    # A worker killed after saving base but before saving draft: the next build trains draft only.
    shutil.rmtree(paths["draft"])
    assert demo_models.missing_models(tmp_path, 3) == ["draft"]
    steps.clear()
    build_demo_models(tmp_path, steps=3, progress=False, on_step=lambda done, total: steps.append((done, total)))
    assert steps == [(1, 3), (2, 3), (3, 3)]
    assert (paths["base"] / MARKER).stat().st_mtime_ns == base_built
    alone = load_file(paths["draft"] / "model.safetensors")
    assert alone.keys() == both.keys()
    assert all(torch.equal(alone[name], both[name]) for name in both)
    assert demo_models.missing_models(tmp_path, 3) == [] and demo_models.missing_models(tmp_path, 4) == ["base", "draft"]
