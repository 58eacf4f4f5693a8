"""The numeric format a model runs in: a float dtype, or weight-only / dynamic integer quantization.

Every model-running evaluator takes `precision` in its spec. `auto` is what the device prefers
(float32 on a CPU, where half precision is slow and changes the numbers; bfloat16 on a GPU that
has it, float16 on one that does not); the platform resolves it when a run is requested, so the
stored spec, the fingerprint and every page say which format the numbers come from.

Integer formats quantize the model's linear layers with torchao, PyTorch's own quantization
library (`quantize_` with its configs), after loading in float32 (CPU) or bfloat16 (GPU):
- `int8`: weight-only int8, one scale per output channel (Int8WeightOnlyConfig);
- `int8-dynamic`: int8 weights and activations quantized per token at run time
  (Int8DynamicActivationInt8WeightConfig);
- `int4`: weight-only int4 in groups of weights (int4_group). Linear layers whose input width the
  group does not divide stay in the load dtype, and the run's environment names them. On a GPU, torchao's int4 kernels
  (Int4WeightOnlyConfig); on a CPU, IntxWeightOnlyConfig, which rounds to 4 bits but stores each
  weight unpacked in a byte, so it costs what int8 costs in memory (the measured weight bytes say so).
The output layer (lm_head) stays in the load dtype, as most weight-only recipes (GPTQ, AWQ) leave
it: its logits are what every score is read from, and with tied embeddings it is the input
embedding too. Embeddings and norms are not linear layers and stay as loaded.
"""
from __future__ import annotations

import dataclasses
from typing import Any

from .base import EvaluationError

PRECISIONS = ("auto", "float32", "bfloat16", "float16", "int8", "int8-dynamic", "int4")
FLOAT_FORMATS = ("float32", "bfloat16", "float16")
# Bits per weight a format promises: the prediction the measured weight bytes are compared with.
BITS = {"float32": 32, "bfloat16": 16, "float16": 16, "int8": 8, "int8-dynamic": 8, "int4": 4}
INT4_GROUP = 32
TORCHAO = "torchao==0.18.0"


def precision_field() -> Any:
    """The `precision` field every model-running spec declares (the same help and limits)."""
    return dataclasses.field(default="auto", metadata={
        "help": f"Numeric format: {', '.join(PRECISIONS)}. auto is float32 on a CPU and bfloat16 (or "
                "float16) on a GPU, resolved when the run is requested; int8, int8-dynamic and int4 "
                "quantize the linear layers with torchao.", "choices": PRECISIONS, "max_length": 20})


def resolve_precision(name: str, device: str) -> str:
    """Return the concrete format `name` means on `device` ("cpu" or "cuda...")."""
    if name not in PRECISIONS:
        raise EvaluationError(f"unknown precision '{name}'; use one of {', '.join(PRECISIONS)}")
    if name != "auto":
        return name
    if not device.startswith("cuda"):
        return "float32"
    import torch

    return "bfloat16" if torch.cuda.is_bf16_supported() else "float16"


def load_dtype(precision: str, device: str) -> str:
    """The torch dtype weights load in before any quantization."""
    if precision in FLOAT_FORMATS:
        return precision
    return "bfloat16" if device.startswith("cuda") else "float32"


def quantize(model: Any, precision: str, device: str) -> list[str]:
    """Quantize the model's linear layers (not lm_head) in place for an integer format; floats pass.

    Return the names of the other linear layers left in the load dtype: with int4, a layer whose
    input width is not a multiple of the group size (an MLP of width 688, say) cannot be cut into
    groups, so it stays as loaded, as llama.cpp and gpt-fast leave such layers, rather than the
    whole format being refused. The run's environment lists them.
    """
    if precision in FLOAT_FORMATS:
        return []
    import torch
    from torchao.quantization import quantize_

    config = _torchao_config(precision, device)
    output = model.get_output_embeddings()
    group = int4_group(device) if precision == "int4" else 1
    linear = {module: name for name, module in model.named_modules()
              if isinstance(module, torch.nn.Linear) and module is not output}
    left = [name for module, name in linear.items() if module.in_features % group]

    def is_quantized(module: Any, name: str) -> bool:
        return module in linear and module.in_features % group == 0

    try:
        quantize_(model, config, filter_fn=is_quantized)
    except (ImportError, RuntimeError, NotImplementedError) as error:
        where = "a GPU" if device.startswith("cuda") else "this CPU"
        raise EvaluationError(f"precision {precision} cannot run on {where} with torchao here: {error}") from None
    return left


def int4_group(device: str) -> int:
    """Weights per int4 group: torchao's CUDA int4 kernels take groups of 128, the CPU path 32."""
    return INT4_GROUP * 4 if device.startswith("cuda") else INT4_GROUP


def _torchao_config(precision: str, device: str) -> Any:
    import torch

    try:
        from torchao import quantization
    except ImportError:
        raise EvaluationError(f"precision {precision} needs the torchao package on the worker "
                              f"(pip install {TORCHAO})") from None
    if precision == "int8":
        return quantization.Int8WeightOnlyConfig()
    if precision == "int8-dynamic":
        return quantization.Int8DynamicActivationInt8WeightConfig()
    if device.startswith("cuda"):
        return quantization.Int4WeightOnlyConfig(group_size=int4_group(device))
    from torchao.quantization.granularity import PerGroup

    return quantization.IntxWeightOnlyConfig(weight_dtype=torch.int4, granularity=PerGroup(int4_group(device)))


def quiet_torchao_import() -> None:
    """Keep torchao's import messages off stderr.

    transformers imports torchao whenever it is installed, for every model it loads; on import
    torchao says which of its optional CUDA kernels it could not load, and torch warns about
    enums torchao registers. Neither is about the run, and both would bury its progress bar.
    """
    import logging

    for name in ("torchao", "torch.utils._pytree"):
        logging.getLogger(name).setLevel(logging.ERROR)


def weight_bytes(model: Any) -> int:
    """Bytes the model's parameters and buffers hold as loaded: a quantized weight counts the tensors
    inside it (integer data, scales, zero points), each shared tensor once."""
    seen: set[int] = set()
    total = 0
    for tensor in [*model.parameters(), *model.buffers()]:
        for part in _storage_tensors(tensor.data if hasattr(tensor, "data") else tensor):
            key = part.untyped_storage().data_ptr() if part.device.type != "meta" else id(part)
            if key in seen:
                continue
            seen.add(key)
            total += part.numel() * part.element_size()
    return total


def _storage_tensors(tensor: Any) -> list:
    # torchao's quantized weights are tensor subclasses holding their data in inner tensors.
    flatten = getattr(type(tensor), "__tensor_flatten__", None)
    if flatten is None:
        return [tensor]
    names, _ = tensor.__tensor_flatten__()
    return [part for name in names for part in _storage_tensors(getattr(tensor, name))]


def predicted_weight_bytes(model: Any, precision: str) -> int:
    """Parameters x bytes per parameter the format promises (what a quick estimate would say)."""
    parameters = sum(p.numel() for p in model.parameters())
    return parameters * BITS[precision] // 8
