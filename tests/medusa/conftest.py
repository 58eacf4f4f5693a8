"""Fixtures for the Medusa tests: a seeded tiny Llama and a seeded tiny GPT-2 (saved with
save_pretrained, loaded with eager and SDPA attention), prompts, and heads. No network."""
from __future__ import annotations

from pathlib import Path

import pytest

PROMPTS = [
    "def add(a, b):\n    return a + b\n\ndef add(a, b):\n",
    "for i in range(10):\n    print(i)\n",
    "class Point:\n    def __init__(self, x, y):\n",
]
POSITIONS = 128


@pytest.fixture(autouse=True, scope="session")
def one_torch_thread():
    """Two shared cores: one thread per forward pass of a tiny model is faster there."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def tiny_llama(tmp_path_factory) -> Path:
    from evaluators.demo.models import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("medusa-llama") / "llama", seed=0, context_length=POSITIONS)


@pytest.fixture(scope="session")
def tiny_gpt2(tmp_path_factory) -> Path:
    """A seeded random-init GPT-2 (learned positions, its own attention code) with the test tokenizer."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    from evaluators.demo.models import _TINY_TEXT
    from evaluators.demo.training import train_tokenizer

    out = tmp_path_factory.mktemp("medusa-gpt2") / "gpt2"
    tokenizer = train_tokenizer([_TINY_TEXT] * 4, vocab_size=320, context_length=POSITIONS)
    torch.manual_seed(0)
    config = GPT2Config(vocab_size=len(tokenizer), n_positions=POSITIONS, n_embd=32, n_layer=2, n_head=4,
                        initializer_range=0.2, bos_token_id=tokenizer.bos_token_id,
                        eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    GPT2LMHeadModel(config).eval().save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def load(path: Path, attn: str = "sdpa"):
    """Return (model, tokenizer) in eval mode, float32 on the CPU, with the given attention."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(path, attn_implementation=attn).eval()
    return model, AutoTokenizer.from_pretrained(path)


def encode(tokenizer, text: str) -> list[int]:
    return [tokenizer.bos_token_id] + tokenizer(text, add_special_tokens=False).input_ids


def scrambled_heads(model, num_heads: int = 4, seed: int = 1):
    """Untrained heads made to disagree with the base: random residual blocks, so their guesses
    are sometimes right and sometimes wrong, and every acceptance path gets exercised."""
    import torch

    from evaluators.medusa.heads import new_heads

    torch.manual_seed(seed)
    heads = new_heads(model, num_heads)
    with torch.no_grad():
        for head in heads:
            head[0].linear.weight.normal_(std=0.3)
    return heads.eval()
