"""A fake clock and a scripted generator: the speed protocol's arithmetic checked exactly."""
from __future__ import annotations

from dataclasses import dataclass

from evaluators.speed.protocol import Generated


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Step:
    """Advance the clock by `delay`, then deliver `tokens` (one list per sequence's new tokens)."""

    delay: float
    tokens: list[list[int]]


class ScriptedGenerator:
    """Plays back a script per call: prefill time, then steps; every call the same script."""

    def __init__(self, clock: FakeClock, prefill: float, steps: list[Step], tail: float = 0.0,
                 prompt_tokens: list[int] | None = None, forwards: int = 0, drafted: int = 0) -> None:
        self.clock, self.prefill, self.steps, self.tail = clock, prefill, steps, tail
        self.prompt_tokens = prompt_tokens
        self.forwards, self.drafted = forwards, drafted
        self.calls: list[tuple[list[int], int]] = []

    def __call__(self, batch, streamer, call_number) -> Generated:
        self.calls.append((list(batch), call_number))
        streamer.put([0] * 5)  # the prompt
        self.clock.now += self.prefill
        outputs = [[] for _ in batch]
        for step in self.steps:
            if step is not self.steps[0]:
                self.clock.now += step.delay
            for seq, new in zip(outputs, step.tokens):
                seq.extend(new)
            streamer.put([t for new in step.tokens[: len(batch)] for t in new] if len(batch) == 1
                         else [new[0] for new in step.tokens[: len(batch)]])
        self.clock.now += self.tail
        streamer.end()
        return Generated(output_ids=outputs, prompt_tokens=self.prompt_tokens or [5] * len(batch),
                         target_forwards=self.forwards, drafted_tokens=self.drafted)
