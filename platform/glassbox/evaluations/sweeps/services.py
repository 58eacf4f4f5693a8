"""The one write of sweeps: start a sweep, with its runs, in one transaction."""
from __future__ import annotations

from django.conf import settings
from django.db import transaction

from evaluators import registry as evaluator_registry
from evaluators.core.precision import PRECISIONS
from evaluators.sweep.run import SPEED_PARAMS
from glassbox.registry.models import DatasetVersion, Model

from .. import services
from ..models import PrecisionSweep, SweepEntry
from ..requests import RequestError

SPEED_EVALUATOR = "speed"


def start_sweep(*, evaluator: str, model: Model, dataset_version: DatasetVersion, precisions: list[str],
                params: dict | None = None, speed_dataset_version: DatasetVersion | None = None,
                user=None) -> PrecisionSweep:
    """Return a new sweep holding one quality run per format and, with speed prompts, one speed run each.

    Quality runs come from services.start_run (force=False): a run of this model and dataset version
    with the same fingerprint (finished, queued or running) is reused, so a second equal sweep
    computes nothing again. Speed runs always measure anew (the speed evaluator reuses nothing: a
    timing describes the worker). A refused request raises RequestError naming the field, and
    leaves nothing behind: the sweep, its entries and its runs are written in one transaction, and
    runs are only sent to the workers once it commits.
    """
    params = dict(params or {})
    formats = check_sweep(evaluator, params, precisions, speed_dataset_version)
    with transaction.atomic():
        sweep = PrecisionSweep.objects.create(
            evaluator=evaluator, model=model, dataset_version=dataset_version, params=params,
            precisions=formats, speed_dataset_version=speed_dataset_version,
            requested_by=user if getattr(user, "pk", None) else None)
        for position, precision in enumerate(formats):
            quality = services.start_run(evaluator=evaluator, model=model, dataset_version=dataset_version,
                                         params={**params, "precision": precision}, user=user)
            speed = None
            if speed_dataset_version is not None:
                speed = _speed_run(model, speed_dataset_version, precision, user)
            SweepEntry.objects.create(sweep=sweep, position=position, precision=precision, quality_run=quality,
                                      speed_run=speed)
    return sweep


def check_sweep(evaluator: str, params: dict, precisions: list[str],
                speed_dataset_version: DatasetVersion | None) -> list[str]:
    """Return the formats to run (auto resolved as a run resolves it), or raise RequestError naming the field."""
    try:
        entry = evaluator_registry.get(evaluator)
    except KeyError as error:
        raise RequestError(error.args[0], field="evaluator") from None
    if "precision" not in entry.parameter_schema()["properties"]:
        raise RequestError(f"evaluator '{evaluator}' has no precision parameter (it runs no model), so there "
                           "is nothing to sweep", field="evaluator")
    if "precision" in params:
        raise RequestError("params must not name precision: the sweep sets it from precisions", field="params")
    upload = entry.completions_upload
    if upload is not None and upload.named_in(params):
        raise RequestError(f"params name uploaded outputs ({upload.field}): outputs made elsewhere have no "
                           "precision to sweep", field="params")
    if not isinstance(precisions, (list, tuple)) or not all(isinstance(p, str) for p in precisions):
        raise RequestError("precisions must be a list of format names", field="precisions")
    unknown = [name for name in precisions if name not in PRECISIONS]
    if unknown:
        raise RequestError(f"unknown precision '{unknown[0]}'; use one of {', '.join(PRECISIONS)}",
                           field="precisions")
    # A run's auto becomes the workers' format when requested; resolved first, so "auto" beside
    # that format is caught as the same format twice rather than silently run once.
    formats = [settings.GLASSBOX_AUTO_PRECISION if name == "auto" else name for name in precisions]
    for index, name in enumerate(formats):
        if name in formats[:index]:
            via_auto = "auto" in precisions and name == settings.GLASSBOX_AUTO_PRECISION
            note = f" (auto is {name} on these workers)" if via_auto else ""
            raise RequestError(f"precision '{name}' is listed twice{note}; name each format once",
                               field="precisions")
    if len(formats) < 2:
        raise RequestError("a sweep needs at least two precisions: the reference first, then those compared "
                           "with it", field="precisions")
    if speed_dataset_version is not None:
        kind = evaluator_registry.get(SPEED_EVALUATOR).dataset_kind
        if speed_dataset_version.dataset.kind != kind:
            raise RequestError(f"speed runs read a '{kind}' dataset; '{speed_dataset_version.dataset.slug}' is "
                               f"'{speed_dataset_version.dataset.kind}'", field="speed_dataset_version")
    return formats


def _speed_run(model: Model, prompts: DatasetVersion, precision: str, user):
    # Greedy decoding at batch size 1, as the shell sweep measures it: what the roofline describes.
    try:
        return services.start_run(evaluator=SPEED_EVALUATOR, model=model, dataset_version=prompts,
                                  params={**SPEED_PARAMS, "precision": precision}, user=user)
    except RequestError as error:
        # What the sweep's speed settings cannot do with these prompts is the speed dataset's fault.
        field = "speed_dataset_version" if error.field in ("dataset_version", "params") else error.field
        raise RequestError(f"speed run at {precision}: {error}", field=field) from None
