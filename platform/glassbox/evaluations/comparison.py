"""Compare two runs of one evaluator on one dataset version: per-metric differences with paired
bootstrap intervals, and the samples where the runs differ most.

Differences read "B minus A". A metric that declares its per-sample statistics (perplexity,
corpus BLEU, CodeBLEU, exact match, bias and BBQ scores) gets a paired bootstrap over the samples
both runs scored (evaluators/core/paired.py, as the leaderboards' rank groups use), with sacrebleu's
p-value; a metric without them (timings), or runs whose records predate them, shows the plain
difference of the stored values and says that no paired test was possible.
"""
from __future__ import annotations

from django.db.models import QuerySet

from evaluators import registry as evaluator_registry
from evaluators.core.paired import paired_bootstrap, statistic_for

from .models import Run, SampleRecord

TOP_SAMPLES = 20
# The leaderboards' rank groups bootstrap with the same count and seed (leaderboards/ranking.py), so a
# comparison and a leaderboard never disagree about one pair; a test holds the two equal. Defined here
# because evaluations sits below leaderboards and may not import it.
RESAMPLES = 1000
SEED = 0


class ComparisonError(ValueError):
    """Two runs that cannot be compared; the message says why."""


def check_comparable(a: Run, b: Run) -> None:
    """Raise ComparisonError unless both runs used one evaluator on one dataset version and finished."""
    if a.pk == b.pk:
        raise ComparisonError("choose two different runs")
    if a.evaluator != b.evaluator:
        raise ComparisonError(f"run #{a.pk} used evaluator '{a.evaluator}' and run #{b.pk} used "
                              f"'{b.evaluator}'; only runs of the same evaluator can be compared")
    if a.dataset_version_id != b.dataset_version_id:
        raise ComparisonError(f"run #{a.pk} is on {a.dataset_version} and run #{b.pk} on {b.dataset_version}; "
                              "only runs on the same dataset version can be compared sample by sample")
    for run in (a, b):
        if run.status != Run.Status.SUCCEEDED:
            raise ComparisonError(f"run #{run.pk} is {run.status}; only succeeded runs can be compared")


def _records(a: Run, b: Run) -> tuple[list[str], dict[str, dict], dict[str, dict], dict[str, int]]:
    """Return the shared keys in dataset order, both runs' records by key, and each key's index (one query)."""
    by_run: dict[int, dict[str, dict]] = {a.pk: {}, b.pk: {}}
    index: dict[str, int] = {}
    for run_id, key, position, data in (SampleRecord.objects.filter(run_id__in=[a.pk, b.pk])
                                        .order_by("index", "key").values_list("run_id", "key", "index", "data")):
        by_run[run_id][key] = data
        index.setdefault(key, position)
    shared = [key for key in by_run[a.pk] if key in by_run[b.pk]]
    return shared, by_run[a.pk], by_run[b.pk], index


def metric_rows(a: Run, b: Run, shared: list[str], records_a: dict, records_b: dict) -> list[dict]:
    """Return one row per metric: both values, B - A, and the paired 95% interval when there is one."""
    metrics_a = {m.name: m for m in a.metrics.all()}
    metrics_b = {m.name: m for m in b.metrics.all()}
    names = set(metrics_a) | set(metrics_b)
    registered = ([m.name for m in evaluator_registry.get(a.evaluator).metrics]
                  if a.evaluator in evaluator_registry.names() else [])
    rows = []
    # The evaluator's registered order, so the main metric comes first as on the run page.
    for name in [n for n in registered if n in names] + sorted(names.difference(registered)):
        ma, mb = metrics_a.get(name), metrics_b.get(name)
        registered_metric = evaluator_registry.find_metric(a.evaluator, name)
        row = {"name": name, "a": ma, "b": mb, "direction": (ma or mb).direction,
               "unit": registered_metric.unit if registered_metric else "",
               "goal": (ma or mb).goal, "goal_label": (ma or mb).goal_label,
               "diff": mb.value - ma.value if ma and mb else None, "ci": None, "n": None,
               "significant": None, "method": "none"}
        statistic = statistic_for(a.evaluator, name)
        # None where the records predate the metric's per-sample statistics: no paired test.
        paired = (paired_bootstrap([records_b[k] for k in shared], [records_a[k] for k in shared],
                                   statistic, resamples=RESAMPLES, seed=SEED)
                  if statistic is not None and shared else None)
        if paired is not None:
            row.update(diff=paired["diff"], ci=paired["ci"], n=paired["n"], significant=paired["significant"],
                       p_value=paired["p_value"], method="paired-bootstrap")
        if row["diff"] is not None and row["significant"]:
            # The badness (for a target, the distance to it) decides which run is better.
            improved = (paired["badness_diff"] < 0 if paired is not None
                        else row["diff"] < 0 if row["direction"] == "lower" else row["diff"] > 0)
            row["better"] = f"run #{b.pk}" if improved else f"run #{a.pk}"
        rows.append(row)
    return rows


def sample_rows(evaluator: str, shared: list[str], records_a: dict, records_b: dict, index: dict[str, int],
                limit: int = TOP_SAMPLES) -> tuple[str, list[dict]]:
    """Return the per-sample score's label and the `limit` shared samples with the largest |B - A|."""
    # What one sample scores is the evaluator's to say (Evaluator.sample_score).
    declared = evaluator_registry.get(evaluator).sample_score if evaluator in evaluator_registry.names() else None
    if declared is None:
        return "", []
    label, score = declared.label, declared.value
    rows = []
    for key in shared:
        try:
            value_a, value_b = score(records_a[key]), score(records_b[key])
        except (KeyError, TypeError, ValueError, ZeroDivisionError):
            continue  # a record without the fields (an older format) cannot be scored
        rows.append({"key": key, "index": index[key], "a": value_a, "b": value_b, "diff": value_b - value_a,
                     "text_a": _text(records_a[key]), "text_b": _text(records_b[key])})
    rows.sort(key=lambda row: (-abs(row["diff"]), row["index"]))
    return label, rows[:limit]


def _text(record: dict) -> str:
    # What the model produced, where the record keeps it (generations), else nothing to show.
    return str(record.get("generation", ""))


def compare_runs(a: Run, b: Run) -> dict:
    """Return {"metrics", "samples", "sample_label", "shared", "spec_differences"} for B against A."""
    check_comparable(a, b)
    shared, records_a, records_b, index = _records(a, b)
    label, samples = sample_rows(a.evaluator, shared, records_a, records_b, index)
    spec_keys = sorted(set(a.spec) | set(b.spec))
    return {
        "metrics": metric_rows(a, b, shared, records_a, records_b),
        "samples": samples, "sample_label": label, "shared": len(shared),
        "spec_differences": [{"name": k, "a": a.spec.get(k), "b": b.spec.get(k)}
                             for k in spec_keys if a.spec.get(k) != b.spec.get(k)],
        "bootstrap": {"resamples": RESAMPLES, "seed": SEED},
    }


def candidates(run: Run, runs: QuerySet[Run] | None = None, limit: int = 50) -> list[Run]:
    """Return other succeeded runs of the same evaluator on the same dataset version, newest first.

    `runs` is what the visitor may see (evaluations.queries.visible_runs); every run when None.
    """
    runs = Run.objects.all() if runs is None else runs
    return list(runs.filter(evaluator=run.evaluator, dataset_version_id=run.dataset_version_id,
                            status=Run.Status.SUCCEEDED).exclude(pk=run.pk)
                .select_related("model").order_by("-created_at", "-id")[:limit])
