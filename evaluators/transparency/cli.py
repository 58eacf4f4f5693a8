"""`python -m evaluators transparency --checklist NAME --docs PATH [PATH ...]`: suggested scores
for documents, printed as one JSON object."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .checklists import BUILTIN, ChecklistError, load


def add_transparency_command(subparsers: Any) -> None:
    """Add the transparency subcommand to the command line."""
    parser = subparsers.add_parser(
        "transparency", help="suggest transparency-checklist scores for documents",
        description="Suggest a 0/1 score, a confidence and evidence passages for every indicator.")
    parser.add_argument("--checklist", required=True,
                        help=f"a built-in checklist ({', '.join(BUILTIN)}) or a CSV/JSON checklist file")
    parser.add_argument("--docs", required=True, nargs="+", help="text or Markdown documents")
    parser.add_argument("--embedder", choices=["minilm", "hashing"], default="minilm",
                        help="sentence embeddings: the packaged all-MiniLM-L6-v2, or a hashing stand-in")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the suggestions as JSON; return the exit code (2 for bad input)."""
    from .embedding import HashingEmbedder, default_embedder
    from .suggest import suggest

    try:
        checklist = load(args.checklist)
        documents = [(path, Path(path).read_text(encoding="utf-8-sig")) for path in args.docs]
    except (ChecklistError, UnicodeDecodeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    embedder = HashingEmbedder() if args.embedder == "hashing" else default_embedder()
    print(json.dumps(suggest(checklist, documents, embedder=embedder), ensure_ascii=False))
    return 0
