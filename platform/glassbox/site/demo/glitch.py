"""Demo: the under-trained-token scan of both demo models, with the default repetition prompts."""
from __future__ import annotations

from django.conf import settings

from glassbox.evaluations import services as evaluation_services
from glassbox.registry.models import Model

from .boards import demo_leaderboard
from .datasets import demo_version

SLUG, NAME = "repeat-prompts", "Repetition prompts (default)"
DESCRIPTION = ("The glitch-token scan's default prompts: two few-shot repetition prompts for base models "
               "and one chat prompt for models with a chat template.")


def seed(models: dict[str, Model], stdout) -> None:
    from evaluators.glitch.prompts import write_default_prompts

    # Rewritten every time: identical bytes map to the same dataset version.
    data_file = write_default_prompts(settings.VAR_DIR / "demo" / "repeat-prompts.jsonl")
    version = demo_version(slug=SLUG, name=NAME, kind="repeat_prompts", description=DESCRIPTION, path=data_file)
    board = demo_leaderboard(slug="demo-glitch-tokens", name="Under-trained tokens: confirmed share",
                             version=version, evaluator="glitch-tokens",
                             metrics=["confirmed_share", "confirmed_tokens"], params={},
                             description="Share of each demo model's vocabulary it cannot repeat (lower is better).")
    stdout.write(f"leaderboard {board.slug}")
    for model in models.values():
        run = evaluation_services.start_run(evaluator="glitch-tokens", model=model, dataset_version=version,
                                            params={})
        stdout.write(f"glitch-tokens of {model.slug} on {version}: run {run.pk} ({run.status})")
