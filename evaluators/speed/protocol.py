"""The measurement protocol: which variants run, warm-up, and repeats until enough is measured.

A *pass* generates once for every prompt, in batches of the variant's batch size. Warm-up calls
come first and are not counted; then passes repeat until at least `min_repeats` passes and
`min_seconds` of measured generation are done. Every pass does the same work, so the spread of
per-pass throughput (its coefficient of variation) says how steady the machine was.

The generator is injected: the real one drives transformers (`speed_generation`), tests drive a
scripted one with a fake clock, so this arithmetic is checked exactly.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Protocol

from .stats import TimedCall
from .timing import TokenClock, counted_tokens, sequence_latency

VARIANTS = ("greedy", "sample", "static-cache", "assisted", "prompt-lookup", "medusa", "medusa-typical")
# Decoded by Glassbox's own loop (evaluators.medusa) rather than generate(): Medusa heads needed.
MEDUSA = ("medusa", "medusa-typical")
SPECULATIVE = ("assisted", "prompt-lookup", *MEDUSA)
# Variants whose tokens must equal greedy decoding's: everything but sampling (and typical acceptance).
GREEDY_DECODED = ("greedy", "static-cache", "assisted", "prompt-lookup", "medusa")


@dataclass(frozen=True)
class Variant:
    name: str
    batch_size: int

    @property
    def key(self) -> str:
        return f"{self.name}@{self.batch_size}"

    @property
    def speculative(self) -> bool:
        return self.name in SPECULATIVE


@dataclass(frozen=True)
class MeasurementPlan:
    warmup: int
    min_repeats: int
    min_seconds: float
    fixed_length: bool


@dataclass
class Generated:
    """What the generator returns for one call: output ids per sequence and forward-pass counts."""

    output_ids: list[list[int]]
    prompt_tokens: list[int]
    target_forwards: int = 0
    drafted_tokens: int = 0
    # Variant-specific totals (Medusa: steps, accepted candidates per depth), summed over measured calls.
    counters: dict[str, int] = field(default_factory=dict)


class Generator(Protocol):
    def __call__(self, batch: list[int], streamer: TokenClock, call_number: int) -> Generated: ...


@dataclass
class VariantMeasurement:
    calls: list[TimedCall] = field(default_factory=list)
    first_pass_ids: dict[int, list[int]] = field(default_factory=dict)  # prompt index -> counted ids
    target_forwards: int = 0
    drafted_tokens: int = 0
    counters: dict[str, int] = field(default_factory=dict)


def plan_variants(names: list[str], batch_sizes: list[int], has_draft: bool) -> tuple[list[Variant], list[str]]:
    """Return the variants to run, greedy at batch size 1 first (the baseline), and why any were left out.

    transformers runs assisted and prompt-lookup decoding one sequence at a time, and so does
    Glassbox's Medusa loop, so those run at batch size 1 only.
    """
    unknown = [name for name in names if name not in VARIANTS]
    if unknown:
        raise ValueError(f"unknown variant '{unknown[0]}'; known: {', '.join(VARIANTS)}")
    if "assisted" in names and not has_draft:
        raise ValueError("the assisted variant needs a draft model (draft)")
    variants, skipped = [Variant("greedy", 1)], []
    for name in names:
        for size in batch_sizes:
            if name in SPECULATIVE and size != 1:
                who = "Medusa decoding runs" if name in MEDUSA else "transformers decodes speculatively"
                skipped.append(f"{name}@{size}: {who} at batch size 1 only")
                continue
            variant = Variant(name, size)
            if variant not in variants:
                variants.append(variant)
    return variants, skipped


def time_call(generator: Generator, batch: list[int], streamer: TokenClock, call_number: int,
              pass_number: int, eos_ids: set[int], fixed_length: bool) -> tuple[TimedCall, Generated]:
    """Run one generate() call under the clock and return its timing and output."""
    streamer.begin()
    generated = generator(batch, streamer, call_number)
    if streamer.timing.end == 0.0:
        streamer.end()
    counts = [max(1, counted_tokens(ids, eos_ids, fixed_length)) for ids in generated.output_ids]
    call = TimedCall(timing=streamer.timing, prompt_tokens=generated.prompt_tokens,
                     output_tokens=counts, pass_number=pass_number)
    call.latencies = [sequence_latency(call.timing, count) for count in counts]
    return call, generated


def measure_variant(generator: Generator, batches: list[list[int]], protocol: MeasurementPlan,
                    make_streamer: Callable[[int], TokenClock], eos_ids: set[int],
                    on_pass: Callable[[int], None] = lambda passes: None) -> VariantMeasurement:
    """Warm up, then repeat passes over `batches` (lists of prompt indices) until enough is measured."""
    measurement = VariantMeasurement()
    call_number = 0
    for index in range(protocol.warmup):
        batch = batches[index % len(batches)]
        time_call(generator, batch, make_streamer(len(batch)), call_number, -1, eos_ids, protocol.fixed_length)
        call_number += 1
    passes, measured = 0, 0.0
    while passes < protocol.min_repeats or measured < protocol.min_seconds:
        for batch in batches:
            call, generated = time_call(generator, batch, make_streamer(len(batch)), call_number,
                                        passes, eos_ids, protocol.fixed_length)
            call_number += 1
            measurement.calls.append(call)
            measurement.target_forwards += generated.target_forwards
            measurement.drafted_tokens += generated.drafted_tokens
            for name, value in generated.counters.items():
                measurement.counters[name] = measurement.counters.get(name, 0) + value
            measured += call.timing.end - call.timing.start
            if passes == 0:
                for prompt, ids, count in zip(batch, generated.output_ids, call.output_tokens):
                    measurement.first_pass_ids[prompt] = list(ids[:count])
        passes += 1
        on_pass(passes)
    return measurement


def compare_tokens(baseline: dict[int, list[int]], candidate: dict[int, list[int]]) -> dict:
    """Return whether every prompt's tokens equal the baseline's, and where the first mismatches are."""
    mismatches = []
    for prompt in sorted(baseline):
        expected, got = baseline[prompt], candidate.get(prompt, [])
        if expected != got:
            position = next((i for i, (a, b) in enumerate(zip(expected, got)) if a != b),
                            min(len(expected), len(got)))
            mismatches.append({"prompt": prompt, "position": position})
    return {"identical_to_greedy": not mismatches, "mismatches": mismatches[:20],
            "mismatched_prompts": len(mismatches)}
