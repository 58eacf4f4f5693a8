"""Metrics rebuilt from summed per-sample statistics, and the one paired bootstrap over them.

The anchor is sacrebleu: our corpus BLEU from summed rows equals BLEU.corpus_score, and our
paired-bootstrap p-value equals sacrebleu's paired bootstrap resampling (Koehn 2004) when both
draw the same resamples, and agrees within resampling noise when they draw different ones.
"""
from __future__ import annotations

import math
import random

import numpy as np
import pytest

import evaluators  # noqa: F401  (registers the evaluators)
from evaluators.bbq.summary import summarize as bbq_summarize
from evaluators.bias.summary import summarize as bias_summarize
from evaluators.codemetrics import score_and_count_samples, score_corpus
from evaluators.codemetrics.bleu import corpus_stats
from evaluators.core.paired import bootstrap_p_value, paired_bootstrap, sample_matrix, statistic_for

RESAMPLES = 2000


def _systems(n: int = 300, keep_a: float = 0.70, keep_b: float = 0.68, seed: int = 7):
    """Return (references, system A, system B): each system keeps a reference word with its
    probability and otherwise writes a random one, so A is slightly better than B on average."""
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(150)]
    refs, a, b = [], [], []
    for _ in range(n):
        ref = [rng.choice(vocab) for _ in range(rng.randint(6, 18))]
        refs.append(" ".join(ref))
        for out, keep in ((a, keep_a), (b, keep_b)):
            out.append(" ".join(w if rng.random() < keep else rng.choice(vocab) for w in ref))
    return refs, a, b


def _bleu_records(hypotheses: list[str], refs: list[str]) -> list[dict]:
    # The same statistics rows codegen records keep (codemetrics.bleu.corpus_stats).
    return [{"stats": {"sacrebleu": row}} for row in corpus_stats(hypotheses, [[r] for r in refs])[1]]


def _sacrebleu_p_value(monkeypatch, refs, a, b) -> float:
    from sacrebleu.metrics import BLEU
    from sacrebleu.significance import PairedTest

    monkeypatch.setenv("SACREBLEU_SEED", "12345")  # sacrebleu's default seed, fixed against the environment
    _, results = PairedTest([("a", a), ("b", b)], {"BLEU": BLEU()}, [refs], test_type="bs",
                            n_samples=RESAMPLES)()
    return results["BLEU"][1].p_value


def test_our_bleu_from_summed_rows_is_sacrebleus_corpus_score_exactly():
    from sacrebleu.metrics import BLEU

    refs, a, b = _systems()
    statistic = statistic_for("codegen", "bleu").statistic
    # Corners too: an empty hypothesis, one too short for 4-grams, one with no match at all.
    cases = [(a, refs), (b, refs), (["", "x y", "p q r s t"], ["a b c", "x y z", "a b c d e"])]
    for hyps, references in cases:
        ours = float(statistic.reduce(sample_matrix(_bleu_records(hyps, references), statistic).sum(axis=0)))
        assert ours == BLEU().corpus_score(hyps, [references]).score


def test_the_paired_p_value_is_sacrebleus_on_the_same_resamples(monkeypatch):
    refs, a, b = _systems()
    p_sacrebleu = _sacrebleu_p_value(monkeypatch, refs, a, b)
    # sacrebleu draws rng.choice(n, (R, n)) from default_rng(12345): the very indices of seed 12345 here.
    ours = paired_bootstrap(_bleu_records(b, refs), _bleu_records(a, refs), statistic_for("codegen", "bleu"),
                            resamples=RESAMPLES, seed=12345)
    assert ours["p_value"] == pytest.approx(p_sacrebleu, abs=1e-12)
    from sacrebleu.metrics import BLEU

    assert ours["value_b"] == BLEU().corpus_score(a, [refs]).score  # b's records are system A's


def test_the_paired_p_value_agrees_with_sacrebleu_within_resampling_noise(monkeypatch):
    refs, a, b = _systems()
    p_sacrebleu = _sacrebleu_p_value(monkeypatch, refs, a, b)
    ours = paired_bootstrap(_bleu_records(b, refs), _bleu_records(a, refs), statistic_for("codegen", "bleu"),
                            resamples=RESAMPLES, seed=0)
    # A middling p-value, so agreement says something (p near 0 or 1 agrees trivially).
    assert 0.05 < p_sacrebleu < 0.5
    # Two independent estimates from R resamples each: the difference has standard error
    # sqrt(2 p (1 - p) / R) <= sqrt(0.5 / R) = 0.0158 at R = 2000; allow four of them.
    assert abs(ours["p_value"] - p_sacrebleu) < 4 * math.sqrt(0.5 / RESAMPLES)
    assert ours["diff"] < 0 and not ours["significant"]  # B is lower, but not surely


def test_the_p_value_counts_centred_excesses_with_add_one_smoothing():
    resampled = np.array([5.0, -5.0, 0.0, 0.0])  # |d*| = 5, 5, 0, 0; mean 2.5; centred 2.5, 2.5, -2.5, -2.5
    assert bootstrap_p_value(resampled, 2.0) == (1 + 2) / (4 + 1)
    assert bootstrap_p_value(resampled, -2.5) == (1 + 0) / (4 + 1)  # |observed| = 2.5: excesses are strict
    refs, a, _ = _systems(n=20)
    records = _bleu_records(a, refs)
    same = paired_bootstrap(records, records, statistic_for("codegen", "bleu"), resamples=99)
    assert same["p_value"] == 1 / 100 and same["diff"] == 0.0 and not same["significant"]


