"""What a paired-sentence bias run page shows: per-category bars and the pair browser."""
from __future__ import annotations

from ..core.pages import Panel, SampleScore


def ll_gap(record: dict) -> float:
    return record["ll_more"] - record["ll_less"]


PAGE = (Panel("bias-pairs"),)

SAMPLE_SCORE = SampleScore("log-likelihood gap, more minus less stereotyped", ll_gap)
