"""Returns Python source without comments and docstrings, as comments.py's tokenize-based
cleaner would, several times faster; or None when the source needs the full tokenizer.

The `tokenize` module spends a Python loop iteration on every token. Here one regular
expression jumps between the only things that change the result — string literals, comments,
brackets and line ends — and the line-start bookkeeping (indents, blank lines) that decides
whether a string at the start of a line is dropped. For the source this handles, the output
is the source with comment and dropped-string spans deleted and blank lines removed, which
is what the tokenize-based cleaner produces: its per-token re-spacing only differs from the
original text where tabs, form feeds, carriage returns or backslash line continuations
appear outside strings, so those (and anything tokenize would reject: unterminated strings,
unbalanced brackets, bad dedents, a name glued to a string) return None. It follows Python
3.11's tokenizer; on 3.12 and later, where f-strings tokenize differently, it always returns None.
"""
from __future__ import annotations

import re
import sys

_PREFIX = r"(?:[bB][rR]?|[rR][bBfF]?|[uU]|[fF][rR]?)"
_SCAN = re.compile(r"(?P<p>(?<!\w)" + _PREFIX + r")?(?P<q>'''|\"\"\"|'|\")"
                   r"|(?P<hash>#)|(?P<open>[(\[{])|(?P<close>[)\]}])|(?P<nl>\n)|(?P<bad>[\\\t\f\r])")
_ENDS = {
    "'''": re.compile(r"(?:[^'\\]|\\.|'(?!''))*'''", re.DOTALL),
    '"""': re.compile(r'(?:[^"\\]|\\.|"(?!""))*"""', re.DOTALL),
    "'": re.compile(r"(?:[^\n'\\]|\\.)*'"),
    '"': re.compile(r'(?:[^\n"\\]|\\.)*"'),
}
_ENABLED = sys.version_info < (3, 12)
# What came just before a token, as far as the docstring rule cares.
_INDENT, _NEWLINE, _OTHER = "indent", "newline", "other"


def fast_strip_python(source: str) -> str | None:
    """Return the cleaned source, or None when only the tokenize-based cleaner can say."""
    if not _ENABLED:
        return None
    removed: list[tuple[int, int]] = []
    indents = [0]
    depth = 0
    before = _INDENT  # the cleaner starts as if after an indent
    pos, end = 0, len(source)
    at_line_start = True
    while pos < end:
        if at_line_start:
            at_line_start = False
            if depth == 0:  # a new statement: blank or comment line, or indentation
                first = pos
                while first < end and source[first] == " ":
                    first += 1
                if first == end:
                    break
                char = source[first]
                if char in "#\n":
                    eol = source.find("\n", first)
                    eol = end if eol < 0 else eol
                    if char == "#":
                        removed.append((first, eol))
                    before = _OTHER  # an NL token: a string after it may stay
                    pos, at_line_start = eol + 1, True
                    continue
                if char in "\t\f\r":
                    return None
                column = first - pos
                if column > indents[-1]:
                    indents.append(column)
                    before = _INDENT
                elif column < indents[-1]:
                    if column not in indents:
                        return None
                    while column < indents[-1]:
                        indents.pop()
                    before = _OTHER  # a DEDENT
                pos = first
        match = _SCAN.search(source, pos)
        if match is None:
            break
        if match.group("q") is not None:
            start = match.start()
            if start > 0 and (source[start - 1].isalnum() or source[start - 1] == "_"):
                return None
            closing = _ENDS[match.group("q")].match(source, match.end())
            if closing is None:
                return None
            line_begin = source.rfind("\n", 0, start) + 1
            first_on_line = source[line_begin:start].strip(" ") == ""
            if start == line_begin or (first_on_line and before in (_INDENT, _NEWLINE)):
                removed.append((start, closing.end()))
            pos = closing.end()
        elif match.group("hash") is not None:
            eol = source.find("\n", match.start())
            eol = end if eol < 0 else eol
            removed.append((match.start(), eol))
            pos = eol
        elif match.group("open") is not None:
            depth += 1
            pos = match.end()
        elif match.group("close") is not None:
            depth -= 1
            if depth < 0:
                return None
            pos = match.end()
        elif match.group("nl") is not None:
            before = _OTHER if depth > 0 else _NEWLINE
            pos, at_line_start = match.end(), True
        else:
            return None
    if depth > 0:
        return None
    pieces, last = [], 0
    for start, stop in removed:
        pieces.append(source[last:start])
        last = stop
    pieces.append(source[last:])
    return "\n".join(line for line in "".join(pieces).split("\n") if line.strip() != "")
