"""Decoding speed: how fast a model generates on this worker, and what speculative decoding buys.

Every variant (greedy, sampling, static KV cache, assisted generation with a draft model,
prompt-lookup decoding, Medusa decoding with trained heads (`evaluators.medusa`), at each batch size) is measured by one protocol (`speed.protocol`):
warm-up calls, then passes over the prompts until enough is measured, the device synchronised
before every clock read (`speed.timing`). Tokens are the model's own generated ids; EOS counts
as an output token. Greedy at batch size 1 is the baseline every other variant is compared with.

Each variant's record is stored as a sample keyed "name@batch_size", so a run interrupted
between variants resumes without measuring the finished ones again.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from ..core import registry
from ..core.base import EvaluationError, Evaluator, Metric, RunContext
from ..core.precision import precision_field
from ..core.specs import checked_spec, spec_to_dict
from .data import PROMPTS
from .page import PAGE
from .protocol import MEDUSA, VARIANTS, MeasurementPlan, plan_variants


# Limits keep one request from holding a GPU worker for hours or filling its memory, while
# leaving room for what latency studies measure: vLLM's and optimum-benchmark's runs use batch
# sizes up to a few hundred, a few hundred to a few thousand new tokens, and a handful of
# warm-up calls. Every variant is measured at every batch size, so these bounds multiply.
MAX_BATCH_SIZE = 256
MAX_BATCH_SIZES = 16
MAX_NEW_TOKENS = 4096


@dataclass(frozen=True)
class SpeedSpec:
    # Lists: JSON arrays on the platform, "a,b" in the shell (and in specs stored before lists).
    variants: list[str] = field(default=(), metadata={
        "help": f"From {', '.join(VARIANTS)}. Empty: all of them but assisted and the medusa ones, "
                "plus assisted when a draft model is given and medusa, medusa-typical when heads are. "
                "greedy@1 always runs (the baseline).",
        "max_items": len(VARIANTS), "max_length": 30})
    # Each size is a full measurement of every variant.
    batch_sizes: list[int] = field(default=(1,), metadata={
        "help": f"Batch sizes, e.g. [1, 4] (each at most {MAX_BATCH_SIZE}).",
        "min": 1, "max": MAX_BATCH_SIZE, "max_items": MAX_BATCH_SIZES})
    max_new_tokens: int = field(default=64, metadata={
        "help": "Most new tokens per prompt; below the model's context length.",
        "min": 1, "max": MAX_NEW_TOKENS, "context": "below"})
    fixed_length: bool = field(default=False, metadata={
        "help": "Generate exactly max_new_tokens (EOS suppressed) instead of stopping at EOS."})
    # Kernels and the allocator settle within a few calls; a hundred is plenty.
    warmup: int = field(default=3, metadata={
        "help": "Uncounted generate() calls before measuring.", "min": 0, "max": 100})
    min_repeats: int = field(default=3, metadata={
        "help": "Least passes over all prompts per variant.", "min": 1, "max": 1000})
    # An hour per variant: longer measurements add nothing a percentile can show.
    min_seconds: float = field(default=5.0, metadata={
        "help": "Least measured seconds per variant.", "min": 0.0, "max": 3600.0})
    temperature: float = field(default=0.8, metadata={
        "help": "Sampling variant: temperature.", "above": 0.0, "max": 10.0})
    top_k: int = field(default=50, metadata={
        "help": "Sampling variant: top-k (0: off).", "min": 0, "max": 1_000_000})
    top_p: float = field(default=0.95, metadata={
        "help": "Sampling variant: nucleus mass.", "above": 0.0, "max": 1.0})
    seed: int = field(default=0, metadata={
        "help": "Sampling variant: call n uses seed + n.", "min": 0, "max": 2**32 - 1})
    # transformers proposes 10 by default; past a few dozen a copied span is almost never accepted whole.
    prompt_lookup_num_tokens: int = field(default=10, metadata={
        "help": "Prompt-lookup variant: tokens copied from the prompt per step.", "min": 1, "max": 128})
    num_assistant_tokens: int = field(default=0, metadata={
        "help": "Assisted variant: draft tokens per step (0: transformers' default schedule).",
        "min": 0, "max": 128})
    draft: str = field(default="", metadata={
        "help": "Draft model for the assisted variant: a registered model's slug on the "
                "platform, a directory or hub id in the shell.", "max_length": 500})
    # Like draft: a slug on the platform (the runner swaps in the heads' folder), a path in the shell.
    medusa: str = field(default="", metadata={
        "help": "Medusa heads for the medusa variants: the slug of this model's registered heads on the "
                "platform; in the shell a folder written by `python -m evaluators medusa-train` (or the "
                "Medusa repository's safetensors layout).", "max_length": 500})
    medusa_tree: str = field(default="", metadata={
        "help": "Medusa candidate tree: mc_sim_7b_63 (the paper's, the default), chain, root, or a "
                "JSON list of paths such as [[0], [1], [0, 0]].", "max_length": 4000})
    # The Medusa repository's defaults: posterior_threshold 0.09, posterior_alpha 0.3 (= sqrt(0.09)).
    medusa_epsilon: float = field(default=0.09, metadata={
        "help": "medusa-typical: hard threshold epsilon (posterior_threshold).", "min": 0.0, "max": 1.0})
    medusa_delta: float = field(default=0.3, metadata={
        "help": "medusa-typical: entropy-scaled threshold delta (posterior_alpha).", "min": 0.0, "max": 1e9})
    # Named `precision` like every model-running evaluator's (it was `dtype` before integer formats).
    precision: str = precision_field()
    attn_implementation: str = field(default="", metadata={
        "help": "Attention kernel (eager, sdpa, ...); empty: the model's default.", "max_length": 100})
    # Fifty times today's fastest GPU memory (a B200's 8 TB/s).
    peak_bandwidth_gbps: float = field(default=0.0, metadata={
        "help": "Device peak memory bandwidth in GB/s for MBU; 0: GPU table or CPU measurement.",
        "min": 0.0, "max": 400_000.0})

    def validate(self) -> None:
        """Raise ValueError naming the first parameter out of range (each field's own bounds
        are checked from its metadata before this)."""
        unknown = [n for n in self.variants if n not in VARIANTS]
        if unknown:
            raise ValueError(f"variants: unknown variant '{unknown[0]}'; known: {', '.join(VARIANTS)}")
        if not self.batch_sizes:
            raise ValueError("batch_sizes must list at least one size")
        if "assisted" in self.variants and not self.draft:
            raise ValueError("variants: assisted needs a draft model (draft)")
        medusa = [n for n in self.variants if n in MEDUSA]
        if medusa and not self.medusa:
            raise ValueError(f"variants: {medusa[0]} needs Medusa heads (medusa: a folder written by "
                             "`python -m evaluators medusa-train`)")

    def variant_names(self, has_draft: bool) -> list[str]:
        if self.variants:
            return list(self.variants)
        return [n for n in VARIANTS if (n != "assisted" or has_draft) and (n not in MEDUSA or self.medusa)]


def run(ctx: RunContext) -> dict:
    """Measure every variant on ctx.rows (prompts) and return the report."""
    from .runner import measure_all

    spec = checked_spec(SpeedSpec, ctx.spec)
    if not ctx.rows:
        raise EvaluationError("the prompt set has no rows")
    draft_ref = ctx.models.get("draft")
    try:
        variants, skipped = plan_variants(spec.variant_names(draft_ref is not None),
                                          sorted(set(spec.batch_sizes)), draft_ref is not None)
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
    Metric("output_tokens_per_s", "higher", "greedy, batch 1: output tokens / total generation time", unit="tokens/s"),
    Metric("decode_tokens_per_s", "higher", "greedy, batch 1: tokens after the first / decode time", unit="tokens/s"),
    Metric("prefill_tokens_per_s", "higher", "greedy, batch 1: prompt tokens / time to first token", unit="tokens/s"),
    Metric("ttft_ms_p50", "lower", "greedy, batch 1: median time to first token (ms)", unit="ms"),
    Metric("tpot_ms_p50", "lower", "greedy, batch 1: median time per output token after the first (ms)", unit="ms"),
    Metric("e2e_ms_p50", "lower", "greedy, batch 1: median end-to-end latency (ms)", unit="ms"),
    Metric("peak_memory_bytes", "lower", "greedy, batch 1: peak CUDA allocation, or peak RSS on the CPU", unit="bytes"),
    Metric("mbu", "higher", "greedy, batch 1: model bandwidth utilisation (0-1)", unit="share"),
    Metric("assisted_speedup", "higher", "assisted decoding's output tokens/s over greedy's"),
    Metric("assisted_acceptance_rate", "higher", "share of the draft's tokens the target accepted", unit="share"),
    Metric("prompt_lookup_speedup", "higher", "prompt-lookup decoding's output tokens/s over greedy's"),
    Metric("prompt_lookup_acceptance_rate", "higher", "share of prompt-lookup candidates accepted", unit="share"),
    Metric("medusa_speedup", "higher", "Medusa decoding's (greedy verification) output tokens/s over greedy's"),
    Metric("medusa_mean_accepted_tokens", "higher", "Medusa decoding: output tokens per base-model forward pass",
           unit="tokens"),
)

EVALUATOR = registry.register(Evaluator(
    name="speed", version="1", dataset_kind=PROMPTS.kind, spec_class=SpeedSpec, metrics=METRICS,
    run=run, page=PAGE, speed_metric="output_tokens_per_s",
    queue="gpu", model_params=("draft",), exclusive_device=True, reuse_results=False, heads_params=("medusa",),
    description="Decoding speed: TTFT, TPOT, ITL and end-to-end percentiles, throughput, peak "
                "memory, bandwidth utilisation, and speculative (assisted, prompt-lookup, Medusa) decoding."))
