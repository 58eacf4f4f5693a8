"""Score calibration: the indicator prior without the scored developer, the exemplar contrast,
the feature rows, the logistic calibration (checked against hand-computed values), the topic model
leaving a developer out, and the bench's fixed development / held-out split."""
from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

from evaluators.transparency import calibration
from evaluators.transparency.calibration import FEATURES, Calibrator, exemplar_contrast, feature_rows, fit
from evaluators.transparency.exemplars import Exemplar, ExemplarBank
from evaluators.transparency.passages import Passage

BENCH = Path(__file__).resolve().parents[2] / "bench" / "transparency_bench.py"


class TableEmbedder:
    """Fixed vectors per text, so similarities are known by hand."""

    def __init__(self, table: dict[str, list[float]]) -> None:
        self.table = table

    def encode(self, texts):
        return np.array([self.table[t] for t in texts], dtype=np.float32)


def test_the_prior_leaves_the_scored_developer_out(monkeypatch):
    monkeypatch.setattr(calibration, "reference_scores", lambda: {"toy": {"developers": {
        "Acme Labs": [1, 0, 1], "Beta": [1, 1, 0], "Gamma": [0, 0, 0]}}})
    # Without Acme: Beta and Gamma; (ones + 1) / (2 + 2).
    assert calibration.indicator_prior("toy", 3, "Acme_Labs") == [0.5, 0.5, 0.25]
    # Everyone: (ones + 1) / (3 + 2).
    assert calibration.indicator_prior("toy", 3) == [0.6, 0.4, 0.4]
    assert calibration.indicator_prior("toy", 4) == [0.5] * 4  # another indicator list
    assert calibration.indicator_prior("unknown", 2) == [0.5, 0.5]


def test_exemplar_contrast_and_share_by_hand():
    bank = ExemplarBank("toy", (Exemplar(0, "yes", 1, "Beta"), Exemplar(0, "no", 0, "Gamma"),
                                Exemplar(1, "acme", 1, "Acme")))
    embedder = TableEmbedder({"yes": [1, 0], "no": [0, 1], "acme": [0.6, 0.8]})
    passages = np.array([[0.6, 0.8], [1.0, 0.0]])
    contrast, share = exemplar_contrast(bank, embedder, None, 2, passages)
    assert contrast[0] == pytest.approx([0.6 - 0.8, 1.0 - 0.0])
    assert contrast[1] == pytest.approx([1.0, 0.6])  # no exemplar scored 0: its best counts as 0
    assert share.tolist() == [0.0, 0.5]
    contrast, share = exemplar_contrast(bank, embedder, "ACME", 2, passages)
    assert contrast[1].tolist() == [0.0, 0.0] and share.tolist() == [0.0, -0.5]


def test_feature_rows_by_hand():
    passages = [Passage("d", 0, 4, "We publish the data size."), Passage("d", 5, 9, "This is not disclosed.")]
    scores = {"estimate": np.array([[0.9, 0.2], [0.4, 0.1]]), "combined": np.array([[2.0, -1.0], [0.5, 1.5]]),
              "topic": np.log(np.array([[0.8, 0.1], [0.2, 0.25]])), "contrast": np.array([[0.3, 0.0], [0.0, -0.2]]),
              "share": np.array([0.25, -0.5])}
    rows = feature_rows([0.8, 0.5], {0: 0, 1: 1}, scores, passages)
    assert len(rows[0]) == len(FEATURES)
    named = [dict(zip(FEATURES, row)) for row in rows]
    assert named[0]["prior"] == pytest.approx(math.log(4)) and named[1]["prior"] == 0
    assert named[0]["neighbour_estimate"] == pytest.approx(0.4) and named[1]["neighbour_estimate"] == pytest.approx(-0.4)
    assert named[0]["topic_probability"] == pytest.approx(0.8) and named[1]["withheld"] == 1.0
    assert named[0]["withheld"] == 0.0 and named[1]["positive_minus_negative"] == pytest.approx(-0.2)
    assert named[1]["best_relevance"] == 1.5 and named[1]["best_topic_log_probability"] == pytest.approx(math.log(0.25))
    # Document level: mean matched estimate (0.9 + 0.1) / 2 - 0.5; topic sure (> 0.3) of 1 match in 2.
    assert all(r["document_estimate"] == pytest.approx(0.0) and r["document_coverage"] == 0.5 for r in named)
    unmatched = dict(zip(FEATURES, feature_rows([0.8, 0.5], {0: 0}, scores, passages)[1]))
    assert unmatched["matched"] == 0 and unmatched["relevance"] == 0 and unmatched["best_relevance"] == 1.5


