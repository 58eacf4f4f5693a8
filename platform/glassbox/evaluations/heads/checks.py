"""What a request naming Medusa heads must satisfy, and what the runner loads for them.

A speed run names heads by slug in a `heads_params` field (Evaluator.heads_params). They must be
heads of the run's own model whose weights exist: trained heads once their training run has
succeeded, folder heads at once. A leaderboard or suite holds for any model, so it may not name
heads. The runner swaps the slug for the folder, so a request never names a path on a worker.
"""
from __future__ import annotations

from evaluators.core.base import EvaluationError, Evaluator
from glassbox.registry.models import Model

from ..artifacts import heads_folder
from ..models import MedusaHeads, Run


class HeadsError(ValueError):
    """A spec naming heads that cannot be used; the message names the field."""


def heads_identities(entry: Evaluator, spec: dict, model: Model | None) -> dict[str, dict]:
    """Return, per heads field the spec sets, the heads' identity for the fingerprint; raise HeadsError."""
    identities = {}
    for name in entry.heads_params:
        slug = spec.get(name)
        if not slug:
            continue
        if model is None:
            raise HeadsError(f"{name}: Medusa heads belong to one model; name them in a run, not in a "
                             "leaderboard or suite")
        heads = MedusaHeads.objects.select_related("training_run", "model").filter(slug=slug).first()
        if heads is None:
            raise HeadsError(f"{name}: no registered Medusa heads with slug '{slug}'")
        if heads.model_id != model.pk:
            raise HeadsError(f"{name}: heads '{slug}' were trained for model '{heads.model.slug}', "
                             f"not '{model.slug}'")
        run = heads.training_run
        if run is not None and run.status != Run.Status.SUCCEEDED:
            if run.status in (Run.Status.QUEUED, Run.Status.RUNNING):
                raise HeadsError(f"{name}: heads '{slug}' are still training (run #{run.pk}, {run.status}); "
                                 "ask again when it has finished")
            raise HeadsError(f"{name}: heads '{slug}' have no weights: their training run #{run.pk} {run.status}")
        identities[name] = {"medusa_heads": slug, "weights_sha256": weights_sha256(heads)}
    return identities


def weights_sha256(heads: MedusaHeads) -> str:
    """The hash of the heads' safetensors: recorded at registration, or by their training run."""
    if heads.training_run_id is None:
        return heads.weights_sha256
    return str((heads.training_run.summary or {}).get("weights_sha256", ""))


def heads_folders(entry: Evaluator, spec: dict) -> dict[str, str]:
    """Return the spec's heads fields with each slug replaced by the heads' folder (for the runner)."""
    folders = {}
    for name in entry.heads_params:
        slug = spec.get(name)
        if not slug:
            continue
        heads = MedusaHeads.objects.filter(slug=slug).first()
        if heads is None:
            raise EvaluationError(f"{name}: no registered Medusa heads with slug '{slug}' (were they deleted?)")
        folders[name] = str(heads_folder(heads))
    return folders
