"""Demo: precision sweeps of the demo base model (float32, bfloat16, int8) on the held-out text
(perplexity) and on the small Python tasks (codegen), each format with a speed run on the demo prompts.

Seeded after perplexity.py, codegen.py and speed.py (modules run in name order): their datasets are
registered by then, and the sweep's run at the workers' own format (auto: float32 on a CPU,
bfloat16 on a GPU) is their queued demo run, reused rather than computed twice.
"""
from __future__ import annotations

from glassbox.evaluations.models import PrecisionSweep
from glassbox.evaluations.sweeps import services as sweep_services
from glassbox.registry.models import Model

from . import codegen, perplexity, speed

PRECISIONS = ["float32", "bfloat16", "int8"]


def seed(models: dict[str, Model], stdout) -> None:
    base = models["base"]
    prompts = speed.prompts_version()
    for evaluator, version, params in (("perplexity", perplexity.dataset_version(), {}),
                                       ("codegen", codegen.dataset_version(), codegen.demo_params())):
        # Speed runs are never reused, so a demo job sent twice must not queue a second sweep.
        sweep = PrecisionSweep.objects.filter(evaluator=evaluator, model=base, dataset_version=version,
                                              params=params, precisions=PRECISIONS).first()
        if sweep is None:
            sweep = sweep_services.start_sweep(evaluator=evaluator, model=base, dataset_version=version,
                                               precisions=PRECISIONS, params=params,
                                               speed_dataset_version=prompts)
        stdout.write(f"precision sweep of {base.slug} on {version} ({evaluator}): sweep {sweep.pk}")
