"""Medusa with greedy verification gives plain greedy decoding's tokens (model.generate with
do_sample=False), token for token, on a Llama and a GPT-2, eager and SDPA, several prompts and
trees; with the one-node tree it also costs exactly greedy's forward passes."""
from __future__ import annotations

import pytest
import torch

from evaluators.medusa.decode import MedusaDecoder
from evaluators.medusa.tree import parse_tree

from .conftest import PROMPTS, encode, load, scrambled_heads

NEW_TOKENS = 24
TREES = ["mc_sim_7b_63", "chain", "[[0], [1], [0, 0], [1, 0], [0, 0, 0]]", "root"]


def greedy(model, prompt: list[int], new_tokens: int, **kwargs) -> tuple[list[int], int]:
    """Return generate()'s greedy tokens and how many forward passes it made."""
    calls = []
    hook = model.register_forward_pre_hook(lambda *args: calls.append(1))
    try:
        with torch.no_grad():
            out = model.generate(torch.tensor([prompt]), attention_mask=torch.ones(1, len(prompt), dtype=torch.long),
                                 max_new_tokens=new_tokens, do_sample=False, **kwargs)
    finally:
        hook.remove()
    return out[0, len(prompt):].tolist(), len(calls)


@pytest.mark.parametrize("attn", ["eager", "sdpa"])
@pytest.mark.parametrize("which", ["tiny_llama", "tiny_gpt2"])
def test_medusa_greedy_equals_plain_greedy_token_for_token(request, which, attn):
    model, tokenizer = load(request.getfixturevalue(which), attn)
    heads = scrambled_heads(model)
    eos = tokenizer.eos_token_id
    accepted = 0
    for tree_text in TREES:
        decoder = MedusaDecoder(model, heads, parse_tree(tree_text, 4), suppress_ids=(eos,))
        for text in PROMPTS:
            prompt = encode(tokenizer, text)
            expected, _ = greedy(model, prompt, NEW_TOKENS, min_new_tokens=NEW_TOKENS)
            out = decoder.generate(prompt, NEW_TOKENS)
            assert out.tokens == expected, (tree_text, text)
            assert out.forwards == 1 + out.steps
            # Each pass yields its accepted tokens and one of its own; the last may be cut to the limit.
            assert len(out.tokens) <= 1 + out.steps + out.accepted < len(out.tokens) + 1 + 4
            accepted += out.accepted
    assert accepted > 0  # the scrambled heads are right sometimes: accepted branches were kept


@pytest.mark.parametrize("which", ["tiny_llama", "tiny_gpt2"])
def test_the_one_node_tree_costs_greedys_forward_passes(request, which):
    model, tokenizer = load(request.getfixturevalue(which))
    decoder = MedusaDecoder(model, scrambled_heads(model), parse_tree("root", 4),
                            suppress_ids=(tokenizer.eos_token_id,))
    for text in PROMPTS:
        prompt = encode(tokenizer, text)
        expected, passes = greedy(model, prompt, NEW_TOKENS, min_new_tokens=NEW_TOKENS)
        calls = []
        hook = model.register_forward_pre_hook(lambda *args: calls.append(1))
        try:
            out = decoder.generate(prompt, NEW_TOKENS)
        finally:
            hook.remove()
        assert out.tokens == expected
        assert out.forwards == len(calls) == passes == NEW_TOKENS


def test_it_stops_after_eos_as_greedy_does(tiny_llama):
    model, tokenizer = load(tiny_llama)
    prompt = encode(tokenizer, PROMPTS[1])
    free, _ = greedy(model, prompt, 20, min_new_tokens=20, suppress_tokens=[tokenizer.eos_token_id])
    eos = free[5]  # make the sixth token of the free continuation the end of text
    expected, _ = greedy(model, prompt, 20, eos_token_id=eos)
    assert expected == free[:expected.index(eos) + 1] and len(expected) <= 6
    decoder = MedusaDecoder(model, scrambled_heads(model), parse_tree("", 4))
    assert decoder.generate(prompt, 20, eos_ids=(eos,)).tokens == expected
