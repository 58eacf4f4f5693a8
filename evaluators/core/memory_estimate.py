"""Refuse a generation batch that cannot fit in the device's memory, before it starts growing.

Beyond the weights, which are loaded already, generate() must hold at least
    KV cache = sequences x (prompt tokens + new tokens) x KV bytes per token
    logits   = sequences x vocabulary size x 4 (one step's float32 scores)
where sequences = prompts x num_beams, or x num_return_sequences when sampling (transformers
expands each prompt into that many rows; returned beams are chosen among the beams, so the two
do not multiply), and KV bytes per token = layers x 2 (keys and values) x KV heads x head size x
bytes per element, which is layers x 2 x hidden size x bytes without grouped-query attention.

Both figures are lower bounds: activations, the cache's copies as it grows and the allocator's
slack come on top. So a batch refused here could never have fit, and nothing that fits is
refused; a batch let through may still run out of memory, which `oom.BatchBackoff` handles.
Free memory is what CUDA reports free plus what PyTorch's allocator holds unused, on a GPU, and
MemAvailable from /proc/meminfo on the CPU (memory the kernel can hand out without swapping).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .base import EvaluationError

MEMINFO = Path("/proc/meminfo")
LOGIT_BYTES = 4  # generate() scores every step in float32, whatever the model's dtype


@dataclass(frozen=True)
class ModelFootprint:
    """What a loaded model's memory use grows with: its weights and each token's KV cache."""

    parameters: int
    bytes_per_parameter: int
    kv_bytes_per_token: int
    vocab_size: int

    @property
    def weight_bytes(self) -> int:
        return self.parameters * self.bytes_per_parameter


def kv_bytes_per_token(config: Any, element_size: int) -> int | None:
    """Return the KV-cache bytes one token adds in every layer, or None when the config says not."""
    layers = getattr(config, "num_hidden_layers", None)
    hidden = getattr(config, "hidden_size", None)
    heads = getattr(config, "num_attention_heads", None)
    if not isinstance(layers, int) or not isinstance(hidden, int):
        return None
    kv_heads = getattr(config, "num_key_value_heads", None) or heads
    head_dim = getattr(config, "head_dim", None) or (hidden // heads if heads else None)
    if isinstance(kv_heads, int) and isinstance(head_dim, int):
        return layers * 2 * kv_heads * head_dim * element_size
    return layers * 2 * hidden * element_size


def model_footprint(model: Any) -> ModelFootprint | None:
    """Return the footprint of a loaded transformers model, or None when its config lacks the sizes."""
    first = next(model.parameters(), None)
    if first is None:
        return None
    element = first.element_size()
    kv = kv_bytes_per_token(model.config, element)
    vocab = getattr(model.config, "vocab_size", None)
    if kv is None or not isinstance(vocab, int):
        return None
    parameters = sum(p.numel() for p in model.parameters())
    return ModelFootprint(parameters=parameters, bytes_per_parameter=element, kv_bytes_per_token=kv,
                          vocab_size=vocab)


def generation_bytes(footprint: ModelFootprint, *, sequences: int, tokens: int) -> int:
    """Return the least memory generate() needs for `sequences` rows of `tokens` tokens each."""
    return sequences * tokens * footprint.kv_bytes_per_token + sequences * footprint.vocab_size * LOGIT_BYTES


def available_bytes(device: str, meminfo: Path = MEMINFO) -> int | None:
    """Return the memory free for new tensors on `device`, or None when it cannot be told."""
    if device.startswith("cuda"):
        import torch

        free, _total = torch.cuda.mem_get_info(torch.device(device))
        # Blocks PyTorch's caching allocator keeps for reuse count as used for CUDA, yet are free to us.
        cached = torch.cuda.memory_reserved(device) - torch.cuda.memory_allocated(device)
        return int(free + cached)
    try:
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024  # the kernel reports kB
    except (OSError, ValueError, IndexError):
        pass
    return None


def size(n: float) -> str:
    """Return a byte count as people read it (GiB, MiB or KiB)."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n / 1024:.1f} KiB"


def check_generation_fits(loaded: Any, *, prompts: int, sequences_per_prompt: int, prompt_tokens: int,
                          new_tokens: int, batch_param: str = "batch_size",
                          other_params: tuple[str, ...] = ("max_new_tokens",)) -> None:
    """Raise EvaluationError when a generate() call of `prompts` prompts cannot fit in free memory.

    The message names the figures and what to lower: `batch_param` (with the largest value
    that fits, when one prompt fits) and the spec fields in `other_params`.
    """
    footprint = model_footprint(loaded.model)
    available = available_bytes(loaded.device)
    if footprint is None or available is None:
        return
    tokens = prompt_tokens + new_tokens
    needed = generation_bytes(footprint, sequences=prompts * sequences_per_prompt, tokens=tokens)
    if needed <= available:
        return
    per_prompt = generation_bytes(footprint, sequences=sequences_per_prompt, tokens=tokens)
    fits = available // per_prompt
    others = ", ".join(other_params)
    advice = (f"lower {batch_param} to {fits} or less, or lower {others}" if fits >= 1 else
              f"even one prompt needs {size(per_prompt)}: lower {others}, or use a device with more memory")
    raise EvaluationError(
        f"a batch of {prompts} prompts x {sequences_per_prompt} sequences x {tokens} tokens (longest prompt "
        f"{prompt_tokens} + {new_tokens} new) needs at least {size(needed)} for its KV cache "
        f"({footprint.kv_bytes_per_token:,} bytes per token) and logits, but {loaded.device} has "
        f"{size(available)} free besides the model's {size(footprint.weight_bytes)} of weights; {advice}")
