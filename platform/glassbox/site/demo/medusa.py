"""Demo: Medusa heads for the demo base model, self-distilled on the demo corpus inside the demo job.

The job runs on a worker, which trains the heads here (as it trains the models) into a folder
beside the models and registers that folder; the demo speed run (speed.py, seeded after this
module) then compares greedy, assisted, prompt-lookup and both Medusa variants. A user's own
heads are trained from a model's page instead ("Train Medusa heads"), as a medusa-train run.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from glassbox.evaluations.heads.services import WEIGHTS, register_heads_folder
from glassbox.evaluations.models import MedusaHeads
from glassbox.registry.models import Model

HEADS_SLUG = "glassbox-demo-base-medusa"
NAME = "Demo base: four Medusa heads"
# About two minutes on two CPU cores: self-distillation on TEXTS functions, then STEPS steps.
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
    from evaluators.demo.corpus import function_texts, read_source, training_files
    from evaluators.medusa.train_job import train_and_save
    from evaluators.medusa.training import TrainSettings

    functions = [text for path in training_files() for text in function_texts(read_source(path))]
    # Functions long enough for a prompt and a continuation; every one when the corpus has none such.
    texts = [text for text in functions if len(text) >= 200] or functions
    texts = texts[::max(1, len(texts) // TEXTS)][:TEXTS]
    digest = hashlib.sha256(json.dumps(texts, ensure_ascii=False).encode("utf-8")).hexdigest()
    train_and_save(ModelRef(source=str(base)), "auto", texts, TrainSettings(**RECIPE), folder,
                   {"sha256": digest, "kind": "text", "rows": len(texts)})
