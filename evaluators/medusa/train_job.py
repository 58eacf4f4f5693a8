"""One Medusa-1 training job, shared by `python -m evaluators medusa-train` and the `medusa-train`
evaluator: load the base, build the sequences, train the heads, save them with their record.

Progress counts self-distillation's prompts and then the training steps, so one bar (or a run
page) covers both: total = prompts + steps when self-distilling, else steps.
"""
from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Any, Callable

from ..core.base import Cancelled, ModelRef
from .training import DECAY, IGNORE, TrainSettings


def _never(*args: Any) -> None:
    return None


def texts_record(texts: list[str]) -> dict:
    """The heads' record of texts that come without a file (a worker's rows, the demo's functions):
    the SHA-256 of the texts as canonical JSON, so the same texts give the same hash wherever
    they came from."""
    from ..core.specs import canonical_json

    return {"sha256": hashlib.sha256(canonical_json(texts).encode("utf-8")).hexdigest(), "kind": "text",
            "rows": len(texts)}


def train_and_save(ref: ModelRef, device: str, texts: list[str], settings: TrainSettings, out: str | Path,
                   data: dict, on_progress: Callable[[int, int], None] = _never,
                   should_stop: Callable[[], bool] = lambda: False,
                   on_losses: Callable[[int, list[float]], None] = _never,
                   on_environment: Callable[[dict], None] = _never) -> dict:
    """Return {"out", "heads", "final_losses", "sequences", "learned_tokens", "base_fingerprint"}
    after training heads for `ref` on `texts` and saving them into `out`.

    `data` describes the texts for the heads' record ({"sha256", "kind": "text", "rows"}).
    `settings.block_size` is cut to the base's context length. Raises Cancelled as soon as
    `should_stop()` says yes (it is asked once per prompt batch and once per step);
    `on_losses(step, losses)` gets each step's per-head losses.
    """
    import torch

    from ..core.loading import context_length, load_model
    from .heads import base_fingerprint, new_heads, save_heads
    from .training import train_heads, training_sequences

    # float32 everywhere: the heads train in full precision whatever the device.
    loaded = load_model(ref, device, "float32")
    on_environment(loaded.environment)
    model, limit = loaded.model, context_length(loaded.model)
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    settings = dataclasses.replace(settings, block_size=min(settings.block_size, limit or settings.block_size))
    _stop_if_asked(should_stop)
    torch.manual_seed(settings.seed)
    prompts = 0

    def on_batch(done: int, total: int) -> None:
        nonlocal prompts
        prompts = total
        on_progress(done, total + settings.steps)
        _stop_if_asked(should_stop)

    ids, labels = training_sequences(model, loaded.tokenizer, texts, settings, on_batch)
    heads = new_heads(model, settings.heads, settings.layers)
    on_progress(prompts, prompts + settings.steps)

    def on_step(step: int, losses: list[float]) -> None:
        on_losses(step, losses)
        on_progress(prompts + step + 1, prompts + settings.steps)
        # After the step, before the next: a cancelled run stops within one step.
        _stop_if_asked(should_stop)

    final = train_heads(model, heads, ids, labels, settings, on_step)
    learned = int((labels != IGNORE).sum())
    glassbox = {"base_model": ref.source, "base_fingerprint": base_fingerprint(model), "data": data,
                "training": {**settings.__dict__, "decay": DECAY, "sequences": len(ids), "learned_tokens": learned},
                "final_losses": final}
    saved = save_heads(heads, out, glassbox)
    return {"out": str(saved), "heads": settings.heads, "final_losses": final, "sequences": len(ids),
            "learned_tokens": learned, "base_fingerprint": glassbox["base_fingerprint"]["sha256"]}


def _stop_if_asked(should_stop: Callable[[], bool]) -> None:
    if should_stop():
        raise Cancelled()
