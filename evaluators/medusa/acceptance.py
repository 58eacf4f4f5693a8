"""Which candidates of a verified tree are accepted: greedy verification and typical acceptance.

Both judge each node by the base model's distribution at its parent (the logits the tree
forward pass computed there), accept a node only when its parent was accepted, and keep the
deepest accepted node; its branch is the step's output. The root (the base's own token) is
always accepted, so every step yields at least one token.

- Greedy: a node is accepted when its token is the base's argmax at its parent. Sibling tokens
  differ, so at most one branch survives, and the output equals greedy decoding's.
- Typical (Cai et al. 2024, section 2.3.1): a node is accepted when the base, at temperature T,
  gives its token a probability above min(epsilon, delta * exp(-H)), H the entropy of the base's
  distribution at the parent. Ties in depth go to the branch with the highest log-probability
  under that distribution, as the Medusa repository picks them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from .tree import Tree


@dataclass(frozen=True)
class Verdict:
    """The accepted branch: node indices from the root (included) to the deepest accepted node."""

    branch: list[int]

    @property
    def last(self) -> int:
        return self.branch[-1]

    @property
    def accepted(self) -> int:
        """Candidate tokens accepted (the root not counted)."""
        return len(self.branch) - 1


def greedy_verdict(tree: Tree, tokens: torch.Tensor, logits: torch.Tensor) -> Verdict:
    """Return the branch greedy decoding would have produced. tokens (size,), logits (size, vocab)."""
    parents = _parents(tree, tokens.device)
    chosen = logits.argmax(dim=-1)
    passes = tokens[1:] == chosen[parents[1:]]
    return _deepest(tree, passes, score=None)


def typical_verdict(tree: Tree, tokens: torch.Tensor, logits: torch.Tensor, temperature: float,
                    epsilon: float, delta: float) -> Verdict:
    """Return the branch typical acceptance keeps. `logits` are the base's, before temperature."""
    parents = _parents(tree, tokens.device)
    log_probs = torch.log_softmax(logits.float() / temperature, dim=-1)
    threshold = typical_threshold(log_probs.exp(), epsilon, delta)
    node_log_prob = log_probs[parents[1:], tokens[1:]]
    passes = node_log_prob.exp() > threshold[parents[1:]]
    return _deepest(tree, passes, score=node_log_prob)


def typical_threshold(probs: torch.Tensor, epsilon: float, delta: float) -> torch.Tensor:
    """Return min(epsilon, delta * exp(-H)) for each row of a probability matrix, H its entropy in nats.

    Exact entropy (the repository adds 1e-5 inside the log); xlogy counts a token of probability 0
    (a suppressed EOS) as 0 rather than 0 * -inf.
    """
    entropy = -(torch.special.xlogy(probs, probs)).sum(dim=-1)
    return torch.clamp(delta * torch.exp(-entropy), max=epsilon)


def _parents(tree: Tree, device: Any) -> torch.Tensor:
    return torch.tensor([max(p, 0) for p in tree.parents], dtype=torch.long, device=device)


def _deepest(tree: Tree, passes: torch.Tensor, score: torch.Tensor | None) -> Verdict:
    """Return the deepest node whose own test and every ancestor's passed (best score on a tie).

    One transfer to the host per step: the branch decides what the next forward pass reads.
    """
    ok = [True] + passes.tolist()
    scores = [0.0] + (score.tolist() if score is not None else [0.0] * (tree.size - 1))
    accepted, total = [True] * tree.size, [0.0] * tree.size
    best = 0
    for node in range(1, tree.size):  # parents come before their children
        parent = tree.parents[node]
        accepted[node] = ok[node] and accepted[parent]
        total[node] = total[parent] + scores[node]
        if accepted[node]:
            depth, best_depth = len(tree.paths[node]), len(tree.paths[best])
            if depth > best_depth or (depth == best_depth and total[node] > total[best]):
                best = node
    return Verdict(branch=tree.ancestors(best))
