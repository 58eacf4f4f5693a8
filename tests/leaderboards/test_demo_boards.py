"""The demo's leaderboards take exactly the spec of the demo runs, so `make run` fills them."""
from __future__ import annotations

import io

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("module,slug,evaluator", [("codegen", "demo-python-tasks", "codegen"),
                                                   ("perplexity", "demo-stdlib-heldout", "perplexity")])
def test_a_demo_seed_makes_one_board_that_its_runs_fill(module, slug, evaluator, models, enqueued, settings,
                                                        tmp_path):
    import importlib

    from glassbox.evaluations.models import Run
    from glassbox.leaderboards.models import Leaderboard

    settings.VAR_DIR = tmp_path
    seed = importlib.import_module(f"glassbox.site.demo.{module}").seed
    seed({"base": models["a"]}, io.StringIO())
    board = Leaderboard.objects.get(slug=slug)
    run = Run.objects.get(evaluator=evaluator, model=models["a"])
    assert (board.evaluator, board.dataset_version_id, board.spec) == (evaluator, run.dataset_version_id, run.spec)
    seed({"base": models["a"]}, io.StringIO())  # seeding again keeps the one board
    assert Leaderboard.objects.filter(slug=slug).count() == 1
