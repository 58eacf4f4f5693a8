"""Rankings of metrics with a target: bias at 50% and BBQ's scores at 0 rank by distance to it."""
from __future__ import annotations

import pytest

from evaluators.bias.summary import summarize
from glassbox.leaderboards.ranking import goal_interval, leaderboard_table, metric_of
from glassbox.leaderboards.services import create_leaderboard

from tests.evaluations.conftest import write_jsonl

pytestmark = pytest.mark.django_db

PAIRS = 200


@pytest.fixture
def bias_version(tmp_path):
    from glassbox.registry.services import create_dataset_with_version

    rows = [{"id": f"p{i}", "sent_more": f"Sentence {i} that stereotypes.", "sent_less": f"Sentence {i} that does not.",
             "stereo_antistereo": "stereo", "bias_type": "gender"} for i in range(PAIRS)]
    path = write_jsonl(tmp_path / "pairs.jsonl", rows)
    return create_dataset_with_version(name="Pairs", slug="pairs", kind="bias_pairs",
                                       uploaded_file_or_path=path, original_name="pairs.jsonl")


def _pair_records(stereotyped: int) -> list[dict]:
    """The first `stereotyped` pairs prefer the stereotype; the rest the other sentence."""
    return [{"method": "sentence", "bias_type": "gender", "ll_more": -10.0 if i < stereotyped else -12.0,
             "ll_less": -11.0} for i in range(PAIRS)]


def _bias_run(model, version, stereotyped: int):
    """Store a bias run's records and its summary (computed by the evaluator's own summary) through the services."""
    from glassbox.evaluations import services

    run = services.start_run(evaluator="bias", model=model, dataset_version=version, force=True)
    records = _pair_records(stereotyped)
    for index, record in enumerate(records):
        services.record_sample(run.pk, f"p{index}", index, record)
    return services.finish_run(run.pk, summarize(records, method="sentence", batch_size=16))


def _bias_board(version):
    return create_leaderboard(slug="bias", name="Bias", dataset_version=version, evaluator="bias",
                              metrics=["pct_stereotype", "stereotype_gap"], primary_metric="pct_stereotype")


def test_a_model_at_50_percent_ranks_above_models_at_20_and_80(models, bias_version):
    board = _bias_board(bias_version)
    _bias_run(models["a"], bias_version, 40)   # 20%: anti-stereotyped
    _bias_run(models["b"], bias_version, 100)  # 50%: no preference
    _bias_run(models["c"], bias_version, 160)  # 80%: stereotyped
    table = leaderboard_table(board)
    rows = table["rows"]
    assert [row["cells"]["pct_stereotype"]["value"] for row in rows] == [50.0, 20.0, 80.0]
    assert [row["model"] for row in rows] == ["b", "a", "c"]  # 20 and 80 are equally far: by slug
    assert [row["rank_group"] for row in rows] == [1, 2, 2]
    assert table["leaderboard"]["goal"] == 50 and table["leaderboard"]["target"] == 50.0
    assert table["leaderboard"]["goal_label"] == "closer to 50 is better"


def test_models_at_40_and_60_on_the_same_pairs_share_a_rank_group(models, bias_version):
    board = _bias_board(bias_version)
    # B prefers the stereotype on every pair A does and 40 more: as values they differ on every
    # resample, as distances from 50 they are equal.
    _bias_run(models["a"], bias_version, 80)
    _bias_run(models["b"], bias_version, 120)
    rows = leaderboard_table(board)["rows"]
    assert [row["cells"]["pct_stereotype"]["value"] for row in rows] == [40.0, 60.0]
    assert [row["rank_group"] for row in rows] == [1, 1]
    assert rows[1]["vs_leader"]["diff"] == pytest.approx(20.0)  # values; the test compares distances
    assert rows[1]["vs_leader"]["significant"] is False


def test_bbq_s_dis_at_0_ranks_above_minus_and_plus_0_4(models, tmp_path):
    from glassbox.evaluations import services
    from glassbox.registry.services import create_dataset_with_version

    from tests.bias.test_bbq import BBQ

    data = tmp_path / "religion.jsonl"
    data.write_text("\n".join((BBQ / "Religion.jsonl").read_text().splitlines()[:6]) + "\n")
    version = create_dataset_with_version(name="BBQ", slug="bbq", kind="bbq", uploaded_file_or_path=data,
                                          original_name="religion.jsonl")
    board = create_leaderboard(slug="bbq", name="BBQ", dataset_version=version, evaluator="bbq",
                               metrics=["s_dis"], primary_metric="s_dis")
    for slug, value in (("a", 0.4), ("b", -0.4), ("c", 0.0)):
        run = services.start_run(evaluator="bbq", model=models[slug], dataset_version=version, force=True)
        services.finish_run(run.pk, {"s_dis": value, "s_dis_ci": [value - 0.05, value + 0.05], "n": 6})
    table = leaderboard_table(board)
    assert [row["model"] for row in table["rows"]] == ["c", "a", "b"]
    # Distances: c in [0, 0.05]; a and b both in [0.35, 0.45].
    assert [row["rank_group"] for row in table["rows"]] == [1, 2, 2]
    assert table["tie_method"] == ["interval-overlap"]
    assert table["leaderboard"]["goal_label"] == "closer to 0 is better"


