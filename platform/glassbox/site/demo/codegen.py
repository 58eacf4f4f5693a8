"""Demo: code generation by both demo models on the demo NL-to-Python tasks, beside the tasks' own
reference solutions uploaded as the completions of a model served elsewhere (the ceiling: every
score 1, or 100 for BLEU)."""
from __future__ import annotations

from django.conf import settings

from glassbox.evaluations import services as evaluation_services
from glassbox.registry.models import Dataset, DatasetVersion, Model

from .boards import demo_leaderboard
from .datasets import demo_version
from .uploads import served_elsewhere, upload_completions

SLUG, NAME = "python-tasks", "Small Python tasks"
DESCRIPTION = ("Over a hundred small Python functions written for Glassbox: a signature and "
               "docstring to complete, a reference body that passes its own test.")


def dataset_version() -> DatasetVersion:
    """The demo tasks, registered once: the same version on every call (the precision sweep reads it too)."""
    from evaluators.demo.codegen import write_demo_codegen

    data_file = _data_file()
    if not data_file.exists():
        data_file.parent.mkdir(parents=True, exist_ok=True)
        write_demo_codegen(data_file)
    return demo_version(slug=SLUG, name=NAME, kind="codegen", description=DESCRIPTION, path=data_file)


def demo_params() -> dict:
    """The demo's codegen parameters (greedy, 64 new tokens, stopping at the function's end)."""
    from evaluators.demo.codegen import DEMO_PARAMS, DEMO_STOP

    return {**DEMO_PARAMS, "batch_size": 8, "stop": DEMO_STOP}


def _data_file():
    return settings.VAR_DIR / "demo" / "python-tasks.jsonl"


def seed(models: dict[str, Model], stdout) -> None:
    from evaluators.demo.codegen import write_reference_completions

    version = dataset_version()
    data_file = _data_file()
    params = demo_params()
    board = demo_leaderboard(slug="demo-python-tasks", name="Small Python tasks: CodeBLEU", version=version,
                             evaluator="codegen", metrics=["codebleu", "bleu", "exact_match"], params=params,
                             description="The demo models completing the demo tasks (greedy, 64 new tokens), "
                                         "beside the tasks' reference solutions uploaded as completions.")
    stdout.write(f"leaderboard {board.slug}")
    references = served_elsewhere(slug="demo-task-references", name="Reference solutions (demo tasks)",
                                  where="the demo tasks' own reference bodies",
                                  description="Each demo task's first reference, uploaded as a completion: "
                                              "what a perfect model would score.")
    completions = upload_completions(slug="demo-task-references-completions",
                                     name="Reference solutions: completions",
                                     description="The first reference of every demo task, as a completion.",
                                     path=write_reference_completions(data_file.parent / "references.jsonl"))
    runs = [(model, params) for model in models.values()] + [(references, {**params, "completions": completions})]
    for model, run_params in runs:
        run = evaluation_services.start_run(evaluator="codegen", model=model, dataset_version=version,
                                            params=run_params)
        stdout.write(f"codegen of {model.slug} on {version}: run {run.pk} ({run.status})")
