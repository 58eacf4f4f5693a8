"""`python -m evaluators glitch-tokens`: scan a model for under-trained (glitch) tokens.

Written by hand rather than built from the spec because the prompts file is optional here: the
shell uses the default repetition prompts unless `--prompts` names a `repeat_prompts` file.
"""
from __future__ import annotations

import argparse
from typing import Any


def add_glitch_commands(subparsers: Any) -> None:
    from .scan import DEFAULT_THRESHOLD

    scan = subparsers.add_parser("glitch-tokens", help="find under-trained tokens: tokenizer categories, a "
                                                       "weight indicator, and a repetition check (Land & Bartolo 2024)")
    scan.add_argument("--model", required=True, help="a model directory or hub id")
    scan.add_argument("--revision", default=None, help="hub commit")
    scan.add_argument("--prompts", default=None,
                      help="repetition prompts, a repeat_prompts JSONL file (default: the built-in three)")
    scan.add_argument("--candidates", type=int, default=None,
                      help="tokens to verify, strongest indicator first (default: 2%% of the normal tokens, at least 20)")
    scan.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD,
                      help=f"a candidate no prompt repeats with at least this probability is confirmed "
                           f"(default {DEFAULT_THRESHOLD})")
    scan.add_argument("--batch-size", type=int, default=64, help="candidates per forward pass (default 64)")
    scan.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    scan.add_argument("--trust-remote-code", action="store_true",
                      help="run the model repository's own Python code (only if you trust it)")
    scan.add_argument("--allow-pickle-weights", action="store_true",
                      help="load pickle checkpoints (.bin); unpickling can run arbitrary code")
    scan.set_defaults(handler=run_glitch_tokens)


def run_glitch_tokens(args: argparse.Namespace) -> int:
    from ..core import registry
    from ..core.base import ModelRef, RunContext
    from ..core.cli import run_and_print
    from ..core.datasets import read_dataset
    from ..core.specs import make_spec
    from .prompts import REPEAT_PROMPTS, default_prompt_rows

    evaluator = registry.get("glitch-tokens")
    params = {"candidates": args.candidates, "threshold": args.threshold, "batch_size": args.batch_size}
    spec = make_spec(evaluator.spec_class, {name: value for name, value in params.items() if value is not None})
    rows = read_dataset(args.prompts, REPEAT_PROMPTS.kind) if args.prompts else default_prompt_rows()
    context = RunContext(model=ModelRef(args.model, args.revision, trust_remote_code=args.trust_remote_code,
                                        allow_pickle_weights=args.allow_pickle_weights),
                         rows=rows, spec=spec, device=args.device)
    return run_and_print(evaluator, context, unit="token")
