"""Demo: code generation by both demo models on the demo NL-to-Python tasks."""
from __future__ import annotations

from django.conf import settings

from glassbox.evaluations import services as evaluation_services
from glassbox.registry.models import Dataset, Model

from .boards import demo_leaderboard
from .datasets import demo_version

SLUG, NAME = "python-tasks", "Small Python tasks"
DESCRIPTION = ("Over a hundred small Python functions written for Glassbox: a signature and "
               "docstring to complete, a reference body that passes its own test.")
# Short generations keep the demo to a few minutes on two CPU cores.
DEMO_PARAMS = {"max_new_tokens": 64, "batch_size": 8}


def seed(models: dict[str, Model], stdout) -> None:
    from evaluators.demo.codegen import DEMO_STOP, write_demo_codegen

    data_file = settings.VAR_DIR / "demo" / "python-tasks.jsonl"
    if not data_file.exists():
        data_file.parent.mkdir(parents=True, exist_ok=True)
        write_demo_codegen(data_file)
    version = demo_version(slug=SLUG, name=NAME, kind="codegen", description=DESCRIPTION,
                           path=data_file)
    params = {**DEMO_PARAMS, "stop": DEMO_STOP}
    board = demo_leaderboard(slug="demo-python-tasks", name="Small Python tasks: CodeBLEU", version=version,
                             evaluator="codegen", metrics=["codebleu", "bleu", "exact_match"], params=params,
                             description="The demo models completing the demo tasks (greedy, 64 new tokens).")
    stdout.write(f"leaderboard {board.slug}")
    for model in models.values():
        run = evaluation_services.start_run(evaluator="codegen", model=model, dataset_version=version,
                                            params=params)
        stdout.write(f"codegen of {model.slug} on {version}: run {run.pk} ({run.status})")
