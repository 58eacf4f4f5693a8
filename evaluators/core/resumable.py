"""The resume rule every model evaluator shares: score rows in fixed groups, skip done groups.

Groups are consecutive rows, and their composition depends only on row order and the group
size, so a resumed attempt batches exactly as an uninterrupted one did and ends with
bit-identical numbers. A group with any row missing from `ctx.done` is scored again whole.
"""
from __future__ import annotations

from typing import Callable

from .base import EvaluationError, RunContext


def row_keys(rows: list[dict], what: str) -> list[str]:
    """Return each row's key (its "id" as a string, else its index); ids must be unique.

    Resume finds finished rows by key, so two rows with one id would make one of them vanish.
    """
    keys, seen = [], {}
    for index, row in enumerate(rows):
        key = str(row["id"]) if row.get("id") is not None else str(index)
        if key in seen:
            raise EvaluationError(f"row {index}: id '{key}' appears twice (first in row {seen[key]}); "
                                  f"ids must be unique so a resumed run can tell which {what} are done")
        seen[key] = index
        keys.append(key)
    return keys


def score_in_groups(ctx: RunContext, keys: list[str], group_size: int,
                    score_group: Callable[[list[int]], list[dict]]) -> list[dict]:
    """Return every row's record in row order, scoring only the groups an earlier attempt left.

    `score_group(indices)` returns one record per row index; each new record is reported with
    `ctx.on_sample` as soon as its group is done, and progress after every group.
    """
    total = len(keys)
    groups = [list(range(start, min(start + group_size, total))) for start in range(0, total, group_size)]
    pending = [group for group in groups if not all(keys[i] in ctx.done for i in group)]
    finished = total - sum(len(group) for group in pending)
    ctx.on_progress(finished, total)
    fresh: dict[str, dict] = {}
    for group in pending:
        for index, record in zip(group, score_group(group)):
            fresh[keys[index]] = record
            ctx.on_sample(keys[index], index, record)
        finished += len(group)
        ctx.on_progress(finished, total)
    return [fresh[key] if key in fresh else ctx.done[key] for key in keys]
