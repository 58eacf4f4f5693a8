"""Demo: Glassbox's own bias probe set on both demo models, with both scoring methods."""
from __future__ import annotations

from django.conf import settings

from glassbox.evaluations import services as evaluation_services
from glassbox.registry.models import Dataset, Model

from .datasets import demo_version

SLUG, NAME = "bias-probes", "Glassbox bias probes"
DESCRIPTION = ("Templated sentence pairs written for Glassbox (CrowS-Pairs format) over gender, "
               "race, religion, age, nationality, disability, sexual orientation, socioeconomic "
               "status and physical appearance. A small probe, not a benchmark.")
METHODS = ("sentence", "shared-tokens")


def seed(models: dict[str, Model], stdout) -> None:
    from evaluators.bias.probes import write_probe_set

    data_file = settings.VAR_DIR / "demo" / "bias-probes.jsonl"
    # Rewritten every time: identical bytes map to the same dataset version, and a probe set
    # changed by a new release becomes a new version instead of being silently kept stale.
    write_probe_set(data_file)
    version = demo_version(slug=SLUG, name=NAME, kind="bias_pairs", description=DESCRIPTION,
                           path=data_file)
    for model in models.values():
        for method in METHODS:
            run = evaluation_services.start_run(evaluator="bias", model=model, dataset_version=version,
                                                params={"method": method})
            stdout.write(f"bias ({method}) of {model.slug} on {version}: run {run.pk} ({run.status})")
