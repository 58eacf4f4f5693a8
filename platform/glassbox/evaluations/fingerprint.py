"""The identity of an evaluation: same fingerprint, same numbers, so a finished run is reused."""
from __future__ import annotations

import hashlib
import math

from evaluators.core.specs import canonical_json


def fingerprint(*, evaluator: str, evaluator_version: str, spec: dict, model_source: str,
                model_revision: str, weights_sha256: str, dataset_sha256: str,
                other_models: dict | None = None) -> str:
    """Return the SHA-256 of the evaluator, its canonical spec, the model and the dataset bytes.

    `other_models` (spec field -> source, revision, weights hash) identifies the further models a
    spec names, such as a draft model; it is left out when empty so other fingerprints stay as
    they were.
    """
    identity = {
        "evaluator": evaluator,
        "evaluator_version": evaluator_version,
        "spec": spec,
        "model": {"source": model_source, "revision": model_revision, "weights_sha256": weights_sha256},
        "dataset_sha256": dataset_sha256,
    }
    if other_models:
        identity["other_models"] = other_models
    return hashlib.sha256(canonical_json(identity).encode("utf-8")).hexdigest()


def unstorable_parameters(spec: dict) -> list[str]:
    """Return the names of the spec's parameters holding NaN, an infinity or a NUL character.

    JSON has no such numbers (yet a body like {"temperature": 1e400} parses to infinity), SQLite's
    JSON check refuses them, and PostgreSQL's jsonb refuses both them and "\\u0000" in strings:
    such a spec must be refused with a message, not fail when it is saved.
    """
    def storable(value) -> bool:
        if isinstance(value, float):
            return math.isfinite(value)
        if isinstance(value, str):
            return "\x00" not in value
        if isinstance(value, dict):
            return all(storable(key) and storable(item) for key, item in value.items())
        if isinstance(value, (list, tuple)):
            return all(storable(item) for item in value)
        return True

    return [name for name, value in spec.items() if not storable(value)]
