"""`python -m evaluators sweep-precision`: one evaluation and one speed run per numeric format."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

# Prompts for the speed runs when none are given: the dataset's own prompts, or the start of its texts.
DERIVED_PROMPTS = 8
TEXT_PROMPT_CHARS = 400


def add_sweep_command(subparsers: Any) -> None:
    parser = subparsers.add_parser("sweep-precision", help="run one evaluation at several numeric formats and "
                                                           "compare quality, memory and speed with the first")
    parser.add_argument("--model", required=True, help="local model directory or hub id")
    parser.add_argument("--revision", help="hub revision")
    parser.add_argument("--evaluator", required=True, help="a model-running evaluator, e.g. perplexity or codegen")
    parser.add_argument("--data", required=True, help="the evaluator's dataset file")
    parser.add_argument("--precisions", required=True,
                        help="comma-separated formats, the reference first, e.g. float32,bfloat16,int8")
    parser.add_argument("--params", default="{}", help="the evaluator's other parameters as a JSON object")
    parser.add_argument("--speed-prompts", help="a prompts JSONL file for the speed runs (default: the first "
                                                f"{DERIVED_PROMPTS} prompts or texts of --data)")
    parser.add_argument("--no-speed", action="store_true", help="skip the speed runs")
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--records", action="store_true", help="print each format's per-sample comparison too")
    parser.set_defaults(handler=run_sweep_command)


def run_sweep_command(args: argparse.Namespace) -> int:
    from ..core.base import ModelRef
    from ..core.datasets import read_dataset
    from ..core.specs import SpecError
    from ..core import registry
    from .run import run_sweep

    try:
        params = json.loads(args.params)
    except json.JSONDecodeError as error:
        raise SpecError(f"--params is not JSON: {error.msg}") from None
    if not isinstance(params, dict) or "precision" in params:
        raise SpecError("--params must be a JSON object without precision (give the formats with --precisions)")
    try:
        entry = registry.get(args.evaluator)
    except KeyError as error:
        raise SpecError(error.args[0]) from None
    rows = read_dataset(args.data, entry.dataset_kind)
    prompts = None
    if not args.no_speed:
        prompts = read_dataset(args.speed_prompts, "prompts") if args.speed_prompts else derived_prompts(rows)
    precisions = [part.strip() for part in args.precisions.split(",") if part.strip()]
    result = run_sweep(evaluator=args.evaluator, model=ModelRef(args.model, args.revision), rows=rows,
                       params=params, precisions=precisions, device=args.device, speed_prompts=prompts,
                       on_step=lambda step: print(f"sweep-precision: {step}", file=sys.stderr, flush=True))
    print(json.dumps(result))
    return 0


def derived_prompts(rows: list[dict]) -> list[dict] | None:
    """Speed prompts from the evaluated rows: their prompts, or the start of their texts."""
    prompts = []
    for row in rows[:DERIVED_PROMPTS]:
        text = row.get("prompt") or (row.get("text") or "")[:TEXT_PROMPT_CHARS]
        if text.strip():
            prompts.append({"id": str(row["id"]), "prompt": text})
    return prompts or None
