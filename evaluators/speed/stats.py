"""Turn the timed calls of one variant into the figures the speed evaluator reports.

Percentiles are numpy's default (linear interpolation between order statistics), the
definition vLLM's and optimum-benchmark's reports use. Throughputs are ratios of sums
(total tokens / total time), never means of per-call rates, so long calls weigh as they should.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from .timing import CallTiming, SequenceLatency


@dataclass
class TimedCall:
    """One measured generate() call: its clock readings and, per sequence, the tokens counted."""

    timing: CallTiming
    prompt_tokens: list[int]
    output_tokens: list[int]
    pass_number: int
    latencies: list[SequenceLatency] = field(default_factory=list)


def distribution(values_s: list[float]) -> dict | None:
    """Return {p50, p90, p99, mean} in milliseconds of values given in seconds (None if empty)."""
    import numpy as np

    if not values_s:
        return None
    ms = np.asarray(values_s, dtype=float) * 1000.0
    return {"p50": float(np.percentile(ms, 50)), "p90": float(np.percentile(ms, 90)),
            "p99": float(np.percentile(ms, 99)), "mean": float(ms.mean())}


def coefficient_of_variation(values: list[float]) -> float | None:
    """Return the sample standard deviation over the mean; None with fewer than two values."""
    if len(values) < 2 or statistics.fmean(values) == 0:
        return None
    return statistics.stdev(values) / statistics.fmean(values)


def summarize_calls(calls: list[TimedCall]) -> dict:
    """Return the latency distributions and throughputs of a variant's measured calls."""
    ttft, tpot, itl, e2e = [], [], [], []
    prefill_tokens = prefill_time = decode_tokens = decode_time = 0.0
    output_tokens = wall_time = 0.0
    per_pass: dict[int, list[float]] = {}
    for call in calls:
        for latency in call.latencies:
            ttft.append(latency.ttft)
            e2e.append(latency.e2e)
            itl.extend(latency.itl)
            if latency.tpot is not None:
                tpot.append(latency.tpot)
        first = call.timing.arrivals[0].time - call.timing.start
        last = max(latency.e2e for latency in call.latencies)
        prefill_tokens += sum(call.prompt_tokens)
        prefill_time += first
        # After the first arrival every sequence's later tokens are decode work.
        decode_tokens += sum(call.output_tokens) - len(call.output_tokens)
        decode_time += last - first
        duration = call.timing.end - call.timing.start
        output_tokens += sum(call.output_tokens)
        wall_time += duration
        tokens_time = per_pass.setdefault(call.pass_number, [0.0, 0.0])
        tokens_time[0] += sum(call.output_tokens)
        tokens_time[1] += duration
    pass_rates = [tokens / seconds for tokens, seconds in per_pass.values() if seconds > 0]
    return {
        "ttft_ms": distribution(ttft), "tpot_ms": distribution(tpot),
        "itl_ms": distribution(itl), "e2e_ms": distribution(e2e),
        "prefill_tokens_per_s": prefill_tokens / prefill_time if prefill_time > 0 else None,
        "decode_tokens_per_s": decode_tokens / decode_time if decode_time > 0 else None,
        "output_tokens_per_s": output_tokens / wall_time if wall_time > 0 else None,
        "cv": coefficient_of_variation(pass_rates),
        "requests": sum(len(call.output_tokens) for call in calls),
        "repeats": len(per_pass),
        "output_tokens": int(output_tokens),
        "wall_seconds": wall_time,
    }


def speculative_figures(output_tokens: int, target_forwards: int, drafted_tokens: int) -> dict:
    """Return acceptance figures from totals over a variant's calls.

    Each target forward pass of assisted or prompt-lookup decoding keeps the drafted tokens it
    verified and adds one token of its own, so accepted = output tokens - target forwards.
    mean_accepted_tokens is output tokens per target forward (Medusa's "acceleration rate",
    vLLM's "mean acceptance length": the target's own token included).
    """
    accepted = max(output_tokens - target_forwards, 0)
    return {
        "acceptance_rate": accepted / drafted_tokens if drafted_tokens else None,
        "mean_accepted_tokens": output_tokens / target_forwards if target_forwards else None,
        "drafted_tokens": drafted_tokens,
        "accepted_tokens": accepted,
    }
