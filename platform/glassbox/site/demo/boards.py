"""Demo leaderboards: one per demo evaluation that ranks models, with the demo runs' own spec, so
the runs seed_demo queues fill them."""
from __future__ import annotations

from glassbox.leaderboards import services as leaderboard_services
from glassbox.leaderboards.models import Leaderboard
from glassbox.registry.models import DatasetVersion


def demo_leaderboard(*, slug: str, name: str, version: DatasetVersion, evaluator: str, metrics: list[str],
                     params: dict, description: str = "") -> Leaderboard:
    """Return the demo leaderboard `slug`, creating it on first use; a later dataset version keeps
    the board that exists (its column is the version it was made for)."""
    existing = Leaderboard.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    return leaderboard_services.create_leaderboard(slug=slug, name=name, dataset_version=version,
                                                   evaluator=evaluator, metrics=metrics,
                                                   primary_metric=metrics[0], params=params,
                                                   description=description)
