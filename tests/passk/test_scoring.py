"""pass@k on HumanEval with completions of known behaviour, executed in the sandbox: per-problem c,
the outcome of each sample and pass@k are what the completions make them, by hand."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from evaluators.passk.sandbox import Limits
from evaluators.passk.scoring import execute, problem_records, summarize

from .conftest import HUMANEVAL, write_jsonl

ROOT = Path(__file__).resolve().parents[2]
WRONG = "    return None\n"
RAISES = "    raise ValueError('no answer')\n"
EXITS = "    import os\n    os._exit(0)\n"
LOOPS = "    while True:\n        pass\n"
pytestmark = pytest.mark.usefixtures("sandbox_ready")


def known_samples(problems: list[dict]) -> list[dict]:
    """Per problem: two correct, one returning None, one raising, one leaving early (c = 2 of n = 5)."""
    return [{"task_id": p["task_id"], "completion": completion} for p in problems
            for completion in (p["canonical_solution"], WRONG, p["canonical_solution"], RAISES, EXITS)]


def test_outcomes_c_and_pass_at_k(humaneval):
    problems = {p["task_id"]: p for p in humaneval[:6]}
    samples = known_samples(list(problems.values()))
    outcomes = execute(problems, samples, Limits(timeout_s=5))
    records = problem_records(problems, samples, outcomes)
    for record in records.values():
        assert record["n"] == 5 and record["c"] == 2, record
        assert record["outcomes"][0] == record["outcomes"][2] == "passed"
        # None fails each check, by an assertion or by the test using it (a TypeError).
        assert record["outcomes"][1] in ("failed: AssertionError", "failed: TypeError")
        assert record["outcomes"][3] == "failed: ValueError"
        assert record["outcomes"][4] != "passed"
        assert "ValueError: no answer" in record["stderr_tails"][3]
    summary = summarize(list(records.values()), [1, 2, 5, 10])
    assert summary["pass@1"] == pytest.approx(2 / 5)
    assert summary["pass@2"] == pytest.approx(1 - 3 / 10)    # 1 - C(3,2)/C(5,2)
    assert summary["pass@5"] == 1.0
    assert "pass@10" not in summary                          # more than the 5 samples each problem has
    # Every problem scores the same, so the interval over problems collapses onto the value.
    assert summary["pass@1_ci"] == pytest.approx([0.4, 0.4])
    assert (summary["n_problems"], summary["n_samples"]) == (6, 30)
    assert summary["outcomes"]["passed"] == 12 and summary["outcomes"]["failed: ValueError"] == 6
    assert sum(summary["outcomes"].values()) == 30


def test_an_endless_completion_times_out_alone(humaneval):
    problem = humaneval[0]
    problems = {problem["task_id"]: problem}
    samples = [{"task_id": problem["task_id"], "completion": c} for c in (LOOPS, problem["canonical_solution"])]
    outcomes = execute(problems, samples, Limits(timeout_s=1.0))
    assert [o.status for o in outcomes] == ["timed out", "passed"]
    assert 1.0 <= outcomes[0].seconds < 3.0


def test_the_command_prints_pass_at_k_and_per_problem_lines(humaneval, tmp_path):
    samples = write_jsonl(tmp_path / "samples.jsonl", known_samples(humaneval[:3]))
    command = [sys.executable, "-m", "evaluators", "passk-score", "--problems", str(HUMANEVAL),
               "--samples", str(samples), "--k", "1,2,100"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["pass@1"] == pytest.approx(0.4) and summary["pass@2"] == pytest.approx(0.7)
    assert "pass@100" not in summary and summary["n_problems"] == 3 and summary["n_samples"] == 15
    lines = subprocess.run(command + ["--per-problem"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    per_problem = [json.loads(line) for line in lines.stdout.splitlines()]
    assert [p["task_id"] for p in per_problem] == ["HumanEval/0", "HumanEval/1", "HumanEval/2"]
    assert all(p["n"] == 5 and p["c"] == 2 and len(p["outcomes"]) == 5 for p in per_problem)


def test_no_sandbox_warns(humaneval, tmp_path):
    problem = humaneval[0]
    samples = write_jsonl(tmp_path / "samples.jsonl", [{"task_id": problem["task_id"],
                                                        "completion": problem["canonical_solution"]}])
    result = subprocess.run([sys.executable, "-m", "evaluators", "passk-score", "--problems", str(HUMANEVAL),
                             "--samples", str(samples), "--k", "1", "--no-sandbox"],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0 and json.loads(result.stdout)["pass@1"] == 1.0
    assert "warning: --no-sandbox runs model output as plain processes" in result.stderr
