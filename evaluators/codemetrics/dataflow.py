"""Returns the data-flow graph CodeBLEU compares, extracted from a tree-sitter tree.

A graph edge says variable v at token i "comesFrom" or is "computedFrom" variables at other
tokens. The walk follows the CodeXGLUE/XLCoST extractors that the `codebleu` package runs,
driven by the per-language tables in dataflow_rules.py, with two deliberate differences:

- Deterministic: where the package merges parent-name lists through a Python `set` (so their
  order, and with it the normalised graph and the score, changes with PYTHONHASHSEED), we keep
  the names in first-seen order.
- Token text is cut from the UTF-8 bytes at tree-sitter's byte offsets. The package cuts the
  decoded text at those byte offsets, which garbles tokens after a non-ASCII character.

As in the package, any error during the walk (a field the grammar did not produce on broken
code, say) yields an empty graph for that snippet.
"""
from __future__ import annotations

from itertools import chain, compress, starmap
from operator import itemgetter
from typing import Any

from .dataflow_flat import Flat
from .dataflow_rules import RULES
from .dataflow_walk import Walker, by_token, merge_names


def data_flow(root: Any, source: bytes, lang: str, token_spans: list, scan: Any = None) -> list:
    """Return the merged data-flow edges (name, token index, relation, source names, source
    indices) of the tree `root` parsed from `source`, whose code tokens have the byte spans
    `token_spans` (trees.scan_tree); an empty list when extraction fails. `scan`, the tree's
    trees.Scan made with this language's special types, lets plain subtrees be walked as
    token sequences."""
    try:
        if source.isascii():  # byte offsets are character offsets: slice one decoded string
            text = source.decode("ascii")
            texts = list(map(text.__getitem__, starmap(slice, token_spans)))
            if "\n" in text and "\0" not in text:  # drop newlines in every token at once, in C
                texts = "\0".join(texts).replace("\n", "").split("\0")
            elif "\n" in text:
                texts = [token.replace("\n", "") for token in texts]
        else:
            texts = [source[start:end].decode("utf-8", errors="replace").replace("\n", "")
                     for start, end in token_spans]
        # Keyed by span; where two tokens share one (zero-width MISSING nodes) the last wins.
        tokens = dict(zip(token_spans, enumerate(texts)))
        try:
            flat = None
            if scan is not None and scan.flat:
                flat = Flat(token_spans, scan.token_kinds, texts, scan.special_starts)
            edges, _ = Walker(RULES[lang], tokens, flat).walk(root, {})
        except Exception:  # what the package does: broken or unexpected trees give no flow
            edges = []
        edges = by_token(edges)
        # Tokens that are a source, or have one; in C: the edges' sources, then the tokens
        # of the edges whose sources are not empty.
        sources = list(map(itemgetter(4), edges))
        linked = set(chain.from_iterable(sources))
        linked.update(compress(map(itemgetter(1), edges), sources))
        edges = [edge for edge in edges if edge[1] in linked]
    except Exception:
        edges = []
    if len(set(map(itemgetter(1), edges))) == len(edges):  # one edge per token: nothing to merge
        return edges
    merged: dict = {}
    for edge in edges:
        if edge[1] not in merged:
            merged[edge[1]] = edge
        else:
            old = merged[edge[1]]
            merged[edge[1]] = (edge[0], edge[1], edge[2], merge_names(old[3], edge[3]),
                               sorted(set(old[4] + edge[4])))
    return list(merged.values())


def normalize(edges: list) -> list[tuple]:
    """Return the edges with variable names replaced by var_0, var_1, ... in order of appearance."""
    names: dict[str, str] = {}
    out = []
    for name, _idx, relation, sources, _indices in edges:
        for source in sources:
            if source not in names:
                names[source] = f"var_{len(names)}"
        if name not in names:
            names[name] = f"var_{len(names)}"
        out.append((names[name], relation, tuple(names[s] for s in sources)))
    return out
