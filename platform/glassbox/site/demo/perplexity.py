"""Demo: perplexity of both demo models on held-out standard-library source."""
from __future__ import annotations

from django.conf import settings

from glassbox.evaluations import services as evaluation_services
from glassbox.registry.models import Dataset, DatasetVersion, Model

from .boards import demo_leaderboard
from .datasets import demo_version

SLUG, NAME = "stdlib-heldout", "Held-out Python standard library"
DESCRIPTION = "Python files from the interpreter's standard library that the demo models never saw in training."


def dataset_version() -> DatasetVersion:
    """The held-out text, registered once: the same version on every call (the precision sweep reads it too)."""
    from evaluators.demo.corpus import write_demo_data

    data_file = settings.VAR_DIR / "demo" / "stdlib-heldout.jsonl"
    if not data_file.exists():
        data_file.parent.mkdir(parents=True, exist_ok=True)
        write_demo_data(data_file)
    return demo_version(slug=SLUG, name=NAME, kind="text", description=DESCRIPTION, path=data_file)


def seed(models: dict[str, Model], stdout) -> None:
    version = dataset_version()
    board = demo_leaderboard(slug="demo-stdlib-heldout", name="Held-out standard library: bits per byte",
                             version=version, evaluator="perplexity", metrics=["bits_per_byte", "perplexity"],
                             params={}, description="The demo models on Python source they never saw.")
    stdout.write(f"leaderboard {board.slug}")
    for model in models.values():
        run = evaluation_services.start_run(evaluator="perplexity", model=model, dataset_version=version, params={})
        stdout.write(f"perplexity of {model.slug} on {version}: run {run.pk} ({run.status})")
