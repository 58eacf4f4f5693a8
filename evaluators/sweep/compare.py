"""What a numeric format costs against the reference format, from two runs' per-sample records.

Both runs evaluated the same samples, so every difference is paired: a metric is rebuilt from the
records both runs share and resampled with the same draws for both (evaluators/core/paired.py),
which gives the difference from the reference with a 95% interval and a p-value; a metric without
per-sample statistics gets its two values and their difference only. For evaluators that generate
text, the share of samples whose greedy generations changed is counted too.
"""
from __future__ import annotations

from typing import Any

from ..core import registry
from ..core.paired import paired_bootstrap

RESAMPLES = 1000
SEED = 0
# Record fields holding what a sample generated, per evaluator that generates.
GENERATED_FIELDS = ("generations", "completions")


def compare_to_reference(evaluator: str, reference: dict[str, dict], records: dict[str, dict],
                         reference_summary: dict, summary: dict) -> dict:
    """Return {"shared_samples", "metrics": {name: {...}}, "changed_generations"} for `records`
    (key -> record) against `reference`'s, both from the evaluator's runs on one dataset."""
    shared = [key for key in reference if key in records]
    metrics = {}
    for metric in registry.get(evaluator).metrics:
        value, base = summary.get(metric.name), reference_summary.get(metric.name)
        entry: dict[str, Any] = {"value": value, "reference": base,
                                 "diff": value - base if _number(value) and _number(base) else None,
                                 "ci": None, "p_value": None, "significant": None, "n": len(shared)}
        if metric.statistic is not None and shared:
            paired = paired_bootstrap([records[key] for key in shared], [reference[key] for key in shared],
                                      metric, resamples=RESAMPLES, seed=SEED)
            if paired is not None:
                entry.update(diff=paired["diff"], ci=paired["ci"], p_value=paired["p_value"],
                             significant=paired["significant"], method="paired-bootstrap")
        metrics[metric.name] = entry
    return {"shared_samples": len(shared), "metrics": metrics,
            "changed_generations": changed_share(reference, records, shared)}


def changed_share(reference: dict[str, dict], records: dict[str, dict], shared: list[str]) -> float | None:
    """Share of shared samples whose generated text differs; None for evaluators that generate none."""
    field = next((name for name in GENERATED_FIELDS if shared and name in reference[shared[0]]), None)
    if field is None:
        return None
    changed = sum(1 for key in shared if reference[key].get(field) != records[key].get(field))
    return changed / len(shared)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
