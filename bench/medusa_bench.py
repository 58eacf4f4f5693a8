"""Medusa decoding on the demo base model: train heads (self-distilled on the demo corpus), then
measure tokens per base forward pass, per-head acceptance and the speed-up against greedy decoding.

    python bench/medusa_bench.py [--device cpu|cuda] [--heads 4] [--steps 300] [--batch-size 4] [--plain]
                                 [--tree mc_sim_7b_63 --tree chain ...] [--max-new-tokens 48] [--min-seconds 3]

The base is var/models/glassbox-demo-base when it exists (`make demo` builds it); otherwise a small
Llama is trained here on the demo corpus (and kept under var/models/medusa-bench-base), and the
bench says so. Heads are trained with `python -m evaluators medusa-train` on the texts of the demo
corpus (evaluators/demo/corpus.py: the standard library's functions), by default self-distilled
(the base's own greedy continuations), and reused while the base and the recipe are unchanged.
Each tree is measured in its own speed run beside its own greedy baseline, on the demo speed
prompts. Exits 1 if Medusa's greedy-verified tokens differ from greedy decoding's.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MODELS = Path("var/models")
WORK = Path("var/medusa-bench")
SMALL_SHAPE = (128, 2, 4, 344)  # hidden, layers, heads, intermediate: trains in about a minute


def small_base(steps: int = 400) -> Path:
    """Return a small Llama trained on the demo corpus (built once, kept under var/models)."""
    import torch
    from transformers import LlamaForCausalLM

    from evaluators.demo.corpus import function_texts, read_source, training_files
    from evaluators.demo.models import llama_config
    from evaluators.demo.training import token_blocks, train_models, train_tokenizer

    out = MODELS / "medusa-bench-base"
    marker = out / "medusa-bench.json"
    if marker.is_file() and json.loads(marker.read_text()).get("steps") == steps:
        print(f"   (built by an earlier run: {out})")
        return out
    started = time.monotonic()
    texts = [t for path in training_files() for t in function_texts(read_source(path))]
    tokenizer = train_tokenizer(texts, 4096, 512)
    torch.manual_seed(0)
    model = LlamaForCausalLM(llama_config(tokenizer, *SMALL_SHAPE, 512))
    loss = train_models([model], token_blocks(tokenizer, texts, 256), steps, 8, 2e-3, 0, lambda s, l: None)[0]
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    marker.write_text(json.dumps({"steps": steps, "shape": SMALL_SHAPE, "final_loss": loss}))
    print(f"   built in {time.monotonic() - started:.0f} s, final loss {loss:.2f}")
    return out


def corpus_file(count: int = 128) -> Path:
    """Write (once) a text dataset of `count` demo-corpus functions, every k-th one, in order."""
    from evaluators.demo.corpus import spread_functions

    path = WORK / f"corpus-{count}.jsonl"
    if not path.is_file():
        chosen = spread_functions(count)
        WORK.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps({"id": str(i), "text": t}) + "\n" for i, t in enumerate(chosen)))
    return path


def trained_heads(base: Path, args: argparse.Namespace) -> Path:
    """Return a heads folder for `base`, training it unless one with the same recipe exists."""
    from evaluators.__main__ import main

    data = corpus_file()
    recipe = ["--heads", str(args.heads), "--steps", str(args.steps), "--batch-size", str(args.batch_size),
              "--block-size", "256",
              "--lr", "1e-3", "--seed", "0"] + ([] if args.plain else ["--self-distill", "--prompt-tokens", "64"])
    out = MODELS / f"medusa-bench-heads-{base.name}"
    stamp = out / "bench-recipe.json"
    facts = {"base": str(base), "data": str(data), "recipe": recipe}
    if stamp.is_file() and json.loads(stamp.read_text()) == facts:
        print(f"-- reusing heads in {out} (same base and recipe)")
        return out
    print(f"-- training {args.heads} heads: python -m evaluators medusa-train --model {base} --data {data} "
          f"{' '.join(recipe)} --out {out}")
    started = time.monotonic()
    if main(["medusa-train", "--model", str(base), "--data", str(data), "--device", args.device,
             *recipe, "--out", str(out)]) != 0:
        raise SystemExit("medusa-train failed")
    print(f"   trained in {time.monotonic() - started:.0f} s")
    stamp.write_text(json.dumps(facts))
    return out


def measure(base: Path, heads: Path, tree: str, args: argparse.Namespace) -> dict:
    from evaluators.core.base import ModelRef, RunContext
    from evaluators.demo.speed import demo_prompts
    from evaluators.speed import EVALUATOR

    spec = {"variants": ["greedy", "medusa", "medusa-typical"], "max_new_tokens": args.max_new_tokens,
            "min_seconds": args.min_seconds, "min_repeats": 2, "warmup": 2, "medusa": str(heads), "medusa_tree": tree}
    return EVALUATOR.run(RunContext(model=ModelRef(str(base)), rows=demo_prompts(), spec=spec, device=args.device))


def show(report: dict) -> None:
    for v in report["variants"]:
        line = f"{v['name']:<15} {v['output_tokens_per_s']:8.1f} tok/s  speedup {v['speedup_vs_greedy']:.2f}x"
        if v["name"].startswith("medusa"):
            heads = " ".join("-" if a is None else f"{a:.2f}" for a in v["head_acceptance"])
            line += (f"  tokens/step {v['mean_accepted_tokens']:.2f}  head acceptance [{heads}]"
                     f"  tree {v['tree_size']} nodes")
        if v["name"] == "medusa":
            line += f"  same tokens as greedy {v['identical_to_greedy']}"
        if v["name"] == "medusa-typical":
            line += (f"  log-lik/token {v['log_likelihood_per_token']:.3f} vs sampling "
                     f"{v['sampling_log_likelihood_per_token']:.3f}")
        print(line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--plain", action="store_true", help="train on the corpus text, not self-distilled")
    parser.add_argument("--tree", action="append", dest="trees",
                        help="a preset or a JSON list of paths; repeat for several (default: mc_sim_7b_63, chain)")
    parser.add_argument("--max-new-tokens", type=int, default=48)
    parser.add_argument("--min-seconds", type=float, default=3.0)
    args = parser.parse_args()
    from evaluators.core.cli import _quiet_transformers

    _quiet_transformers()
    base = MODELS / "glassbox-demo-base"
    if (base / "config.json").is_file():
        print(f"-- base: the demo base model ({base})")
    else:
        print(f"-- no demo base model at {base} (`make demo` builds it): using a small Llama "
              f"(hidden {SMALL_SHAPE[0]}, {SMALL_SHAPE[1]} layers) trained on the demo corpus instead")
        base = small_base()
    heads = trained_heads(base, args)
    different = False
    for tree in args.trees or ["mc_sim_7b_63", "chain"]:
        report = measure(base, heads, tree, args)
        device = report["device"]
        print(f"-- tree {tree}: {device['device']} {device['gpu'] or ''} {device['dtype']}, "
              f"{report['n']} demo prompts, up to {args.max_new_tokens} new tokens")
        show(report)
        different |= any(v["identical_to_greedy"] is False for v in report["variants"])
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
