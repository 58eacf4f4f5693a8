"""Returns source code without comments (and Python docstrings) and without blank lines, the
way CodeBLEU cleans code before its syntax and data-flow matches.

The rules follow the CodeXGLUE CodeBLEU cleaner that the `codebleu` package uses, quirks kept
because they change scores: a Python string token is dropped unless it follows a token other
than an indent or a newline *and* starts after column 0 (so a string argument that starts a
continuation line at column 0 goes too); pyclean.py gives the same result faster for the
code it can handle. Ruby code is left as it is (its `#` comments stay);
in the C-like languages `//` and `/* */` comments become one space while quoted strings are
skipped over, and `#` comments (PHP) stay. When Python code cannot be tokenised it is kept as is.
"""
from __future__ import annotations

import io
import re
import tokenize

from .native import strip_python
from .pyclean import fast_strip_python

# One alternation, scanned left to right, so a "//" inside a string literal is not a comment.
_C_LIKE = re.compile(r"""//.*?$|/\*.*?\*/|'(?:\\.|[^\\'])*'|"(?:\\.|[^\\"])*\"""",
                     re.DOTALL | re.MULTILINE)


def _drop_blank_lines(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if line.strip() != "")


def _strip_c_like(source: str) -> str:
    def keep_strings(match: re.Match) -> str:
        text = match.group(0)
        return " " if text.startswith("/") else text
    return _drop_blank_lines(_C_LIKE.sub(keep_strings, source))


def _strip_python(source: str) -> str:
    pieces: list[str] = []
    previous = tokenize.INDENT
    last_line, last_col = -1, 0
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        kind, text, (start_line, start_col), (end_line, end_col) = token[:4]
        if start_line > last_line:
            last_col = 0
        if start_col > last_col:
            pieces.append(" " * (start_col - last_col))
        if kind == tokenize.COMMENT:
            pass
        elif kind == tokenize.STRING:
            if previous not in (tokenize.INDENT, tokenize.NEWLINE) and start_col > 0:
                pieces.append(text)
        else:
            pieces.append(text)
        previous, last_col, last_line = kind, end_col, end_line
    return _drop_blank_lines("".join(pieces))


def strip_comments(source: str, lang: str) -> str:
    """Return `source` cleaned for CodeBLEU's syntax and data-flow matches (see module docstring)."""
    if lang == "ruby":
        return source
    if lang == "python":
        fast = strip_python(source)  # the compiled copy of fast_strip_python, where it applies
        if fast is None:
            fast = fast_strip_python(source)
        if fast is not None:
            return fast
        try:
            return _strip_python(source)
        except Exception:  # tokenize errors on code a model got wrong: score it unchanged
            return source
    return _strip_c_like(source)
