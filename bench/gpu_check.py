"""Check on a GPU worker host that the evaluators give the CPU's numbers on CUDA, and how fast.

Run from the repository root of a GPU host whose environment has the pinned requirements and a
CUDA build of torch (README, "GPU workers"):

    .venv/bin/python bench/gpu_check.py --out gpu_check.json

Needs var/models/glassbox-demo-base and -draft (built with `python -m evaluators demo-models` if
missing). Sections: environment; perplexity (CPU float32 vs CUDA float32 and auto dtype); greedy
code generation (batched vs one at a time, CUDA vs CPU text; generation only, so no tree-sitter);
bias pair log-likelihoods; the speed evaluator (greedy, assisted, prompt lookup at batch 1 and 8)
and an independent CUDA-event timing of greedy decoding. Each section reports and goes on when
another fails; the last line is a JSON summary (also written to --out).
Without CUDA, `--device cpu` compares the CPU with itself on smaller inputs: a quick sanity run.
Exit status 1 means a section raised; failed checks are listed in the summary's failed_checks.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gpu_check_parts import (BASE, DRAFT, MODELS, device_dtypes, differing, environment,  # noqa: E402
                             free_memory, generate_texts, per_token_latency, rel_diff, rounded,
                             run_evaluator, say, variant_line)
from evaluators.core.base import ModelRef  # noqa: E402

CHECKS: dict[str, bool] = {}


def check(name: str, ok: bool, detail: str) -> None:
    CHECKS[name] = bool(ok)
    say(f"  {'PASS' if ok else 'FAIL'} {name}: {detail}")


def perplexity(device: str, small: bool) -> dict:
    from evaluators.demo.corpus import demo_documents
    from evaluators.perplexity import EVALUATOR

    # Short documents only, so the section takes seconds; the same rows on every device.
    rows = [d for d in demo_documents() if len(d["text"]) <= 6000][:8 if small else 16]
    spec = {"batch_size": 8}
    # The reference's label differs from "cpu/float32", so a --device cpu run compares two runs.
    runs = {"reference": run_evaluator(EVALUATOR, rows, spec, "cpu")}
    for dtype, forced in device_dtypes(device):
        runs[f"{device}/{dtype}"] = run_evaluator(EVALUATOR, rows, spec, device, forced)
    ref = runs["reference"]
    out = {"documents": len(rows), "tokens": ref["output"]["tokens"]}
    for label, run in runs.items():
        o = run["output"]
        doc_diff = max(rel_diff(run["records"][k]["nll"], ref["records"][k]["nll"]) for k in ref["records"])
        row = {"dtype_loaded": run["env"].get("dtype"), "perplexity": o["perplexity"],
               "bits_per_byte": o["bits_per_byte"],
               "rel_diff_perplexity": rel_diff(o["perplexity"], ref["output"]["perplexity"]),
               "rel_diff_bits_per_byte": rel_diff(o["bits_per_byte"], ref["output"]["bits_per_byte"]),
               "max_rel_diff_document_nll": doc_diff, "seconds": run["seconds"]}
        out[label] = row
        say(f"  {label:<18} loaded {row['dtype_loaded']}: ppl {o['perplexity']:.6f}  bpb {o['bits_per_byte']:.6f}  "
            f"rel diff ppl {row['rel_diff_perplexity']:.2e} bpb {row['rel_diff_bits_per_byte']:.2e} "
            f"doc nll max {doc_diff:.2e}  {run['seconds']:.1f} s")
    fp32 = out[f"{device}/float32"]
    check("perplexity_float32_matches_cpu",
          fp32["rel_diff_bits_per_byte"] <= 1e-4 and fp32["dtype_loaded"] == "float32",
          f"bits per byte rel diff {fp32['rel_diff_bits_per_byte']:.2e} (limit 1e-4)")
    for label, row in out.items():
        if isinstance(row, dict) and label.startswith(device) and row["dtype_loaded"] != "float32":
            check(f"perplexity_{row['dtype_loaded']}_near_cpu", row["rel_diff_bits_per_byte"] <= 2e-2,
                  f"bits per byte rel diff {row['rel_diff_bits_per_byte']:.2e} (limit 2e-2)")
    return out


def codegen(device: str, small: bool) -> dict:
    from evaluators.codegen import CodegenSpec
    from evaluators.codegen.text import parse_stop
    from evaluators.demo.codegen import DEMO_STOP, demo_tasks
    from evaluators.core.loading import load_model

    tasks = demo_tasks()[:12 if small else 24]
    ids, prompts = [t["id"] for t in tasks], [t["prompt"] for t in tasks]
    stops, batch, new = parse_stop(DEMO_STOP), CodegenSpec().batch_size, 64
    cpu = load_model(ModelRef(str(BASE)), "cpu")
    generate_texts(cpu, prompts[:4], 2, 8, stops)  # warm-up: a process's first generate() is slow
    cpu_texts, cpu_s, _ = generate_texts(cpu, prompts, batch, new, stops)
    del cpu
    out = {"tasks": len(tasks), "batch_size": batch, "max_new_tokens": new,
           "cpu": {"samples_per_s": len(tasks) / cpu_s}}
    say(f"  cpu/float32 batch {batch}: {len(tasks) / cpu_s:.2f} samples/s")
    for dtype, _ in device_dtypes(device):
        loaded = load_model(ModelRef(str(BASE)), device, dtype)
        generate_texts(loaded, prompts[:4], 2, 8, stops)
        batched, batched_s, _ = generate_texts(loaded, prompts, batch, new, stops)
        # Token count from single prompts: a batch's finished rows get padding tokens too.
        single, single_s, tokens = generate_texts(loaded, prompts, 1, new, stops)
        row = {"batched_samples_per_s": len(tasks) / batched_s, "single_samples_per_s": len(tasks) / single_s,
               "new_tokens": tokens, "batched_vs_single_differ": differing(ids, batched, single),
               "vs_cpu_differ": differing(ids, batched, cpu_texts),
               "single_vs_cpu_differ": differing(ids, single, cpu_texts)}
        out[f"{device}/{dtype}"] = row
        say(f"  {device}/{dtype}: batched {row['batched_samples_per_s']:.2f} samples/s, one at a time "
            f"{row['single_samples_per_s']:.2f} samples/s; differ batched-vs-single "
            f"{len(row['batched_vs_single_differ'])}/{len(tasks)} {row['batched_vs_single_differ'][:6]}, "
            f"vs cpu {len(row['vs_cpu_differ'])}/{len(tasks)} {row['vs_cpu_differ'][:6]}")
        del loaded
        free_memory(device)
    fp32 = out[f"{device}/float32"]
    check("codegen_float32_batched_equals_single", not fp32["batched_vs_single_differ"],
          f"{len(fp32['batched_vs_single_differ'])} of {len(tasks)} differ")
    check("codegen_float32_equals_cpu", not fp32["vs_cpu_differ"],
          f"{len(fp32['vs_cpu_differ'])} of {len(tasks)} differ")
    return out


def bias(device: str, small: bool) -> dict:
    from evaluators.bias import EVALUATOR
    from evaluators.bias.probes import probe_pairs

    rows = probe_pairs()
    runs = {"reference": run_evaluator(EVALUATOR, rows, {}, "cpu")}
    for dtype, forced in device_dtypes(device):
        runs[f"{device}/{dtype}"] = run_evaluator(EVALUATOR, rows, {}, device, forced)
    ref = runs["reference"]
    out = {"pairs": len(rows)}
    for label, run in runs.items():
        rec, base = run["records"], ref["records"]
        ll = max(abs(rec[k][side] - base[k][side]) for k in base for side in ("ll_more", "ll_less"))
        score = max(abs((rec[k]["ll_more"] - rec[k]["ll_less"]) - (base[k]["ll_more"] - base[k]["ll_less"]))
                    for k in base)
        flips = sum((rec[k]["ll_more"] > rec[k]["ll_less"]) != (base[k]["ll_more"] > base[k]["ll_less"]) for k in base)
        o = run["output"]
        out[label] = {"dtype_loaded": run["env"].get("dtype"), "pct_stereotype": o["pct_stereotype"],
                      "likelihood_diff": o["likelihood_diff"], "max_abs_diff_ll": ll, "max_abs_diff_score": score,
                      "flipped_pairs": flips, "seconds": run["seconds"]}
        say(f"  {label:<18} loaded {out[label]['dtype_loaded']}: pct_stereotype {o['pct_stereotype']:.2f} "
            f"likelihood_diff {o['likelihood_diff']:.5f}  max |d ll| {ll:.2e}  max |d score| {score:.2e}  "
            f"flipped {flips}  {run['seconds']:.1f} s")
    fp32 = out[f"{device}/float32"]
    check("bias_float32_matches_cpu", fp32["max_abs_diff_ll"] <= 1e-3 and fp32["flipped_pairs"] == 0,
          f"max |d ll| {fp32['max_abs_diff_ll']:.2e} nats (limit 1e-3), {fp32['flipped_pairs']} flipped")
    return out


def speed(device: str, small: bool) -> dict:
    from evaluators.demo.speed import demo_prompts
    from evaluators.core.loading import load_model
    from evaluators.speed import EVALUATOR

    rows = demo_prompts()[:8 if small else 12]
    spec = {"variants": ["greedy", "assisted", "prompt-lookup"], "batch_sizes": [1, 8], "draft": str(DRAFT),
            "max_new_tokens": 16 if small else 48, "min_seconds": 0.5 if small else 2.0,
            "min_repeats": 1 if small else 2, "warmup": 1 if small else 2}
    run = run_evaluator(EVALUATOR, rows, spec, device, models={"draft": ModelRef(str(DRAFT))})
    report = run["output"]
    d = report["device"]
    say(f"  {d['device']} {d['gpu'] or ''} {d['dtype']} attn {d['attn_implementation']}, peak bandwidth "
        f"{d['peak_bandwidth_gbps']} GB/s ({d['peak_bandwidth_source']}); skipped: {report['skipped']}")
    variants = {}
    for v in report["variants"]:
        say(variant_line(v))
        variants[f"{v['name']}@{v['batch_size']}"] = {k: v.get(k) for k in (
            "ttft_ms", "tpot_ms", "itl_ms", "output_tokens_per_s", "peak_memory_bytes", "mbu",
            "acceptance_rate", "mean_accepted_tokens", "speedup_vs_greedy", "identical_to_greedy", "cv")}
    out = {"variants": variants, "seconds": run["seconds"], "device": d}
    # Greedy-decoded variants reproduce greedy exactly only where the arithmetic does not depend on
    # how many tokens one forward pass reads: in float32. In bf16 a verification pass over several
    # tokens (or a padded batch) rounds differently and can flip a near-tie, so there it is a figure.
    bad = [k for k, v in variants.items() if v["identical_to_greedy"] is False]
    if d["dtype"] != "float32":
        say(f"  {d['dtype']}: differing from greedy@1 (reported, not checked): {bad or 'none'}")
        out["differing_from_greedy_" + d["dtype"]] = bad
        spec32 = dict(spec, dtype="float32", min_seconds=0.5, min_repeats=1, warmup=1)
        run32 = run_evaluator(EVALUATOR, rows, spec32, device, models={"draft": ModelRef(str(DRAFT))})
        for v in run32["output"]["variants"]:
            say("  float32 " + variant_line(v))
        bad = [f"{v['name']}@{v['batch_size']}" for v in run32["output"]["variants"]
               if v["identical_to_greedy"] is False]
        out["differing_from_greedy_float32"] = bad
    check("speed_greedy_decoded_variants_identical_float32", not bad, f"differing: {bad or 'none'}")
    # An independent clock: generate() calls timed whole, without and with the evaluator's streamer.
    greedy = report["variants"][0]
    loaded = load_model(ModelRef(str(BASE)), device, d["dtype"])
    independent = per_token_latency(loaded, [r["prompt"] for r in rows], spec["max_new_tokens"])
    del loaded
    free_memory(device)
    reported_ms = greedy["tpot_ms"]["p50"]
    gap = rel_diff(reported_ms, independent["streamed"])
    out["latency_check"] = {"independent_ms_per_token": independent, "evaluator_tpot_ms": greedy["tpot_ms"],
                            "rel_diff_streamed": gap}
    say(f"  per-token latency, independent medians: plain generate {independent['plain']:.3f} ms, "
        f"with the evaluator's streamer {independent['streamed']:.3f} ms; evaluator TPOT p50 {reported_ms:.3f} ms")
    check("speed_tpot_matches_independent_timing", gap <= 0.15,
          f"evaluator TPOT p50 {reported_ms:.3f} ms vs independent streamed median {independent['streamed']:.3f} ms "
          f"per token ({gap * 100:.1f}%, limit 15%)")
    return out


def main() -> int:
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--out", type=Path, default=None, help="also write the JSON summary to this file")
    parser.add_argument("--budget-s", type=float, default=270.0, help="skip sections that start later than this")
    args = parser.parse_args()
    from transformers.utils import logging

    logging.disable_progress_bar()
    logging.set_verbosity_error()
    started, small = time.perf_counter(), args.device == "cpu"
    say(f"gpu_check: device {args.device}, models {MODELS}")
    if not (DRAFT / "config.json").exists():
        from evaluators.demo.models import build_demo_models

        say("demo models missing: building them (minutes)")
        build_demo_models(MODELS)
    summary: dict = {"device": args.device, "sections": {}, "errors": {}, "skipped": []}
    for name, section in (("environment", environment), ("perplexity", perplexity), ("bias", bias),
                          ("codegen", codegen), ("speed", speed)):
        elapsed = time.perf_counter() - started
        if elapsed > args.budget_s:
            say(f"== {name}: skipped, {elapsed:.0f} s elapsed (budget {args.budget_s:.0f} s)")
            summary["skipped"].append(name)
            continue
        say(f"== {name} (at {elapsed:.0f} s)")
        t0 = time.perf_counter()
        try:
            summary["sections"][name] = section(args.device, small)
        except Exception as error:  # report and go on: one run of this script must say all it can
            traceback.print_exc(file=sys.stdout)
            summary["errors"][name] = f"{type(error).__name__}: {error}"
            say(f"  ERROR in {name}: {summary['errors'][name]}")
        free_memory(args.device)
        say(f"  ({name}: {time.perf_counter() - t0:.1f} s)")
    # The GPU hosts have neither Django nor tree-sitter: nothing here may need them.
    heavy = sorted({m.split(".")[0] for m in sys.modules} & {"django", "tree_sitter", "celery"})
    check("no_django_or_tree_sitter_imported", not heavy, f"imported: {heavy or 'none'}")
    summary.update(checks=CHECKS, failed_checks=[k for k, ok in CHECKS.items() if not ok],
                   seconds=time.perf_counter() - started)
    line = json.dumps(rounded(summary), default=str)
    out = args.out
    if out is not None:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(line + "\n")
        except OSError as error:
            say(f"cannot write {out}: {error}")
    say(f"== done in {summary['seconds']:.0f} s: {len(CHECKS) - len(summary['failed_checks'])}/{len(CHECKS)} "
        f"checks pass, failed {summary['failed_checks']}, errors {list(summary['errors'])}")
    say(line)
    return 1 if summary["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
