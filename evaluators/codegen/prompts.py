"""Prompts for code generation: zero-shot, or few-shot with examples from a held-out split.

Few-shot examples are the k rows of each language whose ids hash lowest under
SHA-256("glassbox-few-shot:" + id). That rule depends on the ids alone, not on the order of
the file, so the same dataset always gives the same examples; those rows are taken out of the
scored set (a model must not be scored on a task whose solution is in its prompt). Every
scored row of a language gets the same examples, in hash order.

A few-shot prompt is each example's prompt followed by its first reference, examples separated
by SHOT_SEPARATOR, then the row's own prompt. A zero-shot prompt is the row's prompt verbatim.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

TEMPLATES = ("zero-shot", "few-shot")
SHOT_SEPARATOR = "\n\n"
_SALT = "glassbox-few-shot:"


@dataclass(frozen=True)
class PromptPlan:
    """Which rows are scored (with their prompts) and which rows serve as few-shot examples."""

    scored: list[int]
    prompts: list[str]
    shot_ids: list[str]


def shot_rank(row_id: str) -> str:
    """Return the hex digest that orders rows for few-shot selection (lowest first)."""
    return hashlib.sha256((_SALT + row_id).encode("utf-8")).hexdigest()


def select_shots(rows: list[dict], k: int) -> dict[str, list[int]]:
    """Return, per language, the indices of its k few-shot example rows in hash order."""
    by_lang: dict[str, list[int]] = {}
    for index, row in enumerate(rows):
        by_lang.setdefault(row["lang"], []).append(index)
    return {lang: sorted(indices, key=lambda i: shot_rank(str(rows[i]["id"])))[:k]
            for lang, indices in by_lang.items()}


def shot_text(row: dict) -> str:
    """Return one worked example: the row's prompt and its first reference solution."""
    return row["prompt"] + row["references"][0]


def build_prompt(prompt: str, shots: list[dict]) -> str:
    """Return the model input for `prompt` after the worked examples `shots` (none: verbatim)."""
    if not shots:
        return prompt
    return SHOT_SEPARATOR.join(shot_text(shot) for shot in shots) + SHOT_SEPARATOR + prompt


def plan_prompts(rows: list[dict], template: str, k: int) -> PromptPlan:
    """Return the scored rows' indices and prompts, and the ids of the rows used as examples.

    Raises ValueError when a language has no row left to score after taking out its examples.
    """
    if template == "zero-shot" or k == 0:
        return PromptPlan(list(range(len(rows))), [row["prompt"] for row in rows], [])
    shots = select_shots(rows, k)
    for lang, indices in shots.items():
        count = sum(1 for row in rows if row["lang"] == lang)
        if count <= k:
            raise ValueError(f"few-shot with k={k} needs more than {k} rows of language "
                             f"'{lang}' (it has {count}): the examples are not scored")
    taken = {index for indices in shots.values() for index in indices}
    scored = [index for index in range(len(rows)) if index not in taken]
    prompts = [build_prompt(rows[i]["prompt"], [rows[s] for s in shots[rows[i]["lang"]]])
               for i in scored]
    shot_ids = [str(rows[i]["id"]) for indices in shots.values() for i in indices]
    return PromptPlan(scored, prompts, shot_ids)
