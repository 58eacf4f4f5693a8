"""Reads for the schedules page, the model page's and home page's changes, and the run page."""
from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from glassbox.accounts import roles
from glassbox.evaluations.models import Run
from glassbox.registry.models import Model

from .models import Change, Reproduction, Schedule, Suite, SuiteEntry


def _changes(user) -> QuerySet[Change]:
    # A change is seen by whoever may see its run (private models and datasets stay private).
    changes = Change.objects.select_related("schedule", "run__model", "run__dataset_version__dataset", "previous")
    return roles.visible_runs(user, changes, prefix="run__")


def changes_for_model(model: Model, user=None, limit: int = 50) -> list[Change]:
    """Return the model's latest flagged changes `user` may see, newest first (one query)."""
    return list(_changes(user).filter(run__model=model)[:limit])


def recent_changes(limit: int = 10, user=None) -> list[Change]:
    """Return the latest flagged changes `user` may see, across models, newest first (one query)."""
    return list(_changes(user)[:limit])


def suites() -> QuerySet[Suite]:
    entries = SuiteEntry.objects.select_related("dataset_version__dataset")
    return Suite.objects.prefetch_related(Prefetch("entries", queryset=entries))


def schedules(user) -> QuerySet[Schedule]:
    """Every schedule, listing only the models `user` may see (a private model's name stays hidden)."""
    return Schedule.objects.select_related("suite").prefetch_related(
        Prefetch("listed_models", queryset=roles.visible_models(user)))


def reproductions(run: Run) -> dict:
    """Return the run this one reproduces (or None) and the runs reproducing it (one query)."""
    links = Reproduction.objects.filter(Q(copy=run) | Q(original=run)).select_related("original", "copy")
    original, copies = None, []
    for link in links:
        if link.copy_id == run.pk:
            original = link.original
        else:
            copies.append(link.copy)
    return {"original": original, "copies": copies}
