"""Greedy verification and typical acceptance on hand-made distributions, and their limits on a model."""
from __future__ import annotations

import math

import pytest
import torch

from evaluators.medusa.acceptance import greedy_verdict, typical_threshold, typical_verdict
from evaluators.medusa.tree import build_tree

from .conftest import PROMPTS, encode, load, scrambled_heads

# Nodes: 0 root, 1 [0], 2 [1], 3 [0,0], 4 [0,1], 5 [1,0]; each node's token:
TREE = build_tree([[0], [1], [0, 0], [0, 1], [1, 0]], num_heads=2)
TOKENS = torch.tensor([2, 3, 4, 1, 0, 3])


def logits_from(rows: list[list[float]]) -> torch.Tensor:
    """Logits whose softmax is exactly each row (rows are probabilities)."""
    return torch.log(torch.tensor(rows, dtype=torch.float64))


def test_greedy_keeps_the_branch_of_argmax_tokens_and_needs_every_ancestor():
    argmax = [3, 0, 3, 2, 2, 2]  # at the root 3 (node [0] passes), at [0] 0 (node [0,1] passes),
    # at [1] 3 (node [1,0] would pass, but [1] itself failed: 4 is not the root's argmax).
    logits = torch.full((6, 5), -1.0)
    logits[torch.arange(6), torch.tensor(argmax)] = 1.0
    verdict = greedy_verdict(TREE, TOKENS, logits)
    assert verdict.branch == [0, 1, 4] and verdict.accepted == 2


def test_greedy_with_no_candidate_right_keeps_the_root_alone():
    logits = torch.zeros(6, 5)
    logits[:, 0] = 5.0  # the base always wants token 0; no depth-1 node carries it
    assert greedy_verdict(TREE, TOKENS, logits).branch == [0]


def test_the_threshold_is_min_of_epsilon_and_delta_times_exp_minus_entropy():
    probs = torch.softmax(torch.randn(7, 11, generator=torch.Generator().manual_seed(0), dtype=torch.float64), -1)
    got = typical_threshold(probs, epsilon=0.09, delta=0.3)
    for row, value in zip(probs.tolist(), got.tolist()):
        entropy = -sum(p * math.log(p) for p in row)
        assert value == pytest.approx(min(0.09, 0.3 * math.exp(-entropy)), rel=1e-12)


ROWS = [[0.05, 0.05, 0.1, 0.5, 0.3],   # root: node [0] (token 3) p=.5, node [1] (token 4) p=.3
        [0.2, 0.6, 0.1, 0.05, 0.05],   # at [0]: [0,0] (token 1) p=.6, [0,1] (token 0) p=.2
        [0.25, 0.25, 0.2, 0.2, 0.1],   # at [1]: [1,0] (token 3) p=.2
        [0.2] * 5, [0.2] * 5, [0.2] * 5]


def test_epsilon_to_zero_accepts_everything_and_breaks_ties_by_likelihood():
    verdict = typical_verdict(TREE, TOKENS, logits_from(ROWS), temperature=1.0, epsilon=0.0, delta=0.3)
    # Every node passes; of the depth-2 nodes [0,0] has log(.5) + log(.6), the highest.
    paths = {3: math.log(.5) + math.log(.6), 4: math.log(.5) + math.log(.2), 5: math.log(.3) + math.log(.2)}
    assert verdict.branch == [0, 1, max(paths, key=paths.get)] == [0, 1, 3]


def test_delta_to_infinity_with_epsilon_one_keeps_only_the_first_token():
    # min(epsilon, delta e^-H) -> epsilon = 1 as delta grows: no probability exceeds it.
    verdict = typical_verdict(TREE, TOKENS, logits_from(ROWS), temperature=1.0, epsilon=1.0, delta=1e9)
    assert verdict.branch == [0] and verdict.accepted == 0


def test_delta_to_infinity_leaves_the_hard_threshold_epsilon():
    # epsilon 0.4: [0] (.5) passes, [1] (.3) fails; at [0], [0,0] (.6) passes.
    verdict = typical_verdict(TREE, TOKENS, logits_from(ROWS), temperature=1.0, epsilon=0.4, delta=1e9)
    assert verdict.branch == [0, 1, 3]
    # epsilon 0.55: only [0]'s child [0,0] (.6) would pass, but [0] (.5) itself fails.
    assert typical_verdict(TREE, TOKENS, logits_from(ROWS), 1.0, 0.55, 1e9).branch == [0]


def test_the_entropy_term_decides_when_it_is_the_smaller():
    entropy = [-sum(p * math.log(p) for p in row) for row in ROWS[:2]]
    delta = 1.2
    thresholds = [min(0.5, delta * math.exp(-h)) for h in entropy]
    # Root: about .35, so [0] (.5) passes and [1] (.3) fails; at [0]: about .38, [0,0] (.6) passes.
    assert 0.3 < thresholds[0] < 0.5 and 0.2 < thresholds[1] < 0.6
    verdict = typical_verdict(TREE, TOKENS, logits_from(ROWS), temperature=1.0, epsilon=0.5, delta=delta)
    assert verdict.branch == [0, 1, 3]
    # With the hard threshold alone (delta -> infinity) .5 does not exceed .5: nothing passes.
    assert typical_verdict(TREE, TOKENS, logits_from(ROWS), 1.0, 0.5, 1e9).branch == [0]


def test_temperature_flattens_the_distribution_before_the_test():
    # At T = 4 the root's row flattens: token 3 falls from .5 to about .26, under epsilon .3.
    assert typical_verdict(TREE, TOKENS, logits_from(ROWS), 1.0, 0.3, 1e9).accepted == 2
    assert typical_verdict(TREE, TOKENS, logits_from(ROWS), 4.0, 0.3, 1e9).accepted == 0


@pytest.mark.parametrize("epsilon, delta, accepts_all", [(0.0, 0.3, True), (1.0, 1e9, False)])
def test_on_a_model_the_limits_accept_every_branch_or_none(tiny_llama, epsilon, delta, accepts_all):
    from evaluators.medusa.decode import MedusaDecoder
    from evaluators.medusa.tree import parse_tree

    model, tokenizer = load(tiny_llama)
    tree = parse_tree("mc_sim_7b_63", 4)
    decoder = MedusaDecoder(model, scrambled_heads(model), tree, mode="typical", temperature=0.8,
                            epsilon=epsilon, delta=delta, suppress_ids=(tokenizer.eos_token_id,))
    out = decoder.generate(encode(tokenizer, PROMPTS[0]), 30, generator=torch.Generator().manual_seed(0))
    assert len(out.tokens) == 30 and out.forwards == 1 + out.steps
    if accepts_all:  # every step takes a deepest branch: tree depth + 1 tokens per pass
        assert out.accepted == tree.depth * out.steps and out.accepted_at_depth == [out.steps] * 4
    else:  # only the base's own (sampled) token: one token per pass, like plain sampling
        assert out.accepted == 0 and out.forwards == 30
