"""Corpus BLEU ranks by the paired bootstrap over its sufficient statistics; runs recorded before
codegen records kept statistics fall back to overlapping intervals and say why."""
from __future__ import annotations

import random

import pytest

from glassbox.leaderboards.ranking import leaderboard_table
from glassbox.leaderboards.services import create_leaderboard

pytestmark = pytest.mark.django_db
PARAMS = {"max_new_tokens": 64}


def _corpus(keep: float, n: int = 120, seed: int = 11) -> tuple[list[str], list[str]]:
    """Return (references, hypotheses) where each hypothesis word is the reference's with
    probability `keep`; the same seed gives the same references for every system."""
    words = random.Random(seed)
    noise = random.Random(int(keep * 1000))
    vocab = [f"t{i}" for i in range(80)]
    refs = [" ".join(words.choice(vocab) for _ in range(words.randint(6, 14))) for _ in range(n)]
    hyps = [" ".join(w if noise.random() < keep else noise.choice(vocab) for w in ref.split()) for ref in refs]
    return refs, hyps


def _run(model, version, keep: float, *, with_stats: bool = True):
    from sacrebleu.metrics import BLEU

    from evaluators.codemetrics.bleu import corpus_stats
    from glassbox.evaluations import services

    refs, hyps = _corpus(keep)
    bleu = BLEU().corpus_score(hyps, [refs]).score
    run = services.start_run(evaluator="codegen", model=model, dataset_version=version, params=PARAMS, force=True)
    for index, row in enumerate(corpus_stats(hyps, [[r] for r in refs])[1]):
        record = {"generation": hyps[index], "scores": {"exact_match": 0.0}}
        if with_stats:
            record["stats"] = {"sacrebleu": row}
        services.record_sample(run.pk, f"s{index}", index, record)
    # Wide stored intervals that overlap: only the paired test can tell these runs apart.
    services.finish_run(run.pk, {"bleu": bleu, "bleu_ci": [bleu - 30, bleu + 30], "n": len(refs)})
    return bleu


def _board(version):
    return create_leaderboard(slug="bleu", name="BLEU", dataset_version=version, evaluator="codegen",
                              metrics=["bleu"], primary_metric="bleu", params=PARAMS)


def test_bleu_rank_groups_come_from_the_paired_bootstrap(models, code_version):
    board = _board(code_version)
    bleu_a = _run(models["a"], code_version, 0.9)
    bleu_b = _run(models["b"], code_version, 0.88)
    _run(models["c"], code_version, 0.6)
    table = leaderboard_table(board)
    rows = table["rows"]
    # The stored intervals of all three overlap; the paired test still separates c.
    assert [row["model"] for row in rows] == ["a", "b", "c"] and [row["rank_group"] for row in rows] == [1, 1, 2]
    versus = rows[1]["vs_leader"]
    assert table["tie_method"] == ["paired-bootstrap"] and versus["method"] == "paired-bootstrap"
    assert versus["n"] == 120 and versus["diff"] == pytest.approx(bleu_b - bleu_a) and bleu_b < bleu_a
    assert versus["ci"][0] < versus["diff"] < 0 < versus["ci"][1] and versus["p_value"] > 0.05
    assert rows[2]["vs_leader"] is None  # c leads its own group


def test_records_without_statistics_fall_back_to_interval_overlap(models, code_version):
    board = _board(code_version)
    _run(models["a"], code_version, 0.9, with_stats=False)
    _run(models["b"], code_version, 0.6, with_stats=False)
    table = leaderboard_table(board)
    versus = table["rows"][1]["vs_leader"]
    assert table["tie_method"] == ["interval-overlap"] and versus["method"] == "interval-overlap"
    assert "statistics" in versus["reason"]
    assert [row["rank_group"] for row in table["rows"]] == [1, 1]  # the stored intervals overlap
