"""Tokens per second of batched vs one-window-at-a-time perplexity on the demo base model.

    python bench/perplexity_bench.py [MODEL_DIR] [--batch-size 8] [--max-length N] [--stride N]
                                     [--repeat N]

Builds the demo models first if MODEL_DIR is the default and missing. Both runs go through
the evaluator itself (tokenizing, windowing, scoring, bootstrap), on the demo text dataset;
they must agree to 1e-6 relative, document by document, or the script exits with 1.
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evaluators import registry  # noqa: E402
from evaluators.core.base import ModelRef, RunContext  # noqa: E402
from evaluators.demo.corpus import demo_documents  # noqa: E402
from evaluators.perplexity import PerplexitySpec  # noqa: E402

DEFAULT_MODEL = Path("var/models/glassbox-demo-base")


def timed_run(model: Path, rows: list[dict], spec: PerplexitySpec) -> tuple[dict, dict, float]:
    """Return (output, per-document records, seconds) of one perplexity run on the CPU."""
    records: dict[str, dict] = {}
    context = RunContext(model=ModelRef(str(model)), rows=rows, spec=spec, device="cpu",
                         on_sample=lambda key, index, record: records.__setitem__(key, record))
    started = time.perf_counter()
    output = registry.get("perplexity").run(context)
    return output, records, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--max-length", type=int, default=None)
    parser.add_argument("--stride", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=1,
                        help="time each mode this many times, alternating, and keep the fastest "
                             "(other processes on the machine only ever slow a run down)")
    args = parser.parse_args()
    if args.model == DEFAULT_MODEL and not (args.model / "config.json").exists():
        from evaluators.demo.models import build_demo_models

        build_demo_models(args.model.parent)
    import torch
    from transformers.utils import logging

    logging.disable_progress_bar()
    rows = demo_documents()
    window = {"max_length": args.max_length, "stride": args.stride}
    timed_run(args.model, rows[:4], PerplexitySpec(**window, batch_size=2))  # warm-up
    batched_s = single_s = math.inf
    for _ in range(max(1, args.repeat)):
        batched, batched_records, seconds = timed_run(
            args.model, rows, PerplexitySpec(**window, batch_size=args.batch_size))
        batched_s = min(batched_s, seconds)
        single, single_records, seconds = timed_run(
            args.model, rows, PerplexitySpec(**window, batch_size=1))
        single_s = min(single_s, seconds)

    tokens = batched["tokens"]
    worst = max(abs(batched_records[k]["nll"] - r["nll"]) / abs(r["nll"])
                for k, r in single_records.items() if r["nll"])
    nll_batched = math.log(batched["perplexity"]) * tokens
    nll_single = math.log(single["perplexity"]) * tokens
    total_rel = abs(nll_batched - nll_single) / abs(nll_single)
    print(f"model {args.model}, {len(rows)} documents, {tokens} tokens, "
          f"max_length {batched['max_length']}, stride {batched['stride']}, "
          f"torch threads {torch.get_num_threads()}")
    print(f"batched (batch_size {args.batch_size}): {tokens / batched_s:10.0f} tokens/s "
          f"({batched_s:.1f} s)")
    print(f"one window at a time:        {tokens / single_s:10.0f} tokens/s ({single_s:.1f} s)")
    print(f"speed-up: {single_s / batched_s:.2f}x")
    print(f"perplexity {batched['perplexity']:.6f} vs {single['perplexity']:.6f}; "
          f"total NLL relative difference {total_rel:.2e}, worst document {worst:.2e}")
    if total_rel > 1e-6 or worst > 1e-6:
        print("FAIL: batched and one-at-a-time scoring disagree beyond 1e-6", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
