"""Returns CodeBLEU's compiled fast path, the `evaluators.codemetrics._native` extension, if built.

Scoring a corpus spends most of its time in per-node Python work: the pass over each tree that
collects subtrees and code tokens, and the data-flow rules applied node by node. The extension
does the parse, the subtree keys, the data-flow walk and Python's comment stripping in C, on its own copy of tree-sitter's
core (the version of the installed tree-sitter package) and the same grammar wheels. The
pure-Python modules stay the reference and the fallback: tests check that both paths give the
same scores, and a machine that cannot build the extension (`make native`, part of
`make install`) scores exactly the same, only slower.

GLASSBOX_CODEBLEU_NATIVE=0 turns the extension off, to compare the two paths or to rule it out;
unset or 1 uses it when it is built.
"""
from __future__ import annotations

import dataclasses
import functools
import importlib
import os
import warnings
from types import ModuleType
from typing import Any

from .dataflow_rules import RULES
from .languages import normalize_language
from .parsers import grammar
from .pyclean import _ENABLED as _PYCLEAN_RULES_APPLY  # the 3.11 tokenizer's rules, which C follows

ENV_VAR = "GLASSBOX_CODEBLEU_NATIVE"


@functools.lru_cache(maxsize=None)
def native_module() -> ModuleType | None:
    """Return the imported extension, or None when it is turned off, not built or will not load."""
    setting = os.environ.get(ENV_VAR, "1")
    if setting not in ("0", "1"):
        raise ValueError(f"{ENV_VAR} must be 0 (pure Python) or 1 (the compiled path when built), "
                         f"got {setting!r}")
    if setting == "0":
        return None
    try:
        return importlib.import_module(f"{__package__}._native")
    except ModuleNotFoundError:
        return None
    except ImportError as error:
        # Built but unloadable (made for another Python or tree-sitter, or a broken build):
        # worth a word, since `make native` fixes it.
        warnings.warn(f"{__package__}._native does not load ({error}); CodeBLEU uses the "
                      f"pure-Python path. `make native` rebuilds it.", RuntimeWarning, stacklevel=2)
        return None


@functools.lru_cache(maxsize=None)
def native_analyser(lang: str) -> Any | None:
    """Return the extension's Analyser for `lang` (its grammar and data-flow rules), or None.

    `analyser.analyse(source_bytes, with_flow)` returns ({subtree key: count}, number of
    subtrees, normalised data-flow edges) as the Python path computes them (keys as
    subtree_keys makes them), or None for a tree it leaves to that path (deeper than 200
    levels, or a token split inside a character)."""
    module = native_module()
    if module is None:
        return None
    lang = normalize_language(lang)
    rules = RULES[lang]
    try:
        return module.Analyser(grammar(lang), {f.name: getattr(rules, f.name) for f in dataclasses.fields(rules)})
    except (TypeError, ValueError) as error:  # a grammar this core cannot read
        warnings.warn(f"CodeBLEU's compiled path cannot load the {lang} grammar ({error}); "
                      f"{lang} uses the pure-Python path.", RuntimeWarning, stacklevel=2)
        return None


def subtree_keys(sexps: list[str]) -> list[int]:
    """Return the extension's key of each subtree S-expression: the Python path keys its
    subtrees this way when the compiled one is in use, so both can be compared."""
    return native_module().subtree_keys(sexps)


def strip_python(source: str) -> str | None:
    """Return pyclean.fast_strip_python(source) computed in C, or None when the extension is
    off or leaves this source to the Python version (non-ASCII text, Python 3.12 and later)."""
    module = native_module()
    if module is None or not _PYCLEAN_RULES_APPLY:
        return None
    return module.strip_python(source)
