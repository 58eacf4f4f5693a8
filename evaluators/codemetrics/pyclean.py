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

# Every alternative starts with one of a few characters, so the regular expression engine
# skips to them in C; a string's prefix (rb, f, ...) is read backwards from its quote. A
# bracket pair with nothing inside that matters here ("(x)", "[i]", "()") leaves the depth as
# it was, so it is one step, not two.
_SCAN = re.compile(r"(?P<q>'''|\"\"\"|'|\")|(?P<hash>#)"
                   r"|(?P<pair>[(\[{][^()\[\]{}'\"#\n\\\t\f\r]*[)\]}])"
                   r"|(?P<open>[(\[{])|(?P<close>[)\]}])|(?P<nl>\n)|(?P<bad>[\\\t\f\r])")
_PREFIX_1 = frozenset("bBrRuUfF")
_PREFIX_2 = re.compile(r"[bB][rR]|[rR][bBfF]|[fF][rR]")
_WORD = re.compile(r"\w")
_ENDS = {
    "'''": re.compile(r"(?:[^'\\]|\\.|'(?!''))*'''", re.DOTALL),
    '"""': re.compile(r'(?:[^"\\]|\\.|"(?!""))*"""', re.DOTALL),
    "'": re.compile(r"(?:[^\n'\\]|\\.)*'"),
    '"': re.compile(r'(?:[^\n"\\]|\\.)*"'),
}
_ENABLED = sys.version_info < (3, 12)
# What came just before a token, as far as the docstring rule cares.
_INDENT, _NEWLINE, _OTHER = "indent", "newline", "other"


def _string_start(source: str, quote: int, pos: int) -> int:
    """Return where the string whose quote is at `quote` starts: at its prefix (b, rb, f, ...)
    when one precedes the quote, not before `pos`, and itself follows no word character."""
    if quote - 2 >= pos and _PREFIX_2.fullmatch(source, quote - 2, quote) and (
            quote == 2 or not _WORD.match(source, quote - 3)):
        return quote - 2
    if quote - 1 >= pos and source[quote - 1] in _PREFIX_1 and (
            quote == 1 or not _WORD.match(source, quote - 2)):
        return quote - 1
    return quote


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
        group = match.lastgroup
        if group == "q":
            start = _string_start(source, match.start(), pos)
            if start > 0 and (source[start - 1].isalnum() or source[start - 1] == "_"):
                return None
            closing = _ENDS[match.group()].match(source, match.end())
            if closing is None:
                return None
            line_begin = source.rfind("\n", 0, start) + 1
            first_on_line = source[line_begin:start].strip(" ") == ""
            if start == line_begin or (first_on_line and before in (_INDENT, _NEWLINE)):
                removed.append((start, closing.end()))
            pos = closing.end()
        elif group == "hash":
            eol = source.find("\n", match.start())
            eol = end if eol < 0 else eol
            removed.append((match.start(), eol))
            pos = eol
        elif group == "pair":
            pos = match.end()
        elif group == "open":
            depth += 1
            pos = match.end()
        elif group == "close":
            depth -= 1
            if depth < 0:
                return None
            pos = match.end()
        elif group == "nl":
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
