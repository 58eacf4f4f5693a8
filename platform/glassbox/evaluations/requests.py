"""One check for every evaluation request: runs, leaderboards and suite entries ask it the same way.

A request is an evaluator, a dataset version and parameters, and for a run also the model. It is
accepted only if the evaluator exists, reads this kind of dataset, the parameters make a valid
spec that the database can store, every length parameter fits the model's context, and every
model or uploaded dataset the spec names is one the requester may see; a model served elsewhere
is only accepted with its uploaded outputs (uploads.py); Medusa heads must be the run's model's
own, with their weights in place (heads/checks.py). Whatever fails, the error names the field
to blame, so a form marks that field and the API answers 400 naming it. A run's `precision: auto`
becomes the workers' format here (settings.GLASSBOX_AUTO_PRECISION), so its fingerprint holds it.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from evaluators import registry as evaluator_registry
from evaluators.core.base import Evaluator
from evaluators.core.specs import SpecError, spec_to_dict
from glassbox.registry.models import DatasetVersion, Model
from glassbox.registry.queries import visible_models

from .fingerprint import unstorable_parameters
from .heads.checks import HeadsError, heads_identities
from .uploads import UploadError, check_model_loadable, check_upload_fits, resolve_upload


class RequestError(ValueError):
    """An evaluation request that cannot be accepted; `field` names the field to blame."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class CheckedRequest:
    """What an accepted request resolves to: the evaluator, its spec as JSON, the named models."""

    entry: Evaluator
    spec: dict
    named_models: dict[str, dict]
    """Each spec field naming another model (e.g. a draft) or Medusa heads → its identity for the fingerprint."""
    upload: DatasetVersion | None = None
    """The uploaded outputs the spec names (pinned in `spec` as slug@N), scored instead of the model's."""

    def identity_spec(self) -> dict:
        """The spec as the fingerprint sees it: an upload by its bytes' hash, not its name, so two
        registrations of one file are one computation (as with models and datasets)."""
        if self.upload is None:
            return self.spec
        return {**self.spec, self.entry.completions_upload.field: f"sha256:{self.upload.sha256}"}


def check_request(evaluator: str, dataset_version: DatasetVersion, params: dict | None, user=None, *,
                  model: Model | None = None) -> CheckedRequest:
    """Return the checked request, or raise RequestError naming the field at fault.

    `model` is the model a run evaluates; without one (a leaderboard, a suite entry, which hold
    for any model) nothing is checked against a context length. `user` None is the system: it
    may name any registered model.
    """
    try:
        entry = evaluator_registry.get(evaluator)
    except KeyError as error:
        raise RequestError(error.args[0], field="evaluator") from None
    kind = dataset_version.dataset.kind
    if kind != entry.dataset_kind:
        raise RequestError(f"evaluator '{evaluator}' needs a '{entry.dataset_kind}' dataset; "
                           f"'{dataset_version.dataset.slug}' is '{kind}'", field="dataset_version")
    try:
        spec = spec_to_dict(entry.make_spec(params))
        if model is not None:
            entry.check_fits_context(spec, model.context_length)
    except SpecError as error:
        raise RequestError(str(error), field="params") from None
    if unstorable := unstorable_parameters(spec):
        raise RequestError(f"parameter '{unstorable[0]}' must be a finite number or text without NUL "
                           f"characters, got {spec[unstorable[0]]!r}", field="params")
    try:
        upload = resolve_upload(entry, spec, user)
    except UploadError as error:
        raise RequestError(str(error), field="params") from None
    if upload is not None and model is None:
        raise RequestError(f"{entry.completions_upload.field}: uploaded outputs belong to one model; name "
                           "them in a run, not in a leaderboard or suite", field="params")
    if model is not None:
        try:
            check_model_loadable(entry, spec, model)
        except UploadError as error:
            raise RequestError(str(error), field="model") from None
    if upload is not None:
        try:
            check_upload_fits(entry, spec, dataset_version, upload)
        except UploadError as error:
            raise RequestError(str(error), field="params") from None
    elif model is not None and spec.get("precision") == "auto":
        # A run names the format it runs in; a leaderboard's or suite's "auto" holds any format.
        spec = {**spec, "precision": settings.GLASSBOX_AUTO_PRECISION}
    try:
        heads = heads_identities(entry, spec, model)
    except HeadsError as error:
        raise RequestError(str(error), field="params") from None
    return CheckedRequest(entry=entry, spec=spec, named_models={**_named_models(entry, spec, user), **heads},
                          upload=upload)


def _named_models(entry: Evaluator, spec: dict, user=None) -> dict[str, dict]:
    """Return the identity of every other registered model the spec names (e.g. a draft model).

    A person may only name models they can see; the system (user None) any model.
    """
    candidates = Model.objects.all() if user is None else visible_models(user)
    identities = {}
    for name in entry.model_params:
        slug = spec.get(name)
        if not slug:
            continue
        other = candidates.filter(slug=slug).first()
        if other is None:
            raise RequestError(f"{name}: no registered model with slug '{slug}'", field="params")
        identities[name] = {"source": other.source, "revision": other.revision,
                            "weights_sha256": other.weights_sha256}
    return identities
