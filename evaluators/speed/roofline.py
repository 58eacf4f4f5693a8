"""Model bandwidth utilisation (MBU) and the memory-bandwidth roofline of decoding.

A decoding step reads every weight once and the KV cache of every sequence in the batch, so
  bytes per step = weight bytes + KV bytes per token x context length x batch size
  MBU = bytes per step / time per step / peak memory bandwidth
  roofline tokens/s = peak bandwidth / bytes per step x batch size
(the definitions of Databricks' and Baseten's LLM inference write-ups). Weight bytes count every
parameter, the embedding table included, as those write-ups do.

Peak bandwidth comes from the spec (an override), else from a table of datasheet figures for
known GPUs, else - on the CPU - from a measured copy benchmark, and the report says which.
"""
from __future__ import annotations

import time
from typing import Any

# Datasheet peak memory bandwidth in GB/s (10^9 bytes/s). Matched against the CUDA device
# name in this order, so specific names come before the general ones they contain.
GPU_BANDWIDTH_GBPS: tuple[tuple[str, float], ...] = (
    ("H200", 4800.0),
    ("H100 NVL", 3900.0),
    ("H100 PCIe", 2000.0),
    ("H100", 3350.0),          # SXM5 80GB HBM3
    ("H800", 3350.0),
    ("GH200", 4000.0),
    ("B200", 8000.0),
    ("A100-SXM4-80GB", 2039.0),
    ("A100 80GB PCIe", 1935.0),
    ("A100", 1555.0),          # 40GB SXM4 and PCIe
    ("A800", 2039.0),
    ("L40S", 864.0),
    ("L40", 864.0),
    ("L4", 300.0),
    ("A10G", 600.0),
    ("A10", 600.0),
    ("A6000", 768.0),
    ("RTX 4090", 1008.0),
    ("RTX 3090", 936.0),
    ("V100", 900.0),
    ("T4", 320.0),
)

_measured_cpu_gbps: float | None = None


def gpu_bandwidth_gbps(device_name: str) -> float | None:
    """Return the table's peak bandwidth for a CUDA device name, or None when it is unknown."""
    for key, gbps in GPU_BANDWIDTH_GBPS:
        if key.lower() in device_name.lower():
            return gbps
    return None


def measure_cpu_bandwidth_gbps(megabytes: int = 256, repeats: int = 5) -> float:
    """Return the best copy bandwidth over `repeats` copies of a buffer larger than any cache.

    A copy reads and writes every byte, so it moves twice the buffer size. Measured once per
    process: it takes about a second.
    """
    global _measured_cpu_gbps
    if _measured_cpu_gbps is None:
        import torch

        source = torch.ones(megabytes * 1024 * 1024 // 4, dtype=torch.float32)
        target = torch.empty_like(source)
        target.copy_(source)  # first touch pages the buffer in; not timed
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            target.copy_(source)
            best = min(best, time.perf_counter() - start)
        _measured_cpu_gbps = 2 * source.numel() * 4 / best / 1e9
    return _measured_cpu_gbps


def peak_bandwidth(device: str, gpu_name: str | None, override_gbps: float) -> dict:
    """Return {"gbps", "source"}: the override, the GPU table, or a CPU measurement."""
    if override_gbps > 0:
        return {"gbps": override_gbps, "source": "override"}
    if device.startswith("cuda"):
        gbps = gpu_bandwidth_gbps(gpu_name or "")
        if gbps is None:
            return {"gbps": None, "source": f"unknown GPU '{gpu_name}': set peak_bandwidth_gbps"}
        return {"gbps": gbps, "source": f"datasheet figure for {gpu_name}"}
    return {"gbps": measure_cpu_bandwidth_gbps(), "source": "measured on this CPU (copy benchmark)"}


def weight_bytes(model: Any) -> int:
    """Return the bytes the model's weights hold as loaded, quantized ones as stored (shared tensors
    counted once): what each decoding step reads."""
    from ..core.precision import weight_bytes as measured

    return measured(model)


def kv_bytes_per_token(config: Any, element_size: int) -> int:
    """Return the KV-cache bytes one token adds: keys and values of every layer's KV heads."""
    heads = getattr(config, "num_attention_heads", None)
    kv_heads = getattr(config, "num_key_value_heads", None) or heads
    head_dim = getattr(config, "head_dim", None) or config.hidden_size // heads
    return 2 * config.num_hidden_layers * kv_heads * head_dim * element_size


def roofline(*, weights: int, kv_per_token: int, context: float, batch_size: int,
             tpot_s: float | None, bandwidth_gbps: float | None) -> dict:
    """Return bytes per step, MBU and the roofline ceiling for one variant's mean figures."""
    bytes_per_step = weights + kv_per_token * context * batch_size
    if not bandwidth_gbps:
        return {"bytes_per_step": bytes_per_step, "mbu": None, "roofline_tokens_per_s": None}
    bandwidth = bandwidth_gbps * 1e9
    mbu = bytes_per_step / tpot_s / bandwidth if tpot_s else None
    return {"bytes_per_step": bytes_per_step, "mbu": mbu,
            "roofline_tokens_per_s": bandwidth / bytes_per_step * batch_size}
