"""`python -m evaluators`: one subcommand per registered evaluator, plus demo-models and
demo-data. Bad input ends with a one-line message on stderr and exit code 2."""
from __future__ import annotations

import argparse
import sys

from .core import registry
from .core.base import EvaluationError
from .core.specs import SpecError
from .bias.commands import add_bias_commands
from .core.cli import add_evaluator_command
from .codegen.commands import add_codegen_commands
from .codemetrics.cli import add_codegen_score_command
from .demo.commands import add_demo_commands
from .glitch.commands import add_glitch_commands
from .medusa.commands import add_medusa_commands
from .passk.commands import add_passk_commands
from .speed.commands import add_speed_command
from .sweep.commands import add_sweep_command
from .transparency.cli import add_transparency_command


# Registered evaluators whose subcommand is written by hand rather than built from the spec.
_OWN_COMMANDS = ("speed", "glitch-tokens", "medusa-train")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="python -m evaluators",
                                     description="Run a Glassbox evaluation from the shell.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in registry.names():
        if name not in _OWN_COMMANDS:
            add_evaluator_command(subparsers, registry.get(name))
    add_speed_command(subparsers)
    add_demo_commands(subparsers)
    add_transparency_command(subparsers)
    add_bias_commands(subparsers)
    add_codegen_commands(subparsers)
    add_codegen_score_command(subparsers)
    add_passk_commands(subparsers)
    add_glitch_commands(subparsers)
    add_sweep_command(subparsers)
    add_medusa_commands(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    from .core.datasets import DatasetError

    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (SpecError, EvaluationError, DatasetError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
