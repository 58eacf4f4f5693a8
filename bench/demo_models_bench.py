"""How much signal the demo models give: what the demo's own evaluations would show.

    python bench/demo_models_bench.py [MODELS_DIR] [--max-new-tokens 64]

For each demo model (built first into MODELS_DIR, var/models by default, when missing) it prints
the share of its greedy completions of the demo Python tasks that parse (`ast.parse` of the
prompt followed by the completion, as the demo run cuts it), their CodeBLEU and exact match, and
its perplexity and bits per byte on the held-out standard-library files: the base model should
write plausible Python more often than not and beat the draft on held-out text.
"""
from __future__ import annotations

import argparse
import ast
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evaluators import registry  # noqa: E402
from evaluators.core.base import ModelRef, RunContext  # noqa: E402
from evaluators.core.datasets import read_dataset  # noqa: E402
from evaluators.demo.codegen import DEMO_PARAMS, DEMO_STOP, write_demo_codegen  # noqa: E402
from evaluators.demo.corpus import write_demo_data  # noqa: E402


def parses(source: str) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    return True


def codegen_figures(model: Path, rows: list[dict], params: dict) -> dict:
    records: dict[str, dict] = {}
    spec = registry.get("codegen").make_spec({**params, "batch_size": 8, "stop": DEMO_STOP})
    summary = registry.get("codegen").run(RunContext(
        model=ModelRef(str(model)), rows=rows, spec=spec, device="cpu",
        on_sample=lambda key, index, record: records.__setitem__(key, record)))
    parsed = sum(parses(record["prompt"] + record["generation"]) for record in records.values())
    return {"parse_rate": round(parsed / len(records), 4), "codebleu": round(summary["codebleu"], 4),
            "exact_match": round(summary["exact_match"], 4), "tasks": len(records)}


def perplexity_figures(model: Path, rows: list[dict]) -> dict:
    spec = registry.get("perplexity").make_spec({})
    summary = registry.get("perplexity").run(RunContext(model=ModelRef(str(model)), rows=rows, spec=spec,
                                                        device="cpu"))
    return {"perplexity": round(summary["perplexity"], 3), "bits_per_byte": round(summary["bits_per_byte"], 4)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="?", type=Path, default=Path("var/models"))
    parser.add_argument("--max-new-tokens", type=int, default=DEMO_PARAMS["max_new_tokens"])
    parser.add_argument("--repetition-penalty", type=float, default=DEMO_PARAMS.get("repetition_penalty", 1.0))
    args = parser.parse_args()
    params = {"max_new_tokens": args.max_new_tokens, "repetition_penalty": args.repetition_penalty}
    from evaluators.demo.models import build_demo_models

    paths = build_demo_models(args.models)
    with tempfile.TemporaryDirectory() as folder:
        tasks, heldout = Path(folder) / "tasks.jsonl", Path(folder) / "heldout.jsonl"
        write_demo_codegen(tasks)
        write_demo_data(heldout)
        task_rows, text_rows = read_dataset(tasks, "codegen"), read_dataset(heldout, "text")
    figures = {name: {**codegen_figures(path, task_rows, params), **perplexity_figures(path, text_rows)}
               for name, path in paths.items()}
    print(json.dumps(figures, indent=2))
    base, draft = figures["base"], figures["draft"]
    print(f"base parses {base['parse_rate']:.0%} of its completions; "
          f"base {'beats' if base['bits_per_byte'] < draft['bits_per_byte'] else 'does not beat'} "
          f"the draft on held-out bits per byte ({base['bits_per_byte']} vs {draft['bits_per_byte']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
