"""Return a leaderboard's ranked table: one row per model, cells with 95% intervals, rank groups.

Each model's row is its latest succeeded run of the leaderboard's evaluator on its dataset
version whose full spec equals the leaderboard's (both read with the evaluator's current spec,
so a parameter added since with a default still matches); a run scoring uploaded outputs of a
model served elsewhere matches when the fields that score them are equal (the generation
settings were the uploader's; see CompletionsUpload). Models are sorted by the primary metric's
badness under its registered goal: higher, lower, or the distance to a target (bias at 50, where
20 and 80 are equally far). Rank groups: the best model not yet placed leads a new group, and every
following model whose paired-bootstrap difference from that leader is not significant (the 95%
interval of the difference holds zero) joins it; what is compared is the badness, so for a target
the distances to it (evaluators/core/paired.py). The pairing uses the per-sample records both
runs share (same dataset version, same sample keys). A metric that cannot be rebuilt from
per-sample records falls back to overlapping 95% intervals, and the table says so (`tie_method`).

Precision: a leaderboard whose spec says `precision: auto` holds runs of every numeric format, one
row per model and format (a model swept over float32, bfloat16 and int8 has three rows); one that
names a format holds only that format's runs. Runs recorded before specs had a precision read as
`auto`, and so do uploaded outputs, which no model here produced.
"""
from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from evaluators import registry as evaluator_registry
from evaluators.core.base import Metric
from evaluators.core.specs import SpecError, canonical_json, spec_to_dict
from evaluators.core.paired import paired_bootstrap, statistic_for
from glassbox.evaluations.models import Run, SampleRecord

from .models import Leaderboard

RESAMPLES = 1000
SEED = 0
# A leaderboard spec's precision that holds every format (the spec default).
ANY_PRECISION = "auto"


def precision_of(spec: dict) -> str:
    """The numeric format a run's spec names; `auto` where it names none (older runs, uploads)."""
    value = spec.get("precision") if isinstance(spec, dict) else None
    return value if isinstance(value, str) and value else ANY_PRECISION


def metric_of(evaluator: str, metric: str) -> Metric:
    """Return the metric as the evaluator registered it (its goal, unit and description)."""
    for entry in evaluator_registry.get(evaluator).metrics:
        if entry.name == metric:
            return entry
    raise KeyError(f"'{evaluator}' has no metric '{metric}'")


def direction_of(evaluator: str, metric: str) -> str:
    """Return 'higher' or 'lower': which way the metric's badness (for a target, its distance) is better."""
    return metric_of(evaluator, metric).direction


def goal_interval(metric: Metric, low: float | None, high: float | None) -> tuple[float | None, float | None]:
    """Return the interval of what rank groups compare: the value, or its distance to the target."""
    if metric.target is None or low is None or high is None:
        return low, high
    ends = sorted((abs(low - metric.target), abs(high - metric.target)))
    # An interval holding the target holds distance 0.
    return (0.0 if low <= metric.target <= high else ends[0]), ends[1]


def latest_runs(leaderboard: Leaderboard, models: QuerySet | None = None) -> list[Run]:
    """Return each model's latest succeeded run matching the leaderboard's column, with metrics: one
    per model and precision where the leaderboard holds every precision.

    `models` limits the rows to those models (the reader's visible ones); every model when None.
    """
    column = _Column(leaderboard)
    chosen: dict[tuple[int, str], int] = {}
    candidates = Run.objects.filter(dataset_version_id=leaderboard.dataset_version_id,
                                    evaluator=leaderboard.evaluator, status=Run.Status.SUCCEEDED)
    if models is not None:
        candidates = candidates.filter(model__in=models)  # a subquery: the same one query however many
    candidates = (candidates.order_by("-finished_at", "-id").values_list("id", "model_id", "spec"))
    for run_id, model_id, spec in candidates:
        key = (model_id, precision_of(spec))
        if key not in chosen and column.holds(spec):
            chosen[key] = run_id
    return list(Run.objects.filter(pk__in=chosen.values()).select_related("model").prefetch_related("metrics"))


class _Column:
    """Which run specs a leaderboard's column holds (see the module docstring)."""

    def __init__(self, leaderboard: Leaderboard) -> None:
        try:
            self.entry = evaluator_registry.get(leaderboard.evaluator)
        except KeyError:  # an evaluator removed since: its stored specs are compared as they are
            self.entry = None
        self.wanted = self._full(leaderboard.spec)
        self.wanted_json = canonical_json(self.wanted)

    def _full(self, spec: dict) -> dict:
        if self.entry is None:
            return spec
        try:
            return spec_to_dict(self.entry.make_spec(spec))
        except SpecError:  # a spec of an older version the current fields refuse: as it is
            return spec

    def holds(self, spec: dict) -> bool:
        spec = self._full(spec)
        if self.wanted.get("precision") == ANY_PRECISION and "precision" in spec:
            spec = {**spec, "precision": ANY_PRECISION}
        if canonical_json(spec) == self.wanted_json:
            return True
        upload = self.entry.completions_upload if self.entry else None
        return bool(upload and upload.named_in(spec) and upload.same_scoring(spec, self.wanted))


