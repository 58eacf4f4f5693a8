"""What each numeric format costs the demo model: weight bytes, peak memory, decode speed, perplexity.

    .venv/bin/python bench/precision_bench.py [--model var/models/glassbox-demo-base]
        [--precisions float32,bfloat16,float16,int8,int8-dynamic,int4] [--documents 40] [--device auto]

Runs the precision sweep (evaluators/sweep/run.py, as `python -m evaluators sweep-precision` does):
perplexity on the demo's held-out standard-library text, then greedy decoding at batch size 1 on
prompts cut from the same files, once per format with float32 as the reference. Prints one JSON
line per format and a table: perplexity and its paired change from float32 (95% interval), weight
bytes measured against parameters x bytes per parameter, peak memory, decode tokens/s, its ratio
to float32 and its share of the memory-bandwidth roofline for that many bytes per token.
Without the demo model it builds a tiny random one and says so (its figures mean little).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evaluators.core.base import ModelRef  # noqa: E402
from evaluators.demo.corpus import demo_documents  # noqa: E402
from evaluators.sweep.commands import derived_prompts  # noqa: E402
from evaluators.sweep.run import run_sweep  # noqa: E402

MIB = 1024 * 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("var/models/glassbox-demo-base"))
    parser.add_argument("--precisions", default="float32,bfloat16,float16,int8,int8-dynamic,int4")
    parser.add_argument("--documents", type=int, default=40, help="held-out documents scored per format")
    parser.add_argument("--device", default="auto")
    args = parser.parse_args()
    model, folder = args.model, None
    if not (model / "config.json").is_file():
        from evaluators.demo.models import build_tiny_model

        folder = tempfile.TemporaryDirectory()
        model = build_tiny_model(Path(folder.name) / "tiny", seed=0)
        print(f"no demo model at {args.model} (make demo builds it): measuring a tiny random model instead")
    rows = demo_documents()[:args.documents]
    result = run_sweep(evaluator="perplexity", model=ModelRef(str(model)), rows=rows, params={"batch_size": 4},
                       precisions=args.precisions.split(","), device=args.device, speed_prompts=derived_prompts(rows),
                       speed_params={"max_new_tokens": 48, "min_seconds": 3.0},
                       on_step=lambda step: print(f"  {step}", file=sys.stderr, flush=True))
    print(f"{'precision':<13}{'perplexity':>11}{'change [95% interval]':>34}{'weights MiB':>13}{'predicted':>11}"
          f"{'peak MiB':>10}{'tokens/s':>10}{'ratio':>7}{'roofline':>10}")
    for row in result["formats"]:
        quality = row["metrics"]["perplexity"]
        interval = "" if quality["ci"] is None else f"[{quality['ci'][0]:+.4f}, {quality['ci'][1]:+.4f}]"
        print(f"{row['precision']:<13}{quality['value']:>11.4f}{quality['diff']:>+12.4f} {interval:>21}"
              f"{row['weight_bytes'] / MIB:>13.2f}{row['predicted_weight_bytes'] / MIB:>11.2f}"
              f"{(row['peak_memory_bytes'] or 0) / MIB:>10.0f}{_number(row['decode_tokens_per_s'], '.1f'):>10}"
              f"{_number(row['speed_ratio'], '.2f'):>7}{_number(row['roofline_share'], '.1%'):>10}")
        print(json.dumps({key: row[key] for key in ("precision", "weight_bytes", "predicted_weight_bytes",
                                                    "peak_memory_bytes", "decode_tokens_per_s", "speed_ratio",
                                                    "roofline_tokens_per_s", "roofline_share")}
                         | {"perplexity": quality["value"], "perplexity_change": quality["diff"],
                            "perplexity_change_ci": quality["ci"], "p_value": quality["p_value"]}))
    if folder is not None:
        folder.cleanup()
    return 0


def _number(value, spec: str) -> str:
    return "-" if value is None else format(value, spec)


if __name__ == "__main__":
    raise SystemExit(main())
