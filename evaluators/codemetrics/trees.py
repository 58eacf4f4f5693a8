"""Returns the S-expression of every subtree of a tree-sitter tree, cheaply.

CodeBLEU's syntax match compares the S-expressions of all subtrees (the root and every node
that has children). `str(node)` re-serialises a node's whole subtree on each call, which is
quadratic in depth; instead tree-sitter writes the root's S-expression once and each
subtree's is taken as a slice of it, pairing the parenthesised groups with the printed nodes
in pre-order. When the pairing does not line up we fall back to `str(node)` per node.
"""
from __future__ import annotations

import re
from typing import Any

# Only these groups hold quotes or stray parentheses, and both are leaves: "(MISSING ")")"
# for a missing anonymous token and "(UNEXPECTED 'x')" for an unexpected character.
_GROUPS = re.compile(r"""\(MISSING "[^\n]*?"\)|\(UNEXPECTED (?:'(?:\\.|[^\n])'|-?\d+)\)|[()]""")


_TOKEN_TYPES = frozenset(("string_literal", "string", "character_literal"))


def _collect(top: Any, counted: list, hidden: list, has_error: bool) -> None:
    stack = [top]
    while stack:
        node = stack.pop()
        children = node.children
        if node.is_named or (has_error and node.is_missing):
            counted.append(bool(children))
        elif children:
            hidden.append(str(node))
        if children:
            stack.extend(reversed(children))


def subtree_sexps(root: Any) -> list[str]:
    """Return the S-expressions of `root` and of every node below it that has children."""
    return walk(root)[0]


def walk(root: Any) -> tuple[list[str], list[tuple[int, int]]]:
    """Return (subtree S-expressions, the byte spans of the code tokens in order).

    Code tokens are what CodeBLEU's data flow numbers: leaves and whole string or character
    literals, comments excluded. One pre-order pass collects both.
    """
    # Per node tree-sitter prints, in pre-order: does it have children (is it a subtree)?
    # Only flags are kept, not the nodes, which are rebuilt only in the rare fallback.
    counted: list[bool] = []
    hidden: list[str] = []  # anonymous nodes with children (Python's "not in"): not in the text
    tokens: list[tuple[int, int]] = []
    has_error = root.has_error  # MISSING nodes only occur in trees with errors
    stack = [root]
    while stack:
        node = stack.pop()
        children = node.children
        kind = node.type
        if (not children or kind in _TOKEN_TYPES) and kind != "comment":
            tokens.append(node.byte_range)
            if children:  # a whole string literal: its nodes are printed but are not tokens
                _collect(node, counted, hidden, has_error)
                continue
        if node.is_named or (has_error and node.is_missing) or node is root:
            counted.append(bool(children) or node is root)
        elif children:
            hidden.append(str(node))
        if children:
            stack.extend(reversed(children))
    text = str(root)
    spans: list[list[int]] = []
    opened: list[list[int]] = []
    for match in _GROUPS.finditer(text):
        token = match.group()
        if token == "(":
            span = [match.start(), -1]
            spans.append(span)
            opened.append(span)
        elif token == ")":
            if not opened:
                break
            opened.pop()[1] = match.end()
        else:
            spans.append([match.start(), match.end()])
    if len(spans) != len(counted) or opened:
        return _sexps_by_str(root) + hidden, tokens
    sexps = [text[start:end] for (start, end), subtree in zip(spans, counted) if subtree]
    return sexps + hidden, tokens


def _sexps_by_str(root: Any) -> list[str]:
    """Return str(node) for the root and every printed node with children, in pre-order
    (the fallback when the printed text cannot be paired with the nodes)."""
    has_error = root.has_error
    out: list[str] = []
    stack = [root]
    while stack:
        node = stack.pop()
        children = node.children
        if node is root or (children and (node.is_named or (has_error and node.is_missing))):
            out.append(str(node))
        stack.extend(reversed(children))
    return out
