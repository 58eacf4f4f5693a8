"""Candidate trees: which head guesses are verified together, and the mask that keeps them apart.

A tree is a list of paths, as in the Medusa repository's `medusa_choices.py`: the path
[r1, r2, ..., rd] is the node whose token is head 1's guess of rank r1, followed by head 2's
guess of rank r2, ... (ranks count from 0, the most likely). The root, not listed, is the token
the base model itself chose. Every prefix of a path must be in the tree too: a node is only
verified when its parent is.

Nodes are ordered as the repository orders them (by depth, then by path), the root first, so a
parent always comes before its children. In the forward pass every node sits at position
prefix length + depth and attends to the prefix, itself and its ancestors: nothing else.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

# FasterDecoding/Medusa, medusa/model/medusa_choices.py (the paper's default sparse tree, found by
# its greedy search on Vicuna-7B heads: 63 candidates, up to 4 deep, ranks up to 9).
MC_SIM_7B_63 = [
    [0], [0, 0], [1], [0, 1], [2], [0, 0, 0], [1, 0], [0, 2], [3], [0, 3], [4], [0, 4], [2, 0], [0, 5],
    [0, 0, 1], [5], [0, 6], [6], [0, 7], [0, 1, 0], [1, 1], [7], [0, 8], [0, 0, 2], [3, 0], [0, 9], [8],
    [9], [1, 0, 0], [0, 2, 0], [1, 2], [0, 0, 3], [4, 0], [2, 1], [0, 0, 4], [0, 0, 5], [0, 0, 0, 0],
    [0, 1, 1], [0, 0, 6], [0, 3, 0], [5, 0], [1, 3], [0, 0, 7], [0, 0, 8], [0, 0, 9], [6, 0], [0, 4, 0],
    [1, 4], [7, 0], [0, 1, 2], [2, 0, 0], [3, 1], [2, 2], [8, 0], [0, 5, 0], [1, 5], [1, 0, 1], [0, 2, 1],
    [9, 0], [0, 6, 0], [0, 0, 0, 1], [1, 6], [0, 7, 0]]

PRESETS = {
    "mc_sim_7b_63": MC_SIM_7B_63,
    # Each head's top guess only: a chain as deep as there are heads (cut to them).
    "chain": [[0] * depth for depth in range(1, 9)],
    # No candidates: one node, the base's own token; decoding is plain greedy (a check, not a method).
    "root": [],
}
DEFAULT_TREE = "mc_sim_7b_63"


class TreeError(ValueError):
    """A tree that cannot be used; the message says which path and why."""


@dataclass(frozen=True)
class Tree:
    """A tree in verification order; index 0 is the root."""

    name: str
    paths: tuple[tuple[int, ...], ...]  # per node, root's is ()
    parents: tuple[int, ...]             # per node, root's is -1
    topk: int                            # guesses read from each head: the largest rank + 1

    @property
    def size(self) -> int:
        """Nodes in one verification forward pass, the root included."""
        return len(self.paths)

    @property
    def depth(self) -> int:
        """The most candidate tokens one step can accept."""
        return max(len(path) for path in self.paths)

    def ancestors(self, node: int) -> list[int]:
        """Return the node's ancestors and itself, root first."""
        chain = [node]
        while self.parents[chain[-1]] >= 0:
            chain.append(self.parents[chain[-1]])
        return chain[::-1]


def parse_tree(text: str, num_heads: int) -> Tree:
    """Return the tree `text` names: a preset (mc_sim_7b_63, chain, root), a JSON list of paths,
    or "" for the default (mc_sim_7b_63). Presets are cut to the heads there are; a JSON tree
    deeper than the heads is refused."""
    text = text.strip() or DEFAULT_TREE
    if text in PRESETS:
        return build_tree([p for p in PRESETS[text] if len(p) <= num_heads], num_heads, name=text)
    try:
        paths = json.loads(text)
    except json.JSONDecodeError:
        raise TreeError(f"medusa_tree: '{text[:40]}' is neither a preset ({', '.join(PRESETS)}) nor a "
                        "JSON list of paths such as [[0], [1], [0, 0]]") from None
    return build_tree(paths, num_heads, name="custom")


def build_tree(paths: Any, num_heads: int, name: str = "custom") -> Tree:
    """Return the Tree of `paths` (lists of ranks), checked and ordered by depth, then path."""
    if not isinstance(paths, list) or not all(
            isinstance(p, list) and p and all(isinstance(r, int) and not isinstance(r, bool) and r >= 0 for r in p)
            for p in paths):
        raise TreeError("medusa_tree: a tree is a list of non-empty lists of ranks (integers from 0), "
                        "e.g. [[0], [1], [0, 0]]")
    unique = sorted({tuple(p) for p in paths}, key=lambda p: (len(p), p))
    if len(unique) != len(paths):
        raise TreeError("medusa_tree: a path is listed twice")
    known = set(unique)
    for path in unique:
        if len(path) > num_heads:
            raise TreeError(f"medusa_tree: path {list(path)} is {len(path)} deep, but the heads guess only "
                            f"{num_heads} tokens ahead")
        if len(path) > 1 and path[:-1] not in known:
            raise TreeError(f"medusa_tree: path {list(path)} has no parent {list(path[:-1])} in the tree; "
                            "every prefix of a path must be listed")
    ordered = ((),) + tuple(unique)
    index = {path: i for i, path in enumerate(ordered)}
    parents = (-1,) + tuple(index[path[:-1]] for path in unique)
    topk = max((max(path) for path in unique), default=-1) + 1
    return Tree(name=name, paths=ordered, parents=parents, topk=topk)


def ancestor_mask(tree: Tree) -> list[list[bool]]:
    """Return the size x size matrix: row i is True exactly at node i and its ancestors."""
    rows = []
    for node in range(tree.size):
        seen = set(tree.ancestors(node))
        rows.append([column in seen for column in range(tree.size)])
    return rows


def tree_attention_mask(tree: Tree, prefix: int, dtype: Any, device: Any) -> Any:
    """Return the (1, 1, size, prefix + size) additive mask: 0 where a node may look, the dtype's
    minimum elsewhere.

    Additive rather than boolean: transformers passes a 4-D mask to the attention function as it
    is, and its eager attention adds the mask to the scores, so a boolean mask would be added as
    0/1 and mask nothing; SDPA takes either form.
    """
    import torch

    allowed = torch.tensor(ancestor_mask(tree), dtype=torch.bool, device=device)
    allowed = torch.cat([torch.ones(tree.size, prefix, dtype=torch.bool, device=device), allowed], dim=1)
    mask = torch.zeros(allowed.shape, dtype=dtype, device=device)
    mask.masked_fill_(~allowed, torch.finfo(dtype).min)
    return mask[None, None]


def tree_positions(tree: Tree, prefix: int, device: Any) -> Any:
    """Return the (1, size) position ids: prefix length + depth, as if each branch were the text."""
    import torch

    return torch.tensor([[prefix + len(path) for path in tree.paths]], dtype=torch.long, device=device)
