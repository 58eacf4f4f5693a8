"""Returns cached tree-sitter parsers (tree-sitter 0.26, one grammar wheel per language from PyPI)."""
from __future__ import annotations

import functools
import importlib
from typing import Any

from .languages import normalize_language

# Canonical name -> (grammar module, its language function). PHP's wheel ships two grammars;
# `language_php` is the one for files that start with "<?php" or plain PHP code.
_GRAMMARS = {
    "python": ("tree_sitter_python", "language"),
    "java": ("tree_sitter_java", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "go": ("tree_sitter_go", "language"),
    "c": ("tree_sitter_c", "language"),
    "cpp": ("tree_sitter_cpp", "language"),
    "c_sharp": ("tree_sitter_c_sharp", "language"),
    "php": ("tree_sitter_php", "language_php"),
    "ruby": ("tree_sitter_ruby", "language"),
    "rust": ("tree_sitter_rust", "language"),
}


def grammar(lang: str) -> Any:
    """Return the grammar wheel's language object for `lang` (a PyCapsule holding a TSLanguage)."""
    module_name, function = _GRAMMARS[normalize_language(lang)]
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:  # pragma: no cover - requirements.txt installs every grammar
        raise ImportError(f"the tree-sitter grammar for {lang} is missing: pip install "
                          f"{module_name.replace('_', '-')}") from error
    return getattr(module, function)()


@functools.lru_cache(maxsize=None)
def get_parser(lang: str) -> Any:
    """Return a tree_sitter.Parser for `lang`, built once per process."""
    from tree_sitter import Language, Parser

    return Parser(Language(grammar(lang)))
