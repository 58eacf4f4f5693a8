"""The `medusa-train` evaluator: Medusa-1 head training as a platform run.

The run's product is a file artifact, the heads in the run's output folder; its metrics are the
final training losses. Every request trains anew (the heads belong to that run), so finished
runs are never reused. The shell's `python -m evaluators medusa-train --out DIR` runs the same
job (train_job.py) and, with the same texts, settings and seed, writes the same bytes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..core import registry
from ..core.base import EvaluationError, Evaluator, Metric, RunContext
from ..core.datasets import sha256_of
from ..core.pages import Panel
from ..core.specs import checked_spec
from ..perplexity.data import TEXT


# Bounds keep one request from holding a GPU worker for days or filling its memory. The paper
# trains up to 5 heads of 1 layer; 16 heads and 4 layers leave room to experiment. 100k steps is
# a few times the Medusa repository's longest run; lr above 1 only diverges.
@dataclass(frozen=True)
class MedusaTrainSpec:
    heads: int = field(default=4, metadata={
        "help": "Heads K: head k guesses the token k + 1 places beyond the next.", "min": 1, "max": 16})
    layers: int = field(default=1, metadata={
        "help": "Residual blocks per head (Medusa-1 uses 1).", "min": 1, "max": 4})
    steps: int = field(default=500, metadata={
        "help": "Optimiser steps.", "min": 1, "max": 100_000})
    lr: float = field(default=1e-3, metadata={
        "help": "Peak learning rate (warm-up, then cosine decay).", "above": 0.0, "max": 1.0})
    # Sequences of block_size tokens: a batch's hidden states are batch_size x block_size x hidden floats.
    batch_size: int = field(default=8, metadata={
        "help": "Sequences per step.", "min": 1, "max": 1024})
    # Cut to the model's context length on the worker, as in the shell, rather than refused.
    block_size: int = field(default=256, metadata={
        "help": "Tokens per training sequence (at most the model's context length is used).",
        "min": 16, "max": 32_768})
    self_distill: bool = field(default=False, metadata={
        "help": "Train on the base model's own greedy continuations of each text's first tokens "
                "(the paper's recipe when the base's training data is not at hand)."})
    prompt_tokens: int = field(default=64, metadata={
        "help": "Self-distillation: tokens of each text used as the prompt; below block_size.",
        "min": 1, "max": 32_767})
    seed: int = field(default=0, metadata={
        "help": "Seed of the batch order; the same seed and inputs give the same heads.",
        "min": 0, "max": 2**32 - 1})

    def validate(self) -> None:
        if self.self_distill and self.prompt_tokens >= self.block_size:
            raise ValueError("prompt_tokens must be below block_size: the continuation fills the rest")


def run(ctx: RunContext) -> dict:
    """Train heads for ctx.model on the texts of ctx.rows, save them in ctx.output_dir, return the summary."""
    from .heads import WEIGHTS
    from .train_job import texts_record, train_and_save
    from .training import DECAY, TrainSettings

    spec = checked_spec(MedusaTrainSpec, ctx.spec)
    if ctx.output_dir is None:
        raise EvaluationError("medusa-train writes heads into the run's output folder; none was given")
    texts = [row["text"] for row in ctx.rows if isinstance(row.get("text"), str) and row["text"].strip()]
    if not texts:
        raise EvaluationError(f"the dataset has no text to train on: none of its {len(ctx.rows)} rows has a "
                              "non-empty 'text'")
    out = Path(ctx.output_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise EvaluationError(f"cannot create the run's output folder {out}: {error}") from None
    # A worker has the rows, not the uploaded file: the record hashes the texts themselves.
    data = texts_record(texts)
    settings = TrainSettings(heads=spec.heads, layers=spec.layers, steps=spec.steps, lr=spec.lr,
                             batch_size=spec.batch_size, block_size=spec.block_size,
                             self_distill=spec.self_distill, prompt_tokens=spec.prompt_tokens, seed=spec.seed)
    summary = train_and_save(ctx.model, ctx.device, texts, settings, out, data, on_progress=ctx.on_progress,
                             should_stop=ctx.should_stop, on_environment=ctx.on_environment)
    final = summary["final_losses"]
    return {"final_loss": sum(DECAY ** k * loss for k, loss in enumerate(final, start=1)),
            "head1_loss": final[0], **summary, "weights_sha256": sha256_of(out / WEIGHTS)}


METRICS = (
    Metric("final_loss", "lower", "training loss over the last tenth of the steps: the sum over heads k "
                                  "of 0.8^k x head k's cross-entropy"),
    Metric("head1_loss", "lower", "head 1's cross-entropy (guessing token t+2) over the last tenth of the steps"),
)

EVALUATOR = registry.register(Evaluator(
    name="medusa-train", version="1", dataset_kind=TEXT.kind, spec_class=MedusaTrainSpec, metrics=METRICS,
    run=run, queue="gpu", reuse_results=False, page=(Panel("medusa-heads"),),
    progress_unit="steps",
    description="Medusa-1 heads trained on a frozen base model's texts; the heads are the run's files."))
