"""Ranking: one row per model, latest run of the same spec, rank groups from the paired bootstrap."""
from __future__ import annotations

import math

import numpy as np
import pytest

from glassbox.leaderboards.ranking import leaderboard_table
from glassbox.leaderboards.services import LeaderboardError, create_leaderboard

from .conftest import TOKENS

pytestmark = pytest.mark.django_db


def _reference_interval(nll_a, nll_b, resamples=1000, seed=0):
    """The 95% interval of ppl(a) - ppl(b), one resample at a time."""
    tokens = np.array(TOKENS, dtype=float)
    idx = np.random.default_rng(seed).integers(0, len(tokens), size=(resamples, len(tokens)))
    diffs = [math.exp(np.sum(nll_a[i]) / tokens[i].sum()) - math.exp(np.sum(nll_b[i]) / tokens[i].sum())
             for i in idx]
    return np.percentile(diffs, [2.5, 97.5])


def test_rows_ranks_and_groups(board, seeded):
    table = leaderboard_table(board)
    rows = table["rows"]
    assert [row["model"] for row in rows] == ["a", "b", "c", "d"]
    assert [row["rank_group"] for row in rows] == [1, 2, 2, 3]
    assert [row["run"] for row in rows] == [seeded[m].pk for m in "abcd"]
    assert rows[0]["cells"]["perplexity"]["value"] == pytest.approx(math.exp(2.0))
    assert rows[0]["cells"]["perplexity"]["ci_low"] == pytest.approx(math.exp(2.0) - 0.5)
    assert rows[1]["cells"]["bits_per_byte"]["value"] == pytest.approx(2.5 / math.log(2))
    assert rows[0]["fingerprint"] == seeded["a"].fingerprint
    assert table["leaderboard"]["direction"] == "lower"
    assert table["tie_method"] == ["paired-bootstrap"]

    tokens = np.array(TOKENS, dtype=float)
    nll_b = 2.5 * tokens
    nll_c = nll_b + np.array([2, -2, 2, -2, 2, -1])
    low, high = _reference_interval(nll_c, nll_b)
    assert low < 0 < high
    assert rows[2]["vs_leader"]["ci"] == pytest.approx([low, high])
    assert rows[2]["group_leader"] == "b"
    assert rows[3]["vs_leader"] is None  # D leads its own group


def test_higher_is_better_metric_sorts_descending(models, code_version):
    from glassbox.evaluations import services

    board = create_leaderboard(slug="em", name="EM", dataset_version=code_version, evaluator="codegen",
                               metrics=["exact_match"], primary_metric="exact_match", params={"max_new_tokens": 64})
    for slug, value in (("a", 0.2), ("b", 0.9), ("c", 0.5)):
        run = services.start_run(evaluator="codegen", model=models[slug], dataset_version=code_version,
                                 params={"max_new_tokens": 64}, force=True)
        services.finish_run(run.pk, {"exact_match": value, "exact_match_ci": [value - 0.01, value + 0.01],
                                     "n": 1})
    table = leaderboard_table(board)
    assert table["leaderboard"]["direction"] == "higher"
    assert [row["model"] for row in table["rows"]] == ["b", "c", "a"]
    assert [row["rank_group"] for row in table["rows"]] == [1, 2, 3]


def test_intervals_overlap_fallback_without_records(board, models, text_version):
    from glassbox.evaluations import services

    for slug, value, ci in (("a", 10.0, (9.0, 11.0)), ("b", 10.5, (10.2, 11.5)), ("c", 13.0, (12.0, 14.0))):
        run = services.start_run(evaluator="perplexity", model=models[slug], dataset_version=text_version,
                                 force=True)
        services.finish_run(run.pk, {"perplexity": value, "perplexity_ci": list(ci), "n": 6})
    table = leaderboard_table(board)
    assert [row["rank_group"] for row in table["rows"]] == [1, 1, 2]
    assert table["tie_method"] == ["interval-overlap"]


@pytest.mark.parametrize("kwargs, field", [
    ({"evaluator": "nope"}, "evaluator"),
    ({"evaluator": "codegen"}, "dataset_version"),
    ({"metrics": ["bleu"]}, "metrics"),
    ({"params": {"stride": "x"}}, "params"),
])
def test_bad_leaderboards_are_refused(text_version, kwargs, field):
    base = {"slug": "x", "name": "X", "dataset_version": text_version, "evaluator": "perplexity",
            "metrics": ["perplexity"], "primary_metric": "perplexity"}
    with pytest.raises(LeaderboardError) as caught:
        create_leaderboard(**{**base, **kwargs})
    assert caught.value.field == field
