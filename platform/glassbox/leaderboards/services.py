"""The only code that writes leaderboards and snapshots."""
from __future__ import annotations

from django.db import transaction

from glassbox.evaluations.requests import RequestError, check_request
from glassbox.registry.models import DatasetVersion
from glassbox.registry.services import SLUG_NOT_AVAILABLE

from .models import Leaderboard, Snapshot
from .ranking import leaderboard_table


class LeaderboardError(RequestError):
    """A leaderboard that cannot be saved; `field` names the field to blame."""


def create_leaderboard(*, slug: str, name: str, dataset_version: DatasetVersion, evaluator: str,
                       metrics: list[str], primary_metric: str, params: dict | None = None,
                       description: str = "") -> Leaderboard:
    """Check the evaluator, metrics and parameters, and save the leaderboard with the full spec."""
    # A leaderboard holds for every model, so no context length is checked; the system (no user)
    # may name any registered model, as it does when a schedule runs the same spec.
    try:
        checked = check_request(evaluator, dataset_version, params)
    except RequestError as error:
        raise LeaderboardError(str(error), field=error.field) from None
    entry, spec = checked.entry, checked.spec
    known = [metric.name for metric in entry.metrics]
    metrics = list(dict.fromkeys(metrics or [primary_metric]))
    for metric in metrics + [primary_metric]:
        if metric not in known:
            raise LeaderboardError(f"'{evaluator}' has no metric '{metric}'; known: {', '.join(known)}",
                                   field="metrics")
    if primary_metric not in metrics:
        metrics.insert(0, primary_metric)
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
