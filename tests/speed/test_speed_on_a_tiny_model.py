"""The real speed evaluator on a tiny model on the CPU, through `python -m evaluators speed`."""
from __future__ import annotations

import json

import pytest

from evaluators.__main__ import main

FIELDS = {"name", "batch_size", "ttft_ms", "tpot_ms", "itl_ms", "e2e_ms", "prefill_tokens_per_s",
          "decode_tokens_per_s", "output_tokens_per_s", "peak_memory_bytes", "cv", "mbu",
          "roofline_tokens_per_s", "speedup_vs_greedy", "identical_to_greedy"}
SPECULATIVE_FIELDS = {"acceptance_rate", "mean_accepted_tokens"}


def run_speed(capsys, *args: str) -> dict:
    code = main(["speed", "--device", "cpu", "--warmup", "1", "--min-repeats", "2",
                 "--min-seconds", "0", *args])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def test_every_variant_reports_the_documented_fields(capsys, speed_models, prompts_file):
    target, draft = speed_models
    report = run_speed(capsys, "--model", str(target), "--draft", str(draft), "--prompts", str(prompts_file),
                       "--batch-sizes", "1,2", "--max-new-tokens", "8", "--fixed-length")
    keys = [f"{v['name']}@{v['batch_size']}" for v in report["variants"]]
    assert keys == ["greedy@1", "greedy@2", "sample@1", "sample@2", "static-cache@1", "static-cache@2",
                    "assisted@1", "prompt-lookup@1"]
    assert report["skipped"] == ["assisted@2: transformers decodes speculatively at batch size 1 only",
                                 "prompt-lookup@2: transformers decodes speculatively at batch size 1 only"]
    assert report["device"]["device"] == "cpu" and report["device"]["dtype"] == "float32"
    assert report["device"]["peak_bandwidth_source"].startswith("measured")
    for variant in report["variants"]:
        assert FIELDS <= set(variant), variant["name"]
        if variant["name"] in ("assisted", "prompt-lookup"):
            assert SPECULATIVE_FIELDS <= set(variant)
        # Fixed length: exactly 8 new tokens for every prompt, in every pass.
        assert variant["mean_output_tokens"] == 8
        assert variant["output_tokens"] == 8 * variant["requests"]
        assert variant["requests"] == 3 * variant["repeats"] and variant["repeats"] >= 2
        for name in ("ttft_ms", "tpot_ms", "itl_ms", "e2e_ms"):
            d = variant[name]
            assert 0 <= d["p50"] <= d["p90"] <= d["p99"], (variant["name"], name)
        assert variant["peak_memory_bytes"] > 0
    by_key = dict(zip(keys, report["variants"]))
    baseline = by_key["greedy@1"]
    assert baseline["speedup_vs_greedy"] == pytest.approx(1.0)
    # Plain greedy decoding: one target forward pass per output token.
    assert baseline["target_forwards_per_token"] == 1.0
    assert 0 < baseline["mbu"] and baseline["roofline_tokens_per_s"] > 0
    # Under greedy decoding every method must give the baseline's tokens.
    for key in ("greedy@2", "static-cache@1", "static-cache@2", "assisted@1", "prompt-lookup@1"):
        assert by_key[key]["identical_to_greedy"] is True, (key, by_key[key]["mismatches"])
    assert by_key["sample@1"]["identical_to_greedy"] is None
    assert report["output_tokens_per_s"] == baseline["output_tokens_per_s"]


def test_a_draft_identical_to_the_target_has_every_token_accepted(capsys, speed_models, prompts_file):
    target, draft = speed_models
    report = run_speed(capsys, "--model", str(target), "--draft", str(draft), "--prompts", str(prompts_file),
                       "--variants", "assisted", "--max-new-tokens", "12", "--fixed-length",
                       "--num-assistant-tokens", "3")
    assisted = report["variants"][1]
    assert assisted["name"] == "assisted"
    # The drafted count comes from the target's forward-pass widths; with an identical draft
    # every drafted token is accepted, so it must equal output tokens - target passes exactly.
    assert assisted["acceptance_rate"] == 1.0
    assert assisted["drafted_tokens"] == assisted["accepted_tokens"] > 0
    assert assisted["mean_accepted_tokens"] > 1.0
    assert assisted["target_forwards_per_token"] == pytest.approx(1 / assisted["mean_accepted_tokens"])
    assert report["draft"]["num_assistant_tokens"] == 3
    assert report["assisted_acceptance_rate"] == 1.0


def test_natural_mode_stops_at_eos_and_counts_it(capsys, speed_models, prompts_file, tmp_path):
    import shutil

    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from evaluators.speed.timing import counted_tokens
    from tests.speed.conftest import PROMPTS

    target, _ = speed_models
    model = AutoModelForCausalLM.from_pretrained(target).eval()
    tokenizer = AutoTokenizer.from_pretrained(target)
    # Reference: plain greedy continuations without any EOS, one prompt at a time.
    continuations = []
    for row in PROMPTS:
        ids = [tokenizer.bos_token_id] + tokenizer(row["prompt"], add_special_tokens=False).input_ids
        with torch.no_grad():
            out = model.generate(torch.tensor([ids]), max_new_tokens=20, min_new_tokens=20, do_sample=False)
        continuations.append(out[0, len(ids):].tolist())
    # Make the 4th token of the first continuation the model's EOS: natural mode must stop there.
    eos = continuations[0][3]
    copy = shutil.copytree(target, tmp_path / "eos-model")
    config = json.loads((copy / "generation_config.json").read_text())
    (copy / "generation_config.json").write_text(json.dumps({**config, "eos_token_id": eos}))
    expected = [counted_tokens(c, {eos}, fixed_length=False) for c in continuations]
    assert expected[0] == 4

    report = run_speed(capsys, "--model", str(copy), "--prompts", str(prompts_file),
                       "--variants", "greedy", "--max-new-tokens", "20")
    assert report["protocol"]["eos_counted"] is True and report["protocol"]["fixed_length"] is False
    assert report["variants"][0]["mean_output_tokens"] == pytest.approx(sum(expected) / 3)


@pytest.mark.parametrize("args, message", [
    (["--variants", "beam"], "unknown variant 'beam'"),
    (["--variants", "assisted"], "assisted needs a draft model"),
    (["--batch-sizes", "0"], "parameter 'batch_sizes[0]' must be at least 1, got 0"),
    (["--min-repeats", "0"], "parameter 'min_repeats' must be at least 1"),
])
def test_bad_options_end_with_a_one_line_error(capsys, speed_models, prompts_file, args, message):
    target, _ = speed_models
    code = main(["speed", "--model", str(target), "--prompts", str(prompts_file), *args])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err


def test_a_bad_prompt_file_names_the_line_and_field(capsys, speed_models, tmp_path):
    target, _ = speed_models
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "prompt": "x"}\n{"id": "b", "text": "y"}\n', encoding="utf-8")
    code = main(["speed", "--model", str(target), "--prompts", str(bad)])
    err = capsys.readouterr().err
    assert code == 2 and "bad.jsonl line 2" in err and "prompt" in err
