"""Every run names its numeric format: `auto` resolves when a run is requested, the format is part of
the fingerprint, and a leaderboard holds one row per model and format unless it names one."""
from __future__ import annotations

import csv
import io

import pytest

from .conftest import TOKENS, seed_run

pytestmark = pytest.mark.django_db


def test_auto_becomes_the_workers_format_when_a_run_is_requested(models, text_version, settings):
    from glassbox.evaluations import services

    run = services.start_run(evaluator="perplexity", model=models["a"], dataset_version=text_version)
    assert run.spec["precision"] == "float32"
    settings.GLASSBOX_AUTO_PRECISION = "bfloat16"
    gpu = services.start_run(evaluator="perplexity", model=models["a"], dataset_version=text_version)
    assert gpu.spec["precision"] == "bfloat16" and gpu.pk != run.pk and gpu.fingerprint != run.fingerprint
    # Asking for the resolved format by name is the same request as auto was.
    named = services.start_run(evaluator="perplexity", model=models["a"], dataset_version=text_version,
                               params={"precision": "bfloat16"})
    assert named.pk == gpu.pk


def test_the_same_spec_in_another_format_is_another_run(models, text_version):
    from glassbox.evaluations import services

    full = services.start_run(evaluator="perplexity", model=models["a"], dataset_version=text_version,
                              params={"precision": "float32"})
    int8 = services.start_run(evaluator="perplexity", model=models["a"], dataset_version=text_version,
                              params={"precision": "int8"})
    assert int8.pk != full.pk and int8.fingerprint != full.fingerprint


def test_an_unknown_format_is_refused_when_requested(models, text_version):
    from glassbox.evaluations import services
    from glassbox.evaluations.requests import RequestError

    with pytest.raises(RequestError, match="parameter 'precision' must be one of auto, float32") as caught:
        services.start_run(evaluator="perplexity", model=models["a"], dataset_version=text_version,
                           params={"precision": "fp4"})
    assert caught.value.field == "params"


def test_a_board_for_every_format_has_a_row_per_model_and_format_and_a_board_for_one_only_its(
        models, text_version, board):
    from glassbox.leaderboards.exports import table_csv
    from glassbox.leaderboards.ranking import leaderboard_table
    from glassbox.leaderboards.services import create_leaderboard

    per_token = lambda rate: [rate * t for t in TOKENS]  # noqa: E731
    seed_run(models["a"], text_version, per_token(2.0), params={"precision": "float32"})
    seed_run(models["a"], text_version, per_token(2.1), params={"precision": "int8"})
    seed_run(models["b"], text_version, per_token(2.5), params={"precision": "float32"})
    table = leaderboard_table(board)
    assert [(row["model"], row["precision"]) for row in table["rows"]] == [("a", "float32"), ("a", "int8"),
                                                                          ("b", "float32")]
    lines = list(csv.reader(io.StringIO(table_csv(table))))
    assert lines[0][:4] == ["rank_group", "model", "model_name", "precision"]
    assert [line[3] for line in lines[1:]] == ["float32", "int8", "float32"]

    int8_only = create_leaderboard(slug="ppl-int8", name="int8 only", dataset_version=text_version,
                                   evaluator="perplexity", metrics=["perplexity"], primary_metric="perplexity",
                                   params={"precision": "int8"})
    assert [(row["model"], row["precision"]) for row in leaderboard_table(int8_only)["rows"]] == [("a", "int8")]
