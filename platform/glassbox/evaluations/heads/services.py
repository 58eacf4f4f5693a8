"""The writes of Medusa heads: train them on the site, or register a folder trained in the shell."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction

from evaluators.core.datasets import sha256_of
from glassbox.registry.models import DatasetVersion, Model

from .. import services
from ..models import MedusaHeads
from ..requests import RequestError

TRAIN_EVALUATOR = "medusa-train"
# evaluators.medusa.heads.WEIGHTS, named here because that module imports torch (the web process does not).
WEIGHTS = "medusa_lm_head.safetensors"


def train_heads(*, model: Model, dataset_version: DatasetVersion, slug: str, name: str,
                params: dict | None = None, user=None) -> MedusaHeads:
    """Return new heads of `model`, trained by a queued medusa-train run on `dataset_version`.

    The heads row and its run are written in one transaction and the run is sent to the workers
    once it commits, so a refused request (RequestError naming the field) leaves nothing behind.
    """
    _check_slug_free(slug)
    try:
        with transaction.atomic():
            run = services.start_run(evaluator=TRAIN_EVALUATOR, model=model, dataset_version=dataset_version,
                                     params=params, user=user)
            return MedusaHeads.objects.create(name=name or slug, slug=slug, model=model, training_run=run,
                                              requested_by=_requester(user))
    except IntegrityError:  # the same slug taken between the check and the write
        raise RequestError(f"Medusa heads with slug '{slug}' already exist", field="slug") from None


def register_heads_folder(*, model: Model, folder: str | Path, slug: str, name: str = "",
                          user=None) -> MedusaHeads:
    """Return heads of `model` read from a folder under the model roots (GLASSBOX_MODEL_ROOTS).

    For heads trained in the shell (`python -m evaluators medusa-train --out DIR`) and for the demo.
    Only safetensors heads are registered; whether they fit the model is checked when a run loads
    them (the saved base fingerprint against the loaded model), as loading the model here would
    cost a worker's time in the web process.
    """
    path = _checked_folder(folder)
    _check_slug_free(slug)
    try:
        with transaction.atomic():
            return MedusaHeads.objects.create(name=name or slug, slug=slug, model=model, folder=str(path),
                                              weights_sha256=sha256_of(path / WEIGHTS),
                                              requested_by=_requester(user))
    except IntegrityError:
        raise RequestError(f"Medusa heads with slug '{slug}' already exist", field="slug") from None


def _checked_folder(folder: str | Path) -> Path:
    path = Path(folder)
    if not path.is_absolute() or ".." in path.parts:
        raise RequestError("the heads folder must be an absolute path without '..'", field="folder")
    resolved = path.resolve()
    roots = [Path(root).resolve() for root in settings.GLASSBOX_MODEL_ROOTS]
    if not any(resolved.is_relative_to(root) for root in roots):
        raise RequestError(f"{path} is outside the folders models may be loaded from (GLASSBOX_MODEL_ROOTS)",
                           field="folder")
    if not (resolved / WEIGHTS).is_file():
        raise RequestError(f"{path} holds no {WEIGHTS}; write heads there with `python -m evaluators "
                           "medusa-train --out` (pickle heads are not loaded)", field="folder")
    return resolved


def _check_slug_free(slug: str) -> None:
    if MedusaHeads.objects.filter(slug=slug).exists():
        raise RequestError(f"Medusa heads with slug '{slug}' already exist", field="slug")


def _requester(user):
    return user if getattr(user, "pk", None) else None
