"""Returns the token ranges of the subtrees that data flow can walk as plain token sequences.

Most subtrees hold no node with a data-flow rule of its own (no assignment, branch, loop ...).
The generic walk visits such a subtree node by node only to meet its code tokens in order, so
dataflow_walk.Walker takes them from this table instead: a bisection on byte offsets finds
them, and another on the start bytes of the rule nodes says whether one lies inside.
"""
from __future__ import annotations

from bisect import bisect_left
from operator import itemgetter
from typing import Any


class Flat:
    """The code tokens of a tree in order, for walking a subtree without any special node as
    the token sequence it is: starts[k] is token k's start byte, spans[k] its byte span and
    info[k] its (node type, index, text); special_starts are the start bytes (ascending) of
    the nodes whose types have a rule. Only for trees where byte offsets alone place every
    token (no errors, no zero-width token)."""

    __slots__ = ("starts", "spans", "info", "special_starts")

    def __init__(self, spans: list, kinds: list, texts: list, special_starts: list) -> None:
        self.starts = list(map(itemgetter(0), spans))
        self.spans = spans
        self.info = list(zip(kinds, range(len(texts)), texts))
        self.special_starts = special_starts

    def plain(self, node: Any) -> tuple[int, int] | None:
        """Return the range [lo, hi) of the tokens under node when no node with a rule starts
        within its bytes (one starting at its very end counts too: the generic walk then
        handles it, which is only slower), else None. With every token at least one byte
        wide, the tokens under a node are exactly those that start inside it."""
        start, end = node.byte_range
        specials = self.special_starts
        i = bisect_left(specials, start)
        if i < len(specials) and specials[i] <= end:
            return None
        lo = bisect_left(self.starts, start)
        return lo, bisect_left(self.starts, end, lo)
