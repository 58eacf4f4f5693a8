"""Reads for a model's page: its results grouped by evaluator and dataset version, the metric
history chart's data, and its audits. A fixed number of queries however many runs it has."""
from __future__ import annotations

from django.db.models import QuerySet

from evaluators import registry as evaluator_registry
from glassbox.evaluations.models import Run
from glassbox.registry.models import Model
from glassbox.transparency.models import Audit


def _metric_order(evaluator: str, names: set[str]) -> list[str]:
    """Return metric names in the evaluator's registered order (the first is its main metric)."""
    registered = []
    if evaluator in evaluator_registry.names():
        registered = [metric.name for metric in evaluator_registry.get(evaluator).metrics]
    return [n for n in registered if n in names] + sorted(n for n in names if n not in registered)


def result_groups(model: Model, runs: QuerySet[Run] | None = None) -> list[dict]:
    """Return one group per (evaluator, dataset version): its metric columns and runs, newest first.

    `runs` is the visitor's visible runs (evaluations.queries.visible_runs); all runs when None.
    Two queries: the succeeded runs with their dataset joined, then all their metric results.
    """
    runs = ((Run.objects.all() if runs is None else runs).filter(model=model, status=Run.Status.SUCCEEDED)
            .select_related("dataset_version__dataset").prefetch_related("metrics")
            .order_by("evaluator", "dataset_version__dataset__name", "-dataset_version__number",
                      "-finished_at", "-id"))
    groups: dict[tuple[str, int], dict] = {}
    for run in runs:
        group = groups.setdefault((run.evaluator, run.dataset_version_id), {
            "evaluator": run.evaluator, "dataset_version": run.dataset_version, "runs": []})
        group["runs"].append({"run": run, "metrics": {m.name: m for m in run.metrics.all()}})
    for group in groups.values():
        names = set().union(*(row["metrics"] for row in group["runs"]))
        group["columns"] = _metric_order(group["evaluator"], names)
        for row in group["runs"]:
            row["cells"] = [row["metrics"].get(name) for name in group["columns"]]
    return list(groups.values())


def history_series(groups: list[dict]) -> list[dict]:
    """Return one chart series per (evaluator, dataset version, metric): values over time, oldest first."""
    series = []
    for group in groups:
        rows = sorted(group["runs"], key=lambda row: (row["run"].finished_at or row["run"].created_at,
                                                      row["run"].pk))
        for name in group["columns"]:
            points = [(row["run"], row["metrics"][name]) for row in rows if name in row["metrics"]]
            series.append({
                "label": f"{group['evaluator']} · {group['dataset_version']} · {name}",
                "metric": name, "direction": points[0][1].direction, "goal_label": points[0][1].goal_label,
                "x": [(run.finished_at or run.created_at).isoformat() for run, _ in points],
                "y": [m.value for _, m in points],
                "plus": [None if m.ci_high is None else m.ci_high - m.value for _, m in points],
                "minus": [None if m.ci_low is None else m.value - m.ci_low for _, m in points],
                "runs": [run.pk for run, _ in points],
            })
    return series


def audits_of(model: Model, audits: QuerySet[Audit] | None = None) -> list[Audit]:
    """Return the model's audits among `audits` (the visitor's visible ones; every audit when None)."""
    audits = Audit.objects.all() if audits is None else audits
    return list(audits.filter(subject__model=model).select_related("subject", "checklist")
                .order_by("-created_at", "-id"))
