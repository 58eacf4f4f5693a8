"""How untrained each row of a model's unembedding looks (Land & Bartolo 2024, step 2).

A token that never appeared in training only ever received the gradient that pushes every
unused logit down, so all such rows drift the same way. The indicator is each row's cosine
similarity to the mean of rows known to be untrained (tokens no text encodes to: the tokenizer's
unreachable and partial-UTF-8 tokens), after removing the first principal component, which all
rows share and which would otherwise dominate every cosine.
"""
from __future__ import annotations

from typing import Any

# Without any unreachable token, the reference is this share of rows with the smallest input
# embeddings (weight decay shrinks untrained rows), at least FALLBACK_MIN of them.
FALLBACK_SHARE = 0.01
FALLBACK_MIN = 8


def untrained_indicator(unembedding: Any, reference: list[int]) -> Any:
    """Return a float tensor (one value per row): cosine to the reference rows' mean direction."""
    import torch

    rows = unembedding.detach().to(torch.float32).cpu()
    centred = rows - rows.mean(dim=0, keepdim=True)
    # The first principal direction: the top eigenvector of the hidden x hidden covariance, exact
    # and deterministic (a randomised PCA could pick other candidates when a scan resumes).
    covariance = centred.double().T @ centred.double()
    first = torch.linalg.eigh(covariance).eigenvectors[:, -1].to(torch.float32)
    projected = centred - torch.outer(centred @ first, first)
    direction = projected[reference].mean(dim=0)
    return torch.nn.functional.cosine_similarity(projected, direction.unsqueeze(0), dim=1)


def row_norms(matrix: Any) -> Any:
    import torch

    return matrix.detach().to(torch.float32).cpu().norm(dim=1)


def reference_rows(categories: list[str], input_norms: Any) -> tuple[list[int], str]:
    """Return the rows that stand for "untrained" and how they were chosen."""
    known = [i for i, category in enumerate(categories) if category in ("unreachable", "partial_utf8")]
    if known:
        return known, "unreachable and partial-UTF-8 tokens"
    count = max(FALLBACK_MIN, int(len(categories) * FALLBACK_SHARE))
    normal = [i for i, category in enumerate(categories) if category == "normal"]
    smallest = sorted(normal, key=lambda i: float(input_norms[i]))[:count]
    return smallest, f"the {count} normal tokens with the smallest input embeddings"
