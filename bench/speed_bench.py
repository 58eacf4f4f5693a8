"""Decoding speed of the demo base model: greedy vs assisted (demo draft) vs prompt lookup,
measured twice to show how well repeat runs of one spec agree.

    python bench/speed_bench.py [--device cpu|cuda] [--max-new-tokens 48] [--min-seconds 5]
                                [--batch-sizes 1] [--variants greedy,assisted,prompt-lookup]

Builds the demo models first if they are missing. Prints one line per variant (TTFT, TPOT, ITL
p50/p99, output tokens/s, acceptance, speedup, identical tokens) for each of the two runs, then
the relative difference of each variant's output tokens/s between the runs, and the JSON of the
first run on the last line. Exits 1 if a greedy-decoded variant's tokens differ from greedy's.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evaluators.core.base import ModelRef, RunContext  # noqa: E402
from evaluators.demo.speed import demo_prompts  # noqa: E402
from evaluators.speed import EVALUATOR  # noqa: E402

MODELS = Path("var/models")


def measure(args: argparse.Namespace) -> dict:
    base, draft = MODELS / "glassbox-demo-base", MODELS / "glassbox-demo-draft"
    spec = {"variants": args.variants, "batch_sizes": args.batch_sizes, "max_new_tokens": args.max_new_tokens,
            "min_seconds": args.min_seconds, "min_repeats": 3, "warmup": 3, "draft": str(draft)}
    context = RunContext(model=ModelRef(str(base)), rows=demo_prompts(), spec=spec, device=args.device,
                         models={"draft": ModelRef(str(draft))})
    return EVALUATOR.run(context)


def show(report: dict, label: str) -> None:
    device = report["device"]
    print(f"-- {label}: {device['device']} {device['gpu'] or ''} {device['dtype']}, "
          f"peak bandwidth {device['peak_bandwidth_gbps']:.0f} GB/s ({device['peak_bandwidth_source']})")
    for v in report["variants"]:
        tpot = v["tpot_ms"] or {"p50": float("nan")}
        accept = "" if v.get("acceptance_rate") is None else (
            f" accept {v['acceptance_rate']:.2f} ({v['mean_accepted_tokens']:.2f} tok/pass)")
        mbu = "" if v["mbu"] is None else f" MBU {v['mbu']:.3f} (roofline {v['roofline_tokens_per_s']:.0f} tok/s)"
        print(f"{v['name']}@{v['batch_size']:<3} TTFT p50 {v['ttft_ms']['p50']:7.2f} ms  TPOT p50 {tpot['p50']:6.2f} ms  "
              f"ITL p50/p99 {v['itl_ms']['p50']:6.2f}/{v['itl_ms']['p99']:6.2f} ms  "
              f"{v['output_tokens_per_s']:8.1f} tok/s  cv {v['cv'] or 0:.3f}  "
              f"speedup {v['speedup_vs_greedy'] or float('nan'):.2f}x  same tokens {v['identical_to_greedy']}"
              f"{accept}{mbu}  peak mem {v['peak_memory_bytes'] / 2**20:.0f} MiB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--max-new-tokens", type=int, default=48)
    parser.add_argument("--min-seconds", type=float, default=5.0)
    parser.add_argument("--batch-sizes", default="1")
    parser.add_argument("--variants", default="greedy,assisted,prompt-lookup")
    args = parser.parse_args()
    if not (MODELS / "glassbox-demo-draft" / "config.json").exists():
        from evaluators.demo.models import build_demo_models

        build_demo_models(MODELS)
    from evaluators.core.cli import _quiet_transformers

    _quiet_transformers()
    first, second = measure(args), measure(args)
    show(first, "run 1")
    show(second, "run 2")
    print("-- run-to-run difference of output tokens/s")
    for a, b in zip(first["variants"], second["variants"]):
        change = abs(a["output_tokens_per_s"] - b["output_tokens_per_s"]) / a["output_tokens_per_s"]
        print(f"{a['name']}@{a['batch_size']}: {change * 100:.1f}%")
    print(json.dumps(first))
    bad = [v for v in first["variants"] if v["identical_to_greedy"] is False]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
