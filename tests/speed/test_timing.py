"""Latencies of one call from clock readings, checked against hand-computed values."""
from __future__ import annotations

import pytest

from evaluators.speed.timing import (Arrival, CallTiming, TokenClock, counted_tokens,
                                     sequence_latency)

from .fakes import FakeClock


def test_one_token_per_arrival():
    timing = CallTiming(start=1.0, end=1.4, arrivals=[Arrival(1.1, 1), Arrival(1.15, 1),
                                                      Arrival(1.2, 1), Arrival(1.3, 1)])
    latency = sequence_latency(timing, 4)
    assert latency.ttft == pytest.approx(0.1)
    assert latency.e2e == pytest.approx(0.3)
    assert latency.tpot == pytest.approx(0.2 / 3)
    assert latency.itl == pytest.approx((0.05, 0.05, 0.1))


def test_speculative_chunks_make_one_gap_each():
    # 1 token, then 3 accepted together, then 2: six tokens over three arrivals.
    timing = CallTiming(start=0.0, end=0.3, arrivals=[Arrival(0.1, 1), Arrival(0.2, 3), Arrival(0.25, 2)])
    latency = sequence_latency(timing, 6)
    assert (latency.ttft, latency.e2e) == pytest.approx((0.1, 0.25))
    assert latency.tpot == pytest.approx(0.15 / 5)
    assert latency.itl == pytest.approx((0.1, 0.05))


def test_a_sequence_that_ends_early_stops_at_its_own_last_token():
    timing = CallTiming(start=0.0, end=1.0, arrivals=[Arrival(0.2, 1), Arrival(0.4, 1), Arrival(0.9, 1)])
    latency = sequence_latency(timing, 2)
    assert latency.e2e == pytest.approx(0.4) and latency.tpot == pytest.approx(0.2)
    assert latency.itl == pytest.approx((0.2,))
    # A chunk cut by the end of the sequence counts only the tokens it needs.
    chunked = CallTiming(start=0.0, arrivals=[Arrival(0.1, 1), Arrival(0.3, 4)])
    assert sequence_latency(chunked, 3).e2e == pytest.approx(0.3)


def test_one_token_has_no_tpot_and_missing_tokens_are_an_error():
    timing = CallTiming(start=0.0, arrivals=[Arrival(0.5, 1)])
    assert sequence_latency(timing, 1).tpot is None
    with pytest.raises(ValueError, match="saw 1 tokens"):
        sequence_latency(timing, 2)


def test_eos_counts_once_in_natural_mode_and_everything_counts_in_fixed_mode():
    assert counted_tokens([5, 6, 1, 2, 2], {1}, fixed_length=False) == 3
    assert counted_tokens([5, 6, 7], {1}, fixed_length=False) == 3
    assert counted_tokens([5, 1, 2, 2], {1}, fixed_length=True) == 4


def test_the_streamer_skips_the_prompt_and_counts_per_sequence():
    clock = FakeClock()
    synced = []
    streamer = TokenClock(batch_size=3, clock=clock, synchronize=lambda: synced.append(clock.now))
    clock.now = 10.0
    streamer.begin()
    clock.now = 10.5
    streamer.put([1, 2, 3, 4, 5, 6])  # the prompt (2 x 3): not an arrival
    clock.now = 11.0
    streamer.put([7, 8, 9])           # one token for each of 3 sequences
    clock.now = 11.25
    streamer.end()
    assert streamer.timing.start == 10.0 and streamer.timing.end == 11.25
    assert streamer.timing.arrivals == [Arrival(11.0, 1)]
    assert synced == [10.0, 10.5, 11.0, 11.25]  # synchronised before every clock read
    single = TokenClock(batch_size=1, clock=clock)
    single.begin()
    single.put([1, 2])
    single.put([3, 4, 5])  # a speculative step: three tokens for the one sequence
    assert single.timing.arrivals[-1].tokens_per_sequence == 3
