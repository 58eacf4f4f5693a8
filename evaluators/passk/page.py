"""What a pass@k run page shows: the problems, hardest first, with each sample's outcome."""
from __future__ import annotations

from collections import Counter

from ..core.pages import Column, Histogram, SampleScore, SampleTable, SummaryCounts


def pass_rate(record: dict) -> float:
    return record["c"] / record["n"]


def outcome_counts(record: dict) -> str:
    return ", ".join(f"{status} × {count}" for status, count in sorted(Counter(record["outcomes"]).items()))


def first_failure(record: dict) -> str | None:
    """The stderr tail of the first sample that did not pass (None when every sample passed)."""
    for status, tail in zip(record["outcomes"], record["stderr_tails"]):
        if status != "passed":
            return tail or status
    return None


PASS_RATE = Column("Pass rate", "pass_rate", "percent", value=pass_rate)

PAGE = (
    SummaryCounts("Outcomes of every sample", "outcomes"),
    SampleTable("Problems", (
        PASS_RATE,
        Column("Samples", "n", "integer"),
        Column("Outcomes", "outcomes", value=outcome_counts),
        Column("Prompt", "prompt", "code"),
        Column("First completion", "first_completion", "code", value=lambda record: record["completions"][0]),
        Column("First failure (stderr tail)", "first_failure", "code", value=first_failure),
    ), sorts=("pass_rate",), default_sort="pass_rate", page_size=20,
        description="Each problem's samples ran in a sandbox of their own; the pass rate is c / n."),
    Histogram("Pass rate across problems", PASS_RATE, bins=20),
)

SAMPLE_SCORE = SampleScore("pass rate (c / n)", pass_rate)
