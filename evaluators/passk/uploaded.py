"""Score uploaded completions (a model served elsewhere): the same sandbox and records as a model's
own run, without generating. The upload is checked whole before anything runs, so a file that
misses a problem or has too few samples for the requested k fails at once with the problem named.
"""
from __future__ import annotations

from typing import Any

from ..core.base import EvaluationError, RunContext
from ..core.completions import group_completions

# Problems executed between two progress reports and per-sample writes.
PROBLEMS_PER_BATCH = 16


def completions_by_problem(rows: list[dict], uploaded: list[dict], spec: Any) -> dict[str, list[str]]:
    """Each problem's uploaded completions, or EvaluationError naming what does not fit (see core)."""
    return group_completions([row["id"] for row in rows], uploaded, max(spec.k), f"pass@{max(spec.k)}")


def execute_uploaded(ctx: RunContext, spec: Any) -> tuple[list[dict], dict]:
    """Return every problem's record (fresh or from ctx.done) in dataset order, and what happened."""
    from .runner import execute_batch
    from .sandbox import Limits, SandboxUnavailable, check_sandbox

    if ctx.completions is None:
        raise EvaluationError(f"completions names '{spec.completions}', an upload this runner cannot read; "
                              "on the command line, score a samples file with passk-score")
    try:
        check_sandbox()
    except SandboxUnavailable as error:
        raise EvaluationError(str(error)) from None
    rows = ctx.rows
    grouped = completions_by_problem(rows, ctx.completions, spec)
    limits = Limits(timeout_s=spec.timeout_s, memory_bytes=spec.memory_mb << 20)
    pending = [i for i, row in enumerate(rows) if row["id"] not in ctx.done]
    finished, total = len(rows) - len(pending), len(rows)
    ctx.on_progress(finished, total)
    fresh: dict[str, dict] = {}
    for start in range(0, len(pending), PROBLEMS_PER_BATCH):
        batch = pending[start:start + PROBLEMS_PER_BATCH]
        samples = [{"task_id": rows[i]["id"], "completion": text} for i in batch for text in grouped[rows[i]["id"]]]
        fresh.update(execute_batch(ctx, batch, samples, limits))
        finished += len(batch)
        ctx.on_progress(finished, total)
    records = [fresh.get(row["id"]) or ctx.done[row["id"]] for row in rows]
    return records, {"sampling": "uploaded", "completions": spec.completions}
