"""Candidate trees: order, parents, the 4-D mask and position ids, presets, and refusals."""
from __future__ import annotations

import pytest
import torch

from evaluators.medusa.tree import (MC_SIM_7B_63, TreeError, ancestor_mask, build_tree, parse_tree,
                                    tree_attention_mask, tree_positions)

# Root, then [0] [1] at depth 1, then [0,0] [0,1] [1,0] at depth 2 (given out of order on purpose).
SMALL = [[1, 0], [0], [0, 1], [1], [0, 0]]
# Written by hand: row i may see column j when j is node i or one of its ancestors.
#        root [0] [1] [0,0] [0,1] [1,0]
HAND = [[1, 0, 0, 0, 0, 0],   # root
        [1, 1, 0, 0, 0, 0],   # [0]
        [1, 0, 1, 0, 0, 0],   # [1]
        [1, 1, 0, 1, 0, 0],   # [0, 0]
        [1, 1, 0, 0, 1, 0],   # [0, 1]
        [1, 0, 1, 0, 0, 1]]   # [1, 0]


def test_nodes_are_ordered_by_depth_then_path_with_the_root_first():
    tree = build_tree(SMALL, num_heads=2)
    assert tree.paths == ((), (0,), (1,), (0, 0), (0, 1), (1, 0))
    assert tree.parents == (-1, 0, 0, 1, 1, 2)
    assert (tree.size, tree.depth, tree.topk) == (6, 2, 2)


def test_each_candidate_sees_exactly_its_ancestors():
    tree = build_tree(SMALL, num_heads=2)
    assert [[int(x) for x in row] for row in ancestor_mask(tree)] == HAND


def test_the_4d_mask_opens_the_whole_prefix_and_the_hand_built_tree():
    tree = build_tree(SMALL, num_heads=2)
    mask = tree_attention_mask(tree, prefix=3, dtype=torch.float32, device="cpu")
    assert mask.shape == (1, 1, 6, 9) and mask.dtype == torch.float32
    expected = torch.tensor([[1, 1, 1] + row for row in HAND], dtype=torch.bool)
    low = torch.finfo(torch.float32).min
    assert torch.equal(mask[0, 0], torch.where(expected, torch.tensor(0.0), torch.tensor(low)))


def test_positions_are_the_prefix_length_plus_the_depth():
    tree = build_tree(SMALL, num_heads=2)
    assert tree_positions(tree, prefix=7, device="cpu").tolist() == [[7, 8, 8, 9, 9, 9]]


def test_the_default_tree_is_the_medusa_repositorys_63_node_sparse_tree():
    assert len(MC_SIM_7B_63) == 63 and len({tuple(p) for p in MC_SIM_7B_63}) == 63
    tree = parse_tree("", num_heads=4)
    assert (tree.name, tree.size, tree.depth, tree.topk) == ("mc_sim_7b_63", 64, 4, 10)
    # With three heads the two paths four deep are left out, not refused.
    assert parse_tree("mc_sim_7b_63", num_heads=3).size == 62


def test_presets_and_json_trees():
    assert parse_tree("chain", num_heads=3).paths == ((), (0,), (0, 0), (0, 0, 0))
    assert parse_tree("root", num_heads=4).size == 1
    assert parse_tree("[[0], [2], [0, 1]]", num_heads=2).paths == ((), (0,), (2,), (0, 1))


@pytest.mark.parametrize("text, message", [
    ("[[0, 0]]", "path [0, 0] has no parent [0]"),
    ("[[0], [0, 0], [0, 0, 0]]", "is 3 deep, but the heads guess only 2"),
    ("[[0], [0]]", "listed twice"),
    ("[[0], [-1]]", "non-empty lists of ranks"),
    ("[[0], []]", "non-empty lists of ranks"),
    ("bushy", "neither a preset"),
])
def test_a_bad_tree_is_refused_with_the_reason(text, message):
    with pytest.raises(TreeError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_tree(text, num_heads=2)
