"""The quality-versus-speed chart of a leaderboard: each ranked model's primary metric against
the speed metric of its latest succeeded run of the evaluator that declares one
(`Evaluator.speed_metric`: speed's greedy output tokens/s), on any prompt set and any worker: the
chart names the run and device of every point so a reader can judge the comparison."""
from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from evaluators import registry as evaluator_registry
from evaluators.core.base import Metric
from glassbox.evaluations.models import MetricResult, Run
from glassbox.registry.models import Model

from .pareto import pareto_front



def speed_source() -> tuple[str, str] | None:
    """Return (evaluator, metric) of the first registered evaluator declaring a speed metric."""
    for name in evaluator_registry.names():
        metric = evaluator_registry.get(name).speed_metric
        if metric:
            return name, metric
    return None


def latest_speed(model_slugs: list[str], runs: QuerySet | None = None) -> dict[str, dict]:
    """Return {model slug: {"tokens_per_s", "run", "device"}} from each model's latest speed run among
    `runs` (the reader's visible runs; every run when None), in 2 queries."""
    source = speed_source()
    if source is None:
        return {}
    evaluator, metric = source
    runs = Run.objects.all() if runs is None else runs
    latest = (runs.filter(model=OuterRef("pk"), evaluator=evaluator, status=Run.Status.SUCCEEDED)
              .order_by("-finished_at").values("pk")[:1])
    run_of = dict(Model.objects.filter(slug__in=model_slugs).annotate(speed_run=Subquery(latest))
                  .exclude(speed_run=None).values_list("slug", "speed_run"))
    results = (MetricResult.objects.filter(run_id__in=run_of.values(), name=metric)
               .values_list("run_id", "value", "run__device"))
    by_run = {run_id: (value, device) for run_id, value, device in results}
    return {model: {"tokens_per_s": by_run[run][0], "run": run, "device": by_run[run][1]}
            for model, run in run_of.items() if run in by_run}


def quality_speed_chart(table: dict, runs: QuerySet | None = None) -> dict | None:
    """Return the scatter's points and Pareto front for a leaderboard table, or None with fewer than
    two models that have both numbers. `runs` are the speed runs the reader may see."""
    primary = table["leaderboard"]["primary_metric"]
    direction = table["leaderboard"].get("direction", "higher")
    # Snapshots frozen before goals were stored carry only the direction.
    goal = Metric(primary, table["leaderboard"].get("goal", direction))
    speeds = latest_speed([row["model"] for row in table["rows"]], runs)
    points = []
    for row in table["rows"]:
        speed = speeds.get(row["model"])
        cell = row["cells"].get(primary)
        if speed and cell and cell.get("value") is not None:
            points.append({"model": row["model_name"], "quality": cell["value"],
                           "tokens_per_s": speed["tokens_per_s"], "speed_run": speed["run"],
                           "device": speed["device"]})
    if len(points) < 2:
        return None
    # Badness is smaller for better quality under any goal: for a target, the distance to it.
    front = pareto_front([(p["tokens_per_s"], goal.badness(p["quality"])) for p in points], "higher", "lower")
    for index, point in enumerate(points):
        point["pareto"] = index in front
    return {"metric": primary, "direction": direction, "goal_label": goal.goal_label(), "points": points,
            "front": [points[i] for i in front]}
