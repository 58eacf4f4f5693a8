"""The demo code-generation dataset: small Python tasks written for Glassbox.

Each task in data/demo_codegen.jsonl is a function signature with a docstring (the prompt), the
function body that solves it (the reference) and one assertion (the test) that the reference
passes. `write_demo_codegen` writes the platform's codegen JSONL, without the tests;
`check_references` runs references against their tests in a fresh interpreter.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DATA_FILE = Path(__file__).parent.parent / "data" / "demo_codegen.jsonl"
# Greedy demo runs stop where a new top-level statement starts, as HumanEval's harness does.
DEMO_STOP = json.dumps(["\ndef ", "\nclass ", "\nif __name__", "\nprint(", "\n#", "\n\n\n"])
# The demo runs' generation settings: short, greedy continuations (a few minutes on two cores).
DEMO_PARAMS = {"max_new_tokens": 64}


def demo_tasks() -> list[dict]:
    """Return every demo task: {"id", "prompt", "references", "lang", "test"}."""
    lines = DATA_FILE.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def write_demo_codegen(path: str | Path) -> int:
    """Write the demo tasks to `path` as codegen JSONL; return how many were written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tasks = demo_tasks()
    with path.open("w", encoding="utf-8") as handle:
        for task in tasks:
            row = {name: task[name] for name in ("id", "prompt", "references", "lang")}
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(tasks)


def write_reference_completions(path: str | Path) -> Path:
    """Write every demo task's first reference as its completion ({"task_id", "completion"} lines)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"task_id": str(task["id"]), "completion": task["references"][0]}, ensure_ascii=False)
             for task in demo_tasks()]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def program(task: dict, solution: str | None = None) -> str:
    """Return the Python source that defines the task's function and asserts its test."""
    body = task["references"][0] if solution is None else solution
    return task["prompt"] + body + "\n" + task["test"] + "\n"


_RUNNER = """
import json, sys
failures = []
for task_id, source in json.load(sys.stdin):
    try:
        exec(compile(source, task_id, "exec"), {"__name__": task_id})
    except BaseException as error:  # a failing reference, whatever it raised
        failures.append(f"{task_id}: {type(error).__name__}: {error}")
print(json.dumps(failures))
"""


def check_references(tasks: list[dict], timeout: float = 60.0) -> list[str]:
    """Return what failed when every task's reference runs against its test (empty: all pass).

    They run in one fresh interpreter (-I: no user site, no current directory on the path),
    each in its own namespace, under a timeout.
    """
    payload = json.dumps([[task["id"], program(task)] for task in tasks])
    try:
        result = subprocess.run([sys.executable, "-I", "-c", _RUNNER], input=payload,
                                capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return [f"the references did not finish within {timeout} s"]
    if result.returncode != 0:
        return [result.stderr.strip() or f"exit code {result.returncode}"]
    return json.loads(result.stdout)
