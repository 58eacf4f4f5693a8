"""Decoding speed: how fast a model generates on this worker, and what speculative decoding buys.

Every variant (greedy, sampling, static KV cache, assisted generation with a draft model,
prompt-lookup decoding, at each batch size) is measured by one protocol (`speed_protocol`):
warm-up calls, then passes over the prompts until enough is measured, the device synchronised
before every clock read (`speed_timing`). Tokens are the model's own generated ids; EOS counts
as an output token. Greedy at batch size 1 is the baseline every other variant is compared with.

Each variant's record is stored as a sample keyed "name@batch_size", so a run interrupted
between variants resumes without measuring the finished ones again.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from . import registry
from .base import EvaluationError, Evaluator, Metric, RunContext, checked_spec, spec_to_dict
from .speed_protocol import VARIANTS, MeasurementPlan, plan_variants


def _int_list(text: str, name: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise ValueError(f"{name} must be a comma-separated list of integers, got {text!r}") from None
    if not values or any(v < 1 for v in values):
        raise ValueError(f"{name} must list integers of at least 1, got {text!r}")
    return sorted(set(values))


@dataclass(frozen=True)
class SpeedSpec:
    variants: str = field(default="", metadata={
        "help": f"Comma-separated, from {', '.join(VARIANTS)}. Empty: all of them but assisted, "
                "plus assisted when a draft model is given. greedy@1 always runs (the baseline)."})
    batch_sizes: str = field(default="1", metadata={"help": "Comma-separated batch sizes, e.g. 1,4."})
    max_new_tokens: int = field(default=64, metadata={"help": "Most new tokens per prompt."})
    fixed_length: bool = field(default=False, metadata={
        "help": "Generate exactly max_new_tokens (EOS suppressed) instead of stopping at EOS."})
    warmup: int = field(default=3, metadata={"help": "Uncounted generate() calls before measuring."})
    min_repeats: int = field(default=3, metadata={"help": "Least passes over all prompts per variant."})
    min_seconds: float = field(default=5.0, metadata={"help": "Least measured seconds per variant."})
    temperature: float = field(default=0.8, metadata={"help": "Sampling variant: temperature."})
    top_k: int = field(default=50, metadata={"help": "Sampling variant: top-k (0: off)."})
    top_p: float = field(default=0.95, metadata={"help": "Sampling variant: nucleus mass."})
    seed: int = field(default=0, metadata={"help": "Sampling variant: call n uses seed + n."})
    prompt_lookup_num_tokens: int = field(default=10, metadata={
        "help": "Prompt-lookup variant: tokens copied from the prompt per step."})
    num_assistant_tokens: int = field(default=0, metadata={
        "help": "Assisted variant: draft tokens per step (0: transformers' default schedule)."})
    draft: str = field(default="", metadata={
        "help": "Draft model for the assisted variant: a registered model's slug on the "
                "platform, a directory or hub id in the shell."})
    dtype: str = field(default="auto", metadata={"help": "auto (float32 on CPU, bf16/fp16 on GPU) or a torch dtype."})
    attn_implementation: str = field(default="", metadata={
        "help": "Attention kernel (eager, sdpa, ...); empty: the model's default."})
    peak_bandwidth_gbps: float = field(default=0.0, metadata={
        "help": "Device peak memory bandwidth in GB/s for MBU; 0: GPU table or CPU measurement."})

    def validate(self) -> None:
        """Raise ValueError naming the first parameter out of range."""
        names = [n.strip() for n in self.variants.split(",") if n.strip()]
        unknown = [n for n in names if n not in VARIANTS]
        if unknown:
            raise ValueError(f"variants: unknown variant '{unknown[0]}'; known: {', '.join(VARIANTS)}")
        _int_list(self.batch_sizes, "batch_sizes")
        for name in ("max_new_tokens", "min_repeats", "prompt_lookup_num_tokens"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        for name in ("warmup", "top_k", "num_assistant_tokens"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be 0 or more, got {getattr(self, name)}")
        if self.min_seconds < 0 or self.peak_bandwidth_gbps < 0:
            raise ValueError("min_seconds and peak_bandwidth_gbps must be 0 or more")
        if self.temperature <= 0 or not 0 < self.top_p <= 1:
            raise ValueError("temperature must be above 0 and top_p in (0, 1]")
        if "assisted" in names and not self.draft:
            raise ValueError("variants: assisted needs a draft model (draft)")

    def variant_names(self, has_draft: bool) -> list[str]:
        names = [n.strip() for n in self.variants.split(",") if n.strip()]
        if names:
            return names
        return [n for n in VARIANTS if n != "assisted" or has_draft]


def run(ctx: RunContext) -> dict:
    """Measure every variant on ctx.rows (prompts) and return the report."""
    from .speed_runner import measure_all

    spec = checked_spec(SpeedSpec, ctx.spec)
    if not ctx.rows:
        raise EvaluationError("the prompt set has no rows")
    draft_ref = ctx.models.get("draft")
    try:
        variants, skipped = plan_variants(spec.variant_names(draft_ref is not None),
                                          _int_list(spec.batch_sizes, "batch_sizes"), draft_ref is not None)
    except ValueError as error:
        raise EvaluationError(str(error)) from None
    plan = MeasurementPlan(spec.warmup, spec.min_repeats, spec.min_seconds, spec.fixed_length)
    started = time.time()
    report = measure_all(ctx, spec, variants, plan, draft_ref)
    return {**report, "skipped": skipped, "n": len(ctx.rows), "seconds": time.time() - started,
            "protocol": {"warmup": spec.warmup, "min_repeats": spec.min_repeats,
                         "min_seconds": spec.min_seconds, "fixed_length": spec.fixed_length,
                         "eos_counted": True, "percentiles": "numpy linear interpolation",
                         "itl": "gap between successive token arrivals; tokens accepted together "
                                "in one speculative step arrive together"},
            # Nested: the spec's "variants" and "draft" name inputs, the report's name results.
            "spec": spec_to_dict(spec)}


METRICS = (
    Metric("output_tokens_per_s", "higher", "greedy, batch 1: output tokens / total generation time"),
    Metric("decode_tokens_per_s", "higher", "greedy, batch 1: tokens after the first / decode time"),
    Metric("prefill_tokens_per_s", "higher", "greedy, batch 1: prompt tokens / time to first token"),
    Metric("ttft_ms_p50", "lower", "greedy, batch 1: median time to first token (ms)"),
    Metric("tpot_ms_p50", "lower", "greedy, batch 1: median time per output token after the first (ms)"),
    Metric("e2e_ms_p50", "lower", "greedy, batch 1: median end-to-end latency (ms)"),
    Metric("peak_memory_bytes", "lower", "greedy, batch 1: peak CUDA allocation, or peak RSS on the CPU"),
    Metric("mbu", "higher", "greedy, batch 1: model bandwidth utilisation (0-1)"),
    Metric("assisted_speedup", "higher", "assisted decoding's output tokens/s over greedy's"),
    Metric("assisted_acceptance_rate", "higher", "share of the draft's tokens the target accepted"),
    Metric("prompt_lookup_speedup", "higher", "prompt-lookup decoding's output tokens/s over greedy's"),
    Metric("prompt_lookup_acceptance_rate", "higher", "share of prompt-lookup candidates accepted"),
)

EVALUATOR = registry.register(Evaluator(
    name="speed", version="1", dataset_kind="prompts", spec_class=SpeedSpec, metrics=METRICS,
    run=run, queue="gpu", model_params=("draft",), exclusive_device=True, reuse_results=False,
    description="Decoding speed: TTFT, TPOT, ITL and end-to-end percentiles, throughput, peak "
                "memory, bandwidth utilisation, and speculative (assisted, prompt-lookup) decoding."))
