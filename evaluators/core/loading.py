"""Loading a causal language model and its tokenizer the way every evaluator needs it.

Weights load from safetensors only, unless an administrator allowed pickle weights for
this one model: unpickling a checkpoint runs arbitrary code. torch and transformers are
imported inside the functions so `import evaluators` stays light.
"""
from __future__ import annotations

import platform
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .base import EvaluationError, ModelRef
from .model_files import ModelFileError, check_model_files
from .model_kind import SCOPE, non_causal_kind

_PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl")


@dataclass
class LoadedModel:
    """A model in eval mode on its device, its tokenizer, and where and how it runs."""

    model: Any
    tokenizer: Any
    device: str
    dtype: str  # the torch dtype of what is not quantized
    environment: dict = field(default_factory=dict)
    precision: str = ""  # the resolved format (precision.py)


def resolve_device(name: str = "auto") -> str:
    """Return "cuda" or "cpu" for `name` ("auto", "cpu", "cuda" or "cuda:N")."""
    import torch

    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cpu":
        return "cpu"
    if name == "cuda" or name.startswith("cuda:"):
        if not torch.cuda.is_available():
            raise EvaluationError(f"device '{name}' was asked for, but no CUDA GPU is available "
                                  "here; use --device cpu or auto")
        return name
    raise EvaluationError(f"unknown device '{name}'; use auto, cpu or cuda")


def resolve_dtype(name: str, device: str) -> str:
    """Return the torch dtype name to load weights in for precision `name` (see precision.py)."""
    from .precision import load_dtype, resolve_precision

    return load_dtype(resolve_precision(name, device), device)


def synchronize(device: str) -> None:
    """Wait for queued GPU work to finish, so wall-clock timings measure the work itself."""
    if device.startswith("cuda"):
        import torch

        torch.cuda.synchronize(device)


def check_weights_allowed(ref: ModelRef) -> None:
    """Refuse a local directory that holds only pickle weights, unless they were allowed."""
    directory = Path(ref.source)
    if not directory.is_dir() or ref.allow_pickle_weights:
        return
    files = [p.name for p in directory.iterdir() if p.is_file()]
    if any(name.endswith(".safetensors") for name in files):
        return
    pickles = sorted(name for name in files if name.endswith(_PICKLE_SUFFIXES))
    if pickles:
        raise EvaluationError(
            f"model directory {ref.source} has only pickle weights ({', '.join(pickles)}); "
            "Glassbox loads safetensors only unless allow_pickle_weights is set for this model")
    raise EvaluationError(f"model directory {ref.source} holds no weights (no *.safetensors file)")


def check_named_files(ref: ModelRef) -> None:
    """Refuse a model whose shard index or configs name files outside its folder, or missing shards.

    transformers opens whatever the index names, joined to the folder; this runs first. A hub
    model is checked in its cached snapshot when there is one (its missing shards are downloaded).
    """
    local = Path(ref.source).is_dir()
    folder = Path(ref.source) if local else _cached_snapshot(ref)
    if folder is None:
        return
    try:
        check_model_files(folder, require_shards=local)
    except ModelFileError as error:
        # The folder's name, not its path: run errors are shown to readers who may not see server paths.
        raise EvaluationError(f"model {folder.name if local else ref.source}: {error}") from None


def _cached_snapshot(ref: ModelRef) -> Path | None:
    from huggingface_hub import try_to_load_from_cache

    try:
        config = try_to_load_from_cache(ref.source, "config.json", revision=ref.revision)
    except Exception:  # not a hub id; from_pretrained will say what is wrong with it
        return None
    return Path(config).parent if isinstance(config, str) else None


def check_causal(config: Any) -> None:
    """Refuse a config that is not a causal language model's, in one line naming its class."""
    from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING_NAMES

    kind = non_causal_kind(config.to_dict())
    custom = isinstance(getattr(config, "auto_map", None), dict) and "AutoModelForCausalLM" in config.auto_map
    if kind is None and config.model_type not in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES and not custom:
        # Otherwise AutoModelForCausalLM answers with the list of every class it knows (kilobytes).
        kind = "a model transformers has no causal language model class for"
    if kind is not None:
        raise EvaluationError(f"model.config: {type(config).__name__} is {kind}; {SCOPE}")


