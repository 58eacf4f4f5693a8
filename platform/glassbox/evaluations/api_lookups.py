"""What the evaluation endpoints (runs, sweeps, Medusa heads) share: a requested model or dataset
version looked up among those the user may see, or a 400 naming the field, as if it did not exist."""
from __future__ import annotations

from rest_framework.exceptions import ValidationError

from glassbox.registry import queries as registry_queries
from glassbox.registry.models import DatasetVersion, Model


def model_or_400(user, slug: str) -> Model:
    model = registry_queries.visible_model(user, slug)
    if model is None:
        raise ValidationError({"model": [f"no model with the slug '{slug}'"]})
    return model


def version_or_400(user, slug: str, number: int | None, field: str = "dataset") -> DatasetVersion:
    """Version `number` of the dataset `slug` (the newest when None); a 400 naming `field` otherwise."""
    version = registry_queries.visible_dataset_version(user, slug, number or None)
    if version is None:
        raise ValidationError({field: [f"no version {number or ''} of a dataset with the slug '{slug}'"
                                       .replace("  ", " ")]})
    return version
