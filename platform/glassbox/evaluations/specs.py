"""A run's spec as its page shows it: each requested value, and beside it the value the worker
resolved it to where the evaluator reports one (perplexity's max_length None → the model's
context, for example)."""
from __future__ import annotations

from .models import Run


def spec_rows(run: Run) -> list[dict]:
    """Return [{"name", "requested", "resolved"}], resolved None where it is what was asked."""
    summary = run.summary if isinstance(run.summary, dict) else {}
    nested = summary.get("spec") if isinstance(summary.get("spec"), dict) else {}
    rows = []
    for name, requested in (run.spec or {}).items():
        reported = nested.get(name, summary.get(name, requested))
        resolved = reported if reported != requested and not isinstance(reported, (dict, list)) else None
        rows.append({"name": name, "requested": requested, "resolved": resolved})
    return rows
