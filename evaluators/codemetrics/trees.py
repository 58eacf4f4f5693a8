"""Returns the S-expression of every subtree of a tree-sitter tree, cheaply, and the code
tokens data flow needs, in one pass over the nodes.

CodeBLEU's syntax match compares the S-expressions of all subtrees (the root and every node
that has children). `str(node)` re-serialises a node's whole subtree on each call, which is
quadratic in depth; instead tree-sitter writes the root's S-expression once and each
subtree's is taken as a slice of it, pairing the parenthesised groups with the printed nodes
in pre-order. When the pairing does not line up we fall back to `str(node)` per node.

The same pass lists the code tokens data flow numbers, and where the nodes that have a
data-flow rule start, so that dataflow_walk.py can walk every subtree without one as the
token sequence it is instead of node by node.
"""
from __future__ import annotations

import re
from itertools import accumulate, repeat, starmap
from operator import add, lt
from typing import Any

# Only these groups hold quotes or stray parentheses, and both are leaves: "(MISSING ")")"
# for a missing anonymous token and "(UNEXPECTED 'x')" for an unexpected character.
_GROUPS = re.compile(r"""\(MISSING "[^\n]*?"\)|\(UNEXPECTED (?:'(?:\\.|[^\n])'|-?\d+)\)|[()]""")

_TOKEN_TYPES = frozenset(("string_literal", "string", "character_literal"))


class Scan:
    """What one pass over a tree finds: subtree S-expressions, and the code tokens in order
    (byte spans and node types) with the start bytes of the nodes whose types are in `special`."""

    __slots__ = ("sexps", "token_spans", "token_kinds", "special_starts", "flat")

    def __init__(self, sexps: list[str], token_spans: list, token_kinds: list[str],
                 special_starts: list[int], flat: bool) -> None:
        self.sexps = sexps
        self.token_spans = token_spans
        self.token_kinds = token_kinds
        self.special_starts = special_starts
        # True when tokens can be found by byte offset alone: no errors, no zero-width token.
        self.flat = flat


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
    return scan_tree(root).sexps


def scan_tree(root: Any, special: frozenset[str] = frozenset()) -> Scan:
    """Return the Scan of `root`: subtree S-expressions, code tokens and special node starts.

    Code tokens are what CodeBLEU's data flow numbers: leaves and whole string or character
    literals, comments excluded. One pre-order pass collects everything.
    """
    # Per node tree-sitter prints, in pre-order: does it have children (is it a subtree)?
    # Only flags are kept, not the nodes, which are rebuilt only in the rare fallback.
    counted: list[bool] = []
    hidden: list[str] = []  # anonymous nodes with children (Python's "not in"): not in the text
    tokens: list[tuple[int, int]] = []
    kinds: list[str] = []
    starts: list[int] = []
    has_error = root.has_error  # MISSING nodes only occur in trees with errors
    counted_append, tokens_append, kinds_append = counted.append, tokens.append, kinds.append
    zero_width = False
    # The root is always printed and counted, whatever it is.
    kind = root.type
    if kind in special:
        starts.append(root.start_byte)
    counted_append(True)
    if (not root.child_count or kind in _TOKEN_TYPES) and kind != "comment":
        span = root.byte_range
        zero_width = span[0] == span[1]
        tokens_append(span)
        kinds_append(kind)
        for child in root.children:
            _collect(child, counted, hidden, has_error)
        descend = False
    else:
        descend = True
    # A cursor walks the nodes in pre-order without building each node's list of children.
    cursor = root.walk()
    first_child, next_sibling, parent = cursor.goto_first_child, cursor.goto_next_sibling, cursor.goto_parent
    depth = 1 if descend and first_child() else 0
    while depth:
        node = cursor.node
        kind = node.type
        if kind in special:
            starts.append(node.start_byte)
        if kind in _TOKEN_TYPES and node.child_count:
            # A whole string literal: one token, though its nodes are printed.
            tokens_append(node.byte_range)
            kinds_append(kind)
            _collect(node, counted, hidden, has_error)
        elif first_child():
            if node.is_named or (has_error and node.is_missing):
                counted_append(True)
            else:
                hidden.append(str(node))
            depth += 1
            continue
        else:  # a leaf
            if kind != "comment":
                tokens_append(node.byte_range)
                kinds_append(kind)
            if node.is_named or (has_error and node.is_missing):
                counted_append(False)
        while not next_sibling():
            parent()
            depth -= 1
            if not depth:
                break
    zero_width = zero_width or not all(starmap(lt, tokens))  # every token: start < end
    text = str(root)
    sexps = None if has_error else _sexps_by_pairs(text, counted)
    if sexps is None:
        sexps = _sexps_by_groups(text, counted)
    if sexps is None:
        sexps = _sexps_by_str(root)
    return Scan(sexps + hidden, tokens, kinds, starts, not (has_error or zero_width))


def _sexps_by_pairs(text: str, counted: list[bool]) -> list[str] | None:
    """Return the subtree slices of `text` for the counted groups, or None when the groups do
    not line up with `counted`; for trees without errors, where every parenthesis is a group's.

    Cut at each "(", piece k + 1 holds group k's type and then the ")" that close groups before
    group k + 1 opens, all in one run (between two ")" there is nothing else); so one step per
    group, with the offsets counted in C, pairs every group with its end.
    """
    pieces = text.split("(")
    groups = len(pieces) - 1
    if groups != len(counted):
        return None
    before = list(accumulate(map(len, pieces)))  # group k opens at before[k] + k
    closing = list(map(str.count, pieces, repeat(")")))
    first_close = list(map(str.find, pieces, repeat(")")))
    ends = [0] * groups
    opened: list[int] = []
    push, pop = opened.append, opened.pop
    try:
        for group in range(groups):
            push(group)
            count = closing[group + 1]
            if count:
                end = before[group] + group + 2 + first_close[group + 1]  # just past its first ")"
                for offset in range(count):
                    ends[pop()] = end + offset
    except IndexError:  # a ")" with no "(" open
        return None
    if opened:
        return None
    starts = map(add, before, range(groups))
    return [text[start:end] for start, end, subtree in zip(starts, ends, counted) if subtree]


def _sexps_by_groups(text: str, counted: list[bool]) -> list[str] | None:
    """Return the subtree slices of `text` for the counted groups, reading MISSING and
    UNEXPECTED leaves (whose text may hold parentheses) whole; None when they do not line up."""
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
                return None
            opened.pop()[1] = match.end()
        else:
            spans.append([match.start(), match.end()])
    if len(spans) != len(counted) or opened:
        return None
    return [text[start:end] for (start, end), subtree in zip(spans, counted) if subtree]


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
