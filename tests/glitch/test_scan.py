"""The under-trained-token scan: tokenizer categories on a hand-checked tokenizer, and recall and
precision on a model whose untrained tokens are known by construction."""
from __future__ import annotations

import json

import pytest


@pytest.fixture(scope="module")
def known_truth(tmp_path_factory):
    from evaluators.glitch.known_truth import build_known_truth_model

    return build_known_truth_model(tmp_path_factory.mktemp("glitch") / "known-truth")


def test_the_tokenizer_categories(known_truth):
    from transformers import AutoTokenizer

    from evaluators.glitch.tokenizer_scan import scan_tokenizer

    directory, _ = known_truth
    tokenizer = AutoTokenizer.from_pretrained(directory)
    tokenizer.add_tokens(["<extra_marker>"])
    infos = scan_tokenizer(tokenizer)
    by_id = {info.id: info.category for info in infos}
    assert [by_id[i] for i in tokenizer.all_special_ids] == ["special"] * 3
    assert by_id[len(tokenizer) - 1] == "added"
    # A byte-level BPE holds all 256 bytes; the 128 that are not ASCII decode to half a character.
    assert sum(category == "partial_utf8" for category in by_id.values()) == 128
    def_id = tokenizer.convert_tokens_to_ids("def")
    assert by_id[def_id] == "normal" and tokenizer.encode("def", add_special_tokens=False) == [def_id]


def scan(directory, **params) -> dict:
    """Run the glitch-tokens evaluator on a model folder with the default prompts."""
    from evaluators.core import registry
    from evaluators.core.base import ModelRef, RunContext
    from evaluators.glitch.prompts import default_prompt_rows

    evaluator = registry.get("glitch-tokens")
    return evaluator.run(RunContext(ModelRef(str(directory)), default_prompt_rows(), evaluator.make_spec(params), "cpu"))


def test_the_scan_finds_the_tokens_the_model_never_saw(known_truth):
    from evaluators.core.base import ModelRef
    from evaluators.core.loading import load_model
    from evaluators.glitch.known_truth import recall_and_precision
    from evaluators.glitch.prompts import default_prompt_rows
    from evaluators.glitch.scan import select_candidates, verify_candidates

    directory, truth = known_truth
    summary = scan(directory, candidates=len(truth))
    confirmed = {row["id"] for row in summary["confirmed"]}
    recall, precision = recall_and_precision(confirmed, truth)
    # Measured on this seeded model: see bench/glitch_tokens_bench.py for the figures it prints.
    assert recall >= 0.7 and precision >= 0.7, (recall, precision, len(truth))
    assert summary["reference"] == "unreachable and partial-UTF-8 tokens" and summary["reference_tokens"] == 128
    assert summary["confirmed_share"] == pytest.approx(len(confirmed) / summary["categories"]["normal"])
    assert summary["confirmed_tokens"] == len(confirmed) and summary["normal_tokens"] == summary["categories"]["normal"]
    # The tokenizer has no chat template, so the chat prompt is skipped and the two others run.
    assert summary["prompts"] == ["arrow", "quotes"] and summary["prompts_skipped"] == ["chat"]
    for row in summary["candidates"]:
        assert set(row["by_prompt"]) == {"arrow", "quotes"}
        assert row["repeat_probability"] == max(row["by_prompt"].values())
        assert row["confirmed"] == (row["repeat_probability"] < summary["threshold"])
    # Verifying one candidate at a time gives what the batched run gave.
    loaded = load_model(ModelRef(str(directory)), "cpu")
    selection = select_candidates(loaded.model, loaded.tokenizer, len(truth))
    assert selection.chosen == [row["id"] for row in summary["candidates"]]
    prompts = [row for row in default_prompt_rows() if not row["chat"]]
    one_by_one = verify_candidates(loaded, selection, selection.chosen[:5], prompts, 0.01, 1)
    assert [r["repeat_probability"] for r in one_by_one] == pytest.approx(
        [row["repeat_probability"] for row in summary["candidates"][:5]], abs=1e-6)
    json.dumps(summary)  # what the command prints


def test_the_indicator_is_the_cosine_to_the_reference_after_the_first_component():
    import math

    import torch

    from evaluators.glitch.indicators import untrained_indicator

    # Columns with mean 0; axis 0 carries a large component shared by every row, uncorrelated with
    # the rest, so it is the first principal component. Without it the rows are (0, 1, 0) four
    # times, (0, -2, 1) twice and (0, 0, -1) twice; the reference rows 0 and 1 point along (0, 1, 0).
    rows = torch.tensor([[10.0, 1, 0], [-10, 1, 0], [10, 1, 0], [-10, 1, 0],
                         [10, -2, 1], [-10, -2, 1], [10, 0, -1], [-10, 0, -1]])
    indicator = untrained_indicator(rows, reference=[0, 1])
    expected = [1.0] * 4 + [-2 / math.sqrt(5)] * 2 + [0.0] * 2
    assert indicator.tolist() == pytest.approx(expected, abs=1e-5)
