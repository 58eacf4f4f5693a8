"""CodeBLEU, CodeXGLUE BLEU and exact match on small cases worked out by hand in each test."""
from __future__ import annotations

import math

import pytest

from evaluators.codemetrics import score_corpus, score_samples


def one(prediction: str, references: list[str], lang: str = "python") -> dict:
    return score_samples([prediction], [references], lang)[0]


def test_bleu_codexglue_adds_one_to_every_order():
    # 4 tokens each; matches 3, 2, 1, 0 of possible 4, 3, 2, 1 -> (4/5 * 3/4 * 2/3 * 1/2) ** (1/4).
    scores = one("a b c d", ["a b c e"])
    assert scores["bleu_codexglue"] == pytest.approx(100 * 0.2 ** 0.25, abs=1e-9)


def test_bleu_codexglue_takes_the_shortest_reference_and_the_best_counts_over_references():
    # Reference length min(3, 1) = 1 < 2, so no brevity penalty; every precision is (m+1)/(p+1) = 1.
    assert one("a b", ["a b c", "a"])["bleu_codexglue"] == pytest.approx(100.0)


def test_bleu_codexglue_brevity_penalty():
    # 2 of 4 reference tokens: matches 2, 1, 0, 0 of 2, 1, 0, 0 -> precisions 1; bp = exp(1 - 4/2).
    assert one("a b", ["a b c d"])["bleu_codexglue"] == pytest.approx(100 * math.exp(-1.0))


def test_codebleu_of_a_changed_constant():
    # Tokens x = 1 vs x = 2. n-gram precisions 2/3, 1/2, 0 -> 0.1, none -> 0.1 over max(1, 0).
    ngram = (2 / 3 * 1 / 2 * 0.1 * 0.1) ** 0.25
    # Weighted recall: no Python keywords, so unigram weights 0.2: 0.4 over max(1, 0.6) = 1.
    weighted = (0.4 * 1 / 2 * 0.1 * 0.1) ** 0.25
    scores = one("x = 1", ["x = 2"])
    assert scores["ngram_match"] == pytest.approx(ngram, abs=1e-12)
    assert scores["weighted_ngram_match"] == pytest.approx(weighted, abs=1e-12)
    assert scores["syntax_match"] == 1.0  # same three subtrees: module, statement, assignment
    assert scores["dataflow_match"] == 1.0  # x computedFrom its literal, in both
    assert scores["codebleu"] == pytest.approx(0.25 * (ngram + weighted + 1 + 1), abs=1e-12)


def test_no_data_flow_counts_as_one_and_the_weighted_length_quirk():
    # "pass": one token. Unigram precision 1, orders 2-4 smoothed to 0.1 over 1.
    # The weighted match measures each reference as length 2, so it gets exp(1 - 2/1).
    scores = one("pass", ["pass"])
    assert scores["ngram_match"] == pytest.approx(0.001 ** 0.25)
    assert scores["weighted_ngram_match"] == pytest.approx(0.001 ** 0.25 * math.exp(-1.0))
    assert scores["dataflow_match"] == 0.0
    expected = 0.25 * (0.001 ** 0.25 + 0.001 ** 0.25 * math.exp(-1.0) + 1.0 + 1.0)
    assert scores["codebleu"] == pytest.approx(expected)


def test_syntax_match_counts_reference_subtrees_found_in_the_prediction():
    # Reference subtrees: module, statement, assignment, binary_operator. The prediction wraps
    # the sum in parentheses, so only the binary_operator subtree is found: 1 / 4.
    assert one("z = (y + 1)", ["x = y + 1"])["syntax_match"] == pytest.approx(0.25)
    assert one("x = 1", ["x = y + 1"])["syntax_match"] == 0.0


def test_data_flow_match_after_renaming_variables():
    # Reference edges, names normalised: y<-x, x, z<-y, y<-y. Renamed copy: all four match.
    assert one("b = a\nc = b", ["y = x\nz = y"])["dataflow_match"] == 1.0
    # "c = a" instead: edges c<-a and a<-a replace z<-y and y<-y, so 2 of 4.
    assert one("b = a\nc = a", ["y = x\nz = y"])["dataflow_match"] == pytest.approx(0.5)


def test_exact_match_compares_tokens_and_strict_compares_stripped_text():
    scores = score_samples(["return  a\n", " return a ", "return b"], [["return a"]] * 3, "python")
    assert [s["exact_match"] for s in scores] == [1.0, 1.0, 0.0]
    assert [s["exact_match_strict"] for s in scores] == [0.0, 1.0, 0.0]


def test_exact_match_against_any_reference():
    corpus = score_corpus(["a", "b", "c", "d"], [["x", "a"], ["b"], ["y"], ["z"]], "python", resamples=20)
    assert corpus["exact_match"] == 0.5
    assert corpus["n"] == 4


def test_empty_prediction_scores_zero_ngrams_and_keeps_syntax():
    scores = one("", ["x = 1"])
    assert scores["ngram_match"] == 0.0
    assert scores["weighted_ngram_match"] == 0.0
    assert scores["bleu"] == 0.0
    assert scores["bleu_codexglue"] == 0.0
    assert scores["syntax_match"] == 0.0  # an empty module shares no subtree with the reference