def test_the_calibrated_probability_is_the_logistic_of_standardised_features():
    calibrator = Calibrator((2.0, -1.0), 0.5, (1.0, 0.0), (2.0, 1.0))
    # z = 0.5 + 2 * (3 - 1) / 2 - 1 * (1 - 0) / 1 = 1.5
    assert calibrator.probability([3.0, 1.0]) == pytest.approx(1 / (1 + math.exp(-1.5)))
    full = Calibrator(tuple(range(len(FEATURES))), -1.0, (0.0,) * len(FEATURES), (1.0,) * len(FEATURES))
    assert Calibrator.from_json(full.to_json()) == full
    with pytest.raises(ValueError, match="other features"):
        Calibrator.from_json(full.to_json().replace('"prior"', '"something else"'))


def test_fitting_learns_the_direction_and_the_threshold():
    rows = [[x, 0.0] for x in (-3, -2, -1, 1, 2, 3)]
    calibrator = fit(rows, [0, 0, 0, 1, 1, 1])
    assert calibrator.mean == (0.0, 0.0) and calibrator.scale[1] == 1.0  # constant feature: scale 1
    assert calibrator.probability([2.5, 0.0]) > 0.8 > 0.2 > calibrator.probability([-2.5, 0.0])
    assert calibrator.probability([0.0, 0.0]) == pytest.approx(0.5, abs=1e-6)  # symmetric data


def test_the_topic_model_learns_indicators_and_leaves_a_developer_out(fake_embedder):
    from evaluators.transparency.topics import topic_model

    bank = ExemplarBank("toy", (
        Exemplar(0, "trained on two trillion tokens of web text", 1, "Beta"),
        Exemplar(0, "the corpus holds one trillion tokens", 1, "Acme"),
        Exemplar(1, "training used 512 GPUs for a month", 1, "Beta"),
        Exemplar(1, "our cluster of TPUs trained the model", 0, "Gamma"),
    ))
    model = topic_model(bank, fake_embedder)
    assert topic_model(bank, fake_embedder) is model and model.left_out == 0
    logp = model.log_probability(3, ["three trillion tokens of text", "1024 GPUs"], fake_embedder.encode(
        ["three trillion tokens of text", "1024 GPUs"]))
    assert logp.shape == (3, 2) and logp[:, 0].argmax() == 0 and logp[:, 1].argmax() == 1
    assert logp[2].tolist() == [-20.0, -20.0]  # no exemplar for the third indicator
    assert topic_model(bank, fake_embedder, "ACME").left_out == 1


def test_a_calibrator_decides_the_suggested_scores(fake_embedder):
    from evaluators.transparency.checklists import Checklist, Indicator
    from evaluators.transparency.suggest import suggest

    checklist = Checklist("toy", (Indicator("U", "Data", "Data size", keywords=("tokens",)),
                                  Indicator("U", "Compute", "Hardware", keywords=("gpus",)),
                                  Indicator("D", "Policy", "Bug bounty", keywords=("bounty",))))
    bank = ExemplarBank("toy", (Exemplar(0, "trained on two trillion tokens", 1, "Beta"),
                                Exemplar(1, "training used 512 GPUs", 1, "Beta"),
                                Exemplar(2, "a bug bounty pays rewards", 1, "Beta")))
    weights = [0.0] * len(FEATURES)
    weights[FEATURES.index("matched")] = 4.0  # a matched indicator earns the point, others not
    calibrator = Calibrator(tuple(weights), 0.0, (0.5,) * len(FEATURES), (1.0,) * len(FEATURES))
    doc = "We trained on three trillion tokens.\n\nTraining ran on 1024 GPUs."
    result = suggest(checklist, [("card.md", doc)], embedder=fake_embedder, bank=bank, calibrator=calibrator)
    rows = result["indicators"]
    assert [r["score"] for r in rows] == [1, 1, 0]
    assert rows[0]["confidence"] == pytest.approx(1 / (1 + math.exp(-2)), abs=1e-3)
    assert "trillion" in rows[0]["evidence"][0]["quote"] and "GPUs" in rows[1]["evidence"][0]["quote"]
    for row in rows:
        for e in row["evidence"]:
            assert doc[e["start"]:e["end"]] == e["quote"]


def test_the_bench_holds_out_every_third_developer_by_name():
    spec = importlib.util.spec_from_file_location("transparency_bench", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    names = ["Mistral", "AI21_Labs", "IBM", "Aleph_Alpha", "Stability_AI", "Microsoft", "BigCode"]
    # Sorted: AI21_Labs, Aleph_Alpha, BigCode, IBM, Microsoft, Mistral, Stability_AI.
    assert bench.held_out(names) == {"BigCode", "Mistral"}
