"""Demo: TruthfulQA multiple choice on both demo models, on every eighth question of the published CSV."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from django.conf import settings

from glassbox.evaluations import services as evaluation_services
from glassbox.registry.models import Model

from .boards import demo_leaderboard
from .datasets import demo_version

SLUG, NAME = "truthfulqa-sample", "TruthfulQA, every eighth question"
DESCRIPTION = ("103 of TruthfulQA's 817 questions (Lin, Hilton & Evans 2022; Apache-2.0), every eighth row of "
               "the published CSV, so every category appears. Models trained on Python source are not "
               "expected to do well: the point is the page.")
EVERY = 8


def write_sample(out: Path) -> Path:
    """Write every EVERY-th question of the CSV shipped in evaluators/data/truthfulqa as a JSON array.

    The rows keep the CSV's column names, which the truthfulqa kind reads from JSON as well; JSON
    rather than CSV because the site's one CSV writer is for downloads (it escapes formulas).
    """
    from evaluators.truthfulqa.data import CSV_PATH

    with CSV_PATH.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(rows[::EVERY], ensure_ascii=False, indent=1), encoding="utf-8")
    return out


def seed(models: dict[str, Model], stdout) -> None:
    data_file = write_sample(settings.VAR_DIR / "demo" / "truthfulqa-sample.json")
    version = demo_version(slug=SLUG, name=NAME, kind="truthfulqa", description=DESCRIPTION, path=data_file)
    board = demo_leaderboard(slug="demo-truthfulqa", name="TruthfulQA (sample): MC2", version=version,
                             evaluator="truthfulqa", metrics=["mc2", "mc1"], params={},
                             description="The demo models on every eighth TruthfulQA question.")
    stdout.write(f"leaderboard {board.slug}")
    for model in models.values():
        run = evaluation_services.start_run(evaluator="truthfulqa", model=model, dataset_version=version, params={})
        stdout.write(f"truthfulqa of {model.slug} on {version}: run {run.pk} ({run.status})")
