"""Load the models once and measure each variant in turn, storing each as it finishes."""
from __future__ import annotations

import time
from typing import Any

from ..core.base import EvaluationError, ModelRef, RunContext
from .protocol import MEDUSA, MeasurementPlan, Variant, measure_variant
from .report import compare_with_baseline, failed_record, headline, public_variant, variant_record


def _batches(count: int, size: int) -> list[list[int]]:
    return [list(range(start, min(start + size, count))) for start in range(0, count, size)]


def _device_info(loaded: Any, bandwidth: dict) -> dict:
    env = loaded.environment
    return {"device": loaded.device, "dtype": loaded.dtype, "precision": loaded.precision, "gpu": env.get("gpu"),
            "attn_implementation": env.get("attn_implementation"), "torch": env["torch"],
            "transformers": env["transformers"], "peak_bandwidth_gbps": bandwidth["gbps"],
            "peak_bandwidth_source": bandwidth["source"]}


def measure_all(ctx: RunContext, spec: Any, variants: list[Variant], plan: MeasurementPlan,
                draft_ref: ModelRef | None) -> dict:
    """Return {"device", "variants", headline metrics...} for every planned variant."""
    import torch

    from ..codegen.generate import encode_prompts, eos_token_ids
    from ..core.loading import context_length, load_model, synchronize
    from .generation import HFGenerator, check_draft, configure_draft, speculative_reserve
    from .medusa import MedusaGenerator, load_medusa
    from .memory import read_peak, reset_peak
    from .roofline import kv_bytes_per_token, peak_bandwidth, weight_bytes
    from .timing import TokenClock

    prompts = [row["prompt"] for row in ctx.rows]  # validated by datasets.read_dataset (kind "prompts")
    loaded = load_model(ctx.model, ctx.device, spec.precision, spec.attn_implementation or None)
    ctx.on_environment(loaded.environment)
    draft, draft_settings = None, None
    if any(v.name == "assisted" for v in variants):
        draft_loaded = load_model(draft_ref, loaded.device, loaded.precision, spec.attn_implementation or None)
        check_draft(loaded, draft_loaded)
        draft, draft_settings = draft_loaded.model, configure_draft(draft_loaded, spec.num_assistant_tokens)
    heads, tree = None, None
    if any(v.name in MEDUSA for v in variants):
        heads, tree = load_medusa(loaded, spec)
    eos_ids = eos_token_ids(loaded.model, loaded.tokenizer)
    pad_id = loaded.tokenizer.pad_token_id if loaded.tokenizer.pad_token_id is not None else eos_ids[0]
    # Every variant gets the same prompts (so their tokens can be compared with greedy decoding's),
    # cut to leave room for the candidates speculative variants write past the final length.
    reserve = speculative_reserve(variants, spec, draft_settings, context_length(loaded.model),
                                  medusa_depth=tree.depth if tree else 0)
    encoded, dropped = encode_prompts(loaded, prompts, spec.max_new_tokens + reserve)
    bandwidth = peak_bandwidth(loaded.device, loaded.environment.get("gpu"), spec.peak_bandwidth_gbps)
    weights = weight_bytes(loaded.model)
    element = next(loaded.model.parameters()).element_size()
    kv_per_token = kv_bytes_per_token(loaded.model.config, element)
    settings = {"max_new_tokens": spec.max_new_tokens, "fixed_length": spec.fixed_length,
                "temperature": spec.temperature, "top_k": spec.top_k, "top_p": spec.top_p,
                "seed": spec.seed, "prompt_lookup_num_tokens": spec.prompt_lookup_num_tokens,
                "medusa_epsilon": spec.medusa_epsilon, "medusa_delta": spec.medusa_delta}

    def make_streamer(batch_size: int) -> TokenClock:
        return TokenClock(batch_size, time.perf_counter, lambda: synchronize(loaded.device))

    total = len(variants) * plan.min_repeats
    records: dict[str, dict] = {}
    for number, variant in enumerate(variants):
        if variant.key in ctx.done:
            records[variant.key] = ctx.done[variant.key]
            continue
        ctx.on_progress(number * plan.min_repeats, total)
        batches = _batches(len(prompts), variant.batch_size)
        generator = None
        try:
            scope = reset_peak(loaded.device)
            if variant.name in MEDUSA:
                generator = MedusaGenerator(loaded, variant, encoded, heads, tree, eos_ids=eos_ids,
                                            settings=settings, should_stop=ctx.should_stop)
            else:
                generator = HFGenerator(loaded, variant, encoded, batches, pad_id=pad_id, eos_ids=eos_ids,
                                        settings=settings, draft=draft if variant.name == "assisted" else None,
                                        should_stop=ctx.should_stop)
            measurement = measure_variant(
                generator, batches, plan, make_streamer, set(eos_ids),
                on_pass=lambda passes, n=number: ctx.on_progress(n * plan.min_repeats + min(passes, plan.min_repeats),
                                                                 total))
            memory = {**read_peak(loaded.device), "peak_memory_scope": scope}
            extra = generator.figures(measurement) if variant.name in MEDUSA else {}
        except RuntimeError as error:  # EvaluationError, torch's and CUDA's errors
            # One variant that cannot run (a batch too large for memory, a decoding method the
            # model does not support) must not lose the variants already measured: it is reported
            # as failed with its message. A cancel (Cancelled) is no RuntimeError and ends the run.
            message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            record = failed_record(variant, message if isinstance(error, EvaluationError)
                                   else f"variant {variant.key} failed: {message}")
        else:
            record = variant_record(variant, measurement, memory=memory, weights=weights,
                                    kv_per_token=kv_per_token, bandwidth_gbps=bandwidth["gbps"])
            record.update(compare_with_baseline(record, records.get("greedy@1", record)))
            record.update(extra)
        finally:
            if generator is not None:
                generator.close()
        records[variant.key] = record
        ctx.on_sample(variant.key, number, record)
        if loaded.device.startswith("cuda"):
            try:
                torch.cuda.empty_cache()
            except RuntimeError:  # after a device-side assert; the next variants report it themselves
                pass
    ctx.on_progress(total, total)
    ordered = [records[v.key] for v in variants]
    failed = [f"{r['name']}@{r['batch_size']}" for r in ordered if r.get("failed")]
    if len(failed) == len(ordered):
        raise EvaluationError(f"every variant failed; {failed[0]}: {ordered[0]['error']}")
    return {"device": _device_info(loaded, bandwidth), "draft": draft_settings,
            "medusa": heads.config if heads is not None else None,
            "truncated_prompts": sum(1 for cut in dropped if cut), "speculative_reserve_tokens": reserve,
            "failed_variants": failed,
            "weight_bytes": weights, "kv_bytes_per_token": kv_per_token,
            "variants": [public_variant(r) for r in ordered], **headline(ordered)}
