"""MBPP (Austin et al. 2021) rows as HumanEval-format problems, with the prompt bigcode's MBPP task
builds: the description, then the first test as the example, in a docstring.

MBPP rows hold `text` (the description), `code` (a solution), `test_list` (assert statements),
`test_setup_code` and `task_id`. The function's name is read from the first test's call, the
tests become check(candidate) with the name bound to the candidate, and the solution becomes
the canonical completion of an empty prompt body (its whole source: MBPP has no signature to
continue, so the prompt ends where the solution starts).
"""
from __future__ import annotations

import ast
import json
from pathlib import Path

from ..core.datasets import DatasetError, json_type


def _entry_point(test: str, code: str, source: str, line: int) -> str:
    """The function the first test calls that the solution defines (tests wrap it, as in
    `assert set(similar_elements(...)) == ...`)."""
    try:
        called = [node.func.id for node in ast.walk(ast.parse(test))
                  if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)]
    except SyntaxError:
        raise DatasetError("the first test is not valid Python", source=source, line=line,
                           field="test_list") from None
    try:
        defined = {node.name for node in ast.parse(code).body if isinstance(node, ast.FunctionDef)}
    except SyntaxError:
        raise DatasetError("the solution is not valid Python", source=source, line=line, field="code") from None
    for name in called:
        if name in defined:
            return name
    raise DatasetError("the first test calls no function the solution defines", source=source, line=line,
                       field="test_list")


def convert_row(row: dict, source: str = "mbpp", line: int = 1) -> dict:
    """Return one MBPP row as a HumanEval-format problem."""
    for field in ("text", "code"):
        if not isinstance(row.get(field), str):
            raise DatasetError(f"field '{field}' must be a string, got {json_type(row.get(field))}",
                               source=source, line=line, field=field)
    tests = row.get("test_list")
    if not isinstance(tests, list) or not tests or not all(isinstance(t, str) for t in tests):
        raise DatasetError("field 'test_list' must be a non-empty list of strings", source=source, line=line,
                           field="test_list")
    entry_point = _entry_point(tests[0], row["code"], source, line)
    setup = row.get("test_setup_code") or ""
    # bigcode's MBPP prompt: the description and the first test, as a docstring.
    prompt = f'"""\n{row["text"]}\n{tests[0]}\n"""\n'
    body = "\n".join(f"    {test}" for test in tests)
    test = f"{setup}\n\ndef check(candidate):\n    {entry_point} = candidate\n{body}\n"
    task_id = row.get("task_id")
    return {"task_id": f"MBPP/{task_id}" if task_id is not None else f"MBPP/line-{line}", "prompt": prompt,
            "entry_point": entry_point, "test": test, "canonical_solution": row["code"]}


def convert_file(source: str | Path, out: str | Path) -> int:
    """Convert every row of an MBPP JSONL file; return how many were written."""
    source = Path(source)
    problems = []
    for number, line in enumerate(source.read_text(encoding="utf-8").split("\n"), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise DatasetError(f"invalid JSON: {error.msg}", source=source.name, line=number) from None
        if not isinstance(row, dict):
            raise DatasetError("each line must be a JSON object", source=source.name, line=number)
        problems.append(convert_row(row, source.name, number))
    Path(out).write_text("".join(json.dumps(p) + "\n" for p in problems), encoding="utf-8")
    return len(problems)
