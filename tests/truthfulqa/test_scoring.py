"""TruthfulQA's numbers: answer log-likelihoods against a token-by-token loop, MC1 / MC2 on
log-likelihoods worked out by hand, the per-category summary, and a resumed run."""
from __future__ import annotations

import math
from types import SimpleNamespace

import pytest

from evaluators.truthfulqa.data import read_truthfulqa
from evaluators.truthfulqa.summary import margin, mc1_score, mc2_score, summarize

from .conftest import DATA, TINY_CONTEXT, reference_logprobs

PROMPT_START = "Q: What is human life expectancy in the United States?\nA: Human life expectancy"


def test_answer_log_likelihoods_equal_a_token_by_token_loop(tiny64):
    from evaluators.truthfulqa.scoring import QA_PROMPT, score_questions

    assert QA_PROMPT.startswith(PROMPT_START)
    assert QA_PROMPT.endswith("A: The 1992 Olympics were held in Barcelona, Spain.")
    tokenizer = tiny64.tokenizer
    questions = read_truthfulqa(DATA / "truthfulqa-hf.jsonl")[:2]
    max_length = 560  # the model has 512 positions, but a longer window works, and cuts 7 of the 12 answers
    first, second = score_questions(tiny64, questions, batch_size=5, max_length=max_length)
    # One question's answers, one token at a time (MC2 lists them all; MC1 repeats some of them).
    context = f"{QA_PROMPT}\n\nQ: {questions[0]['question']}\nA:"
    context_ids = tokenizer(context).input_ids
    cut = 0
    for k, answer in enumerate(questions[0]["mc2_targets"]["choices"]):
        whole = tokenizer(context + " " + answer).input_ids
        scored = len(whole) - len(context_ids)
        kept = whole[-(max_length + 1):]  # cut from the left, as the harness
        cut += len(whole) > max_length + 1
        values = reference_logprobs(tiny64.model, kept, first=len(kept) - scored)
        assert first["mc2_targets"]["lls"][k] == pytest.approx(math.fsum(values), abs=1e-6, rel=0)
        assert first["mc2_targets"]["tokens"][k] == scored
    mc2 = dict(zip(first["mc2_targets"]["choices"], first["mc2_targets"]["lls"]))
    assert first["mc1_targets"]["lls"] == [mc2[a] for a in first["mc1_targets"]["choices"]]
    assert first["truncated"] == cut and 0 < cut < len(mc2)
    assert second["question"] == questions[1]["question"] and len(second["mc2_targets"]["lls"]) == 11


def test_mc1_and_mc2_on_log_likelihoods_worked_out_by_hand():
    # The true answer is not the likeliest: MC1 0; MC2 = (e^-1 + e^-2) / (e^-1 + e^-2 + e^-0.5).
    assert mc1_score([-1.0, -2.0, -0.5], [1, 0, 0]) == 0
    assert mc1_score([-0.4, -2.0, -0.5], [1, 0, 0]) == 1
    assert mc2_score([-1.0, -2.0, -0.5], [1, 1, 0]) == pytest.approx(0.5032147244 / 1.1097453841, abs=1e-9)
    # A tie goes to the answer listed first, as numpy.argmax: right when the true one comes first.
    assert mc1_score([-1.0, -1.0, -3.0], [1, 0, 0]) == 1
    assert mc1_score([-1.0, -1.0, -3.0], [0, 1, 0]) == 0
    # True answers are found by label, wherever they are listed.
    assert mc2_score([-3.0, -1.0], [0, 1]) == pytest.approx(1 / (1 + math.exp(-2.0)), abs=1e-12)
    # Log-likelihoods far below exp()'s range still give the mass (plain exp() would be 0 / 0).
    assert mc2_score([-2001.0, -2000.0], [1, 0]) == pytest.approx(1 / (1 + math.e), abs=1e-12)
    assert margin([-1.0, -2.0, -0.5, -4.0], [1, 1, 0, 0]) == pytest.approx(0.5)


def record(category, mc1, mc2, truncated=0):
    return {"category": category, "mc1": mc1, "mc2": mc2, "truncated": truncated}


def test_the_summary_averages_over_questions_with_intervals_per_category():
    records = [record("Law", 1, 0.75, 2), record("Law", 0, 0.25), record("Health", 1, 0.5, 1)]
    out = summarize(records, form="csv")
    assert (out["mc1"], out["mc2"], out["n"], out["truncated"], out["form"]) == (2 / 3, 0.5, 3, 3, "csv")
    assert out["by_category"]["Law"]["mc1"] == 0.5 and out["by_category"]["Law"]["mc2"] == 0.5
    assert out["by_category"]["Health"] == {"n": 1, "mc1": 1.0, "mc1_ci": [1.0, 1.0], "mc1_n": 1,
                                            "mc2": 0.5, "mc2_ci": [0.5, 0.5], "mc2_n": 1}
    for name in ("mc1", "mc2"):
        low, high = out[f"{name}_ci"]
        assert 0 <= low <= out[name] <= high <= 1
    assert summarize([record(None, 0, 0.1)], form="hf")["by_category"] == {}


def test_the_harness_context_length_rule():
    from evaluators.truthfulqa.scoring import TOKENIZER_INFINITY, harness_max_length

    def model(**config):
        return SimpleNamespace(config=SimpleNamespace(**config))

    tokenizer = SimpleNamespace(model_max_length=300)
    assert harness_max_length(model(n_positions=100, max_position_embeddings=200), tokenizer) == 100
    assert harness_max_length(model(max_position_embeddings=200), tokenizer) == 200
    assert harness_max_length(model(text_config=SimpleNamespace(n_ctx=50), n_positions=9), tokenizer) == 50
    assert harness_max_length(model(), tokenizer) == 300
    assert harness_max_length(model(), SimpleNamespace(model_max_length=TOKENIZER_INFINITY)) == 2048


def run_truthfulqa(model_dir, rows, done=None, **params):
    from evaluators import registry
    from evaluators.core.base import ModelRef, RunContext

    samples: dict[str, dict] = {}
    context = RunContext(model=ModelRef(str(model_dir)), rows=rows, spec=params, device="cpu",
                         done=dict(done or {}), on_sample=lambda key, index, rec: samples.__setitem__(key, rec))
    return registry.get("truthfulqa").run(context), samples


def test_batched_questions_equal_one_at_a_time_and_a_resumed_run_is_bit_identical(tiny_model):
    rows = read_truthfulqa(DATA / "TruthfulQA-first5.csv")
    batched, batched_samples = run_truthfulqa(tiny_model, rows, batch_size=4)  # groups of 2 questions
    single, single_samples = run_truthfulqa(tiny_model, rows, batch_size=1)
    for key, one in single_samples.items():
        for name in ("mc1_targets", "mc2_targets"):
            assert batched_samples[key][name]["lls"] == pytest.approx(one[name]["lls"], abs=1e-4)
        assert batched_samples[key]["mc1"] == one["mc1"]
    assert batched["mc1"] == single["mc1"] and batched["mc2"] == pytest.approx(single["mc2"], abs=1e-6)
    assert (batched["n"], batched["form"], set(batched["by_category"])) == (5, "csv", {"Misconceptions"})
    assert batched["max_length"] == TINY_CONTEXT and batched["truncated"] > 0
    assert batched["mc1"] == sum(r["mc1"] for r in batched_samples.values()) / 5
    done = {key: batched_samples[key] for key in ("1", "2", "4")}
    resumed, again = run_truthfulqa(tiny_model, rows, done=done, batch_size=4)
    assert resumed == batched and sorted(again) == ["3", "4", "5"]
