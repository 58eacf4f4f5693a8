"""The `bias-probes` subcommand of `python -m evaluators`.

(`bias` and `bbq` are registered evaluators, so the CLI builds their subcommands from their specs.)
"""
from __future__ import annotations

import argparse
import json
from typing import Any


def add_bias_commands(subparsers: Any) -> None:
    """Add bias-probes to the command line."""
    probes = subparsers.add_parser(
        "bias-probes", help="write Glassbox's own bias probe set (a bias_pairs JSONL file)")
    probes.add_argument("--out", required=True, help="JSONL file to write")
    probes.set_defaults(handler=write_probes)


def write_probes(args: argparse.Namespace) -> int:
    """Write the probe set; print where and how many pairs as JSON."""
    from .probes import write_probe_set

    count = write_probe_set(args.out)
    print(json.dumps({"path": str(args.out), "pairs": count}))
    return 0
