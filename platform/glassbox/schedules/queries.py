"""Reads for the schedules page, the model page's and home page's changes, and the run page."""
from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from evaluators import registry as evaluator_registry
from glassbox.evaluations.models import Run
from glassbox.evaluations.queries import visible_runs
from glassbox.registry.models import Model
from glassbox.registry.queries import hidden_model_slugs, visible_dataset_versions, visible_models

from .models import Change, Reproduction, Schedule, Suite, SuiteEntry


def _changes(user) -> QuerySet[Change]:
    # A change is seen by whoever may see its run (private models and datasets stay private).
    changes = Change.objects.select_related("schedule", "run__model", "run__dataset_version__dataset", "previous")
    return visible_runs(user, changes, prefix="run__")


def changes_for_model(model: Model, user=None, limit: int = 50) -> list[Change]:
    """Return the model's latest flagged changes `user` may see, newest first (one query)."""
    return list(_changes(user).filter(run__model=model)[:limit])


def recent_changes(limit: int = 10, user=None) -> list[Change]:
    """Return the latest flagged changes `user` may see, across models, newest first (one query)."""
    return list(_changes(user)[:limit])


def suites(user) -> list[Suite]:
    """Every suite with `shown_entries`: the entries `user` may see (two queries, three with model parameters).

    An entry on a private dataset, or whose parameters name a private model (a speed draft), is left
    out for whoever may not see it, as everywhere else: its name is not shown, nor that it exists.
    """
    entries = SuiteEntry.objects.filter(dataset_version__in=visible_dataset_versions(user))
    listed = list(Suite.objects.prefetch_related(Prefetch(
        "entries", queryset=entries.select_related("dataset_version__dataset"), to_attr="shown_entries")))
    named = {entry.pk: _named_models(entry) for suite in listed for entry in suite.shown_entries}
    hidden = hidden_model_slugs(user, {slug for slugs in named.values() for slug in slugs})
    if hidden:
        for suite in listed:
            suite.shown_entries = [entry for entry in suite.shown_entries if not named[entry.pk] & hidden]
    return listed


def _named_models(entry: SuiteEntry) -> set[str]:
    """Return the model slugs an entry's parameters name (e.g. a speed run's draft model)."""
    try:
        params = evaluator_registry.get(entry.evaluator).model_params
    except KeyError:  # an evaluator removed since: its parameters name nothing we know of
        return set()
    values = entry.params or {}
    return {values[name] for name in params if isinstance(values.get(name), str) and values[name]}


def schedules(user) -> QuerySet[Schedule]:
    """Every schedule, listing only the models `user` may see (a private model's name stays hidden)."""
    return Schedule.objects.select_related("suite").prefetch_related(
        Prefetch("listed_models", queryset=visible_models(user)))


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
