"""Generation throughput (samples/s) of batched vs one-prompt-at-a-time greedy decoding.

    python bench/codegen_generation_bench.py [MODEL_DIR] [--batch-size 8] [--max-new-tokens 64]

Runs on the demo base model (built first if MODEL_DIR is the default and missing) over the demo
Python tasks, with the demo's stop sequences, on the CPU. Only generation is timed (prompt
building, generate(), cutting), not scoring. Greedy decoding must give the same text both ways,
task by task, or the script exits with 1. Besides wall-clock samples/s it prints the process's
CPU seconds: on a shared machine wall time swings with the load, CPU time much less.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evaluators.core.base import ModelRef  # noqa: E402
from evaluators.codegen.generate import Decoding, generate_batch  # noqa: E402
from evaluators.codegen.text import finish, parse_stop  # noqa: E402
from evaluators.demo.codegen import DEMO_STOP, demo_tasks  # noqa: E402

DEFAULT_MODEL = Path("var/models/glassbox-demo-base")


def timed_generation(loaded, prompts: list[str], decoding: Decoding, stops: list[str],
                     batch_size: int) -> tuple[list[str], float, float, int]:
    """Return (scored code per prompt, wall seconds, CPU seconds, new tokens) in batches of batch_size."""
    texts, new_tokens = [], 0
    started, cpu_started = time.perf_counter(), time.process_time()
    for start in range(0, len(prompts), batch_size):
        for output in generate_batch(loaded, prompts[start:start + batch_size], decoding, stops, seed=0):
            texts.append(finish(output.texts[0], stops))
            new_tokens += output.new_tokens[0]
    return texts, time.perf_counter() - started, time.process_time() - cpu_started, new_tokens


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--max-new-tokens", type=int, default=64)
    args = parser.parse_args()
    if args.model == DEFAULT_MODEL and not (args.model / "config.json").exists():
        from evaluators.demo.models import build_demo_models

        build_demo_models(args.model.parent)
    import torch
    from transformers.utils import logging

    from evaluators.core.loading import load_model

    logging.disable_progress_bar()
    logging.set_verbosity_error()
    loaded = load_model(ModelRef(str(args.model)), device="cpu")
    prompts = [task["prompt"] for task in demo_tasks()]
    stops = parse_stop(DEMO_STOP)
    decoding = Decoding(args.max_new_tokens, False, 1.0, 0, 1.0, 1, 1, 1.0)
    timed_generation(loaded, prompts[:4], decoding, stops, 2)  # warm-up
    load = os.getloadavg()[0]
    batched, batched_s, batched_cpu, tokens = timed_generation(loaded, prompts, decoding, stops,
                                                               args.batch_size)
    single, single_s, single_cpu, _ = timed_generation(loaded, prompts, decoding, stops, 1)

    print(f"model {args.model}, {len(prompts)} demo tasks, greedy, max_new_tokens "
          f"{args.max_new_tokens}, {tokens} tokens generated (batched), torch threads "
          f"{torch.get_num_threads()}, load average {load:.1f} on {os.cpu_count()} CPUs")
    print(f"batched (batch_size {args.batch_size}): {len(prompts) / batched_s:8.2f} samples/s "
          f"({batched_s:.1f} s wall, {batched_cpu:.1f} s CPU)")
    print(f"one prompt at a time:      {len(prompts) / single_s:8.2f} samples/s "
          f"({single_s:.1f} s wall, {single_cpu:.1f} s CPU)")
    print(f"speed-up: {single_s / batched_s:.2f}x wall, {single_cpu / batched_cpu:.2f}x CPU")
    differing = [task["id"] for task, a, b in zip(demo_tasks(), batched, single) if a != b]
    if differing:
        print(f"FAIL: batched and one-at-a-time greedy text differ on {len(differing)} tasks: "
              f"{', '.join(differing[:10])}", file=sys.stderr)
        return 1
    print("batched and one-at-a-time greedy generations are identical on every task")
    return 0


if __name__ == "__main__":
    sys.exit(main())
