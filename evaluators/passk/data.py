"""The dataset kind pass@k reads: HumanEval's format as it is (task_id, prompt, entry_point, test,
optional canonical_solution), JSONL or .jsonl.gz. The task id is the row's id. (Uploaded completions
of a model served elsewhere are the shared kind in core/completions.py.)"""
from __future__ import annotations

import ast

from ..core.datasets import DatasetKind, Fail, Field, register_kind, text_field


def _defines_check(test: str) -> bool | None:
    """True when the test code defines a function `check`; None when it does not parse."""
    try:
        tree = ast.parse(test)
    except SyntaxError:
        return None
    return any(isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "check"
               for node in tree.body)


def _code_tests_row(raw: dict, fail: Fail) -> dict:
    task_id = text_field(raw, "task_id", fail)
    entry_point = text_field(raw, "entry_point", fail)
    if not entry_point.isidentifier():
        raise fail("entry_point", f"field 'entry_point' must be a Python identifier, got {entry_point!r}")
    test = text_field(raw, "test", fail)
    defines = _defines_check(test)
    if defines is None:
        raise fail("test", "field 'test' is not valid Python")
    if not defines:
        raise fail("test", "field 'test' must define a function check(candidate)")
    row = {"task_id": task_id, "prompt": text_field(raw, "prompt", fail), "entry_point": entry_point,
           "test": test, "canonical_solution": None}
    solution = raw.get("canonical_solution")
    if solution is not None:
        if not isinstance(solution, str):
            raise fail("canonical_solution", "field 'canonical_solution' must be a string")
        row["canonical_solution"] = solution
    return row


CODE_TESTS = register_kind(DatasetKind(
    "code_tests", "Code with tests (pass@k)", ("jsonl",), (
        Field("task_id", "string", True, "The problem's id, e.g. HumanEval/0; samples name it."),
        Field("prompt", "string", True, "The code the model continues: a signature and docstring."),
        Field("entry_point", "identifier", True, "The function the test calls."),
        Field("test", "string", True, "Python code defining check(candidate), which asserts."),
        Field("canonical_solution", "string", False, "A correct completion of the prompt; CodeBLEU "
              "is measured against it."),
    ), 'one line of HumanEval.jsonl(.gz) as it is: {"task_id": "HumanEval/0", "prompt": "...", '
       '"entry_point": "...", "test": "...", "canonical_solution": "..."}', _code_tests_row, id_field="task_id"))
