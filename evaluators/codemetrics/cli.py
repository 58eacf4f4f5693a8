"""The `codegen-score` subcommand: score a JSONL file of predictions without a model.

    python -m evaluators codegen-score --lang python FILE [--per-sample]

Each non-blank line of FILE is a JSON object with "prediction" (a string) and "references"
(a list of strings; "reference" with one string is accepted too). Prints one JSON object with
the corpus metrics and their 95% bootstrap intervals, or with --per-sample one JSON line of
per-sample scores per input line. Bad input ends with a message naming the line, exit code 2.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

_KINDS = {str: "a string", int: "a number", float: "a number", bool: "a boolean",
          list: "a list", dict: "an object", type(None): "null"}


class InputError(ValueError):
    """A problem with the input file, with the file and line in its message."""


def _kind(value: Any) -> str:
    return _KINDS.get(type(value), type(value).__name__)


def add_codegen_score_command(subparsers: Any) -> None:
    """Add `codegen-score` to the command line."""
    from .languages import SUPPORTED_LANGUAGES

    parser = subparsers.add_parser(
        "codegen-score", help="score predictions against references: BLEU, CodeBLEU, exact match",
        description="Score a JSONL file of {\"prediction\", \"references\"} lines without a model: "
                    "sacrebleu BLEU, CodeXGLUE BLEU, CodeBLEU and its components, exact match, "
                    "with 95% bootstrap intervals.")
    parser.add_argument("file", help="JSONL file, one {\"prediction\", \"references\"} object a line")
    parser.add_argument("--lang", required=True,
                        help=f"language of the code: {', '.join(SUPPORTED_LANGUAGES)}")
    parser.add_argument("--per-sample", action="store_true",
                        help="print one JSON line of scores per input line instead of corpus scores")
    parser.set_defaults(handler=codegen_score)


def read_pairs(path: str | Path) -> tuple[list[str], list[list[str]]]:
    """Return (predictions, references) from a JSONL file; raise InputError naming the line."""
    predictions: list[str] = []
    references: list[list[str]] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{path} line {number}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise InputError(f"{where}: not valid JSON ({error.msg})") from None
            if not isinstance(row, dict):
                raise InputError(f"{where}: expected a JSON object, got {_kind(row)}")
            if "prediction" not in row:
                raise InputError(f"{where}: missing field 'prediction'")
            if not isinstance(row["prediction"], str):
                raise InputError(f"{where}: field 'prediction' must be a string, got {_kind(row['prediction'])}")
            predictions.append(row["prediction"])
            references.append(_references(row, where))
    if not predictions:
        raise InputError(f"{path}: no samples (every line is blank)")
    return predictions, references


def _references(row: dict, where: str) -> list[str]:
    if "references" in row:
        refs = row["references"]
        if isinstance(refs, str):
            return [refs]
        if not isinstance(refs, list):
            raise InputError(f"{where}: field 'references' must be a list of strings, got {_kind(refs)}")
        if not refs:
            raise InputError(f"{where}: field 'references' is an empty list")
        for position, ref in enumerate(refs):
            if not isinstance(ref, str):
                raise InputError(f"{where}: field 'references' must be a list of strings, "
                                 f"got {_kind(ref)} at position {position}")
        return refs
    if "reference" in row:
        if not isinstance(row["reference"], str):
            raise InputError(f"{where}: field 'reference' must be a string, got {_kind(row['reference'])}")
        return [row["reference"]]
    raise InputError(f"{where}: missing field 'references' (or 'reference')")


def codegen_score(args: argparse.Namespace) -> int:
    """Score the file as the arguments say and print JSON; return the exit code."""
    from . import score_corpus, score_samples
    from .languages import UnsupportedLanguage, normalize_language

    try:
        lang = normalize_language(args.lang)
        predictions, references = read_pairs(args.file)
    except (UnsupportedLanguage, InputError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (OSError, UnicodeDecodeError) as error:
        print(f"error: cannot read {args.file}: {error}", file=sys.stderr)
        return 2
    if args.per_sample:
        for scores in score_samples(predictions, references, lang):
            print(json.dumps(scores))
    else:
        print(json.dumps(score_corpus(predictions, references, lang)))
    return 0
