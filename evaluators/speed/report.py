"""Assemble one variant's figures, and the run's headline metrics, from its measurement."""
from __future__ import annotations

import statistics

from .protocol import GREEDY_DECODED, Variant, VariantMeasurement, compare_tokens
from .roofline import roofline
from .stats import speculative_figures, summarize_calls

# Raw latencies kept per variant for the run page's distribution chart.
RAW_LIMIT = 2000


def _thin(values: list[float], limit: int = RAW_LIMIT) -> list[float]:
    """Every k-th value so at most `limit` remain, in milliseconds (deterministic, keeps the shape)."""
    step = max(1, -(-len(values) // limit))
    return [round(v * 1000.0, 4) for v in values[::step]]


def variant_record(variant: Variant, measurement: VariantMeasurement, *, memory: dict,
                   weights: int, kv_per_token: int, bandwidth_gbps: float | None) -> dict:
    """Return the stored record of one variant: its figures, raw latencies and first-pass tokens."""
    figures = summarize_calls(measurement.calls)
    prompts = [p for call in measurement.calls for p in call.prompt_tokens]
    outputs = [o for call in measurement.calls for o in call.output_tokens]
    # Mean context while decoding: the prompt plus, on average, half of the output.
    context = statistics.fmean(prompts) + statistics.fmean(outputs) / 2
    tpot = figures["tpot_ms"]["mean"] / 1000.0 if figures["tpot_ms"] else None
    ceiling = roofline(weights=weights, kv_per_token=kv_per_token, context=context,
                       batch_size=variant.batch_size, tpot_s=tpot, bandwidth_gbps=bandwidth_gbps)
    record = {"name": variant.name, "batch_size": variant.batch_size, "failed": False, "error": None,
              **figures, **memory,
              "mean_prompt_tokens": statistics.fmean(prompts), "mean_output_tokens": statistics.fmean(outputs),
              "bytes_per_step": ceiling["bytes_per_step"],
              # A speculative step reads the draft too and verifies several tokens, so the
              # one-token-per-step roofline does not describe it.
              "mbu": None if variant.speculative else ceiling["mbu"],
              "roofline_tokens_per_s": None if variant.speculative else ceiling["roofline_tokens_per_s"],
              "target_forwards_per_token": None}
    if variant.batch_size == 1 and measurement.target_forwards:
        record["target_forwards_per_token"] = measurement.target_forwards / sum(outputs)
    if variant.speculative:
        record.update(speculative_figures(sum(outputs), measurement.target_forwards,
                                          measurement.drafted_tokens))
    record["raw"] = {
        "ttft_ms": _thin([lat.ttft for call in measurement.calls for lat in call.latencies]),
        "itl_ms": _thin([gap for call in measurement.calls for lat in call.latencies for gap in lat.itl]),
        "e2e_ms": _thin([lat.e2e for call in measurement.calls for lat in call.latencies]),
    }
    record["first_pass_ids"] = {str(k): v for k, v in measurement.first_pass_ids.items()}
    return record


def failed_record(variant: Variant, message: str) -> dict:
    """Return the stored record of a variant that could not be measured, with the reason."""
    return {"name": variant.name, "batch_size": variant.batch_size, "failed": True, "error": message}


def compare_with_baseline(record: dict, baseline: dict) -> dict:
    """Add speedup_vs_greedy and, for greedy-decoded variants, the token identity check."""
    extra: dict = {"speedup_vs_greedy": None}
    if baseline.get("failed"):  # nothing to compare with
        return {**extra, "identical_to_greedy": None, "mismatches": [], "mismatched_prompts": None}
    if record["output_tokens_per_s"] and baseline["output_tokens_per_s"] and record["batch_size"] == 1:
        extra["speedup_vs_greedy"] = record["output_tokens_per_s"] / baseline["output_tokens_per_s"]
    if record["name"] in GREEDY_DECODED:
        base_ids = {int(k): v for k, v in baseline["first_pass_ids"].items()}
        ids = {int(k): v for k, v in record["first_pass_ids"].items()}
        extra.update(compare_tokens(base_ids, ids))
    else:
        extra.update({"identical_to_greedy": None, "mismatches": [], "mismatched_prompts": None})
    return extra


def public_variant(record: dict) -> dict:
    """The variant as the command prints it: without raw latencies and token ids."""
    return {k: v for k, v in record.items() if k not in ("raw", "first_pass_ids")}


def headline(variants: list[dict]) -> dict:
    """Flat metrics for the platform's results and leaderboards, from the greedy batch-1 baseline
    and the speculative variants (Medusa: its greedy-verified variant). A failed variant gives None for its metrics."""
    by_key = {f"{v['name']}@{v['batch_size']}": v for v in variants if not v.get("failed")}
    base = by_key.get("greedy@1")
    out = {name: None for name in ("output_tokens_per_s", "decode_tokens_per_s", "prefill_tokens_per_s",
                                   "ttft_ms_p50", "tpot_ms_p50", "e2e_ms_p50", "peak_memory_bytes", "mbu")}
    if base is not None:
        out = {"output_tokens_per_s": base["output_tokens_per_s"],
               "decode_tokens_per_s": base["decode_tokens_per_s"],
               "prefill_tokens_per_s": base["prefill_tokens_per_s"],
               "ttft_ms_p50": base["ttft_ms"]["p50"],
               "tpot_ms_p50": base["tpot_ms"]["p50"] if base["tpot_ms"] else None,
               "e2e_ms_p50": base["e2e_ms"]["p50"],
               "peak_memory_bytes": base["peak_memory_bytes"], "mbu": base["mbu"]}
    for name in ("assisted", "prompt-lookup"):
        variant = by_key.get(f"{name}@1")
        prefix = name.replace("-", "_")
        out[f"{prefix}_speedup"] = variant["speedup_vs_greedy"] if variant else None
        out[f"{prefix}_acceptance_rate"] = variant["acceptance_rate"] if variant else None
    medusa = by_key.get("medusa@1")
    out["medusa_speedup"] = medusa["speedup_vs_greedy"] if medusa else None
    out["medusa_mean_accepted_tokens"] = medusa["mean_accepted_tokens"] if medusa else None
    return out
