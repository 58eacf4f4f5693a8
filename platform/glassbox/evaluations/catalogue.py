"""What each registered evaluator is, as the evaluator package declares it: the dataset kind it
reads, its parameters, its metrics and what "better" means for each. The evaluators page and
GET /api/evaluators/ both show this, so a new evaluator appears in both without platform code."""
from __future__ import annotations

from evaluators import registry as evaluator_registry
from evaluators.core.base import Evaluator, Metric
from evaluators.core.datasets import SCHEMAS


def describe_metric(metric: Metric) -> dict:
    return {"name": metric.name, "goal": metric.goal, "target": metric.target,
            "goal_label": metric.goal_label(), "unit": metric.unit, "description": metric.description,
            # Metrics rebuilt from per-sample statistics get intervals and paired tests.
            "paired_test": metric.statistic is not None}


def describe(evaluator: Evaluator) -> dict:
    """Return the evaluator's public description as plain JSON-able data."""
    kind = SCHEMAS[evaluator.dataset_kind]
    return {
        "name": evaluator.name, "version": evaluator.version, "description": evaluator.description,
        "dataset_kind": {"kind": kind.kind, "label": kind.label, "formats": list(kind.formats),
                         "fields": [{"name": f.name, "type": f.type, "required": f.required, "help": f.help}
                                    for f in kind.fields], "example": kind.example},
        "queue": evaluator.queue, "exclusive_device": evaluator.exclusive_device,
        "reuses_results": evaluator.reuse_results, "model_parameters": list(evaluator.model_params),
        "parameters": evaluator.parameter_schema(),
        # How a model served elsewhere is evaluated: the spec field naming its uploaded outputs.
        "uploaded_outputs": _uploaded_outputs(evaluator),
        "metrics": [describe_metric(metric) for metric in evaluator.metrics],
    }


def _uploaded_outputs(evaluator: Evaluator) -> dict | None:
    upload = evaluator.completions_upload
    if upload is None:
        return None
    return {"parameter": upload.field, "dataset_kind": upload.kind, "scoring_parameters": list(upload.scoring_fields)}


def catalogue() -> list[dict]:
    """Every registered evaluator, by name."""
    return [describe(evaluator_registry.get(name)) for name in evaluator_registry.names()]


def parameter_rows(schema: dict) -> list[dict]:
    """The spec's parameters for a page: name, type in words, default and meaning."""
    rows = []
    for name, prop in schema["properties"].items():
        types = prop["type"] if isinstance(prop["type"], list) else [prop["type"]]
        words = " or ".join(f"list of {prop['items']['type']}" if t == "array" else t for t in types)
        rows.append({"name": name, "type": words, "default": prop.get("default"),
                     "description": prop.get("description", "")})
    return rows


def find(name: str) -> dict | None:
    return describe(evaluator_registry.get(name)) if name in evaluator_registry.names() else None
