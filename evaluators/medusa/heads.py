"""Medusa heads: one residual block and a vocabulary projection per head, saved as safetensors.

Head k (1-based) reads the base model's last hidden state at position t and guesses token
t + k + 1 (the base itself guesses t + 1). Each head is Medusa-1's
`Sequential(ResBlock, ..., Linear(hidden, vocab, bias=False))` with ResBlock(h) = h + SiLU(W h + b),
so its state-dict keys are the Medusa repository's own (`{k}.0.linear.weight`, `{k}.0.linear.bias`,
`{k}.1.weight`) and a folder either wrote loads the same way: `medusa_lm_head.safetensors` beside a
`config.json` giving `medusa_num_heads` and `medusa_num_layers`. Glassbox adds, under "glassbox",
the base model's fingerprint and the training data's hash. Pickle files (the repository's
`medusa_lm_head.pt`) are refused: unpickling runs arbitrary code.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ..core.base import EvaluationError

WEIGHTS = "medusa_lm_head.safetensors"
CONFIG = "config.json"
_PICKLES = ("medusa_lm_head.pt", "medusa_lm_head.bin", "pytorch_model.bin")
# Config entries that change with where and how a model is loaded, not with what it computes.
_VOLATILE = {"dtype", "torch_dtype", "transformers_version", "use_cache"}


class ResBlock(nn.Module):
    """h + SiLU(W h + b), W and b zero at first: the block starts as the identity."""

    def __init__(self, hidden: int) -> None:
        super().__init__()
        self.linear = nn.Linear(hidden, hidden)
        # Zero weight *and* bias (the repository zeroes the weight only): an untrained head then is
        # exactly the base's LM head, a known starting point.
        nn.init.zeros_(self.linear.weight)
        nn.init.zeros_(self.linear.bias)
        self.act = nn.SiLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.act(self.linear(x))


class MedusaHeads(nn.ModuleList):
    """The heads; calling them on hidden states (..., hidden) gives logits (heads, ..., vocab)."""

    def __init__(self, hidden: int, vocab: int, num_heads: int, num_layers: int = 1) -> None:
        super().__init__([nn.Sequential(*[ResBlock(hidden) for _ in range(num_layers)],
                                        nn.Linear(hidden, vocab, bias=False)) for _ in range(num_heads)])
        self.hidden, self.vocab, self.num_layers = hidden, vocab, num_layers
        self.config: dict = {}

    def forward(self, hidden_states: torch.Tensor) -> torch.Tensor:
        return torch.stack([head(hidden_states) for head in self], dim=0)


def new_heads(base: Any, num_heads: int, num_layers: int = 1) -> MedusaHeads:
    """Return heads for `base`, each projection a copy of the base's LM head (as Medusa-1 starts)."""
    lm_head = base.get_output_embeddings().weight
    heads = MedusaHeads(lm_head.shape[1], lm_head.shape[0], num_heads, num_layers)
    with torch.no_grad():
        for head in heads:
            head[-1].weight.copy_(lm_head.float())
    return heads.to(lm_head.device)


def base_fingerprint(base: Any) -> dict:
    """Return {"sha256", "config_sha256"} of the base: its config (less load-time entries) and LM head.

    The LM head is hashed after rounding to bfloat16, so one base matches itself loaded in float32
    or bfloat16; a float16 load rounds the weights differently and is compared by config only.
    """
    config = {k: v for k, v in base.config.to_dict().items() if k not in _VOLATILE and not k.startswith("_")}
    config_sha = hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode()).hexdigest()
    weights = base.get_output_embeddings().weight.detach().to(torch.bfloat16).cpu().contiguous()
    digest = hashlib.sha256(config_sha.encode())
    digest.update(weights.view(torch.int16).numpy().tobytes())
    return {"sha256": digest.hexdigest(), "config_sha256": config_sha}


def save_heads(heads: MedusaHeads, out: str | Path, glassbox: dict) -> Path:
    """Write medusa_lm_head.safetensors and config.json into `out`; return the folder."""
    from safetensors.torch import save_file

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    state = {name: tensor.detach().cpu().contiguous() for name, tensor in heads.state_dict().items()}
    save_file(state, str(out / WEIGHTS))
    config = {"medusa_num_heads": len(heads), "medusa_num_layers": heads.num_layers,
              "base_model_name_or_path": glassbox.get("base_model", ""), "glassbox": glassbox}
    (out / CONFIG).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    return out


