"""Demo: decoding speed of the demo base model, greedy against assisted (the demo draft),
prompt-lookup decoding and Medusa decoding with the demo's heads (greedy and typical acceptance)."""
from __future__ import annotations

from django.conf import settings

from glassbox.evaluations import services as evaluation_services
from glassbox.evaluations.models import MedusaHeads, Run
from glassbox.registry.models import Dataset, DatasetVersion, Model

from .datasets import demo_version
from .medusa import HEADS_SLUG

SLUG, NAME = "code-repeat-prompts", "Code prompts that repeat earlier code"
DESCRIPTION = ("Twelve prompts built from the demo Python tasks: two finished functions, then the "
               "first one started again. For measuring decoding speed.")
# Small enough to finish in about a minute on two CPU cores.
DEMO_PARAMS = {"variants": ["greedy", "assisted", "prompt-lookup"], "max_new_tokens": 48, "warmup": 2,
               "min_repeats": 2, "min_seconds": 3.0}


def prompts_version() -> DatasetVersion:
    """The demo prompts, registered once: the same version on every call (the precision sweep's speed
    runs read them too)."""
    from evaluators.demo.speed import write_demo_prompts

    data_file = settings.VAR_DIR / "demo" / "code-repeat-prompts.jsonl"
    if not data_file.exists():
        write_demo_prompts(data_file)
    return demo_version(slug=SLUG, name=NAME, kind="prompts", description=DESCRIPTION, path=data_file)


def seed(models: dict[str, Model], stdout) -> None:
    version = prompts_version()
    base = models["base"]
    # Speed results are never reused (they describe the worker), so queue one only once.
    existing = Run.objects.filter(evaluator="speed", model=base, dataset_version=version).first()
    if existing is not None:
        stdout.write(f"speed of {base.slug} on {version}: run {existing.pk} ({existing.status})")
        return
    params = {**DEMO_PARAMS, "draft": models["draft"].slug}
    # The demo's heads (medusa.py, seeded before this module) add both Medusa variants.
    if MedusaHeads.objects.filter(slug=HEADS_SLUG, model=base).exists():
        params.update(variants=[*DEMO_PARAMS["variants"], "medusa", "medusa-typical"], medusa=HEADS_SLUG)
    run = evaluation_services.start_run(evaluator="speed", model=base, dataset_version=version, params=params)
    stdout.write(f"speed of {base.slug} on {version}: run {run.pk} ({run.status})")
