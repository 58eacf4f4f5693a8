"""Suggested indicator scores with a confidence and the passages that support them.

Passages and indicators are matched one to one (a passage answers one indicator), maximising the
total relevance. A matched indicator is suggested 1 when its passage earns the point: with an
exemplar bank, when the experts' scores of the most similar exemplars say so; without one, when
the passage is close enough to the indicator and does not just say the thing is withheld.
"""
from __future__ import annotations

import math
import re
from typing import Callable

from .checklists import Checklist
from .passages import Passage, split
from .ranking import relevance

TOP_EVIDENCE = 3
MIN_COSINE = 0.25  # without exemplars: below this the passage is not about the indicator at all
_WITHHELD = re.compile(r"\b(not (publicly )?disclosed?|do(es)? not (publicly )?(disclose|share|provide|release)|"
                       r"no (public )?information|cannot (share|disclose))\b", re.I)


def _assignment(combined) -> dict[int, int]:
    """Return {indicator: passage}: a one-to-one matching that maximises total relevance.

    One strong passage cannot earn points for a dozen neighbouring indicators this way."""
    from scipy.optimize import linear_sum_assignment

    rows, columns = linear_sum_assignment(-combined)
    return dict(zip(rows.tolist(), columns.tolist()))


def evidence_of(passage: Passage) -> dict:
    """Return a passage as an evidence entry."""
    return {"document": passage.document, "quote": passage.text, "start": passage.start, "end": passage.end}


def suggest(checklist: Checklist, documents: list[tuple[str, str]], embedder=None,
            on_progress: Callable[[int, int], None] | None = None, bank="builtin",
            exclude_developer: str | None = None, min_cosine: float = MIN_COSINE) -> dict:
    """Return the suggestion JSON: checklist, total, max, by_domain, by_subdomain, indicators.

    `bank` is an ExemplarBank, None for none, or "builtin" for the one shipped with a built-in
    checklist; `exclude_developer` leaves that developer's own exemplars out. `min_cosine` (used
    without a bank) suits MiniLM; other embedders have other scales."""
    import numpy as np

    if embedder is None:
        from .embedding import default_embedder
        embedder = default_embedder()
    if bank == "builtin":
        from .exemplars import builtin_bank
        bank = builtin_bank(checklist.name)
    if bank is not None and max(item.position for item in bank.items) >= len(checklist.indicators):
        bank = None  # a bank for another indicator list
    passages: list[Passage] = [p for name, text in documents for p in split(name, text)]
    total, rows = len(checklist.indicators), []
    if passages:
        scores = relevance(checklist, passages, embedder, bank, exclude_developer)
        combined, matched = scores["combined"], _assignment(scores["combined"])
    for index, indicator in enumerate(checklist.indicators):
        evidence, score, confidence = [], 0, 0.5
        if passages:
            order = [int(j) for j in np.argsort(-combined[index])[:TOP_EVIDENCE]]
            match = matched.get(index)
            if match is not None:
                order = [match] + [j for j in order if j != match][:TOP_EVIDENCE - 1]
                if bank is not None:
                    estimate = float(scores["estimate"][index, match])
                    score = int(estimate >= 0.5)
                    confidence = 0.5 + abs(estimate - 0.5)
                else:
                    cosine = float(scores["cosine"][index, match])
                    score = int(cosine >= min_cosine and not _WITHHELD.search(passages[match].text))
                    confidence = 1 / (1 + math.exp(-abs(cosine - min_cosine) * 10))
            else:
                # No passage left for this indicator: the surer, the weaker its best fit.
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
