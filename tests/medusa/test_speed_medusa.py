"""The medusa and medusa-typical variants of the speed evaluator, through `python -m evaluators speed`."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluators.__main__ import main
from evaluators.medusa.decode import MedusaDecoder
from evaluators.medusa.heads import base_fingerprint, save_heads
from evaluators.medusa.tree import parse_tree

from .conftest import PROMPTS, encode, load, scrambled_heads

NEW_TOKENS = 12


@pytest.fixture(scope="module")
def heads_dir(tiny_llama, tmp_path_factory) -> Path:
    model, _ = load(tiny_llama)
    return save_heads(scrambled_heads(model), tmp_path_factory.mktemp("heads") / "h",
                      {"base_fingerprint": base_fingerprint(model), "base_model": str(tiny_llama)})


@pytest.fixture
def prompts_file(tmp_path) -> Path:
    path = tmp_path / "prompts.jsonl"
    path.write_text("".join(json.dumps({"id": str(i), "prompt": p}) + "\n" for i, p in enumerate(PROMPTS)))
    return path


def run_speed(capsys, *args: str) -> tuple[int, dict | None, str]:
    code = main(["speed", "--device", "cpu", "--warmup", "1", "--min-repeats", "2", "--min-seconds", "0",
                 "--max-new-tokens", str(NEW_TOKENS), "--fixed-length", *args])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if code == 0 else None, captured.err


def test_medusa_variants_report_their_figures(capsys, tiny_llama, heads_dir, prompts_file):
    code, report, err = run_speed(capsys, "--model", str(tiny_llama), "--prompts", str(prompts_file),
                                  "--variants", "greedy,medusa,medusa-typical", "--batch-sizes", "1,2",
                                  "--medusa", str(heads_dir))
    assert code == 0, err
    by_name = {v["name"]: v for v in report["variants"] if v["batch_size"] == 1}
    assert "medusa@2: Medusa decoding runs at batch size 1 only" in report["skipped"]
    medusa = by_name["medusa"]
    assert medusa["identical_to_greedy"] is True and medusa["mean_output_tokens"] == NEW_TOKENS

    # The same decoding done here, prompt by prompt: tokens per forward pass and per-head acceptance.
    model, tokenizer = load(tiny_llama)
    from evaluators.medusa.heads import load_heads

    decoder = MedusaDecoder(model, load_heads(heads_dir, model), parse_tree("", 4),
                            suppress_ids=(tokenizer.eos_token_id,))
    runs = [decoder.generate(encode(tokenizer, p), NEW_TOKENS) for p in PROMPTS]
    steps = sum(r.steps for r in runs)
    assert medusa["mean_accepted_tokens"] == pytest.approx(3 * NEW_TOKENS / sum(r.forwards for r in runs))
    assert medusa["head_acceptance"] == pytest.approx([sum(r.accepted_at_depth[k] for r in runs) / steps
                                                       for k in range(4)])
    assert medusa["medusa_steps"] == medusa["repeats"] * steps
    assert (medusa["tree_size"], medusa["tree_depth"], medusa["medusa_tree"]) == (64, 4, "mc_sim_7b_63")
    assert medusa["target_forwards_per_token"] == pytest.approx(1 / medusa["mean_accepted_tokens"])
    assert medusa["speedup_vs_greedy"] > 0 and report["medusa_speedup"] == medusa["speedup_vs_greedy"]
    assert report["medusa_mean_accepted_tokens"] == medusa["mean_accepted_tokens"]
    assert report["medusa"]["glassbox"]["base_model"] == str(tiny_llama)

    typical = by_name["medusa-typical"]
    assert typical["identical_to_greedy"] is None
    assert typical["log_likelihood_per_token"] < 0 and typical["sampling_log_likelihood_per_token"] < 0
    assert typical["log_likelihood_vs_sampling"] == pytest.approx(
        typical["log_likelihood_per_token"] - typical["sampling_log_likelihood_per_token"])


def test_a_chosen_tree_is_used(capsys, tiny_llama, heads_dir, prompts_file):
    code, report, err = run_speed(capsys, "--model", str(tiny_llama), "--prompts", str(prompts_file),
                                  "--variants", "medusa", "--medusa", str(heads_dir), "--medusa-tree", "[[0], [1]]")
    assert code == 0, err
    medusa = report["variants"][1]
    assert (medusa["tree_size"], medusa["tree_depth"], medusa["medusa_tree"]) == (3, 1, "custom")
    assert medusa["head_acceptance"][1:] == [None, None, None] and medusa["identical_to_greedy"] is True


@pytest.mark.parametrize("extra, message", [
    ([], "medusa needs Medusa heads"),
    (["--medusa", "HEADS", "--medusa-tree", "[[0, 0]]"], "has no parent [0]"),
    (["--medusa", "HEADS", "--medusa-epsilon", "2"], "parameter 'medusa_epsilon' must be at most 1"),
])
def test_bad_medusa_options_end_with_a_one_line_error(capsys, tiny_llama, heads_dir, prompts_file, extra, message):
    extra = [str(heads_dir) if arg == "HEADS" else arg for arg in extra]
    code, _, err = run_speed(capsys, "--model", str(tiny_llama), "--prompts", str(prompts_file),
                             "--variants", "medusa", *extra)
    assert code == 2 and message in err and "Traceback" not in err


def test_pickled_heads_are_refused(capsys, tiny_llama, prompts_file, tmp_path):
    (tmp_path / "medusa_lm_head.pt").write_bytes(b"\x80\x04")
    (tmp_path / "config.json").write_text('{"medusa_num_heads": 4, "medusa_num_layers": 1}')
    code, _, err = run_speed(capsys, "--model", str(tiny_llama), "--prompts", str(prompts_file),
                             "--variants", "medusa", "--medusa", str(tmp_path))
    assert code == 2 and "pickle weights" in err
