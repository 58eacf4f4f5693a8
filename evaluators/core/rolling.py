"""Strided windows over a token sequence, so a text longer than the model's context is
scored whole: every token once, each with as much context as the window allows.

This is the classic Hugging Face strided-perplexity scheme. A sequence of n positions
(position 0 is the BOS/EOS prefix, which is context only) is cut into windows of at most
max_length positions starting at 0, stride, 2*stride, ...; each window scores only the
positions no earlier window scored, and the last window ends at the sequence's end.
"""
from __future__ import annotations

from typing import NamedTuple


class Window(NamedTuple):
    """Positions [begin, end) are the model's input; positions [scored_from, end) are scored."""

    begin: int
    end: int
    scored_from: int

    @property
    def scored(self) -> int:
        return self.end - self.scored_from


def plan_windows(n_positions: int, max_length: int, stride: int) -> list[Window]:
    """Return the windows that score positions 1..n_positions-1 exactly once.

    Needs 1 <= stride < max_length: windows then overlap, so the first position a window
    scores always has at least max_length - stride positions of context inside it.
    """
    if not 1 <= stride < max_length:
        raise ValueError(f"stride must be between 1 and max_length - 1, got stride {stride} "
                         f"with max_length {max_length}")
    windows = []
    scored_to = 1  # position 0 is the prefix token: context, never a target
    begin = 0
    while scored_to < n_positions:
        end = min(begin + max_length, n_positions)
        windows.append(Window(begin, end, scored_to))
        scored_to = end
        begin += stride
    return windows


def with_prefix(token_ids: list[int], prefix_id: int) -> list[int]:
    """Return the document's tokens preceded by the prefix token that conditions the first."""
    return [prefix_id, *token_ids]


def prefix_token_id(tokenizer) -> int:
    """Return the BOS id, or the EOS id for tokenizers without BOS (as lm-evaluation-harness)."""
    for token_id in (tokenizer.bos_token_id, tokenizer.eos_token_id):
        if token_id is not None:
            return int(token_id)
    raise ValueError("the tokenizer has neither a BOS nor an EOS token to condition the "
                     "first token of a document on")
