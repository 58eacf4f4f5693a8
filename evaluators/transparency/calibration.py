"""From evidence to a score: per indicator, a few explainable features (the indicator's prior,
how well its matched passage fits it, what the experts scored similar exemplars) combined by a
logistic regression fitted on expert-scored developer reports. Its probability is the
suggestion's confidence; 0.5 is the decision threshold.

The built-in calibrations (data/<bank>-calibration.json) are fitted by bench/transparency_bench.py
on its development developers only.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from .checklists import DATA_DIR, reference_scores
from .exemplars import developer_words

FEATURES = ("prior", "matched", "neighbour_estimate", "relevance", "topic_log_probability",
            "topic_probability", "positive_minus_negative", "withheld", "positive_share",
            "best_relevance", "best_topic_log_probability", "document_estimate", "document_coverage")
CONFIDENT_TOPIC = math.log(0.3)  # a match the topic model is at least this sure of counts as covered
WITHHELD = re.compile(r"\b(not (publicly )?disclosed?|do(es)? not (publicly )?(disclose|share|provide|release)|"
                       r"no (public )?information|cannot (share|disclose))\b", re.I)


def indicator_prior(bank_name: str, count: int, exclude: str | None = None) -> list[float]:
    """Return, per indicator, the share of other developers the FMTI experts scored 1 in the bank's
    edition, smoothed as (ones + 1) / (developers + 2); 0.5 everywhere when there are none."""
    words = developer_words(exclude) if exclude else frozenset()
    edition = reference_scores().get(bank_name, {}).get("developers", {})
    rows = [scores for name, scores in edition.items() if not words & developer_words(name)]
    if not rows or any(len(scores) != count for scores in rows):
        return [0.5] * count
    return [(sum(scores[i] for scores in rows) + 1) / (len(rows) + 2) for i in range(count)]


def exemplar_contrast(bank, embedder, exclude: str | None, count: int, passage_embeddings):
    """Return (contrast, positive share): contrast (indicators, passages) is the passage's best
    similarity to exemplars scored 1 minus that to exemplars scored 0 for the indicator; positive
    share (indicators,) is the share of the indicator's exemplars scored 1, minus 0.5."""
    import numpy as np

    keep = np.array(bank.keep_mask(exclude), dtype=bool)
    similarity = np.asarray(bank.embeddings(embedder), dtype=np.float32)[keep] @ np.asarray(passage_embeddings).T
    positions = np.array([item.position for item in bank.items])[keep]
    labels = np.array([item.score for item in bank.items])[keep]
    contrast = np.zeros((count, similarity.shape[1]))
    share = np.zeros(count)
    for index in range(count):
        ones, zeros = (np.flatnonzero((positions == index) & (labels == s)) for s in (1, 0))
        best = [similarity[rows].max(axis=0) if len(rows) else np.zeros(similarity.shape[1])
                for rows in (ones, zeros)]
        contrast[index] = best[0] - best[1]
        share[index] = len(ones) / max(1, len(ones) + len(zeros)) - 0.5
    return contrast, share


def feature_rows(prior, matched: dict[int, int], scores: dict, passages) -> list[list[float]]:
    """Return one row of FEATURES per indicator. `scores` holds the (indicators, passages) arrays
    estimate, combined, topic, contrast and the (indicators,) array share."""
    estimate, combined, topic = scores["estimate"], scores["combined"], scores["topic"]
    matched_estimates = [float(estimate[i, j]) for i, j in matched.items()]
    document_estimate = sum(matched_estimates) / max(1, len(matched_estimates)) - 0.5
    coverage = sum(topic[i, j] > CONFIDENT_TOPIC for i, j in matched.items()) / max(1, len(prior))
    rows = []
    for i, p in enumerate(prior):
        j = matched.get(i)
        own = [0.0] * 8 if j is None else [
            1.0, float(estimate[i, j]) - 0.5, float(combined[i, j]), float(topic[i, j]),
            math.exp(float(topic[i, j])), float(scores["contrast"][i, j]),
            float(bool(WITHHELD.search(passages[j].text))), float(scores["share"][i])]
        rows.append([math.log(p / (1 - p))] + own + [float(combined[i].max()), float(topic[i].max()),
                                                     document_estimate, coverage])
    return rows


@dataclass(frozen=True)
class Calibrator:
    """A logistic regression over standardised FEATURES."""
    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]

    def probability(self, row: list[float]) -> float:
        """Return P(score 1) for one row of features."""
        z = self.bias + sum(w * (x - m) / s for w, x, m, s in zip(self.weights, row, self.mean, self.scale))
        return 1 / (1 + math.exp(-max(-40.0, min(40.0, z))))

    def to_json(self) -> str:
        """Return the calibration as JSON, with its feature names."""
        return json.dumps({"features": FEATURES, "weights": self.weights, "bias": self.bias,
                           "mean": self.mean, "scale": self.scale}, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> "Calibrator":
        """Read a calibration written by to_json; refuse one made for other features."""
        data = json.loads(text)
        if tuple(data["features"]) != FEATURES:
            raise ValueError("the calibration was fitted on other features")
        return cls(tuple(data["weights"]), data["bias"], tuple(data["mean"]), tuple(data["scale"]))


def fit(rows: list[list[float]], labels: list[int], c: float = 1.0) -> Calibrator:
    """Fit a calibration on feature rows and the experts' 0/1 scores."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    x = np.asarray(rows, dtype=float)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale = np.where(scale == 0, 1.0, scale)
    model = LogisticRegression(C=c, max_iter=1000).fit((x - mean) / scale, labels)
    return Calibrator(tuple(model.coef_[0].tolist()), float(model.intercept_[0]), tuple(mean.tolist()),
                      tuple(scale.tolist()))


def builtin_calibrator(bank_name: str) -> Calibrator | None:
    """Return the calibration shipped for a built-in bank, or None."""
    path: Path = DATA_DIR / f"{bank_name}-calibration.json"
    return Calibrator.from_json(path.read_text(encoding="utf-8")) if path.exists() else None
