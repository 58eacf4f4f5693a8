"""What a tokenizer says about each token before any weight is read (Land & Bartolo 2024, step 1).

Every token falls in one category:
- `special`: a special token of the tokenizer (<s>, </s>, <pad>, ...);
- `added`: added to the vocabulary after training, so the BPE merges never produce it;
- `partial_utf8`: it decodes to an incomplete UTF-8 sequence (a lone byte of a multi-byte
  character), so no text encodes to it on its own;
- `unreachable`: it decodes to text, but encoding that text gives other tokens;
- `normal`: encoding its decoded text gives the token back.
Unreachable and partial tokens can never appear in tokenized training text by themselves, which
makes them the reference for how an untrained row looks (indicators.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CATEGORIES = ("normal", "special", "added", "partial_utf8", "unreachable")
REPLACEMENT = "\ufffd"  # what decoding an incomplete UTF-8 sequence gives


@dataclass(frozen=True)
class TokenInfo:
    id: int
    text: str  # the decoded text, as the tokenizer gives it
    category: str


def scan_tokenizer(tokenizer: Any, vocab_size: int | None = None) -> list[TokenInfo]:
    """Return one TokenInfo per id in [0, vocab_size) (the model's rows; the tokenizer's size by default)."""
    size = vocab_size if vocab_size is not None else len(tokenizer)
    special = set(tokenizer.all_special_ids)
    added = set(tokenizer.get_added_vocab().values()) - special
    infos = []
    for token_id in range(size):
        text = tokenizer.decode([token_id], clean_up_tokenization_spaces=False) if token_id < len(tokenizer) else ""
        infos.append(TokenInfo(token_id, text, _category(tokenizer, token_id, text, special, added)))
    return infos


def _category(tokenizer: Any, token_id: int, text: str, special: set[int], added: set[int]) -> str:
    if token_id in special:
        return "special"
    if token_id in added:
        return "added"
    if token_id >= len(tokenizer) or not text:
        return "unreachable"  # a row the tokenizer cannot produce at all (padding of the vocabulary)
    if REPLACEMENT in text and REPLACEMENT not in tokenizer.convert_ids_to_tokens(token_id):
        return "partial_utf8"
    encoded = tokenizer.encode(text, add_special_tokens=False)
    return "normal" if encoded == [token_id] else "unreachable"


def category_counts(infos: list[TokenInfo]) -> dict[str, int]:
    counts = {name: 0 for name in CATEGORIES}
    for info in infos:
        counts[info.category] += 1
    return counts
