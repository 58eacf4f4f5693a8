"""The TruthfulQA run page's panel: MC1 and MC2 per category as bars with interval whiskers.

The numbers come from the run's output (`by_category`, written by evaluators/truthfulqa/summary.py);
the chart's data reaches the page through json_script, category names as plain (escaped) text.
The question browser below the panel is the evaluator's declared sample table.
"""
from __future__ import annotations

from ..models import Run

METRICS = ("mc1", "mc2")


def _whiskers(figures: list[dict], name: str) -> dict:
    values = [f.get(name) for f in figures]
    intervals = [f.get(f"{name}_ci") or [None, None] for f in figures]
    return {
        "values": values,
        "plus": [hi - v if hi is not None and v is not None else 0 for v, (_, hi) in zip(values, intervals)],
        "minus": [v - lo if lo is not None and v is not None else 0 for v, (lo, _) in zip(values, intervals)],
    }


def chart_data(summary: dict) -> dict:
    """Return the bars the chart draws: per category (or "all questions" where the data has no
    categories), MC1 and MC2 with their 95% intervals, and each bar's n."""
    categories = summary.get("by_category") or {}
    names = sorted(categories) or (["all questions"] if summary.get("n") else [])
    figures = [categories[name] for name in sorted(categories)] or ([summary] if names else [])
    return {"categories": names, "n": [f.get("n") for f in figures],
            **{name: _whiskers(figures, name) for name in METRICS}}


def context(run: Run, request=None) -> dict:
    """Return the overall figures, the chart's data and the per-category table."""
    summary = run.summary if isinstance(run.summary, dict) else {}
    categories = summary.get("by_category") or {}
    return {
        "truthfulqa_summary": summary,
        "truthfulqa_chart": chart_data(summary),
        "truthfulqa_categories": [{"name": name, **categories[name]} for name in sorted(categories)],
    }
