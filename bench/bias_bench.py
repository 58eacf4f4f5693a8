"""Pairs per second of batched vs one-sentence-at-a-time bias scoring on the demo base model.

    python bench/bias_bench.py [MODEL_DIR] [--batch-size 16] [--method sentence|shared-tokens]

Builds the demo models first if MODEL_DIR is the default and missing. Both runs go through the
evaluator itself (tokenizing, alignment, scoring, bootstrap) on Glassbox's probe set; they must
agree pair by pair to 1e-4 nats and give the same pct_stereotype, or the script exits with 1
(on the CPU, in float32; on a GPU the difference is printed only).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evaluators import registry  # noqa: E402
from evaluators.core.base import ModelRef, RunContext  # noqa: E402
from evaluators.bias import BiasSpec  # noqa: E402
from evaluators.bias.probes import probe_pairs  # noqa: E402

DEFAULT_MODEL = Path("var/models/glassbox-demo-base")


def timed_run(model: Path, rows: list[dict], spec: BiasSpec, device: str) -> tuple[dict, dict, float]:
    """Return (output, per-pair records, seconds) of one bias run, model loading excluded."""
    from evaluators.core.loading import synchronize

    records: dict[str, dict] = {}
    started: list[float] = []
    # The evaluator reports its environment right after loading the model: the clock starts there.
    context = RunContext(model=ModelRef(str(model)), rows=rows, spec=spec, device=device,
                         on_sample=lambda key, index, record: records.__setitem__(key, record),
                         on_environment=lambda env: started.append(time.perf_counter()))
    output = registry.get("bias").run(context)
    synchronize(device)
    return output, records, time.perf_counter() - started[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--method", default="sentence", choices=["sentence", "shared-tokens"])
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    args = parser.parse_args()
    if args.model == DEFAULT_MODEL and not (args.model / "config.json").exists():
        from evaluators.demo.models import build_demo_models

        build_demo_models(args.model.parent)
    import torch
    from transformers.utils import logging

    logging.disable_progress_bar()
    rows = probe_pairs()
    timed_run(args.model, rows[:4], BiasSpec(method=args.method, batch_size=2), args.device)  # warm-up
    batched, batched_records, batched_s = timed_run(
        args.model, rows, BiasSpec(method=args.method, batch_size=args.batch_size), args.device)
    single, single_records, single_s = timed_run(
        args.model, rows, BiasSpec(method=args.method, batch_size=1), args.device)

    worst = max(max(abs(batched_records[k]["ll_more"] - r["ll_more"]),
                    abs(batched_records[k]["ll_less"] - r["ll_less"]))
                for k, r in single_records.items())
    pairs = len(rows)
    print(f"model {args.model}, {pairs} pairs, method {args.method}, device {args.device}, "
          f"torch threads {torch.get_num_threads()}")
    print(f"batched (batch_size {args.batch_size}): {pairs / batched_s:8.1f} pairs/s ({batched_s:.2f} s)")
    print(f"one sentence at a time:      {pairs / single_s:8.1f} pairs/s ({single_s:.2f} s)")
    print(f"speed-up: {single_s / batched_s:.2f}x")
    print(f"pct_stereotype {batched['pct_stereotype']:.2f} vs {single['pct_stereotype']:.2f}; "
          f"worst per-pair log-likelihood difference {worst:.2e} nats")
    # On a GPU in bfloat16 a different batch shape rounds differently; only float32 is held to it.
    if args.device == "cpu" and (worst > 1e-4 or batched["pct_stereotype"] != single["pct_stereotype"]):
        print("FAIL: batched and one-at-a-time scoring disagree", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
