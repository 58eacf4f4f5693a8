"""Suggested indicator scores with a confidence and the passages that support them.

Passages and indicators are matched one to one (a passage answers one indicator), maximising the
total relevance. With an exemplar bank, relevance includes a topic model learned from the
exemplars, and a calibration (a logistic regression over explainable features: the indicator's
prior, the matched passage's fit, the experts' scores of similar exemplars) gives the probability
that the indicator earns its point; a matched passage that only says the thing is not disclosed
scores 0 whatever the features say. Without a calibration the experts' scores of the most similar
exemplars decide; without a bank, whether the passage is close enough to the indicator and does
not just say the thing is withheld.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from .calibration import WITHHELD, exemplar_contrast, feature_rows, indicator_prior
from .checklists import Checklist
from .passages import Passage, split
from .ranking import relevance
from .refusals import nothing_disclosed

TOP_EVIDENCE = 3
# A matched passage that only says the thing is not disclosed scores 0: the FMTI experts scored
# 302 of the 306 non-empty such texts in their reports 0 (refusals.py).
REFUSAL_CONFIDENCE = 0.98
MIN_COSINE = 0.25  # without exemplars: below this the passage is not about the indicator at all
# The topic model's log-probability against the standardised relevance (weight 2). It tells
# indicators apart best, so it leads: on the bench's development developers a weight of 8 matched
# more paragraphs to their own indicator than 1, 2, 4 or 16.
TOPIC_WEIGHT = 8.0


@dataclass
class Analysis:
    """Passages of the documents, their relevance to each indicator, the matching, and (with a
    bank) the calibration features per indicator."""
    passages: list[Passage]
    scores: dict
    order: object  # (indicators, passages): what ranks a passage as evidence
    matched: dict[int, int]
    features: list[list[float]] | None


def _assignment(combined) -> dict[int, int]:
    """Return {indicator: passage}: a one-to-one matching that maximises total relevance.

    One strong passage cannot earn points for a dozen neighbouring indicators this way."""
    from scipy.optimize import linear_sum_assignment

    rows, columns = linear_sum_assignment(-combined)
    return dict(zip(rows.tolist(), columns.tolist()))


def evidence_of(passage: Passage) -> dict:
    """Return a passage as an evidence entry."""
    return {"document": passage.document, "quote": passage.text, "start": passage.start, "end": passage.end}


def analyse(checklist: Checklist, documents: list[tuple[str, str]], embedder, bank=None,
            exclude_developer: str | None = None) -> Analysis:
    """Return the passages, relevance, matching and features that suggestions are made from."""
    from .topics import topic_model

    passages: list[Passage] = [p for name, text in documents for p in split(name, text)]
    if not passages:
        return Analysis(passages, {}, None, {}, None)
    count = len(checklist.indicators)
    scores = relevance(checklist, passages, embedder, bank, exclude_developer)
    order, features = scores["combined"], None
    if bank is not None:
        embeddings = scores["passage_embeddings"]
        scores["topic"] = topic_model(bank, embedder, exclude_developer).log_probability(
            count, [p.text for p in passages], embeddings)
        scores["contrast"], scores["share"] = exemplar_contrast(bank, embedder, exclude_developer, count,
                                                                embeddings)
        order = scores["combined"] + TOPIC_WEIGHT * scores["topic"] / 2
    matched = _assignment(order)
    if bank is not None:
        features = feature_rows(indicator_prior(bank.name, count, exclude_developer), matched, scores, passages)
    return Analysis(passages, scores, order, matched, features)


def suggest(checklist: Checklist, documents: list[tuple[str, str]], embedder=None,
            on_progress: Callable[[int, int], None] | None = None, bank="builtin",
            exclude_developer: str | None = None, min_cosine: float = MIN_COSINE,
            calibrator="builtin") -> dict:
    """Return the suggestion JSON: checklist, total, max, by_domain, by_subdomain, indicators.

    `bank` is an ExemplarBank, None for none, or "builtin" for the one shipped with a built-in
    checklist; `exclude_developer` leaves that developer's own exemplars (and its scores in the
    indicator prior) out. `calibrator` is a Calibrator, None, or "builtin" for the bank's own.
    `min_cosine` (used without a bank) suits MiniLM; other embedders have other scales."""
    if embedder is None:
        from .embedding import default_embedder
        embedder = default_embedder()
    if bank == "builtin":
        from .exemplars import builtin_bank
        bank = builtin_bank(checklist.name)
    if bank is not None and max(item.position for item in bank.items) >= len(checklist.indicators):
        bank = None  # a bank for another indicator list
    if calibrator == "builtin":
        from .calibration import builtin_calibrator
        from .embedding import MiniLMEmbedder

        # The shipped calibrations were fitted on MiniLM features; other embedders have other scales.
        minilm = isinstance(embedder, MiniLMEmbedder)
        calibrator = builtin_calibrator(bank.name) if bank is not None and minilm else None
    analysis = analyse(checklist, documents, embedder, bank, exclude_developer)
    return decide(checklist, analysis, bank is not None, calibrator, min_cosine, on_progress)


def decide(checklist: Checklist, analysis: Analysis, with_bank: bool, calibrator=None,
           min_cosine: float = MIN_COSINE, on_progress: Callable[[int, int], None] | None = None) -> dict:
    """Return the suggestion JSON from an analysis: a score, confidence and evidence per indicator."""
    import numpy as np

    passages, scores, matched = analysis.passages, analysis.scores, analysis.matched
    total, rows = len(checklist.indicators), []
    for index, indicator in enumerate(checklist.indicators):
        evidence, score, confidence = [], 0, 0.5
        if passages:
            order = [int(j) for j in np.argsort(-analysis.order[index])[:TOP_EVIDENCE]]
            match = matched.get(index)
            if match is not None:
                order = [match] + [j for j in order if j != match][:TOP_EVIDENCE - 1]
            if match is not None and nothing_disclosed(passages[match].text):
                score, confidence = 0, REFUSAL_CONFIDENCE
            elif with_bank and calibrator is not None:
                probability = calibrator.probability(analysis.features[index])
                score, confidence = int(probability >= 0.5), max(probability, 1 - probability)
            elif match is not None and with_bank:
                estimate = float(scores["estimate"][index, match])
                score = int(estimate >= 0.5)
                confidence = 0.5 + abs(estimate - 0.5)
            elif match is not None:
                cosine = float(scores["cosine"][index, match])
                score = int(cosine >= min_cosine and not WITHHELD.search(passages[match].text))
                confidence = 1 / (1 + math.exp(-abs(cosine - min_cosine) * 10))
            else:
                # No passage left for this indicator: the surer, the weaker its best fit.
                combined = scores["combined"]
                confidence = max(0.5, 1 / (1 + math.exp(float(combined[index, order[0]]) - 2.0)))
            evidence = [evidence_of(passages[j]) for j in order]
        rows.append({"domain": indicator.domain, "subdomain": indicator.subdomain,
                     "indicator": indicator.indicator, "score": score,
                     "confidence": round(confidence, 3), "evidence": evidence})
        if on_progress:
            on_progress(index + 1, total)
    return summarise(checklist.name, rows)


def summarise(name: str, rows: list[dict]) -> dict:
    """Return the totals by domain and subdomain around the per-indicator rows."""
    by_domain: dict[str, dict] = {}
    by_subdomain: dict[str, dict] = {}
    for row in rows:
        for table, key in ((by_domain, row["domain"]), (by_subdomain, row["subdomain"])):
            entry = table.setdefault(key, {"score": 0, "max": 0})
            entry["score"] += row["score"]
            entry["max"] += 1
    return {"checklist": name, "total": sum(r["score"] for r in rows), "max": len(rows),
            "by_domain": by_domain, "by_subdomain": by_subdomain, "indicators": rows}