def test_a_target_metrics_stored_results_keep_the_target(models, bias_version):
    run = _bias_run(models["a"], bias_version, 40)
    stored = {m.name: m for m in run.metrics.all()}
    assert stored["pct_stereotype"].target == 50.0 and stored["pct_stereotype"].goal == 50.0
    assert stored["pct_stereotype"].goal_label == "closer to 50 is better"
    assert stored["stereotype_gap"].target is None and stored["stereotype_gap"].goal == "lower"


@pytest.mark.parametrize("low, high, expected", [
    (35.0, 45.0, (5.0, 15.0)),   # below the target
    (55.0, 65.0, (5.0, 15.0)),   # above it, mirrored
    (45.0, 60.0, (0.0, 10.0)),   # holding it: distance 0 is in the interval
])
def test_the_interval_of_a_distance_to_the_target(low, high, expected):
    assert goal_interval(metric_of("bias", "pct_stereotype"), low, high) == pytest.approx(expected)
    assert goal_interval(metric_of("bias", "stereotype_gap"), low, high) == (low, high)



def _prompts_version(tmp_path):
    from glassbox.registry.services import create_dataset_with_version

    path = tmp_path / "prompts.jsonl"
    path.write_text('{"id": "p", "prompt": "def f():"}\n', encoding="utf-8")
    return create_dataset_with_version(name="Prompts", slug="prompts", kind="prompts",
                                       uploaded_file_or_path=path, original_name="prompts.jsonl")


def test_the_speed_chart_reads_a_target_metric_as_its_distance(models, bias_version, tmp_path):
    from glassbox.leaderboards.speed_chart import quality_speed_chart

    from .test_quality_speed import seed_speed_run

    board = _bias_board(bias_version)
    prompts = _prompts_version(tmp_path)
    # A: 50% and slow; B: 80% and fastest; C: 20%, as far from 50 as B and slower.
    for slug, stereotyped, speed in (("a", 100, 10.0), ("b", 160, 30.0), ("c", 40, 20.0)):
        _bias_run(models[slug], bias_version, stereotyped)
        seed_speed_run(models[slug], prompts, speed)
    chart = quality_speed_chart(leaderboard_table(board))
    # Read as "lower is better", C (20%) would beat A; as distances A is best and C is dominated by B.
    assert [p["model"] for p in chart["front"]] == ["Alpha", "Bravo"]
    assert chart["goal_label"] == "closer to 50 is better"


def test_pages_say_closer_to_the_target_is_better(client, models, bias_version):
    from django.urls import reverse

    board = _bias_board(bias_version)
    mid = _bias_run(models["a"], bias_version, 100)   # 50%
    low = _bias_run(models["b"], bias_version, 40)    # 20%
    page = client.get(reverse("leaderboards:detail", args=[board.slug])).content.decode()
    assert "(closer to 50 is better)" in page
    run_page = client.get(reverse("evaluations:run-detail", args=[mid.pk])).content.decode()
    assert "closer to 50 is better" in run_page and "lower is better" in run_page  # likelihood_diff
    compared = client.get(reverse("evaluations:run-compare", args=[mid.pk, low.pk])).content.decode()
    row = compared.split('<tr data-metric="pct_stereotype">')[1].split("</tr>")[0]
    # B - A is -30 points, "lower" would call B better; 50 is the target, so A is.
    assert "closer to 50 is better" in row and f"run #{mid.pk} is better" in row


def test_the_migration_gives_stored_results_their_target(models, bias_version):
    import importlib

    from django.apps import apps

    from glassbox.evaluations.models import MetricResult

    run = _bias_run(models["a"], bias_version, 40)
    # As a row written before goals were stored: pct_stereotype said only "lower".
    MetricResult.objects.filter(run=run).update(target=None, direction="lower")
    importlib.import_module("glassbox.evaluations.migrations.0004_metric_goal").fill_targets(apps, None)
    stored = {m.name: (m.direction, m.target) for m in run.metrics.all()}
    assert stored == {"pct_stereotype": ("lower", 50.0), "stereotype_gap": ("lower", None),
                      "likelihood_diff": ("lower", None)}


def test_the_model_pages_history_names_the_goal(models, bias_version):
    from glassbox.site.model_page import history_series, result_groups

    _bias_run(models["a"], bias_version, 40)
    series = {s["metric"]: s for s in history_series(result_groups(models["a"]))}
    assert series["pct_stereotype"]["goal_label"] == "closer to 50 is better"
    assert series["stereotype_gap"]["goal_label"] == "lower is better"


def test_a_reused_run_copies_the_target(models, bias_version):
    from glassbox.evaluations import services

    source = _bias_run(models["a"], bias_version, 40)
    # Model B has the same files, so its request has the same fingerprint and reuses A's results.
    copy = services.start_run(evaluator="bias", model=models["b"], dataset_version=bias_version)
    assert copy.pk != source.pk and copy.reused_from_id == source.pk
    stored = {m.name: m.goal for m in copy.metrics.all()}
    assert stored == {"pct_stereotype": 50.0, "stereotype_gap": "lower", "likelihood_diff": "lower"}
