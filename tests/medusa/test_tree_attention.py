"""Tree attention through transformers: one forward pass over every node with the 4-D mask and
position ids gives each node the logits of its own branch read as plain text, for a Llama and a
GPT-2, with eager and SDPA attention."""
from __future__ import annotations

import pytest
import torch

from evaluators.medusa.tree import build_tree, tree_attention_mask, tree_positions

from .conftest import PROMPTS, encode, load

TREE = build_tree([[0], [1], [2], [0, 0], [0, 1], [1, 0], [0, 0, 0], [1, 0, 0]], num_heads=3)
MODELS = ["tiny_llama", "tiny_gpt2"]


def tree_and_branch_logits(model, tokenizer, mask_kind: str) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """Logits of every node from one tree pass after a cached prefix, and from each branch alone."""
    from transformers import DynamicCache

    prefix = encode(tokenizer, PROMPTS[0])
    nodes = torch.randint(5, 300, (TREE.size,), generator=torch.Generator().manual_seed(0))
    cache = DynamicCache(config=model.config)
    with torch.no_grad():
        model(input_ids=torch.tensor([prefix]), cache=cache, use_cache=True)
        mask = tree_attention_mask(TREE, len(prefix), torch.float32, "cpu")
        if mask_kind == "boolean":
            mask = mask == 0
        tree_logits = model(input_ids=nodes[None], attention_mask=mask, cache=cache, use_cache=True,
                            position_ids=tree_positions(TREE, len(prefix), "cpu")).logits[0]
        alone = [model(input_ids=torch.tensor([prefix + nodes[TREE.ancestors(i)].tolist()])).logits[0, -1]
                 for i in range(TREE.size)]
    return tree_logits, alone


@pytest.mark.parametrize("attn", ["eager", "sdpa"])
@pytest.mark.parametrize("which", MODELS)
def test_each_node_gets_the_logits_of_its_branch_alone(request, which, attn):
    model, tokenizer = load(request.getfixturevalue(which), attn)
    tree_logits, alone = tree_and_branch_logits(model, tokenizer, "additive")
    for node in range(TREE.size):
        torch.testing.assert_close(tree_logits[node], alone[node], atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize("which", MODELS)
def test_a_boolean_mask_works_with_sdpa_but_eager_adds_it_to_the_scores(request, which):
    """Why the mask is additive: transformers hands a 4-D mask to the attention function as it is;
    SDPA reads a boolean mask as "may attend", eager attention adds it (True as +1, False as 0)."""
    path = request.getfixturevalue(which)
    sdpa_logits, alone = tree_and_branch_logits(*load(path, "sdpa"), "boolean")
    torch.testing.assert_close(sdpa_logits, torch.stack(alone), atol=1e-4, rtol=1e-4)
    eager_logits, alone = tree_and_branch_logits(*load(path, "eager"), "boolean")
    assert not torch.allclose(eager_logits, torch.stack(alone), atol=1e-3)
