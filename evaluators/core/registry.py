"""The evaluators Glassbox knows, by name. Registering a name twice is an error."""
from __future__ import annotations

from .base import Evaluator

_EVALUATORS: dict[str, Evaluator] = {}


def register(evaluator: Evaluator) -> Evaluator:
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
