"""A model whose under-trained tokens are known by construction, to measure the scan against.

The tokenizer learns from corpus A (Python functions from the standard library) and corpus B
(made-up words, seeded); the model trains on A only. Every token that never occurs in A's
tokenized text therefore never got a training signal: that set is the truth, and the scan's
recall and precision are measured against it (tests and bench/glitch_tokens_bench.py). Tokens
no text produces (partial UTF-8 bytes) are not in it: they are the scan's reference, not candidates.
"""
from __future__ import annotations

import random
from pathlib import Path

SEED = 0


def made_up_words(count: int, seed: int = SEED) -> list[str]:
    """Seeded pronounceable non-words, none of them Python or English."""
    generator = random.Random(seed)
    consonants, vowels = "bdfgklmnprstvz", "aeiou"
    words = set()
    while len(words) < count:
        words.add("".join(generator.choice(consonants) + generator.choice(vowels) for _ in range(4)) + "x")
    return sorted(words)


def corpora(files: int = 20) -> tuple[list[str], list[str]]:
    """Return (A, B): the functions of the `files` smallest training modules, and made-up sentences."""
    from ..demo.corpus import function_texts, read_source, training_files

    smallest = sorted(training_files(), key=lambda path: (path.stat().st_size, path.name))[:files]
    a = [text for path in smallest for text in function_texts(read_source(path))]
    words = made_up_words(120)
    b = [" ".join(words[i:i + 6]) + ".\n" for i in range(0, len(words), 6)] * 3  # each merge seen often
    return a, b


def build_known_truth_model(out: str | Path, steps: int = 200, seed: int = SEED) -> tuple[Path, set[int]]:
    """Train the tokenizer on A and B and a small Llama on A; return its folder and the untrained ids."""
    import torch
    from transformers import LlamaForCausalLM

    from ..demo.models import llama_config
    from ..demo.training import token_blocks, train_models, train_tokenizer

    out = Path(out)
    a, b = corpora()
    tokenizer = train_tokenizer(a + b, vocab_size=1024, context_length=128)
    seen = {token for ids in tokenizer(a, add_special_tokens=False).input_ids for token in ids}
    torch.manual_seed(seed)
    model = LlamaForCausalLM(llama_config(tokenizer, hidden=64, layers=2, heads=4, intermediate=172,
                                          context_length=128))
    train_models([model], token_blocks(tokenizer, a, 128), steps, 8, 3e-3, seed, lambda step, losses: None)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    # The truth is among the tokens text can produce: special, added, unreachable and partial
    # tokens are no candidates (the last two are the scan's reference for "untrained").
    from .tokenizer_scan import scan_tokenizer

    untrained = {info.id for info in scan_tokenizer(tokenizer) if info.category == "normal" and info.id not in seen}
    return out, untrained


def recall_and_precision(confirmed: set[int], truth: set[int]) -> tuple[float, float]:
    found = len(confirmed & truth)
    return found / len(truth) if truth else 1.0, found / len(confirmed) if confirmed else 1.0
