"""Recall and precision of the under-trained-token scan on a model whose untrained tokens are known.

    python bench/glitch_tokens_bench.py [--steps 200] [--demo-model var/models/glassbox-demo-base]

Builds the known-truth model (evaluators/glitch/known_truth.py: tokenizer on corpora A and B,
model trained on A only), scans it verifying as many candidates as there are untrained tokens,
and prints recall and precision; then scans the demo base model when it is built and prints how
many tokens it confirms.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evaluators.core import registry  # noqa: E402
from evaluators.core.base import ModelRef, RunContext  # noqa: E402
from evaluators.glitch.known_truth import build_known_truth_model, recall_and_precision  # noqa: E402
from evaluators.glitch.prompts import default_prompt_rows  # noqa: E402


def scan(directory: Path, **params) -> dict:
    """The glitch-tokens evaluator's output for a model folder, with the default prompts, on the CPU."""
    evaluator = registry.get("glitch-tokens")
    return evaluator.run(RunContext(ModelRef(str(directory)), default_prompt_rows(), evaluator.make_spec(params), "cpu"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--demo-model", type=Path, default=Path("var/models/glassbox-demo-base"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        directory, truth = build_known_truth_model(Path(folder) / "known-truth", steps=args.steps)
        built = time.perf_counter() - started
        started = time.perf_counter()
        summary = scan(directory, candidates=len(truth))
        scanned = time.perf_counter() - started
    confirmed = {row["id"] for row in summary["confirmed"]}
    recall, precision = recall_and_precision(confirmed, truth)
    print(json.dumps({"known_truth": {"untrained_tokens": len(truth), "confirmed": len(confirmed),
                                      "recall": round(recall, 4), "precision": round(precision, 4),
                                      "build_seconds": round(built, 1), "scan_seconds": round(scanned, 1),
                                      "prompts": summary["prompts"]}}))
    if (args.demo_model / "config.json").is_file():
        started = time.perf_counter()
        demo = scan(args.demo_model)
        print(json.dumps({"demo_base": {"vocab_size": demo["vocab_size"], "categories": demo["categories"],
                                        "candidates": len(demo["candidates"]), "confirmed": len(demo["confirmed"]),
                                        "confirmed_share": round(demo["confirmed_share"], 4),
                                        "top": [row["token"] for row in demo["confirmed"][:10]],
                                        "scan_seconds": round(time.perf_counter() - started, 1)}}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
