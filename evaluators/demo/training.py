"""Training pieces for the demo models: a byte-level BPE tokenizer and a plain LM loop.

Everything is seeded and the data order is fixed, so one machine builds the same models
every time (floating-point kernels can differ between CPU types).
"""
from __future__ import annotations

import math
from typing import Any, Callable, Iterable

SPECIAL_TOKENS = ("<s>", "</s>", "<pad>")


def train_tokenizer(texts: Iterable[str], vocab_size: int, context_length: int) -> Any:
    """Return a byte-level BPE PreTrainedTokenizerFast with <s>, </s> and <pad> set."""
    from tokenizers import ByteLevelBPETokenizer, Regex, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    bpe = ByteLevelBPETokenizer()
    # A line break is always a token of its own. Merged with the next line's indentation ("\n   "),
    # a prompt that ends at a line break (a docstring, then "\n") would end on a token that in
    # training only ever came before top-level code, and the model would start a new "def".
    bpe.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex("\n"), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False)])
    # Byte level: any text, any language, encodes without unknown tokens.
    bpe.train_from_iterator(list(texts), vocab_size=vocab_size, min_frequency=2,
                            special_tokens=list(SPECIAL_TOKENS), show_progress=False)
    return PreTrainedTokenizerFast(tokenizer_object=bpe._tokenizer, bos_token="<s>",
                                   eos_token="</s>", pad_token="<pad>",
                                   model_max_length=context_length)


def token_blocks(tokenizer: Any, texts: list[str], block_size: int) -> Any:
    """Return a (n, block_size) LongTensor: the texts as one <s> text </s> stream, cut in blocks."""
    import torch

    stream: list[int] = []
    for ids in tokenizer(texts, add_special_tokens=False, verbose=False).input_ids:
        stream.extend([tokenizer.bos_token_id, *ids, tokenizer.eos_token_id])
    usable = len(stream) // block_size * block_size
    return torch.tensor(stream[:usable], dtype=torch.long).view(-1, block_size)


def learning_rate(step: int, steps: int, peak: float) -> float:
    """Return the rate at `step`: linear warm-up over 10% of the steps, cosine down to 10%."""
    warmup = max(1, steps // 10)
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, steps - warmup)
    return peak * (0.1 + 0.9 * 0.5 * (1.0 + math.cos(math.pi * progress)))


def batch_order(n_blocks: int, steps: int, batch_size: int, seed: int) -> list[Any]:
    """Return each step's block indices: seeded permutations, one after another."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    needed = steps * batch_size
    order = torch.cat([torch.randperm(n_blocks, generator=generator)
                       for _ in range(math.ceil(needed / n_blocks))])
    return [order[i * batch_size:(i + 1) * batch_size] for i in range(steps)]


def bf16_autocast_helps() -> bool:
    """Return True where the CPU computes bf16 natively; elsewhere bf16 is emulated and slow."""
    import torch

    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def train_models(models: list[Any], blocks: Any, steps: int, batch_size: int, peak_lr: float,
                 seed: int, on_step: Callable[[int, list[float]], None]) -> list[float]:
    """Train every model on the same batches; return each one's mean loss over the last 10%."""
    import torch

    optimizers = [torch.optim.AdamW(m.parameters(), lr=peak_lr, betas=(0.9, 0.95),
                                    weight_decay=0.1) for m in models]
    autocast = bf16_autocast_helps()
    tail: list[list[float]] = [[] for _ in models]
    for model in models:
        model.train()
    for step, indices in enumerate(batch_order(len(blocks), steps, batch_size, seed)):
        batch = blocks[indices]
        losses = []
        for k, (model, optimizer) in enumerate(zip(models, optimizers)):
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(step, steps, peak_lr)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast):
                loss = model(input_ids=batch, labels=batch).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            losses.append(loss.item())
            if step >= steps - max(1, steps // 10):
                tail[k].append(loss.item())
        on_step(step, losses)
    for model in models:
        model.eval()
    return [sum(t) / len(t) for t in tail]
