"""The demo's leaderboards take exactly the spec of the demo runs, so `make run` fills them."""
from __future__ import annotations

import io

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("module,slug,evaluator", [("codegen", "demo-python-tasks", "codegen"),
                                                   ("perplexity", "demo-stdlib-heldout", "perplexity"),
                                                   ("glitch", "demo-glitch-tokens", "glitch-tokens"),
                                                   ("truthfulqa", "demo-truthfulqa", "truthfulqa")])
def test_a_demo_seed_makes_one_board_that_its_runs_fill(module, slug, evaluator, models, enqueued, settings,
                                                        tmp_path):
    import importlib

    from glassbox.evaluations.models import Run
    from glassbox.leaderboards.models import Leaderboard

    settings.VAR_DIR = tmp_path
    seed = importlib.import_module(f"glassbox.site.demo.{module}").seed
    seed({"base": models["a"]}, io.StringIO())
    from glassbox.leaderboards.ranking import latest_runs

    board = Leaderboard.objects.get(slug=slug)
    run = Run.objects.get(evaluator=evaluator, model=models["a"])
    # The board holds every precision ("auto"); the run names the format it ran in.
    assert (board.evaluator, board.dataset_version_id) == (evaluator, run.dataset_version_id)
    assert board.spec == {**run.spec, "precision": "auto"} and run.spec["precision"] == "float32"
    run.status = Run.Status.SUCCEEDED
    run.save()
    assert [r.pk for r in latest_runs(board)] == [run.pk]
    seed({"base": models["a"]}, io.StringIO())  # seeding again keeps the one board
    assert Leaderboard.objects.filter(slug=slug).count() == 1


@pytest.mark.usefixtures("sandbox_ready")
def test_the_pass_at_k_demo_ranks_uploads_of_known_behaviour_beside_the_models(models, enqueued, settings,
                                                                               tmp_path, monkeypatch):
    from glassbox.evaluations import execution
    from glassbox.evaluations.models import Run
    from glassbox.leaderboards.models import Leaderboard
    from glassbox.leaderboards.ranking import latest_runs
    from glassbox.site.demo import passk

    settings.VAR_DIR = tmp_path
    # The test model's context is 128 tokens, a quarter of the demo model's.
    monkeypatch.setattr(passk, "DEMO_PARAMS", {**passk.DEMO_PARAMS, "max_new_tokens": 16})
    passk.seed({"base": models["a"]}, io.StringIO())
    uploads = Run.objects.filter(evaluator="passk").exclude(model=models["a"])
    assert sorted(run.model.slug for run in uploads) == ["demo-half-broken", "humaneval-canonical"]
    for run in uploads:
        execution.execute(run.pk)
    values = {run.model.slug: run.metrics.get(name="pass@1").value for run in Run.objects.filter(pk__in=uploads)}
    assert values == {"humaneval-canonical": 1.0, "demo-half-broken": 0.5}
    half = Run.objects.get(model__slug="demo-half-broken")
    # Ten broken problems in turn: a wrong answer, an exception, an endless loop, exit(0).
    assert half.summary["outcomes"] == {"failed: AssertionError": 3, "failed: SystemExit": 2,
                                        "failed: ValueError": 3, "passed": 10, "timed out": 2}
    board = Leaderboard.objects.get(slug="demo-humaneval")
    assert set(run.pk for run in latest_runs(board)) == set(uploads.values_list("pk", flat=True))
    passk.seed({"base": models["a"]}, io.StringIO())  # seeding again registers nothing twice
    assert Run.objects.filter(evaluator="passk").count() == 3
