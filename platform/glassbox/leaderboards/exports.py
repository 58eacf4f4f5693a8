"""CSV and JSON exports of a leaderboard table (live or snapshot)."""
from __future__ import annotations

import json

from rest_framework.renderers import BaseRenderer

from evaluators import registry
from glassbox.config.csv_export import csv_text

NO_GOAL = {"goal": None, "goal_label": "", "unit": ""}


def metric_goals(table: dict) -> dict[str, dict]:
    """Return each column's goal ("higher", "lower" or the target value), its label and its unit, by
    metric name.

    Read from the evaluator's registration: a snapshot frozen before goals were exported still gets
    them, and a metric its evaluator no longer registers gets none instead of failing the download.
    """
    info = table["leaderboard"]
    try:
        evaluator = registry.get(info.get("evaluator", ""))
    except KeyError:
        return {name: dict(NO_GOAL) for name in info["metrics"]}
    goals = {}
    for name in info["metrics"]:
        try:
            metric = evaluator.metric(name)
        except KeyError:
            goals[name] = dict(NO_GOAL)
        else:
            goals[name] = {"goal": metric.goal, "goal_label": metric.goal_label(), "unit": metric.unit}
    return goals


def with_goals(table: dict) -> dict:
    """Return the table as exported: a copy whose `leaderboard` also says each metric's goal."""
    return {**table, "leaderboard": {**table["leaderboard"], "metric_goals": metric_goals(table)}}


def table_csv(table: dict) -> str:
    """Return one CSV line per ranked model: rank group, model, run, fingerprint, each metric's interval
    and goal (the goal columns stay blank unless the table went through `with_goals`; formula-safe:
    model names are text their owners chose)."""
    metrics = table["leaderboard"]["metrics"]
    goals = table["leaderboard"].get("metric_goals", {})
    header = ["rank_group", "model", "model_name", "precision", "run", "fingerprint"]
    for metric in metrics:
        header += [metric, f"{metric}_ci_low", f"{metric}_ci_high", f"{metric}_n", f"{metric}_goal",
                   f"{metric}_goal_label"]
    header += ["diff_vs_group_leader", "diff_ci_low", "diff_ci_high", "tie_method"]
    lines = []
    for row in table["rows"]:
        line = [row["rank_group"], row["model"], row["model_name"], row.get("precision", "auto"), row["run"],
                row["fingerprint"]]
        for metric in metrics:
            cell = row["cells"].get(metric) or {}
            goal = goals.get(metric) or NO_GOAL
            line += [cell.get("value"), cell.get("ci_low"), cell.get("ci_high"), cell.get("n"), goal["goal"],
                     goal["goal_label"]]
        versus = row.get("vs_leader") or {}
        ci = versus.get("ci") or [None, None]
        line += [versus.get("diff"), ci[0], ci[1], versus.get("method")]
        lines.append(line)
    return csv_text(header, lines)


def json_bytes(table: dict) -> bytes:
    """The JSON export's body: compact (the C encoder), UTF-8."""
    return json.dumps(table, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class CSVTableRenderer(BaseRenderer):
    """Renders a leaderboard table (after `with_goals`) with `table_csv`; error bodies are JSON (export_api.py)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return table_csv(data).encode("utf-8")


class JSONTableRenderer(BaseRenderer):
    """Renders a leaderboard table with `json_bytes`, or passes through a body already rendered (cached)."""

    media_type = "application/json"
    format = "json"
    charset = None  # JSON is UTF-8 by definition (RFC 8259): the header says no charset, as before

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return data if isinstance(data, bytes) else json_bytes(data)
