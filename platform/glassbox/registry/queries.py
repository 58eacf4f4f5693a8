"""Reads for the registry's pages, the API and the workers, and which models and datasets a reader may see."""
from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from django.core.files.storage import default_storage
from django.db.models import Count, Max, QuerySet

from evaluators.core.datasets import read_dataset
from glassbox.accounts import roles

from .models import Dataset, DatasetVersion, Model


def models() -> QuerySet[Model]:
    return Model.objects.order_by("name")


def model_by_slug(slug: str) -> Model | None:
    return Model.objects.filter(slug=slug).first()


def visible_models(user, queryset: QuerySet | None = None) -> QuerySet:
    """Return the models `user` may see (narrowing `queryset` when given)."""
    queryset = Model.objects.all() if queryset is None else queryset
    return queryset if roles.is_admin(user) else queryset.filter(roles.open_to(user))


def visible_datasets(user, queryset: QuerySet | None = None) -> QuerySet:
    """Return the datasets `user` may see (narrowing `queryset` when given)."""
    queryset = Dataset.objects.all() if queryset is None else queryset
    return queryset if roles.is_admin(user) else queryset.filter(roles.open_to(user))


def visible_dataset_versions(user, queryset: QuerySet | None = None) -> QuerySet:
    """Return the dataset versions of datasets `user` may see."""
    queryset = DatasetVersion.objects.all() if queryset is None else queryset
    return queryset if roles.is_admin(user) else queryset.filter(roles.open_to(user, "dataset__"))


def hidden_model_slugs(user, slugs: Iterable[str]) -> set[str]:
    """Return which of `slugs` name models `user` may not see (one query; none for administrators)."""
    slugs = set(slugs)
    if not slugs or roles.is_admin(user):
        return set()
    return set(Model.objects.filter(slug__in=slugs, is_private=True).exclude(roles.open_to(user))
               .values_list("slug", flat=True))


def can_see_model(user, model: Model) -> bool:
    """Return True when `user` may see this one model (the rule of visible_models, without a query)."""
    return roles.is_admin(user) or not model.is_private or roles.owns(user, model)


def visible_model(user, slug: str) -> Model | None:
    """Return the model with this slug if `user` may see it, else None (as if it did not exist)."""
    return visible_models(user, Model.objects.all()).filter(slug=slug).first()


def visible_dataset_version(user, dataset_slug: str, number: int | None = None) -> DatasetVersion | None:
    """Return version `number` (the newest when None) of the dataset with this slug, if `user` may see it."""
    versions = visible_dataset_versions(user, DatasetVersion.objects.select_related("dataset"))
    versions = versions.filter(dataset__slug=dataset_slug)
    if number is not None:
        versions = versions.filter(number=number)
    return versions.order_by("-number").first()


def datasets() -> QuerySet[Dataset]:
    """Datasets with `version_count`, `latest_number` and `updated_at` annotated (one query)."""
    return Dataset.objects.annotate(
        version_count=Count("versions"), latest_number=Max("versions__number"),
        updated_at=Max("versions__created_at"),
    ).order_by("name")


def dataset_by_slug(slug: str) -> Dataset | None:
    return Dataset.objects.filter(slug=slug).first()


def versions_of(dataset: Dataset) -> QuerySet[DatasetVersion]:
    return dataset.versions.order_by("-number")


def dataset_versions() -> QuerySet[DatasetVersion]:
    """Every version with its dataset joined, newest first within a dataset."""
    return DatasetVersion.objects.select_related("dataset").order_by("dataset__name", "-number")


def dataset_rows(version: DatasetVersion, limit: int | None = None) -> list[dict]:
    """Return the version's normalised rows (the first `limit` when given), read from storage."""
    try:
        local_path = default_storage.path(version.file.name)
    except NotImplementedError:
        local_path = None
    if local_path is not None:
        return read_dataset(local_path, version.dataset.kind, display_name=version.original_name, limit=limit)
    # Remote storage (S3 and the like): the reader wants a local file, so copy it first.
    suffix = Path(version.file.name).suffix
    with tempfile.NamedTemporaryFile(prefix="glassbox-dataset-", suffix=suffix) as temp:
        with default_storage.open(version.file.name, "rb") as stored:
            shutil.copyfileobj(stored, temp)
        temp.flush()
        return read_dataset(temp.name, version.dataset.kind, display_name=version.original_name, limit=limit)
