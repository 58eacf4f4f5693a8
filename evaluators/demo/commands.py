"""The `demo-models` and `demo-data` subcommands of `python -m evaluators`."""
from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any


def add_demo_commands(subparsers: Any) -> None:
    """Add demo-models and demo-data to the command line."""
    from .models import DEFAULT_STEPS

    models = subparsers.add_parser(
        "demo-models", help="train the small demo models (cached; a few minutes on a CPU)")
    models.add_argument("--out", default="var/models", help="folder to write the models into")
    models.add_argument("--steps", type=int, default=DEFAULT_STEPS, help="training steps")
    models.set_defaults(handler=demo_models)

    data = subparsers.add_parser(
        "demo-data", help="write the demo text dataset (held-out stdlib source) as JSONL")
    data.add_argument("--out", required=True, help="JSONL file to write")
    data.set_defaults(handler=demo_data)


def demo_models(args: argparse.Namespace) -> int:
    """Build (or find cached) the demo models; print their directories as JSON."""
    from .models import build_demo_models

    if args.steps < 1:
        print("error: --steps must be at least 1", file=sys.stderr)
        return 2
    started = time.monotonic()
    paths = build_demo_models(args.out, steps=args.steps)
    print(json.dumps({"models": {name: str(path) for name, path in paths.items()},
                      "seconds": round(time.monotonic() - started, 1)}))
    return 0


def demo_data(args: argparse.Namespace) -> int:
    """Write the demo text dataset; print where and how many documents as JSON."""
    from .corpus import write_demo_data

    count = write_demo_data(args.out)
    print(json.dumps({"path": str(args.out), "documents": count}))
    return 0
