"""The protocol and the figures of a variant, driven by a scripted generator and a fake clock."""
from __future__ import annotations

import statistics

import pytest

from evaluators.speed.protocol import (MeasurementPlan, Variant, compare_tokens, measure_variant,
                                       plan_variants)
from evaluators.speed.stats import (coefficient_of_variation, distribution, speculative_figures,
                                    summarize_calls)
from evaluators.speed.timing import TokenClock

from .fakes import FakeClock, ScriptedGenerator, Step

EOS = 1


def streamer_factory(clock):
    return lambda batch_size: TokenClock(batch_size, clock)


def test_warmup_is_not_counted_and_passes_repeat_until_count_and_time_are_reached():
    clock = FakeClock()
    # Each call: 0.1 s prefill, 3 more tokens 0.2 s apart, 0.05 s after the last: 0.75 s.
    steps = [Step(0, [[5]]), Step(0.2, [[6]]), Step(0.2, [[7]]), Step(0.2, [[8]])]
    generator = ScriptedGenerator(clock, prefill=0.1, steps=steps, tail=0.05)
    passes_seen = []
    plan = MeasurementPlan(warmup=2, min_repeats=2, min_seconds=4.0, fixed_length=True)
    measurement = measure_variant(generator, [[0], [1]], plan, streamer_factory(clock), {EOS},
                                  on_pass=passes_seen.append)
    # 2 calls per pass at 0.75 s: 1.5 s a pass, so 3 passes reach 4 s (2 would give 3 s).
    assert passes_seen == [1, 2, 3]
    assert len(measurement.calls) == 6
    # Warm-up took call numbers 0 and 1 (prompts 0 and 1); measured calls continue from 2.
    assert [n for _, n in generator.calls] == list(range(8))
    assert [b for b, _ in generator.calls[:2]] == [[0], [1]]
    assert measurement.first_pass_ids == {0: [5, 6, 7, 8], 1: [5, 6, 7, 8]}
    call = measurement.calls[0]
    assert call.timing.end - call.timing.start == pytest.approx(0.75)
    assert call.latencies[0].ttft == pytest.approx(0.1)
    assert call.latencies[0].tpot == pytest.approx(0.2)


def test_figures_of_a_batched_variant_match_hand_computation():
    clock = FakeClock()
    # Batch of 2: sequence A ends with EOS at its 2nd token; B gets 4 tokens.
    steps = [Step(0, [[5], [9]]), Step(0.1, [[EOS], [9]]), Step(0.1, [[2], [9]]), Step(0.2, [[2], [9]])]
    generator = ScriptedGenerator(clock, prefill=0.5, steps=steps, tail=0.1, prompt_tokens=[4, 6])
    plan = MeasurementPlan(warmup=0, min_repeats=1, min_seconds=0.0, fixed_length=False)
    measurement = measure_variant(generator, [[0, 1]], plan, streamer_factory(clock), {EOS})
    call = measurement.calls[0]
    assert call.output_tokens == [2, 4]   # A: up to and including EOS
    figures = summarize_calls(measurement.calls)
    # TTFT 0.5 for both; e2e A 0.6, B 0.9; TPOT A 0.1, B 0.4/3; ITL A [0.1], B [0.1, 0.1, 0.2].
    assert figures["ttft_ms"] == pytest.approx({"p50": 500, "p90": 500, "p99": 500, "mean": 500})
    assert figures["e2e_ms"]["mean"] == pytest.approx(750)
    assert figures["tpot_ms"]["mean"] == pytest.approx((100 + 400 / 3) / 2)
    assert figures["itl_ms"]["p50"] == pytest.approx(100)
    assert figures["itl_ms"]["mean"] == pytest.approx(500 / 4)
    assert figures["prefill_tokens_per_s"] == pytest.approx(10 / 0.5)
    # Decode: tokens after each sequence's first (1 + 3) over first arrival -> last token (0.4 s).
    assert figures["decode_tokens_per_s"] == pytest.approx(4 / 0.4)
    # Whole call: 0.5 + 0.4 + 0.1 = 1.0 s for 6 tokens.
    assert figures["output_tokens_per_s"] == pytest.approx(6.0)
    assert figures["requests"] == 2 and figures["repeats"] == 1 and figures["cv"] is None


def test_percentiles_interpolate_linearly_and_cv_is_sample_based():
    d = distribution([0.001, 0.002, 0.003, 0.004])
    assert d["p50"] == pytest.approx(2.5) and d["p90"] == pytest.approx(3.7)
    assert d["p99"] == pytest.approx(3.97) and d["mean"] == pytest.approx(2.5)
    assert distribution([]) is None
    values = [100.0, 110.0, 90.0]
    assert coefficient_of_variation(values) == pytest.approx(statistics.stdev(values) / 100.0)
    assert coefficient_of_variation([5.0]) is None


def test_cv_over_passes_with_different_speeds():
    clock = FakeClock()
    durations = iter([1.0, 2.0, 1.0, 2.0])

    class Varying(ScriptedGenerator):
        def __call__(self, batch, streamer, call_number):
            self.tail = next(durations) - 0.1
            return super().__call__(batch, streamer, call_number)

    generator = Varying(clock, prefill=0.1, steps=[Step(0, [[5]])], tail=0.0)
    plan = MeasurementPlan(warmup=0, min_repeats=4, min_seconds=0.0, fixed_length=True)
    figures = summarize_calls(measure_variant(generator, [[0]], plan, streamer_factory(clock), {EOS}).calls)
    rates = [1.0, 0.5, 1.0, 0.5]
    assert figures["cv"] == pytest.approx(statistics.stdev(rates) / statistics.fmean(rates))
    assert figures["output_tokens_per_s"] == pytest.approx(4 / 6.0)


def test_speculative_figures():
    # 20 tokens from 8 target passes; 18 drafted: 12 accepted.
    figures = speculative_figures(output_tokens=20, target_forwards=8, drafted_tokens=18)
    assert figures["accepted_tokens"] == 12
    assert figures["acceptance_rate"] == pytest.approx(12 / 18)
    assert figures["mean_accepted_tokens"] == pytest.approx(2.5)
    assert speculative_figures(5, 5, 0)["acceptance_rate"] is None


def test_plan_puts_the_baseline_first_and_keeps_speculation_at_batch_one():
    variants, skipped = plan_variants(["prompt-lookup", "greedy", "sample"], [1, 4], has_draft=False)
    assert [v.key for v in variants] == ["greedy@1", "prompt-lookup@1", "greedy@4", "sample@1", "sample@4"]
    assert skipped == ["prompt-lookup@4: transformers decodes speculatively at batch size 1 only"]
    with pytest.raises(ValueError, match="draft"):
        plan_variants(["assisted"], [1], has_draft=False)
    with pytest.raises(ValueError, match="unknown variant 'beam'"):
        plan_variants(["beam"], [1], has_draft=True)
    assert Variant("assisted", 1).speculative and not Variant("static-cache", 1).speculative


def test_token_comparison_names_the_first_differing_position():
    baseline = {0: [1, 2, 3], 1: [4, 5, 6], 2: [7, 8]}
    same = compare_tokens(baseline, {0: [1, 2, 3], 1: [4, 5, 6], 2: [7, 8]})
    assert same == {"identical_to_greedy": True, "mismatches": [], "mismatched_prompts": 0}
    other = compare_tokens(baseline, {0: [1, 2, 3], 1: [4, 9, 6], 2: [7]})
    assert other["identical_to_greedy"] is False and other["mismatched_prompts"] == 2
    assert other["mismatches"] == [{"prompt": 1, "position": 1}, {"prompt": 2, "position": 1}]
