"""Uploaded outputs in a run's spec: a model served elsewhere is evaluated from a dataset of its
completions (Evaluator.completions_upload) that the spec names by slug.

A request names the upload as `slug` (its newest version) or `slug@N`; the accepted spec always
holds `slug@N`, so the run, its fingerprint and a later rerun read the same bytes even after a
new version is uploaded.
"""
from __future__ import annotations

from evaluators.core.base import EvaluationError, Evaluator
from evaluators.core.datasets import DatasetError
from glassbox.registry.models import DatasetVersion, Model
from glassbox.registry.queries import visible_datasets


class UploadError(ValueError):
    """The spec's upload cannot be used; the message names the spec field."""


def named_upload(entry: Evaluator, spec: dict) -> str:
    """Return the upload the spec names ('' when it names none or the evaluator takes none)."""
    upload = entry.completions_upload
    return (spec.get(upload.field) or "") if upload else ""


def resolve_upload(entry: Evaluator, spec: dict, user=None) -> DatasetVersion | None:
    """Return the dataset version the spec's upload field names, pinning `spec` to it in place.

    `user` None is the system, which may name any dataset; a person only one they may see, and
    any other is answered as if it did not exist.
    """
    name = named_upload(entry, spec)
    if not name:
        return None
    upload = entry.completions_upload
    slug, _, number = name.partition("@")
    datasets = visible_datasets(user) if user is not None else None
    version = _find_version(slug, number, datasets, upload.field)
    if version.dataset.kind != upload.kind:
        raise UploadError(f"{upload.field}: '{slug}' is a '{version.dataset.kind}' dataset; "
                          f"upload the completions as a '{upload.kind}' dataset")
    spec[upload.field] = f"{slug}@{version.number}"
    return version


def _find_version(slug: str, number: str, datasets, field: str) -> DatasetVersion:
    versions = DatasetVersion.objects.select_related("dataset").filter(dataset__slug=slug)
    if datasets is not None:
        versions = versions.filter(dataset__in=datasets)
    if number:
        if not number.isdigit():
            raise UploadError(f"{field}: give a dataset slug, or slug@N for its version N; got '{slug}@{number}'")
        version = versions.filter(number=int(number)).first()
    else:
        version = versions.order_by("-number").first()
    if version is None:
        raise UploadError(f"{field}: no dataset '{slug}'" + (f" with a version {number}" if number else ""))
    return version


def check_upload_fits(entry: Evaluator, spec: dict, dataset_version: DatasetVersion, upload: DatasetVersion) -> None:
    """Refuse an upload that does not fit the dataset under `spec` (a task missing, too few samples
    for k, a task the dataset lacks): the request fails now, naming it, not the run on a worker."""
    from glassbox.registry.queries import dataset_rows

    check = entry.completions_upload.check
    if check is None:
        return
    try:
        check(dataset_rows(dataset_version), dataset_rows(upload), entry.make_spec(spec))
    except (EvaluationError, DatasetError) as error:
        raise UploadError(f"{entry.completions_upload.field}: {error}") from None


def check_model_loadable(entry: Evaluator, spec: dict, model: Model) -> None:
    """Refuse a run that would load a model served elsewhere: only its uploaded outputs can be scored."""
    if model.served_elsewhere and not named_upload(entry, spec):
        upload = entry.completions_upload
        how = (f"name its uploaded completions in '{upload.field}'" if upload
               else "this evaluator needs the model's weights")
        raise UploadError(f"'{model.slug}' is served elsewhere, so Glassbox cannot run it: {how}")


def upload_rows(entry: Evaluator, spec: dict) -> list[dict] | None:
    """The rows of the pinned upload a run's spec names, for the worker; None when it names none."""
    from glassbox.registry.queries import dataset_rows

    name = named_upload(entry, spec)
    if not name:
        return None
    slug, _, number = name.partition("@")
    # The stored spec is pinned to slug@N: the same version the request resolved.
    return dataset_rows(_find_version(slug, number, None, entry.completions_upload.field))
