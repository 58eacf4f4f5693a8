"""The `import-concode` and `demo-codegen` subcommands of `python -m evaluators`."""
from __future__ import annotations

import argparse
import json
from typing import Any


def add_codegen_commands(subparsers: Any) -> None:
    """Add import-concode and demo-codegen to the command line."""
    concode = subparsers.add_parser(
        "import-concode", help="convert CONCODE-style JSON/JSONL ({nl, code}) to codegen JSONL",
        description="Convert CONCODE-style records ({\"nl\", \"code\"}, one JSON object per line "
                    "or a JSON array) into the platform's codegen JSONL.")
    concode.add_argument("input", help="CONCODE-style .json or .jsonl file")
    concode.add_argument("output", help="codegen JSONL file to write")
    concode.add_argument("--lang", default="java", help="language of the code (default: java)")
    concode.set_defaults(handler=import_concode_command)

    demo = subparsers.add_parser("demo-codegen", help="write the demo NL-to-Python dataset as JSONL")
    demo.add_argument("--out", required=True, help="JSONL file to write")
    demo.set_defaults(handler=demo_codegen_command)


def import_concode_command(args: argparse.Namespace) -> int:
    """Import the file; print where and how many rows as JSON."""
    from .concode import import_concode

    count = import_concode(args.input, args.output, args.lang)
    print(json.dumps({"path": str(args.output), "rows": count}))
    return 0


def demo_codegen_command(args: argparse.Namespace) -> int:
    """Write the demo tasks; print where and how many as JSON."""
    from ..demo.codegen import write_demo_codegen

    count = write_demo_codegen(args.out)
    print(json.dumps({"path": str(args.out), "tasks": count}))
    return 0
