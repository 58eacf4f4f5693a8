"""sacrebleu numbers against sacrebleu itself; bootstrap intervals against a resampling written here."""
from __future__ import annotations

import numpy as np
import pytest
import sacrebleu

from evaluators.codemetrics import score_corpus, score_samples, score_text_corpus
from evaluators.core.stats import percentile_interval, resample_indices

PREDICTIONS = ["def add(a, b): return a + b", "x = [i for i in range(10)]", "print('hello')",
               "return None", "for k, v in d.items(): print(k, v)"]
REFERENCES = [["def add(x, y): return x + y"], ["x = list(range(10))", "x = [i for i in range(10)]"],
              ["print('hello world')"], ["return"], ["for key, value in d.items(): print(key, value)"]]


def test_corpus_bleu_and_signature_are_sacrebleus():
    streams = [[refs[0] for refs in REFERENCES], [refs[1] if len(refs) > 1 else None for refs in REFERENCES]]
    metric = sacrebleu.metrics.BLEU()
    expected = metric.corpus_score(PREDICTIONS, streams)
    ours = score_corpus(PREDICTIONS, REFERENCES, "python", resamples=50)
    assert ours["bleu"] == pytest.approx(expected.score, abs=1e-9)
    assert ours["bleu_signature"] == str(metric.get_signature())
    assert "tok:13a" in ours["bleu_signature"] and "nrefs:var" in ours["bleu_signature"]


def test_sentence_bleu_is_sacrebleus_sentence_bleu():
    ours = score_samples(PREDICTIONS, REFERENCES, "python")
    for prediction, refs, scores in zip(PREDICTIONS, REFERENCES, ours):
        assert scores["bleu"] == pytest.approx(sacrebleu.sentence_bleu(prediction, refs).score, abs=1e-9)


def test_text_corpus_equals_the_corresponding_part_of_score_corpus():
    full = score_corpus(PREDICTIONS, REFERENCES, "python", resamples=100)
    text = score_text_corpus(PREDICTIONS, REFERENCES, resamples=100)
    for key in ("bleu", "bleu_signature", "bleu_codexglue", "exact_match", "exact_match_strict", "n",
                "bleu_ci", "bleu_codexglue_ci", "exact_match_ci", "exact_match_strict_ci"):
        assert text[key] == full[key], key


def test_intervals_are_deterministic_and_cover_every_corpus_metric():
    first = score_corpus(PREDICTIONS, REFERENCES, "python")
    second = score_corpus(PREDICTIONS, REFERENCES, "python")
    assert first == second
    for name in ("bleu", "bleu_codexglue", "codebleu", "ngram_match", "weighted_ngram_match",
                 "syntax_match", "dataflow_match", "exact_match", "exact_match_strict"):
        low, high = first[f"{name}_ci"]
        assert low <= high


def test_exact_match_interval_is_the_percentile_bootstrap_of_the_mean():
    predictions = ["a", "b", "c", "d", "e", "f", "g", "h"]
    references = [["a"], ["x"], ["c"], ["y"], ["e"], ["f"], ["z"], ["w"]]
    hits = np.array([1, 0, 1, 0, 1, 1, 0, 0], dtype=float)
    means = np.concatenate([hits[idx].mean(axis=1) for idx in resample_indices(8, 1000, 0)])
    expected = percentile_interval(means)
    ours = score_corpus(predictions, references, "python")
    assert ours["exact_match_ci"] == pytest.approx(list(expected))


def test_bleu_interval_rescoring_resampled_sacrebleu_statistics():
    metric = sacrebleu.metrics.BLEU()
    stats = np.array(metric._extract_corpus_statistics(PREDICTIONS, [[r[0] for r in REFERENCES]]))
    scores = [metric._compute_score_from_stats(list(stats[row].sum(axis=0))).score
              for idx in resample_indices(len(PREDICTIONS), 300, 0) for row in idx]
    expected = percentile_interval(np.array(scores))
    ours = score_corpus(PREDICTIONS, [[r[0]] for r in REFERENCES], "python", resamples=300)
    assert ours["bleu_ci"] == pytest.approx(list(expected))


def test_one_sample_gives_a_degenerate_interval():
    ours = score_corpus(["x = 1"], [["x = 2"]], "python")
    assert ours["codebleu_ci"] == [ours["codebleu"], ours["codebleu"]]
    assert ours["n"] == 1