def load_heads(folder: str | Path, base: Any) -> MedusaHeads:
    """Return the heads saved in `folder`, on the base's device and dtype, checked against `base`.

    Raises EvaluationError naming what is wrong: no folder, pickle weights, a missing or bad
    config, shapes that do not fit the base, or heads trained for another base model.
    """
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    folder = Path(folder)
    if not folder.is_dir():
        raise EvaluationError(f"medusa: {folder} is not a folder of Medusa heads")
    if not (folder / WEIGHTS).is_file():
        pickles = [name for name in _PICKLES if (folder / name).is_file()]
        if pickles:
            raise EvaluationError(f"medusa: {folder.name} holds pickle weights ({pickles[0]}); unpickling can "
                                  f"run arbitrary code, so Glassbox loads {WEIGHTS} only. Convert once, in a "
                                  "process you trust: safetensors.torch.save_file(torch.load(path), ...)")
        raise EvaluationError(f"medusa: {folder.name} has no {WEIGHTS}")
    config = _read_config(folder)
    try:
        state = load_file(str(folder / WEIGHTS))
    except (SafetensorError, OSError) as error:
        raise EvaluationError(f"medusa: cannot read {folder.name}/{WEIGHTS}: {error}") from None
    lm_head = base.get_output_embeddings().weight
    # Built on the meta device (no memory, no initialisation): the file's tensors are assigned in.
    with torch.device("meta"):
        reference = MedusaHeads(lm_head.shape[1], lm_head.shape[0], config["medusa_num_heads"],
                                config["medusa_num_layers"])
    expected = {name: tuple(t.shape) for name, t in reference.state_dict().items()}
    got = {name: tuple(t.shape) for name, t in state.items() if name in expected}
    missing = sorted(set(expected) - set(state))
    if missing:
        raise EvaluationError(f"medusa: {folder.name}/{WEIGHTS} lacks '{missing[0]}' ({CONFIG} says "
                              f"{config['medusa_num_heads']} heads of {config['medusa_num_layers']} layers)")
    wrong = [name for name in expected if got[name] != expected[name]]
    if wrong:
        raise EvaluationError(f"medusa: '{wrong[0]}' has shape {list(got[wrong[0]])}, this base model needs "
                              f"{list(expected[wrong[0]])}: the heads were made for another model")
    _check_fingerprint(config.get("glassbox", {}), base, folder.name)
    reference.load_state_dict({name: state[name] for name in expected}, assign=True)
    reference.config = config
    return reference.to(device=lm_head.device, dtype=lm_head.dtype).eval()


def _read_config(folder: Path) -> dict:
    try:
        config = json.loads((folder / CONFIG).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EvaluationError(f"medusa: {folder.name} has no {CONFIG} (medusa_num_heads, medusa_num_layers)") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise EvaluationError(f"medusa: {folder.name}/{CONFIG} is not JSON: {error}") from None
    for key, default in (("medusa_num_heads", None), ("medusa_num_layers", 1)):
        value = config.get(key, default) if isinstance(config, dict) else None
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise EvaluationError(f"medusa: {folder.name}/{CONFIG} needs '{key}' as a positive integer")
        config[key] = value
    return config


def _check_fingerprint(saved: dict, base: Any, name: str) -> None:
    """Refuse heads whose recorded base differs from `base`; heads from elsewhere carry no record."""
    if not saved.get("base_fingerprint"):
        return
    mine = base_fingerprint(base)
    recorded = saved["base_fingerprint"]
    float16 = base.get_output_embeddings().weight.dtype == torch.float16
    same = (mine["config_sha256"] == recorded.get("config_sha256") if float16
            else mine["sha256"] == recorded.get("sha256"))
    if not same:
        raise EvaluationError(f"medusa: the heads in {name} were trained for another base model (fingerprint "
                              f"{recorded.get('sha256', '?')[:12]}, this model {mine['sha256'][:12]}); "
                              "train heads for it with `python -m evaluators medusa-train --model ...`")
