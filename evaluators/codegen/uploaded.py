"""Score uploaded completions (a model served elsewhere) as codegen scores a model's generations:
the first completion of each scored row is its generation, scored against the row's references.
Completions are taken as they are, not cut at stop sequences: they are what the model returned."""
from __future__ import annotations

from typing import Any

from ..core.base import EvaluationError, RunContext
from ..core.completions import group_completions


def completions_by_row(keys: list[str], plan: Any, uploaded: list[dict]) -> dict[str, list[str]]:
    """Each scored row's uploaded completions, or EvaluationError naming what does not fit."""
    scored = [keys[i] for i in plan.scored]
    # Rows that are few-shot examples are not scored: completions of them are allowed and unused.
    shots = set(keys) - set(scored)
    return group_completions(scored, [u for u in uploaded if u["task_id"] not in shots], 1, "scoring")


def check_upload(rows: list[dict], uploaded: list[dict], spec: Any) -> None:
    """Raise EvaluationError where the upload does not fit the rows codegen would score under `spec`."""
    from . import row_keys_and_language
    from .prompts import plan_prompts

    keys, lang = row_keys_and_language(rows)
    try:
        plan = plan_prompts([{**row, "id": key, "lang": lang} for row, key in zip(rows, keys)], spec.template, spec.k)
    except ValueError as error:
        raise EvaluationError(str(error)) from None
    completions_by_row(keys, plan, uploaded)


def score_uploaded(ctx: RunContext, spec: Any, rows: list[dict], keys: list[str], plan: Any,
                   lang: str) -> dict[str, dict]:
    """Return the fresh record of every scored row not in ctx.done, storing each as it is made."""
    from ..codemetrics import score_and_count_samples

    grouped = completions_by_row(keys, plan, ctx.completions)
    pending = [i for i in range(len(plan.scored)) if keys[plan.scored[i]] not in ctx.done]
    total = len(plan.scored)
    finished = total - len(pending)
    ctx.on_progress(finished, total)
    fresh: dict[str, dict] = {}
    for start in range(0, len(pending), spec.batch_size):
        batch = pending[start:start + spec.batch_size]
        rows_here = [rows[plan.scored[i]] for i in batch]
        texts = [grouped[row["id"]] for row in rows_here]
        scores, counts = score_and_count_samples([t[0] for t in texts], [r["references"] for r in rows_here], lang)
        for i, row, generations, score, count in zip(batch, rows_here, texts, scores, counts):
            record = {"prompt": plan.prompts[i], "generation": generations[0], "generations": generations,
                      "raw": generations, "references": row["references"], "scores": score, "stats": count,
                      "truncated_tokens": 0}
            fresh[row["id"]] = record
            ctx.on_sample(row["id"], plan.scored[i], record)
        finished += len(batch)
        ctx.on_progress(finished, total)
    return fresh
