"""`python -m evaluators medusa-train`: train Medusa heads for a frozen base model.

    python -m evaluators medusa-train --model DIR --data FILE --heads 4 --steps N \
        [--lr 1e-3] [--batch-size 8] [--block-size 256] [--self-distill [--prompt-tokens 64]] \
        [--seed 0] [--device auto] --out HEADS_DIR

FILE is a dataset of kind `text` (JSONL {"id", "text"} or a .txt file). A progress bar on stderr
shows each head's loss; the end prints each head's final loss and one JSON summary on stdout.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def add_medusa_commands(subparsers: Any) -> None:
    """Add the medusa-train subcommand."""
    parser = subparsers.add_parser("medusa-train", help="train Medusa heads (Medusa-1: the base stays frozen)")
    parser.add_argument("--model", required=True, help="base model: local directory or hub id")
    parser.add_argument("--revision", help="hub revision of the base model")
    parser.add_argument("--data", required=True, help="text dataset: JSONL {\"id\", \"text\"} or .txt")
    parser.add_argument("--out", required=True, help="folder to write medusa_lm_head.safetensors and config.json")
    parser.add_argument("--heads", type=int, default=4, help="heads K: tokens guessed beyond the next (default 4)")
    parser.add_argument("--layers", type=int, default=1, help="residual blocks per head (default 1)")
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--lr", type=float, default=1e-3, help="peak learning rate (warm-up, then cosine)")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--block-size", type=int, default=256, help="tokens per training sequence")
    parser.add_argument("--self-distill", action="store_true",
                        help="train on the base's own greedy continuations of the texts' first tokens")
    parser.add_argument("--prompt-tokens", type=int, default=64, help="self-distillation: prompt length")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--trust-remote-code", action="store_true")
    parser.add_argument("--allow-pickle-weights", action="store_true")
    parser.set_defaults(handler=run_medusa_train)


def _check(args: argparse.Namespace) -> None:
    from ..core.specs import SpecError

    for name in ("heads", "layers", "steps", "batch_size", "prompt_tokens"):
        if getattr(args, name) < 1:
            raise SpecError(f"--{name.replace('_', '-')} must be at least 1, got {getattr(args, name)}")
    if args.block_size < 3:
        raise SpecError(f"--block-size must be at least 3, got {args.block_size}")
    if not 0 < args.lr <= 1:
        raise SpecError(f"--lr must be above 0 and at most 1, got {args.lr}")
    if args.self_distill and args.prompt_tokens >= args.block_size:
        raise SpecError("--prompt-tokens must be below --block-size: the continuation fills the rest")


class _Bars:
    """The shell's progress on stderr: self-distillation's prompts, then the steps with each head's
    latest loss, drawn from the job's one (done, total) count (prompts + steps)."""

    def __init__(self, steps: int) -> None:
        self.steps, self.distill, self.train, self.distilled = steps, None, None, False

    def progress(self, done: int, total: int) -> None:
        from tqdm import tqdm

        prompts = total - self.steps
        if not prompts or done > prompts or self.distilled:
            return  # training's steps: drawn by losses(), which knows each head's loss
        if self.distill is None:
            self.distill = tqdm(desc="self-distilling", unit="prompt", file=sys.stderr, dynamic_ncols=True)
        self.distill.total, self.distill.n = prompts, done
        self.distill.refresh()
        if done >= prompts:
            self.distill.close()
            self.distilled = True

    def losses(self, step: int, losses: list[float]) -> None:
        from tqdm import tqdm

        if self.train is None:
            self.train = tqdm(total=self.steps, desc="medusa-train", unit="step", file=sys.stderr,
                              dynamic_ncols=True)
        self.train.set_postfix({f"head{k}": f"{loss:.3f}" for k, loss in enumerate(losses, start=1)})
        self.train.update(1)

    def close(self) -> None:
        for bar in (self.distill, self.train):
            if bar is not None:
                bar.close()


def run_medusa_train(args: argparse.Namespace) -> int:
    """Train, save, print the per-head losses and a JSON summary; return the exit code."""
    from ..core.base import ModelRef
    from ..core.cli import _quiet_transformers
    from ..core.datasets import read_dataset, sha256_of
    from .train_job import train_and_save
    from .training import TrainSettings

    _check(args)
    _quiet_transformers()
    texts = [row["text"] for row in read_dataset(args.data, "text")]
    ref = ModelRef(source=args.model, revision=args.revision, trust_remote_code=args.trust_remote_code,
                   allow_pickle_weights=args.allow_pickle_weights)
    settings = TrainSettings(heads=args.heads, layers=args.layers, steps=args.steps, lr=args.lr,
                             batch_size=args.batch_size, seed=args.seed, self_distill=args.self_distill,
                             block_size=args.block_size, prompt_tokens=args.prompt_tokens)
    data = {"sha256": sha256_of(args.data), "kind": "text", "rows": len(texts)}
    bars = _Bars(settings.steps)
    try:
        summary = train_and_save(ref, args.device, texts, settings, args.out, data,
                                 on_progress=bars.progress, on_losses=bars.losses)
    finally:
        bars.close()
    for k, loss in enumerate(summary["final_losses"], start=1):
        print(f"head {k} (token t+{k + 1}): loss {loss:.4f}", file=sys.stderr)
    print(json.dumps(summary))
    return 0
