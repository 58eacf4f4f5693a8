"""The identity of an evaluation: same fingerprint, same numbers, so a finished run is reused."""
from __future__ import annotations

import hashlib

from evaluators.base import canonical_json


def fingerprint(*, evaluator: str, evaluator_version: str, spec: dict, model_source: str,
                model_revision: str, weights_sha256: str, dataset_sha256: str) -> str:
    """Return the SHA-256 of the evaluator, its canonical spec, the model and the dataset bytes."""
    identity = {
        "evaluator": evaluator,
        "evaluator_version": evaluator_version,
        "spec": spec,
        "model": {"source": model_source, "revision": model_revision, "weights_sha256": weights_sha256},
        "dataset_sha256": dataset_sha256,
    }
    return hashlib.sha256(canonical_json(identity).encode("utf-8")).hexdigest()
