"""Clock readings of one generate() call, and the latencies they imply for each sequence.

A `TokenClock` is passed to generate() as its streamer: transformers calls `put()` once with
the prompt and then once per decoding step with the new token of every sequence (or, in
assisted and prompt-lookup decoding, with all the tokens one target forward pass accepted).
Each call after the prompt is an *arrival*: a time and how many tokens each sequence received.

Latencies follow the serving benchmarks (vLLM's benchmark_serving, optimum-benchmark):
TTFT is the time from the call to the first arrival; end-to-end is the time to the arrival
that carries the sequence's last counted token; TPOT is (e2e - TTFT) / (tokens - 1); ITL is the
gap between successive arrivals that carry tokens of the sequence. Tokens that arrive together
(a speculative step) make one ITL gap, as a client of a streaming server would see them.

Pure Python: the clock and the synchronisation are injected, so tests drive it with a fake clock.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(frozen=True)
class Arrival:
    time: float
    tokens_per_sequence: int


@dataclass
class CallTiming:
    """One generate() call: its start and end, and every arrival of new tokens between them."""

    start: float
    end: float = 0.0
    arrivals: list[Arrival] = field(default_factory=list)


@dataclass(frozen=True)
class SequenceLatency:
    """The latencies of one sequence of a call, in seconds, and its counted output tokens."""

    tokens: int
    ttft: float
    e2e: float
    tpot: float | None  # None for a one-token sequence: it has no time per output token
    itl: tuple[float, ...]


class TokenClock:
    """A generate() streamer that records when new tokens arrive.

    `clock` returns seconds (time.perf_counter in real runs); `synchronize` waits for queued
    device work first, so a reading on a GPU marks when the token exists, not when it was queued.
    """

    def __init__(self, batch_size: int, clock: Callable[[], float],
                 synchronize: Callable[[], None] = lambda: None) -> None:
        self.batch_size = batch_size
        self.clock = clock
        self.synchronize = synchronize
        self.timing: CallTiming | None = None
        self._prompt_seen = False

    def begin(self) -> None:
        self.synchronize()
        self.timing = CallTiming(start=self.clock())
        self._prompt_seen = False

    def put(self, value: Any) -> None:
        self.synchronize()
        now = self.clock()
        if not self._prompt_seen:
            self._prompt_seen = True  # generate() first hands over the prompt itself
            return
        numel = int(value.numel()) if hasattr(value, "numel") else len(value)
        # Plain decoding: one token per sequence; speculative decoding (batch 1): a chunk.
        per_sequence = 1 if self.batch_size > 1 else numel
        self.timing.arrivals.append(Arrival(now, per_sequence))

    def end(self) -> None:
        self.synchronize()
        self.timing.end = self.clock()


def sequence_latency(timing: CallTiming, tokens: int) -> SequenceLatency:
    """Return the latencies of a sequence whose first `tokens` output tokens are counted."""
    if tokens < 1:
        raise ValueError("a sequence must have at least one output token to be timed")
    times: list[float] = []  # arrival time of each counted token, one entry per token
    gaps: list[float] = []
    previous = None
    for arrival in timing.arrivals:
        if len(times) >= tokens:
            break
        take = min(arrival.tokens_per_sequence, tokens - len(times))
        times.extend([arrival.time] * take)
        if previous is not None:
            gaps.append(arrival.time - previous)
        previous = arrival.time
    if len(times) < tokens:
        raise ValueError(f"the streamer saw {len(times)} tokens of this sequence, not {tokens}")
    ttft = times[0] - timing.start
    e2e = times[-1] - timing.start
    tpot = (e2e - ttft) / (tokens - 1) if tokens > 1 else None
    return SequenceLatency(tokens=tokens, ttft=ttft, e2e=e2e, tpot=tpot, itl=tuple(gaps))


def counted_tokens(ids: list[int], eos_ids: set[int], fixed_length: bool) -> int:
    """Return how many output ids count: all of them in fixed-length mode, else up to and
    including the first EOS (EOS is a generated token that cost a forward pass, so it counts)."""
    if fixed_length:
        return len(ids)
    for position, token in enumerate(ids):
        if token in eos_ids:
            return position + 1
    return len(ids)
