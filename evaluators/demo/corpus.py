"""The demo corpus: the Python standard library's own source, which ships with every
interpreter, so the demo models and data need no download.

The top-level modules of the stdlib directory are split by a hash of the file name: about
one in ten is held back from training and becomes the demo text dataset, so the demo
perplexity is measured on code the models never saw.
"""
from __future__ import annotations

import ast
import hashlib
import json
import sysconfig
import textwrap
from pathlib import Path

# A document is a run of whole top-level statements of at least this many characters.
MIN_DOCUMENT_CHARS = 1200


def stdlib_files() -> list[Path]:
    """Return the standard library's top-level .py files, sorted by name."""
    return sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))


def is_held_out(path: Path) -> bool:
    """Return True for the files kept out of training (about 10%, chosen by name hash)."""
    return hashlib.sha256(path.name.encode("utf-8")).digest()[0] < 26


def training_files() -> list[Path]:
    """Return the files the demo tokenizer and models are trained on."""
    return [path for path in stdlib_files() if not is_held_out(path)]


def held_out_files() -> list[Path]:
    """Return the files the demo dataset is made of."""
    return [path for path in stdlib_files() if is_held_out(path)]


def read_source(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def function_texts(source: str) -> list[str]:
    """Return every top-level function and method of a module as its own top-level text.

    Methods are dedented, so each text reads like the demo tasks: a signature, most often a
    docstring, and a body. A module that does not parse gives nothing.
    """
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return []
    lines = source.splitlines(keepends=True)
    functions = [node for node in body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    functions += [item for node in body if isinstance(node, ast.ClassDef) for item in node.body
                  if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return [textwrap.dedent("".join(lines[_first_line(node) - 1:node.end_lineno])) for node in functions]


def spread_functions(count: int, min_chars: int = 200) -> list[str]:
    """Return up to `count` training-corpus functions, every k-th one in corpus order, so they span it.

    Only functions of at least `min_chars` characters (room for a prompt and a continuation, what
    Medusa heads self-distil on), or every function where none is that long (a cut-down corpus).
    """
    functions = [text for path in training_files() for text in function_texts(read_source(path))]
    texts = [text for text in functions if len(text) >= min_chars] or functions
    return texts[::max(1, len(texts) // count)][:count]


def _first_line(node: ast.stmt) -> int:
    return min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])


def split_documents(source: str, name: str) -> list[dict]:
    """Return {"id", "text"} documents: runs of whole top-level statements and methods.

    A statement starts at its first decorator, and comments before it belong to the
    document before; short runs are merged until they reach MIN_DOCUMENT_CHARS.
    """
    lines = source.splitlines(keepends=True)
    try:
        body = ast.parse(source).body
    except SyntaxError:
        body = []
    # Classes split between their methods too, or a big class would be one huge document.
    nodes = body + [item for node in body if isinstance(node, ast.ClassDef) for item in node.body[1:]]
    starts = sorted({_first_line(node) for node in nodes} | {1})
    documents: list[dict] = []
    first, text = starts[0], ""
    for start, end in zip(starts, [*starts[1:], len(lines) + 1]):
        if not text:
            first = start
        text += "".join(lines[start - 1:end - 1])
        if len(text) >= MIN_DOCUMENT_CHARS:
            documents.append({"id": f"{name}:{first}", "text": text})
            text = ""
    if text.strip():
        if documents:  # a short tail joins the document before it
            documents[-1]["text"] += text
        else:
            documents.append({"id": f"{name}:{first}", "text": text})
    return documents


def demo_documents() -> list[dict]:
    """Return the demo text dataset's documents, in a fixed order."""
    documents = []
    for path in held_out_files():
        documents.extend(split_documents(read_source(path), path.name))
    return documents


def write_demo_data(out: str | Path) -> int:
    """Write the demo text dataset as JSONL {"id", "text"}; return how many documents."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    documents = demo_documents()
    with out.open("w", encoding="utf-8") as handle:
        for document in documents:
            handle.write(json.dumps(document, ensure_ascii=False) + "\n")
    return len(documents)
