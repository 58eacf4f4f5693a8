"""Reads of Medusa heads for a model's page."""
from __future__ import annotations

from glassbox.registry.models import Model

from ..models import MedusaHeads


def heads_of(model: Model) -> list[MedusaHeads]:
    """Return the model's heads, newest first, with their training runs joined (one query)."""
    return list(MedusaHeads.objects.filter(model=model).select_related("training_run").order_by("-created_at", "-id"))
