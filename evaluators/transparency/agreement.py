"""Agreement between two raters' 0/1 scores."""
from __future__ import annotations


def percent_agreement(a: list[int], b: list[int]) -> float:
    """Return the share of items (0..1) on which both raters gave the same score."""
    if not a or len(a) != len(b):
        raise ValueError("need two equally long, non-empty lists of scores")
    return sum(x == y for x, y in zip(a, b)) / len(a)


def cohen_kappa(a: list[int], b: list[int]) -> float:
    """Return Cohen's kappa: agreement beyond what the raters' own score rates give by chance.

    When both raters give one and the same score to every item, chance agreement is 1 and
    kappa is undefined; we return 1.0 then (they agree perfectly)."""
    observed = percent_agreement(a, b)
    labels = set(a) | set(b)
    n = len(a)
    expected = sum((a.count(label) / n) * (b.count(label) / n) for label in labels)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)
