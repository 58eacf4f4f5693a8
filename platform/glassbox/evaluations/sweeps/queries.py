"""Reads of sweeps: which ones a reader may see, and a sweep's comparison built from its stored runs."""
from __future__ import annotations

import math
from typing import Any

from django.db.models import Q, QuerySet

from evaluators import registry as evaluator_registry
from evaluators.sweep.run import SPEED_PARAMS, summarize_format
from glassbox.accounts import roles

from ..models import PrecisionSweep, Run, SweepEntry
from ..queries import sample_records

# Every format's row has every key, null until its runs have finished (the API schema promises them).
EMPTY_ROW = {"resolved_precision": None, "shared_samples": None, "metrics": {}, "changed_generations": None,
             "weight_bytes": None, "predicted_weight_bytes": None, "peak_memory_bytes": None, "peak_covers": None,
             "decode_tokens_per_s": None, "speed_ratio": None, "roofline_tokens_per_s": None,
             "roofline_share": None}
METRIC_KEYS = ("value", "value_ci", "reference", "diff", "ci", "p_value", "significant", "n", "unit")


def visible_sweeps(user, queryset: QuerySet | None = None) -> QuerySet[PrecisionSweep]:
    """Return the sweeps `user` may see: its model and both its datasets must be visible."""
    queryset = PrecisionSweep.objects.all() if queryset is None else queryset
    if roles.is_admin(user):
        return queryset
    return queryset.filter(roles.open_to(user, "model__") & roles.open_to(user, "dataset_version__dataset__")
                           & (Q(speed_dataset_version=None) | roles.open_to(user, "speed_dataset_version__dataset__")))


def sweep_detail(sweep_id: int, sweeps: QuerySet | None = None) -> PrecisionSweep:
    """Return one sweep with what its report reads joined, looked up among `sweeps` (all when None)."""
    return ((PrecisionSweep.objects.all() if sweeps is None else sweeps)
            .select_related("model", "dataset_version__dataset", "speed_dataset_version__dataset")
            .get(pk=sweep_id))


