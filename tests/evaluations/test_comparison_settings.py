"""The run comparison and the leaderboards bootstrap alike, so they never disagree about one pair."""
from __future__ import annotations


def test_the_comparison_bootstraps_like_the_leaderboards():
    from glassbox.evaluations import comparison
    from glassbox.leaderboards import ranking

    assert (comparison.RESAMPLES, comparison.SEED) == (ranking.RESAMPLES, ranking.SEED) == (1000, 0)
