"""The only code that writes leaderboards and snapshots."""
from __future__ import annotations

from django.db import transaction

from evaluators import registry as evaluator_registry
from evaluators.base import SpecError, spec_to_dict
from glassbox.evaluations.fingerprint import unstorable_parameters
from glassbox.registry.models import DatasetVersion
from glassbox.registry.services import SLUG_NOT_AVAILABLE

from .models import Leaderboard, Snapshot
from .ranking import leaderboard_table


class LeaderboardError(ValueError):
    """A leaderboard that cannot be saved; `field` names the field to blame."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def create_leaderboard(*, slug: str, name: str, dataset_version: DatasetVersion, evaluator: str,
                       metrics: list[str], primary_metric: str, params: dict | None = None,
                       description: str = "") -> Leaderboard:
    """Check the evaluator, metrics and parameters, and save the leaderboard with the full spec."""
    try:
        entry = evaluator_registry.get(evaluator)
    except KeyError as error:
        raise LeaderboardError(error.args[0], field="evaluator") from None
    if dataset_version.dataset.kind != entry.dataset_kind:
        raise LeaderboardError(f"evaluator '{evaluator}' needs a '{entry.dataset_kind}' dataset; "
                               f"'{dataset_version.dataset.slug}' is '{dataset_version.dataset.kind}'",
                               field="dataset_version")
    known = [metric.name for metric in entry.metrics]
    metrics = list(dict.fromkeys(metrics or [primary_metric]))
    for metric in metrics + [primary_metric]:
        if metric not in known:
            raise LeaderboardError(f"'{evaluator}' has no metric '{metric}'; known: {', '.join(known)}",
                                   field="metrics")
    if primary_metric not in metrics:
        metrics.insert(0, primary_metric)
    try:
        spec = spec_to_dict(entry.make_spec(params))
    except SpecError as error:
        raise LeaderboardError(str(error), field="params") from None
    if unstorable := unstorable_parameters(spec):
        raise LeaderboardError(f"parameter '{unstorable[0]}' must be a finite number or text without NUL "
                               f"characters, got {spec[unstorable[0]]!r}", field="params")
    if Leaderboard.objects.filter(slug=slug).exists():
        raise LeaderboardError(SLUG_NOT_AVAILABLE, field="slug")
    return Leaderboard.objects.create(slug=slug, name=name, description=description,
                                      dataset_version=dataset_version, evaluator=entry.name, metrics=metrics,
                                      primary_metric=primary_metric, spec=spec)


def take_snapshot(leaderboard: Leaderboard, note: str = "") -> Snapshot:
    """Freeze the leaderboard's current table (values, intervals, fingerprints, rank groups)."""
    with transaction.atomic():
        snapshot = Snapshot.objects.create(leaderboard=leaderboard, note=note, table={})
        table = leaderboard_table(leaderboard)
        table["snapshot"] = {"uid": str(snapshot.uid), "created_at": snapshot.created_at.isoformat(),
                             "note": note}
        snapshot.table = table
        snapshot.save(update_fields=["table"])
    return snapshot
