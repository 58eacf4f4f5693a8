"""The quality-versus-speed chart: the Pareto front by hand, and each model's latest speed run."""
from __future__ import annotations

import math

import pytest

from glassbox.leaderboards.pareto import pareto_front

pytestmark = pytest.mark.django_db


def test_pareto_front_by_hand():
    #            fast, bad     slow, good   dominated    middle       same speed as 0, better
    points = [(100.0, 0.2), (10.0, 0.9), (50.0, 0.3), (60.0, 0.6), (100.0, 0.25)]
    assert pareto_front(points) == [1, 3, 4]
    # Lower-is-better quality (perplexity): now the low values win.
    assert pareto_front(points, "higher", "lower") == [0]  # fastest and lowest at once
    assert pareto_front([(1.0, 5.0), (2.0, 4.0), (3.0, 3.0)], "higher", "lower") == [2]
    assert pareto_front([]) == []
    assert pareto_front([(1.0, 1.0), (1.0, 1.0)]) == [0, 1]  # equal points do not dominate each other


def seed_speed_run(model, version, tokens_per_s: float):
    from glassbox.evaluations import services

    run = services.start_run(evaluator="speed", model=model, dataset_version=version, params={"variants": "greedy"})
    return services.finish_run(run.pk, {"output_tokens_per_s": tokens_per_s, "n": 1})


@pytest.fixture
def prompts_version(tmp_path):
    from glassbox.registry.services import create_dataset_with_version

    path = tmp_path / "prompts.jsonl"
    path.write_text('{"id": "p", "prompt": "def f():"}\n', encoding="utf-8")
    return create_dataset_with_version(name="Prompts", slug="prompts", kind="prompts",
                                       uploaded_file_or_path=path, original_name="prompts.jsonl")


def test_the_chart_uses_each_models_latest_speed_run(seeded, models, board, prompts_version,
                                                     django_assert_max_num_queries):
    from glassbox.leaderboards.ranking import leaderboard_table
    from glassbox.leaderboards.speed_chart import quality_speed_chart

    seed_speed_run(models["a"], prompts_version, 10.0)   # replaced by A's later run
    seed_speed_run(models["a"], prompts_version, 40.0)
    seed_speed_run(models["b"], prompts_version, 80.0)
    seed_speed_run(models["d"], prompts_version, 20.0)
    table = leaderboard_table(board)
    with django_assert_max_num_queries(2):
        chart = quality_speed_chart(table)
    by_model = {p["model"]: p for p in chart["points"]}
    assert set(by_model) == {"Alpha", "Bravo", "=Delta"}  # Charlie has no speed run
    assert by_model["Alpha"]["tokens_per_s"] == 40.0
    assert by_model["Bravo"]["quality"] == pytest.approx(math.exp(2.5))  # 2.5 nats per token, seeded
    # Perplexity: lower is better. A is best and B fastest; D is slower and worse than A.
    assert chart["direction"] == "lower"
    assert [p["model"] for p in chart["front"]] == ["Alpha", "Bravo"]
    assert by_model["=Delta"]["pareto"] is False


def test_the_leaderboard_page_draws_the_quality_speed_chart(client, seeded, models, board, prompts_version):
    import json

    from django.urls import reverse

    seed_speed_run(models["a"], prompts_version, 40.0)
    seed_speed_run(models["d"], prompts_version, 20.0)
    page = client.get(reverse("leaderboards:detail", args=[board.slug])).content.decode()
    data = json.loads(page.split('id="quality-speed-data" type="application/json">')[1].split("</script>")[0])
    assert {p["model"] for p in data["points"]} == {"Alpha", "=Delta"}
    assert [p["model"] for p in data["front"]] == ["Alpha"]
    assert 'id="quality-speed-chart"' in page
