"""Spec limits that depend on the model: length parameters against its context window.

A spec field whose metadata has "context": "below" must be smaller than the model's context
length (new tokens need at least one prompt token before them); "context": "within" may equal
it (a window may span the whole context). The platform checks a request against the context
the registry read from the model's config (max_position_embeddings, n_positions, ...) before
it queues anything, so a run that could only fail on the worker is refused at once.
"""
from __future__ import annotations

import dataclasses

from .specs import SpecError


def check_fits_context(spec_class: type, spec: dict, context_length: int | None) -> None:
    """Raise SpecError naming the first field of `spec` that the model's context cannot hold.

    `spec` is the spec as JSON (every field, defaults included); a missing field counts at its
    default. Nothing is checked when the context length is unknown (None or 0): the worker,
    which loads the model, checks again.
    """
    if not context_length:
        return
    for f in dataclasses.fields(spec_class):
        rule = f.metadata.get("context")
        if rule not in (None, "below", "within"):
            raise TypeError(f"{spec_class.__name__}.{f.name}: context rule must be 'below' or 'within'")
        value = spec.get(f.name, f.default)
        if rule is None or not isinstance(value, int) or isinstance(value, bool):
            continue
        if rule == "below" and value >= context_length:
            raise SpecError(f"parameter '{f.name}' must be below the model's context length "
                            f"({context_length}), got {value}")
        if rule == "within" and value > context_length:
            raise SpecError(f"parameter '{f.name}' must be at most the model's context length "
                            f"({context_length}), got {value}")
