"""`python -m evaluators <evaluator> ...`: run any registered evaluator from the shell.

Each evaluator gets a subcommand whose options are its spec's fields (max_length becomes
--max-length), so a new evaluator needs no CLI code. The output dict is printed as one JSON
object on stdout; progress goes to stderr.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .base import Evaluator, ModelRef, RunContext
from .specs import make_spec

# A list option takes "a,b" in the shell; make_spec reads the commas.
_PYTHON_TYPES = {"integer": int, "number": float, "string": str, "boolean": bool, "array": str}
_COMMON = ("model", "revision", "data", "device", "trust_remote_code", "allow_pickle_weights")


def add_evaluator_command(subparsers: Any, evaluator: Evaluator) -> None:
    """Add the subcommand that runs `evaluator`, with one option per spec field."""
    # argparse %-formats help texts: "95% bootstrap" would break --help.
    parser = subparsers.add_parser(evaluator.name, description=evaluator.description or None,
                                   help=evaluator.description.replace("%", "%%") or None)
    parser.add_argument("--model", required=True, help="local model directory or hub id")
    parser.add_argument("--revision", help="hub revision (commit, branch or tag)")
    parser.add_argument("--data", required=True,
                        help=f"dataset file of kind '{evaluator.dataset_kind}'")
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--trust-remote-code", action="store_true",
                        help="run the model repository's own Python code (only if you trust it)")
    parser.add_argument("--allow-pickle-weights", action="store_true",
                        help="load pickle checkpoints (.bin); unpickling can run arbitrary code")
    for name, prop in evaluator.parameter_schema()["properties"].items():
        kinds = prop["type"] if isinstance(prop["type"], list) else [prop["type"]]
        base = _PYTHON_TYPES[next(kind for kind in kinds if kind != "null")]
        option = "--" + name.replace("_", "-")
        helptext = prop.get("description", "").replace("%", "%%") or None
        if base is bool:
            parser.add_argument(option, dest=name, action=argparse.BooleanOptionalAction,
                                default=None, help=helptext)
        else:
            parser.add_argument(option, dest=name, type=base, default=None, help=helptext)
    parser.set_defaults(handler=lambda args: run_evaluator(evaluator, args))


def run_evaluator(evaluator: Evaluator, args: argparse.Namespace) -> int:
    """Run the evaluator as the arguments say and print its output dict; return the exit code."""
    from .datasets import read_dataset

    params = {name: value for name, value in vars(args).items()
              if name not in _COMMON and name not in ("command", "handler") and value is not None}
    spec = make_spec(evaluator.spec_class, params)
    rows = read_dataset(args.data, evaluator.dataset_kind)
    context = RunContext(
        model=ModelRef(source=args.model, revision=args.revision,
                       trust_remote_code=args.trust_remote_code,
                       allow_pickle_weights=args.allow_pickle_weights),
        rows=rows, spec=spec, device=args.device)
    return run_and_print(evaluator, context, unit="sample")


def run_and_print(evaluator: Evaluator, context: RunContext, unit: str) -> int:
    """Run the evaluator with a progress bar on stderr and print its output as one JSON object."""
    from tqdm import tqdm

    _quiet_transformers()
    bar = tqdm(desc=evaluator.name, unit=unit, file=sys.stderr, dynamic_ncols=True)

    def on_progress(done: int, total: int) -> None:
        bar.total, bar.n = total, done
        bar.refresh()

    context.on_progress = on_progress
    try:
        output = evaluator.run(context)
    finally:
        bar.close()
    print(json.dumps(output))
    return 0


def _quiet_transformers() -> None:
    # transformers' own bars ("Loading weights") would interleave with ours on stderr.
    from transformers.utils import logging

    logging.disable_progress_bar()
    logging.set_verbosity_error()