def sweep_report(sweep: PrecisionSweep) -> dict:
    """Return the sweep as JSON: its request, progress, and one row per format (summarize_format's
    fields, with each metric's own interval and unit), the first format the reference."""
    entries = list(SweepEntry.objects.filter(sweep=sweep).select_related("quality_run", "speed_run")
                   .prefetch_related("quality_run__metrics").order_by("position"))
    runs = [e.quality_run for e in entries] + [e.speed_run for e in entries if e.speed_run is not None]
    finished = sum(1 for run in runs if run.is_finished)
    reference = _stored_result(entries[0]) if entries and _succeeded(entries[0].quality_run) else None
    speed = sweep.speed_dataset_version
    return _finite({
        "id": sweep.pk, "evaluator": sweep.evaluator, "model": sweep.model.slug, "model_name": sweep.model.name,
        "dataset": sweep.dataset_version.dataset.slug, "dataset_version": sweep.dataset_version.number,
        "params": sweep.params, "precisions": sweep.precisions, "reference": sweep.precisions[0],
        "primary_metric": primary_metric(sweep.evaluator),
        "speed_dataset": speed.dataset.slug if speed else None,
        "speed_dataset_version": speed.number if speed else None,
        "speed_params": SPEED_PARAMS if speed else None,
        "created_at": sweep.created_at.isoformat(),
        "progress": {"finished": finished, "total": len(runs), "running": finished < len(runs),
                     "percent": 100 * finished // len(runs) if runs else 100},
        "formats": [_row(sweep.evaluator, entry, reference) for entry in entries],
    })


def primary_metric(evaluator: str) -> str | None:
    """The evaluator's main metric: its first registered one (as on a model's page)."""
    try:
        return evaluator_registry.get(evaluator).metrics[0].name
    except (KeyError, IndexError):
        return None


def _row(evaluator: str, entry: SweepEntry, reference: dict | None) -> dict:
    quality, speed = entry.quality_run, entry.speed_run
    row: dict[str, Any] = {"precision": entry.precision, "position": entry.position, "reference": entry.position == 0,
                           **EMPTY_ROW,
                           "quality_run": _run_state(quality), "speed_run": _run_state(speed) if speed else None,
                           "compared": False}
    if not _succeeded(quality):
        return row
    result = reference if entry.position == 0 and reference is not None else _stored_result(entry)
    if reference is not None:
        # The shell sweep's own row: paired differences from the per-sample records, bytes, speed.
        row.update(summarize_format(evaluator, reference, result), compared=True)
    else:
        # The reference has no results (yet): this format's own values, nothing to compare with.
        row.update(resolved_precision=result["environment"].get("precision"),
                   weight_bytes=result["environment"].get("weight_bytes"),
                   predicted_weight_bytes=result["environment"].get("predicted_weight_bytes"),
                   metrics={name: {"value": result["summary"].get(name)} for name in _metric_names(evaluator)})
    row.update(precision=entry.precision, reference=entry.position == 0)
    row["metrics"] = _with_intervals(evaluator, quality, row["metrics"])
    return row


def _stored_result(entry: SweepEntry) -> dict:
    """The result summarize_format reads, from the stored runs of one format."""
    run, speed_run = entry.quality_run, entry.speed_run
    speed = speed_run.summary if speed_run is not None and _succeeded(speed_run) else None
    # Peak memory is the speed run's greedy, batch-1 pass: the one measurement taken on its own.
    greedy = next((v for v in (speed or {}).get("variants", []) if v.get("name") == "greedy"
                   and not v.get("failed")), {})
    return {"precision": entry.precision, "summary": run.summary or {}, "records": sample_records(run.pk),
            "environment": run.environment or {}, "speed": speed,
            "peak": {"peak_memory_bytes": greedy.get("peak_memory_bytes"),
                     "peak_covers": greedy.get("peak_memory_scope")}}


def _with_intervals(evaluator: str, run: Run, metrics: dict) -> dict:
    """Each metric's comparison plus its own 95% interval and unit, in the evaluator's order."""
    stored = {m.name: m for m in run.metrics.all()}
    out = {}
    for name in _metric_names(evaluator):
        entry = {key: None for key in METRIC_KEYS} | metrics.get(name, {})
        result = stored.get(name)
        entry["value_ci"] = ([result.ci_low, result.ci_high] if result is not None and result.ci_low is not None
                             else None)
        entry["unit"] = evaluator_registry.get(evaluator).metric(name).unit
        if entry["value"] is None and entry["diff"] is None:
            continue  # a metric this run did not report (e.g. a subset it had no samples for)
        out[name] = {key: entry[key] for key in METRIC_KEYS}
    return out


def _metric_names(evaluator: str) -> list[str]:
    return [metric.name for metric in evaluator_registry.get(evaluator).metrics]


def _run_state(run: Run) -> dict:
    return {"id": run.pk, "status": run.status, "progress_percent": run.progress_percent, "error": run.error}


def _succeeded(run: Run | None) -> bool:
    return run is not None and run.status == Run.Status.SUCCEEDED


def _finite(value: Any) -> Any:
    """`value` with every non-finite float as None: JSON has no NaN or infinity (a perplexity can overflow)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


CHART_ID = "sweep-chart"


def sweep_chart(report: dict) -> dict:
    """The page's scatter: each format's weight bytes (MiB) against its primary metric's change from
    the reference (with its 95% interval), coloured by decode tokens/s; formats lacking either are left out."""
    from ..numbers import chart_scale

    primary = report["primary_metric"]
    points = [row for row in report["formats"]
              if row["weight_bytes"] is not None and (row["metrics"].get(primary) or {}).get("diff") is not None]
    unit = points[0]["metrics"][primary]["unit"] if points else ""
    scale, suffix = chart_scale(unit)
    changes = [row["metrics"][primary] for row in points]
    return {"element_id": CHART_ID, "metric": primary, "suffix": suffix, "reference": report["reference"],
            "labels": [row["precision"] for row in points],
            "x": [row["weight_bytes"] / (1 << 20) for row in points],
            "y": [change["diff"] * scale for change in changes],
            "plus": [None if not change["ci"] else (change["ci"][1] - change["diff"]) * scale for change in changes],
            "minus": [None if not change["ci"] else (change["diff"] - change["ci"][0]) * scale for change in changes],
            "tokens_per_s": [row["decode_tokens_per_s"] for row in points]}


def quality_table(report: dict) -> list[dict]:
    """The page's quality rows: per metric (the evaluator's order), each format's value and change."""
    names: list[str] = []
    for row in report["formats"]:
        names += [name for name in row["metrics"] if name not in names]
    return [{"metric": name, "primary": name == report["primary_metric"],
             "unit": next(row["metrics"][name]["unit"] for row in report["formats"] if name in row["metrics"]),
             "formats": [{"precision": row["precision"], "is_reference": row["position"] == 0,
                          "status": row["quality_run"]["status"], "compared": row["compared"],
                          **dict.fromkeys(METRIC_KEYS), **(row["metrics"].get(name) or {})}
                         for row in report["formats"]]}
            for name in names]
