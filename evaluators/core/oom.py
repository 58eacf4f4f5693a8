"""Survive running out of GPU memory: halve the batch and go on, and say so.

A batch that fits most of the time can still overflow on the longest inputs. `BatchBackoff`
calls the scoring function with the current batch size; on an out-of-memory error it frees the
allocator's cache, halves the batch for the rest of the run and tries again, down to one
sequence. Each halving is kept as a warning the run shows. Results are computed from the same
inputs either way; only padding differs between batch sizes, which changes figures at float
precision at most.

GLASSBOX_INJECT_OOM=N makes the N-th scoring call of the process fail once with an
out-of-memory error, so the recovery path can be drilled on a CPU.
"""
from __future__ import annotations

import os
from typing import Callable, TypeVar

from .base import EvaluationError

T = TypeVar("T")
_calls = 0


def is_out_of_memory(error: BaseException) -> bool:
    """Return True for CUDA's (or any device's) out-of-memory error."""
    import torch

    if isinstance(error, torch.OutOfMemoryError):
        return True
    return isinstance(error, RuntimeError) and "out of memory" in str(error).lower()


def _maybe_inject() -> None:
    global _calls
    _calls += 1
    if os.environ.get("GLASSBOX_INJECT_OOM", "") == str(_calls):
        import torch

        raise torch.OutOfMemoryError("CUDA out of memory (injected by GLASSBOX_INJECT_OOM)")


class BatchBackoff:
    """Holds the batch size in force and the warnings about having lowered it."""

    def __init__(self, batch_size: int) -> None:
        self.batch_size = batch_size
        self.warnings: list[str] = []

    def call(self, score: Callable[[int], T]) -> T:
        """Return score(batch_size), halving the batch size on out-of-memory until it fits."""
        while True:
            try:
                _maybe_inject()
                return score(self.batch_size)
            except Exception as error:  # noqa: BLE001 - only out-of-memory is handled; others re-raised
                if not is_out_of_memory(error):
                    raise
                self._free()
                if self.batch_size == 1:
                    raise EvaluationError("out of memory even at batch size 1: use a smaller max_length "
                                          "or max_new_tokens, a smaller model, or a GPU with more memory") from error
                halved = self.batch_size // 2
                self.warnings.append(f"out of memory at batch size {self.batch_size}; "
                                     f"continued at batch size {halved}")
                self.batch_size = halved

    def report(self) -> dict:
        """{"warnings": [...]} when the batch was lowered, else {} (the output stays as documented)."""
        return {"warnings": list(self.warnings)} if self.warnings else {}

    @staticmethod
    def _free() -> None:
        import gc

        import torch

        gc.collect()
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