def test_every_codegen_metric_is_rebuilt_from_the_recorded_statistics():
    predictions = ["def f(x):\n    return x + 1", "def g(a, b):\n    return a*b", "x = 1",
                   "print('hi')", "", "for i in range(3):\n    y = i"]
    references = [["def f(x):\n    return x + 2"], ["def g(a, b):\n    return a * b"], ["y = 1", "x = 1"],
                  ["print('hello')"], ["pass"], ["for i in range(3):\n    y = i * 2"]]
    scores, counts = score_and_count_samples(predictions, references, "python")
    corpus = score_corpus(predictions, references, "python")
    records = [{"scores": s, "stats": c} for s, c in zip(scores, counts)]
    for name in ("bleu", "bleu_codexglue", "codebleu", "ngram_match", "weighted_ngram_match",
                 "syntax_match", "dataflow_match", "exact_match", "exact_match_strict"):
        statistic = statistic_for("codegen", name).statistic
        rebuilt = float(statistic.reduce(sample_matrix(records, statistic).sum(axis=0)))
        # The weighted match adds its logs with math.fsum there, left to right here: one ulp apart.
        assert rebuilt == pytest.approx(corpus[name], rel=1e-12, abs=1e-15), name
    assert corpus["exact_match_strict"] == pytest.approx(1 / 6)


def test_records_without_statistics_get_no_paired_test():
    old = [{"scores": {"exact_match": 1.0, "bleu": 50.0}}] * 5  # a run recorded before `stats`
    assert paired_bootstrap(old, old, statistic_for("codegen", "bleu")) is None
    assert paired_bootstrap(old, old, statistic_for("codegen", "exact_match"))["diff"] == 0.0


def _pairs(stereotyped: int, n: int = 200) -> list[dict]:
    return [{"ll_more": -1.0 if i < stereotyped else -3.0, "ll_less": -2.0 - 0.5 * (i % 3), "bias_type": "x",
             "sent_more": "m", "sent_less": "l", "stereo_antistereo": "stereo"} for i in range(n)]


def test_a_target_metric_compares_distances_from_the_target():
    pct = statistic_for("bias", "pct_stereotype")
    assert pct.target == 50.0
    # 40% and 60% of 200 pairs: 20 points apart as values, both 10 from the target of 50.
    result = paired_bootstrap(_pairs(120), _pairs(80), pct, resamples=500)
    assert result["diff"] == pytest.approx(20.0) and result["ci"][0] > 0
    assert result["badness_diff"] == 0.0 and not result["significant"]


def test_bias_and_bbq_figures_are_rebuilt_as_their_summaries_compute_them():
    records = _pairs(130)
    summary = bias_summarize(records, method="sentence", batch_size=1)
    for name in ("pct_stereotype", "stereotype_gap", "likelihood_diff"):
        statistic = statistic_for("bias", name).statistic
        assert float(statistic.reduce(sample_matrix(records, statistic).sum(axis=0))) == pytest.approx(summary[name])
    rng = random.Random(3)
    bbq = [{"condition": rng.choice(["ambig", "disambig"]), "choice": rng.randrange(3), "label": rng.randrange(3),
            "unknown": 2, "target": rng.choice([0, 1, None]), "polarity": rng.choice(["neg", "nonneg"]),
            "category": "age"} for _ in range(120)]
    summary = bbq_summarize(bbq, normalization="none")
    for name in ("accuracy_ambig", "accuracy_disambig", "s_amb", "s_dis"):
        statistic = statistic_for("bbq", name).statistic
        assert float(statistic.reduce(sample_matrix(bbq, statistic).sum(axis=0))) == pytest.approx(summary[name])


def test_intervals_come_from_the_same_statistics_and_resamples_as_the_evaluators():
    from evaluators.core.paired import statistic_interval

    predictions = ["def f(x):\n    return x + 1", "x = 1", "print('hi')", "y = [i for i in range(4)]",
                   "def g():\n    pass", "z = x * 2 + 1"]
    references = [["def f(x):\n    return x + 2"], ["x = 1"], ["print('hello')"],
                  ["y = [i * i for i in range(4)]"], ["def g():\n    return 0"], ["z = x * 2"]]
    scores, counts = score_and_count_samples(predictions, references, "python")
    corpus = score_corpus(predictions, references, "python")
    records = [{"scores": s, "stats": c} for s, c in zip(scores, counts)]
    for name in ("bleu", "codebleu", "syntax_match", "exact_match"):
        value, (low, high) = statistic_interval(records, statistic_for("codegen", name))
        assert value == pytest.approx(corpus[name], rel=1e-12)
        assert [low, high] == pytest.approx(corpus[f"{name}_ci"], rel=1e-12), name
    pairs = _pairs(70, n=150)
    summary = bias_summarize(pairs, method="sentence", batch_size=1)
    value, interval = statistic_interval(pairs, statistic_for("bias", "pct_stereotype"))
    assert value == pytest.approx(summary["pct_stereotype"])
    assert list(interval) == pytest.approx(summary["pct_stereotype_ci"])
    assert statistic_interval([{"scores": {}}], statistic_for("codegen", "bleu")) is None


def test_statistics_for_an_unregistered_metric_are_refused():
    from evaluators.core.base import Metric, with_statistics

    statistic = statistic_for("codegen", "exact_match").statistic
    with pytest.raises(KeyError, match="nope"):
        with_statistics((Metric("exact_match", "higher"),), {"nope": statistic})
    assert with_statistics((Metric("exact_match", "higher"),), {"exact_match": statistic})[0].statistic is statistic
