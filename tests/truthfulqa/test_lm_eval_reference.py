"""Glassbox's TruthfulQA log-likelihoods against lm-evaluation-harness's, recorded once.

tests/data/truthfulqa/lm_eval_reference.json holds the harness's per-answer log-likelihoods
(truthfulqa_mc1 / truthfulqa_mc2, --log_samples) for 20 questions under the seeded tiny model it
names, with the harness version and command (bench/truthfulqa_lm_eval_bench.py --record made it).
The model is rebuilt here by the same function with the same seed, and both sides run in float64,
so any difference beyond rounding is a difference in prompt, tokenization, truncation or scoring.
"""
from __future__ import annotations

import hashlib
import json

import pytest

from evaluators.truthfulqa.data import read_truthfulqa
from evaluators.truthfulqa.summary import mc1_score, mc2_score

from .conftest import DATA, FULL_CSV

REFERENCE = json.loads((DATA / "lm_eval_reference.json").read_text(encoding="utf-8"))


def weights_sha256(model) -> str:
    """The bench's hash of a model's tensors, in name order, as float32 bytes."""
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode() + tensor.detach().cpu().float().numpy().tobytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def reference_model(tmp_path_factory):
    import torch

    from evaluators.core.base import ModelRef
    from evaluators.core.loading import load_model
    from evaluators.demo.models import build_tiny_model

    recipe = REFERENCE["model"]
    assert recipe["builder"] == "evaluators.demo.models.build_tiny_model" and recipe["dtype"] == "float64"
    folder = build_tiny_model(tmp_path_factory.mktemp("truthfulqa-reference") / "model", seed=recipe["seed"],
                              context_length=recipe["context_length"])
    loaded = load_model(ModelRef(str(folder)), device="cpu")
    assert weights_sha256(loaded.model) == recipe["weights_sha256"], (
        "build_tiny_model no longer builds the model the harness scored: re-record with " + REFERENCE["bench_command"])
    loaded.model.to(torch.float64)  # exact, as the harness's dtype=float64 load of the same weights
    return loaded


def test_the_reference_was_made_by_the_harness_on_the_csvs_questions():
    assert REFERENCE["harness_versions"]["lm_eval"] == "0.4.13"
    assert "--log_samples" in REFERENCE["harness_command"] and "dtype=float64" in REFERENCE["harness_command"]
    rows = read_truthfulqa(FULL_CSV)
    assert len(REFERENCE["questions"]) == len(REFERENCE["data"]["rows"]) == 20
    for index, question in zip(REFERENCE["data"]["rows"], REFERENCE["questions"]):
        for key in ("question", "mc1_targets", "mc2_targets"):
            expected = rows[index][key]
            got = question[key] if key == "question" else {k: question[key][k] for k in ("choices", "labels")}
            assert got == expected


def test_log_likelihoods_match_the_harness_to_1e_6_and_mc1_exactly(reference_model):
    from evaluators.truthfulqa.scoring import harness_max_length, score_questions

    questions = [{**q, "category": None} for q in REFERENCE["questions"]]
    max_length = harness_max_length(reference_model.model, reference_model.tokenizer)
    assert max_length == REFERENCE["model"]["context_length"]
    records = score_questions(reference_model, questions, batch_size=16, max_length=max_length)
    worst = 0.0
    for theirs, ours in zip(REFERENCE["questions"], records):
        for name in ("mc1_targets", "mc2_targets"):
            assert len(ours[name]["lls"]) == len(theirs[name]["lls"])
            worst = max(worst, *(abs(a - b) for a, b in zip(ours[name]["lls"], theirs[name]["lls"])))
        # The harness's own per-question scores (its samples' "acc"), and ours from its numbers.
        assert ours["mc1"] == theirs["mc1"] == mc1_score(theirs["mc1_targets"]["lls"], theirs["mc1_targets"]["labels"])
        assert ours["mc2"] == pytest.approx(theirs["mc2"], abs=1e-9, rel=1e-9)
        assert mc2_score(theirs["mc2_targets"]["lls"], theirs["mc2_targets"]["labels"]) == pytest.approx(
            theirs["mc2"], abs=1e-12, rel=1e-9)
    assert worst < 1e-6
    # Both MC1 outcomes occur, and some sequences were cut to the context and some not.
    assert {r["mc1"] for r in records} == {0, 1}
    assert 0 < sum(r["truncated"] for r in records) < sum(len(set(q["mc1_targets"]["choices"] +
                                                                 q["mc2_targets"]["choices"])) for q in questions)