def environment(device: str, dtype: str) -> dict:
    """Return what a run's numbers depend on besides its inputs: versions, device, host."""
    import torch
    import transformers

    from .. import __version__

    env = {
        "device": device,
        "dtype": dtype,
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "evaluators": __version__,
        "python": platform.python_version(),
        "hostname": socket.gethostname(),
    }
    if device.startswith("cuda"):
        env["gpu"] = torch.cuda.get_device_name(torch.device(device))
    return env


def configure_attention_kernels(device: str) -> bool:
    """Keep PyTorch's scaled-dot-product attention off its cuDNN backend on a GPU; return
    whether cuDNN attention stays enabled.

    On Hopper GPUs PyTorch picks cuDNN attention for bf16 and fp16 inputs, and cuDNN builds an
    execution plan for every new input shape: measured on an H200 (torch 2.11, the demo model),
    the first forward pass of a new shape took 420 ms instead of 3 ms. Evaluations meet a new
    shape with almost every batch (documents, probe pairs and prompts of varied lengths), so
    they paid that again and again: bias probes ran 20 times slower in bf16 than in float32.
    Without cuDNN, PyTorch uses its flash or memory-efficient kernels, which need no plan.
    GLASSBOX_CUDNN_ATTENTION=1 keeps cuDNN attention (for fixed-shape workloads that gain from it).
    """
    import os

    import torch

    keep = os.environ.get("GLASSBOX_CUDNN_ATTENTION", "0") == "1"
    if device.startswith("cuda") and hasattr(torch.backends.cuda, "enable_cudnn_sdp"):
        torch.backends.cuda.enable_cudnn_sdp(keep)
    return keep


def context_length(model: Any) -> int | None:
    """Return the most positions the model was built for, or None when its config says not."""
    value = getattr(model.config, "max_position_embeddings", None)
    return int(value) if isinstance(value, int) and value > 0 else None


def load_model(ref: ModelRef, device: str = "auto", precision: str = "auto",
               attn_implementation: str | None = None) -> LoadedModel:
    """Return the model and tokenizer of `ref`, in eval mode on the resolved device, in `precision`
    (a float dtype, or an integer format quantized after loading: see precision.py).

    `attn_implementation` ("eager", "sdpa", ...) overrides the model's default attention kernel.
    """
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    from .precision import (load_dtype, predicted_weight_bytes, quantize, quiet_torchao_import, resolve_precision,
                            weight_bytes)

    quiet_torchao_import()
    device = resolve_device(device)
    precision = resolve_precision(precision, device)
    dtype = load_dtype(precision, device)
    if Path(ref.source).is_absolute() and not Path(ref.source).is_dir():
        # transformers would take the path for a malformed hub id and say so, which misleads.
        raise EvaluationError(f"cannot load model {ref.source}: no such directory (was it moved or deleted?)")
    check_weights_allowed(ref)
    check_named_files(ref)
    common = {"revision": ref.revision, "trust_remote_code": ref.trust_remote_code}
    try:
        check_causal(AutoConfig.from_pretrained(ref.source, **common))
        tokenizer = AutoTokenizer.from_pretrained(ref.source, **common)
        model = AutoModelForCausalLM.from_pretrained(
            ref.source, dtype=getattr(torch, dtype),
            use_safetensors=not ref.allow_pickle_weights,
            **({"attn_implementation": attn_implementation} if attn_implementation else {}), **common)
    except (OSError, ValueError) as error:
        # transformers says "not a valid model identifier", "no file named ...", etc.;
        # keep its words but say which model and revision it was about.
        where = f"{ref.source}" + (f" at revision {ref.revision}" if ref.revision else "")
        raise EvaluationError(f"cannot load model {where}: {error}") from error
    model.to(device)
    model.eval()
    left_unquantized = quantize(model, precision, device)
    cudnn_attention = configure_attention_kernels(device)
    env = environment(device, dtype)
    env.update(precision=precision, weight_bytes=weight_bytes(model),
               predicted_weight_bytes=predicted_weight_bytes(model, precision))
    if left_unquantized:
        env["unquantized_layers"] = left_unquantized
    if device.startswith("cuda"):
        env["cudnn_attention"] = cudnn_attention
    env["attn_implementation"] = getattr(model.config, "_attn_implementation", None)
    return LoadedModel(model=model, tokenizer=tokenizer, device=device, dtype=dtype, environment=env,
                       precision=precision)
