"""Demo: pass@k on the first HumanEval problems, for both demo models (greedy) and for two uploads
of completions scored as models served elsewhere (evaluators/demo/passk.py says what they hold),
ranked together on one leaderboard."""
from __future__ import annotations

from django.conf import settings

from glassbox.evaluations import services as evaluation_services
from glassbox.registry.models import DatasetVersion, Model

from .boards import demo_leaderboard
from .datasets import demo_version
from .uploads import served_elsewhere, upload_completions

SLUG, NAME = "humaneval-20", "HumanEval, first 20 problems"
DESCRIPTION = ("The first 20 problems of OpenAI's HumanEval (MIT licence), as shipped: a signature and "
               "docstring to complete, and a check(candidate) test run in the sandbox.")
# Greedy, one sample per problem; 128 new tokens hold a short function body.
DEMO_PARAMS = {"n": 1, "k": [1], "max_new_tokens": 128, "batch_size": 4}
# Uploaded completions as models served elsewhere: slug -> (name, where, description, samples function).
UPLOADS = {
    "humaneval-canonical": ("HumanEval canonical solutions", "HumanEval's canonical_solution field",
                            "The reference solutions shipped with HumanEval, uploaded as completions: every "
                            "one passes.", "canonical_completions"),
    "demo-half-broken": ("Half-broken solutions (demo)", "written by the Glassbox demo",
                         "Every other problem solved by its reference, the rest broken on purpose: a wrong "
                         "answer, an exception, an endless loop, exit(0) before the test.",
                         "half_broken_completions"),
}


def seed(models: dict[str, Model], stdout) -> None:
    from evaluators.demo import passk as demo_passk

    problems = demo_passk.humaneval_problems()
    folder = settings.VAR_DIR / "demo"
    version = demo_version(slug=SLUG, name=NAME, kind="code_tests", description=DESCRIPTION,
                           path=demo_passk.write_jsonl(folder / "humaneval-20.jsonl", problems))
    board = demo_leaderboard(slug="demo-humaneval", name="HumanEval (first 20): pass@1", version=version,
                             evaluator="passk", metrics=["pass@1", "codebleu"], params=DEMO_PARAMS,
                             description="The demo models' greedy completions beside two uploads of known "
                                         "behaviour: HumanEval's own solutions and a half-broken copy.")
    stdout.write(f"leaderboard {board.slug}")
    for model in models.values():
        _start(model, version, DEMO_PARAMS, stdout)
    for slug, (name, where, description, make) in UPLOADS.items():
        samples = getattr(demo_passk, make)(problems)
        completions = upload_completions(
            slug=f"{slug}-completions", name=f"{name}: completions",
            description=f"{description} One completion per problem of {NAME}.",
            path=demo_passk.write_jsonl(folder / f"{slug}-completions.jsonl", samples))
        model = served_elsewhere(slug=slug, name=name, where=where, description=description)
        _start(model, version, {**DEMO_PARAMS, "completions": completions}, stdout)


def _start(model: Model, version: DatasetVersion, params: dict, stdout) -> None:
    run = evaluation_services.start_run(evaluator="passk", model=model, dataset_version=version, params=params)
    stdout.write(f"passk of {model.slug} on {version}: run {run.pk} ({run.status})")
