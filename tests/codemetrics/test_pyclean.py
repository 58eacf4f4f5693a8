"""The fast Python comment/docstring stripper gives exactly what the tokenize-based one gives."""
from __future__ import annotations

import ast
import random
import sysconfig
from pathlib import Path

import pytest

from evaluators.codemetrics.comments import _strip_python
from evaluators.codemetrics.pyclean import fast_strip_python

from .cases import CASES

TRICKY = [
    "x = 1\n\n    'a'\n", "def f():\n    x = 1\n\n    'doc'\n    return x",
    "def f():\n    if x:\n        y = 1\n    'kept after a dedent'\n", "f(\n'a',\n    'b')",
    "rb'x' + Rb\"y\" + f'{a}' + u'z'", "x = (1,\n# c\n 2)", "s = '''a\n# not a comment\n'''  # c",
    "'''doc'''\nx = 1", "  x = 1\n'a'", "x = 1 # c\n\n\n'y'", "x = ')'\ny = '('",
    "a = \"\"\"\\\"\"\"\" + 'b'", "def g():\n    \"\"\"Doc.\n\n    More.\n    \"\"\"\n    return 1",
    "x = [\n    'a',  # one\n    'b',\n]", "x = 'unterminated\ny = 2", "if a:\n  b\n else:\n  c",
    "x = 1 +\\\n    2", "def f():\n\treturn 1", "x = (1,", "x = 1)", "name'glued'", "s = '''open",
    "f(rb'x', Fr'y', bR\"z\", U'w')", "(br'a')\n    'doc'", "x = [u'a',\nb'b']", "ab'x'", "_r'x'",
    "9b'x'", "x=fr'{a}'+rf'{b}'",
]


def _stdlib_functions(limit: int) -> list[str]:
    found = []
    for path in sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))[:60]:
        source = path.read_text(encoding="utf-8")
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef):
                found.append(ast.get_source_segment(source, node))
    return found[:limit]


def _slow(source: str) -> str:
    try:
        return _strip_python(source)
    except Exception:
        return source


def _snippets() -> list[str]:
    snippets = TRICKY + [c[2] for c in CASES if c[1] == "python"]
    snippets += [ref for c in CASES if c[1] == "python" for ref in c[3]]
    functions = _stdlib_functions(300)
    rng = random.Random(0)
    for code in functions[:150]:  # damaged copies: broken code must agree too
        i = rng.randrange(len(code))
        snippets.append(code[:i] + code[i + rng.randint(1, 4):])
    return snippets + functions


@pytest.mark.skipif(fast_strip_python("x = 1") is None, reason="the fast path only follows Python 3.11's tokenizer")
def test_fast_stripper_equals_the_tokenize_based_one_or_declines():
    handled = 0
    for source in _snippets():
        fast = fast_strip_python(source)
        if fast is not None:
            handled += 1
            assert fast == _slow(source), repr(source[:200])
    assert handled > 300  # it is not declining everything


def test_it_declines_what_only_the_tokenizer_can_judge():
    for source in ("x = 1 +\\\n    2", "def f():\n\treturn 1", "x = (1,", "x = 1)", "name'glued'",
                   "s = '''open", "x = 'unterminated\ny = 2", "if a:\n  b\n else:\n  c"):
        assert fast_strip_python(source) is None, source