def _records(run_ids: list[int]) -> dict[int, dict[str, dict]]:
    by_run: dict[int, dict[str, dict]] = {run_id: {} for run_id in run_ids}
    # Ordered by the sample's index in the dataset, so the resampled indices are the same for any pair.
    for run_id, key, data in (SampleRecord.objects.filter(run_id__in=run_ids).order_by("run_id", "index")
                              .values_list("run_id", "key", "data")):
        by_run[run_id][key] = data
    return by_run


def _compare(leader: dict, row: dict, statistic: Metric | None,
             records: dict[int, dict[str, dict]]) -> dict | None:
    """Return the paired comparison of `row` against `leader`, or None without shared records or
    where they lack the metric's per-sample statistics (runs recorded before it declared any).

    `diff` and `ci` are of the values (row minus leader); `significant` and `p_value` are of the
    badness, so for a target the distances to it are compared (evaluators/core/paired.py).
    """
    a, b = records.get(leader["run"], {}), records.get(row["run"], {})
    shared = [key for key in a if key in b]
    if statistic is None or not shared:
        return None
    result = paired_bootstrap([b[k] for k in shared], [a[k] for k in shared], statistic,
                              resamples=RESAMPLES, seed=SEED)
    if result is None:
        return None
    return {"method": "paired-bootstrap", "n": result["n"], "diff": result["diff"], "ci": result["ci"],
            "badness_diff": result["badness_diff"], "badness_ci": result["badness_ci"],
            "p_value": result["p_value"], "significant": result["significant"]}


def _overlap(leader: dict, row: dict, metric: str, goal: Metric | None = None) -> dict:
    a, b = leader["cells"][metric], row["cells"][metric]
    a_low, a_high = a["ci_low"], a["ci_high"]
    b_low, b_high = b["ci_low"], b["ci_high"]
    if goal is not None and goal.target is not None:
        # Distances to the target: 40 [35, 45] and 60 [55, 65] are both 10 [5, 15] from 50.
        (a_low, a_high), (b_low, b_high) = goal_interval(goal, a_low, a_high), goal_interval(goal, b_low, b_high)
    bounds = (a_low, a_high, b_low, b_high)
    overlap = None not in bounds and max(a_low, b_low) <= min(a_high, b_high)
    # Only where no paired test can be made: a metric without per-sample statistics, or runs
    # whose records predate them.
    return {"method": "interval-overlap", "n": None, "diff": b["value"] - a["value"], "ci": None,
            "significant": not overlap, "reason": "no per-sample statistics to pair"}


def leaderboard_table(leaderboard: Leaderboard, models: QuerySet | None = None) -> dict:
    """Return the leaderboard as a JSON-ready dict (the same dict the exports and page use).

    `models` ranks only those models (registry.queries.visible_models of the reader); all when None.
    """
    primary = leaderboard.primary_metric
    goal = metric_of(leaderboard.evaluator, primary)
    direction = goal.direction
    rows = []
    for run in latest_runs(leaderboard, models):
        metrics = {result.name: result for result in run.metrics.all()}
        if primary not in metrics:
            continue  # a run without the primary metric cannot be ranked
        rows.append({
            "model": run.model.slug, "model_name": run.model.name, "precision": precision_of(run.spec),
            "run": run.pk, "fingerprint": run.fingerprint,
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
            "cells": {name: ({"value": metrics[name].value, "ci_low": metrics[name].ci_low,
                              "ci_high": metrics[name].ci_high, "n": metrics[name].n} if name in metrics else None)
                      for name in leaderboard.metrics}})
    rows.sort(key=lambda row: (goal.badness(row["cells"][primary]["value"]), row["model"], row["precision"]))
    statistic = statistic_for(leaderboard.evaluator, primary)
    records = _records([row["run"] for row in rows]) if statistic is not None else {}
    group, leader, methods = 0, None, set()
    for row in rows:
        comparison = None
        if leader is not None:
            comparison = _compare(leader, row, statistic, records) or _overlap(leader, row, primary, goal)
            methods.add(comparison["method"])
        if comparison is None or comparison["significant"]:
            group, leader = group + 1, row
            comparison = None
        row["rank_group"] = group
        row["group_leader"] = leader["model"]
        row["vs_leader"] = comparison
    version = leaderboard.dataset_version
    return {
        "leaderboard": {"slug": leaderboard.slug, "name": leaderboard.name, "evaluator": leaderboard.evaluator,
                        "dataset": version.dataset.slug, "dataset_version": version.number,
                        "dataset_sha256": version.sha256, "spec": leaderboard.spec, "metrics": leaderboard.metrics,
                        "primary_metric": primary, "direction": direction, "goal": goal.goal,
                        "target": goal.target, "goal_label": goal.goal_label()},
        "tie_method": sorted(methods) or ["paired-bootstrap" if statistic else "interval-overlap"],
        "bootstrap": {"resamples": RESAMPLES, "seed": SEED, "level": 0.95},
        "generated_at": timezone.now().isoformat(),
        "rows": rows,
    }
