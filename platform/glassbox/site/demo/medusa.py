"""Demo: Medusa heads for the demo base model, self-distilled on the demo corpus inside the demo job.

The job runs on a worker, which trains the heads here (as it trains the models) into a folder
beside the models and registers that folder; the demo speed run (speed.py, seeded after this
module) then compares greedy, assisted, prompt-lookup and both Medusa variants. A user's own
heads are trained from a model's page instead ("Train Medusa heads"), as a medusa-train run.
"""
from __future__ import annotations

from pathlib import Path

from glassbox.evaluations.heads.services import WEIGHTS, register_heads_folder
from glassbox.evaluations.models import MedusaHeads
from glassbox.registry.models import Model

HEADS_SLUG = "glassbox-demo-base-medusa"
NAME = "Demo base: four Medusa heads"
# About two and a half minutes on two CPU cores (146 s measured): self-distillation on TEXTS
# functions, then STEPS steps.
TEXTS = 64
STEPS = 300
RECIPE = {"heads": 4, "steps": STEPS, "batch_size": 4, "block_size": 256, "self_distill": True,
          "prompt_tokens": 64, "lr": 1e-3, "seed": 0}


def seed(models: dict[str, Model], stdout) -> None:
    base = models["base"]
    if MedusaHeads.objects.filter(slug=HEADS_SLUG).exists():
        stdout.write(f"medusa heads {HEADS_SLUG}: registered")
        return
    folder = Path(base.source).parent / HEADS_SLUG
    if not _trained_for(folder, Path(base.source)):
        _train(Path(base.source), folder)
    register_heads_folder(model=base, folder=folder, slug=HEADS_SLUG, name=NAME)
    stdout.write(f"medusa heads {HEADS_SLUG}: trained for {base.slug}")


def _trained_for(folder: Path, base: Path) -> bool:
    """Whether `folder` holds heads written after the base's weights (a job sent again keeps them)."""
    weights = folder / WEIGHTS
    base_weights = sorted(base.glob("*.safetensors"))
    return weights.is_file() and all(weights.stat().st_mtime >= path.stat().st_mtime for path in base_weights)


def _train(base: Path, folder: Path) -> None:
    from evaluators.core.base import ModelRef
    from evaluators.demo.corpus import spread_functions
    from evaluators.medusa.train_job import texts_record, train_and_save
    from evaluators.medusa.training import TrainSettings

    texts = spread_functions(TEXTS)
    train_and_save(ModelRef(source=str(base)), "auto", texts, TrainSettings(**RECIPE), folder, texts_record(texts))
