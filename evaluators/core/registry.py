"""The evaluators Glassbox knows, by name. Registering a name twice is an error."""
from __future__ import annotations

import dataclasses

from .base import Evaluator

_EVALUATORS: dict[str, Evaluator] = {}


def register(evaluator: Evaluator) -> Evaluator:
    """Register an evaluator; the dataset kind it reads must be registered first (by its package)."""
    from .datasets import SCHEMAS

    if evaluator.dataset_kind not in SCHEMAS:
        raise ValueError(f"evaluator '{evaluator.name}' reads dataset kind '{evaluator.dataset_kind}', "
                         "which is not registered: register its DatasetKind before the evaluator")
    if evaluator.speed_metric and evaluator.speed_metric not in {m.name for m in evaluator.metrics}:
        raise ValueError(f"evaluator '{evaluator.name}': speed_metric '{evaluator.speed_metric}' is not one of its metrics")
    upload = evaluator.completions_upload
    if upload is not None:
        fields = {f.name for f in dataclasses.fields(evaluator.spec_class)}
        unknown = [name for name in (upload.field, *upload.scoring_fields) if name not in fields]
        if unknown or upload.kind not in SCHEMAS:
            raise ValueError(f"evaluator '{evaluator.name}': completions_upload names "
                             f"{'spec field ' + repr(unknown[0]) if unknown else 'dataset kind ' + repr(upload.kind)}, "
                             "which it does not have")
    if evaluator.name in _EVALUATORS:
        raise ValueError(f"an evaluator named '{evaluator.name}' is already registered")
    _EVALUATORS[evaluator.name] = evaluator
    return evaluator


def get(name: str) -> Evaluator:
    try:
        return _EVALUATORS[name]
    except KeyError:
        known = ", ".join(sorted(_EVALUATORS)) or "none"
        raise KeyError(f"no evaluator named '{name}'; known: {known}") from None


def names() -> list[str]:
    return sorted(_EVALUATORS)


def find_metric(evaluator: str, name: str):
    """Return the registered Metric `name` of `evaluator`, or None where either is unknown now
    (a result stored by an evaluator or metric that has since gone)."""
    entry = _EVALUATORS.get(evaluator)
    if entry is None:
        return None
    return next((metric for metric in entry.metrics if metric.name == name), None)
