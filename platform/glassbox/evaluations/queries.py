"""Reads of runs and results for views, commands and workers, and which runs a reader may see."""
from __future__ import annotations

from django.db.models import QuerySet

from glassbox.accounts import roles

from .models import Run, SampleRecord


def visible_runs(user, queryset: QuerySet | None = None, prefix: str = "") -> QuerySet:
    """Return the runs `user` may see: both the model and the dataset must be visible.

    `prefix` narrows another table by its run (e.g. "run__" for metric results).
    """
    queryset = Run.objects.all() if queryset is None else queryset
    if roles.is_admin(user):
        return queryset
    # The registry's rule for models and datasets (registry.queries.visible_models and
    # visible_datasets), applied through the run's foreign keys so it stays one filter.
    return queryset.filter(roles.open_to(user, f"{prefix}model__")
                           & roles.open_to(user, f"{prefix}dataset_version__dataset__"))


def run_list(*, status: str | None = None, evaluator: str | None = None) -> QuerySet[Run]:
    runs = Run.objects.select_related("model", "dataset_version__dataset")
    if status:
        runs = runs.filter(status=status)
    if evaluator:
        runs = runs.filter(evaluator=evaluator)
    return runs


def run_detail(run_id: int, runs: QuerySet[Run] | None = None) -> Run:
    """Return one run with its metrics, looked up among `runs` (every run when None)."""
    return ((Run.objects.all() if runs is None else runs).select_related("model", "dataset_version__dataset")
            .prefetch_related("metrics").get(pk=run_id))


def sample_records(run_id: int) -> dict[str, dict]:
    """Records already stored for a run, by sample key (what a resumed attempt may skip)."""
    return dict(SampleRecord.objects.filter(run_id=run_id).values_list("key", "data"))


def sample_page(run_id: int, limit: int = 50) -> QuerySet[SampleRecord]:
    return SampleRecord.objects.filter(run_id=run_id).order_by("index")[:limit]


def run_as_dict(run: Run) -> dict:
    """A JSON view of a run: what the run page's progress poll and `manage.py run_status` show."""
    return {
        "id": run.pk,
        "evaluator": run.evaluator,
        "evaluator_version": run.evaluator_version,
        "model": run.model.slug,
        "dataset": run.dataset_version.dataset.slug,
        "dataset_version": run.dataset_version.number,
        "status": run.status,
        "progress": {"done": run.progress_done, "total": run.progress_total, "percent": run.progress_percent},
        "spec": run.spec,
        "fingerprint": run.fingerprint,
        "attempts": run.attempts,
        "error": run.error,
        "environment": run.environment,
        "metrics": {m.name: {"value": m.value, "ci": [m.ci_low, m.ci_high], "n": m.n, "direction": m.direction,
                             "goal": m.goal, "goal_label": m.goal_label}
                    for m in run.metrics.all()},
        "summary": run.summary,
        "created_at": run.created_at.isoformat(),
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }
