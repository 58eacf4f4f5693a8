"""Training heads: the loss, the data, a memorised sequence, and `python -m evaluators medusa-train`."""
from __future__ import annotations

import hashlib
import json
import math

import pytest
import torch

from evaluators.__main__ import main
from evaluators.medusa.decode import MedusaDecoder
from evaluators.medusa.heads import base_fingerprint, new_heads
from evaluators.medusa.training import (IGNORE, TrainSettings, head_losses, train_heads, training_sequences,
                                        weighted_loss)
from evaluators.medusa.tree import parse_tree

from .conftest import PROMPTS, encode, load, scrambled_heads


def test_head_k_is_scored_against_the_token_k_plus_one_ahead(tiny_llama):
    model, _ = load(tiny_llama)
    heads = scrambled_heads(model, num_heads=3)
    generator = torch.Generator().manual_seed(0)
    hidden = torch.randn(2, 9, 32, generator=generator)
    labels = torch.randint(0, 300, (2, 9), generator=generator)
    labels[1, 6:] = IGNORE  # padding at the end of the second row
    with torch.no_grad():
        got = head_losses(heads, hidden, labels)
        for k in range(1, 4):
            terms = []
            for row in range(2):
                for t in range(9 - k - 1):
                    target = int(labels[row, t + k + 1])
                    if target != IGNORE:
                        terms.append(-torch.log_softmax(heads[k - 1](hidden[row, t]), -1)[target].item())
            assert got[k - 1].item() == pytest.approx(sum(terms) / len(terms), rel=1e-5)
    assert weighted_loss([torch.tensor(1.0), torch.tensor(2.0)]).item() == pytest.approx(0.8 + 2 * 0.64)


def test_plain_training_cuts_the_text_stream_into_blocks(tiny_llama):
    model, tokenizer = load(tiny_llama)
    texts = ["def add(a, b):\n    return a + b\n", "for i in range(10):\n    print(i)\n"]
    ids, labels = training_sequences(model, tokenizer, texts, TrainSettings(block_size=16))
    stream = [t for text in texts for t in [tokenizer.bos_token_id, *encode(tokenizer, text)[1:],
                                            tokenizer.eos_token_id]]
    rows = math.ceil(len(stream) / 16)
    assert ids.shape == (rows, 16)
    assert [t for row, lab in zip(ids.tolist(), labels.tolist()) for t, l in zip(row, lab) if l != IGNORE] == stream


def test_self_distillation_learns_the_bases_own_greedy_continuation(tiny_llama):
    model, tokenizer = load(tiny_llama)
    settings = TrainSettings(block_size=30, self_distill=True, prompt_tokens=6)
    ids, labels = training_sequences(model, tokenizer, PROMPTS[:2], settings)
    for row, text in enumerate(PROMPTS[:2]):
        prompt = encode(tokenizer, text)[:7]  # BOS + the first 6 tokens
        with torch.no_grad():
            expected = model.generate(torch.tensor([prompt]), max_new_tokens=30 - 7, do_sample=False)[0].tolist()
        assert ids[row, :len(expected)].tolist() == expected
        assert (labels[row, :7] == IGNORE).all() and labels[row, 7:len(expected)].tolist() == expected[7:]


def test_heads_that_memorised_a_sequence_give_nearly_k_plus_one_tokens_per_step(tiny_llama):
    model, tokenizer = load(tiny_llama)
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    heads_count, prompt = 4, encode(tokenizer, PROMPTS[0])
    # One sequence: the prompt and the base's own 48 greedy tokens, learned to convergence.
    settings = TrainSettings(heads=heads_count, steps=300, lr=1e-2, batch_size=1, block_size=len(prompt) + 48,
                             self_distill=True, prompt_tokens=len(prompt) - 1)
    ids, labels = training_sequences(model, tokenizer, [PROMPTS[0]], settings)
    heads = new_heads(model, heads_count)
    losses = train_heads(model, heads, ids, labels, settings)
    assert max(losses) < 0.05
    for tree in ("chain", "mc_sim_7b_63"):
        decoder = MedusaDecoder(model, heads, parse_tree(tree, heads_count), suppress_ids=(tokenizer.eos_token_id,))
        out = decoder.generate(prompt, 40)
        assert out.accepted >= 0.9 * heads_count * out.steps, (tree, out)
        assert (len(out.tokens) - 1) / out.steps >= 0.9 * (heads_count + 1)


def run_train(capsys, *args: str) -> tuple[int, dict | None, str]:
    code = main(["medusa-train", "--device", "cpu", *args])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if code == 0 else None, captured.err


def test_the_command_is_seeded_and_records_the_base_and_the_data(capsys, tiny_llama, tmp_path):
    data = tmp_path / "code.jsonl"
    data.write_text("".join(json.dumps({"id": str(i), "text": text}) + "\n" for i, text in enumerate(PROMPTS)))
    common = ["--model", str(tiny_llama), "--data", str(data), "--heads", "2", "--steps", "12",
              "--batch-size", "2", "--block-size", "16", "--lr", "0.01"]
    outputs = {}
    for name, seed in (("a", "0"), ("b", "0"), ("c", "1")):
        code, summary, err = run_train(capsys, *common, "--seed", seed, "--out", str(tmp_path / name))
        assert code == 0, err
        assert "head 1 (token t+2): loss" in err and "head 2 (token t+3): loss" in err
        outputs[name] = (tmp_path / name / "medusa_lm_head.safetensors").read_bytes()
    assert outputs["a"] == outputs["b"] != outputs["c"]
    config = json.loads((tmp_path / "a" / "config.json").read_text())
    model, _ = load(tiny_llama)
    record = config["glassbox"]
    assert (config["medusa_num_heads"], config["medusa_num_layers"]) == (2, 1)
    assert record["base_fingerprint"] == base_fingerprint(model)
    assert record["data"]["sha256"] == hashlib.sha256(data.read_bytes()).hexdigest()
    assert record["training"]["decay"] == 0.8 and len(record["final_losses"]) == 2


@pytest.mark.parametrize("args, message", [
    (["--heads", "0"], "--heads must be at least 1"),
    (["--self-distill", "--prompt-tokens", "300"], "--prompt-tokens must be below --block-size"),
])
def test_bad_options_end_with_a_one_line_error(capsys, tiny_llama, tmp_path, args, message):
    data = tmp_path / "t.txt"
    data.write_text("def f():\n    return 1\n")
    code, _, err = run_train(capsys, "--model", str(tiny_llama), "--data", str(data), "--out", str(tmp_path / "o"),
                             *args)
    assert code == 2 and message in err and "Traceback" not in err
