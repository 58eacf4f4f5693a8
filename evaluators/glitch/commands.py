"""`python -m evaluators glitch-tokens`: scan a model for under-trained (glitch) tokens."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def add_glitch_commands(subparsers: Any) -> None:
    from .scan import DEFAULT_THRESHOLD

    scan = subparsers.add_parser("glitch-tokens", help="find under-trained tokens: tokenizer categories, a "
                                                       "weight indicator, and a repetition check (Land & Bartolo 2024)")
    scan.add_argument("--model", required=True, help="a model directory or hub id")
    scan.add_argument("--revision", default=None, help="hub commit")
    scan.add_argument("--candidates", type=int, default=None,
                      help="tokens to verify, strongest indicator first (default: 2%% of the normal tokens, at least 20)")
    scan.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD,
                      help=f"a candidate repeated with less probability is confirmed (default {DEFAULT_THRESHOLD})")
    scan.add_argument("--batch-size", type=int, default=64, help="prompts per forward pass (default 64)")
    scan.add_argument("--device", default="auto")
    scan.set_defaults(handler=run_glitch_tokens)


def run_glitch_tokens(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from ..core.base import ModelRef
    from ..core.loading import load_model
    from .scan import scan_model

    if args.candidates is not None and args.candidates < 1:
        raise SystemExit("glitch-tokens: --candidates must be at least 1")
    if not 0.0 < args.threshold < 1.0:
        raise SystemExit("glitch-tokens: --threshold must be between 0 and 1")
    if args.batch_size < 1:
        raise SystemExit("glitch-tokens: --batch-size must be at least 1")
    loaded = load_model(ModelRef(args.model, args.revision), args.device)
    bar = tqdm(desc="glitch-tokens", unit="token", file=sys.stderr, dynamic_ncols=True)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        summary = scan_model(loaded, candidates=args.candidates, threshold=args.threshold,
                             batch_size=args.batch_size, on_progress=progress)
    finally:
        bar.close()
    print(json.dumps(summary))
    return 0
