"""The pass@k demo: the first HumanEval problems, and two sets of completions of known behaviour
uploaded as if from models served elsewhere.

The demo models are too small to solve HumanEval, so their pass@1 is near zero; the uploads show
what the evaluator does with code that works. The canonical solutions pass every problem. The
"half broken" set keeps the canonical solution of every other problem and breaks the rest in the
ways the sandbox must tell apart (a wrong answer, an exception, an endless loop, leaving early
with exit code 0), so its pass@1 is one half and its page shows every outcome.
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

HUMANEVAL_FILE = Path(__file__).parent.parent / "data" / "humaneval" / "HumanEval.jsonl.gz"
DEMO_PROBLEMS = 20

# Bodies that replace a broken problem's solution, in turn; each is a function body (4 spaces).
BROKEN_BODIES = (
    "    return None\n",                                   # the wrong answer: failed: AssertionError
    "    raise ValueError('not implemented')\n",           # an exception the test does not expect
    "    while True:\n        pass\n",                     # never returns: timed out
    "    import sys\n    sys.exit(0)\n",                   # leaves early with 0: still a failure
)


def humaneval_problems(count: int = DEMO_PROBLEMS) -> list[dict]:
    """Return the first `count` HumanEval problems as shipped in the repository."""
    problems = []
    with gzip.open(HUMANEVAL_FILE, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                problems.append(json.loads(line))
            if len(problems) == count:
                break
    return problems


def canonical_completions(problems: list[dict]) -> list[dict]:
    """One sample per problem: its canonical solution (every one passes)."""
    return [{"task_id": p["task_id"], "completion": p["canonical_solution"]} for p in problems]


def half_broken_completions(problems: list[dict]) -> list[dict]:
    """One sample per problem: the canonical solution for even positions, a broken body for odd ones."""
    samples = []
    for position, problem in enumerate(problems):
        broken = BROKEN_BODIES[(position // 2) % len(BROKEN_BODIES)]
        completion = problem["canonical_solution"] if position % 2 == 0 else broken
        samples.append({"task_id": problem["task_id"], "completion": completion})
    return samples


def write_jsonl(path: str | Path, rows: list[dict]) -> Path:
    """Write `rows` as JSON lines to `path` (its folder made), and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path
