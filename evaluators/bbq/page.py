"""What a BBQ run page shows: each example's condition, the model's choice and the answer."""
from __future__ import annotations

from ..core.pages import Column, SampleScore, SampleTable


def correct(record: dict) -> float:
    return float(record["choice"] == record["label"])


PAGE = (
    SampleTable("Examples", (
        Column("Category", "category"),
        Column("Context", "condition"),
        Column("Polarity", "polarity"),
        Column("Chosen answer", "choice", "integer"),
        Column("Correct answer", "label", "integer"),
        Column("Unknown answer", "unknown", "integer"),
        Column("Correct", "correct", "integer", value=correct),
    ), sorts=("category", "condition", "correct"), page_size=50),
)

SAMPLE_SCORE = SampleScore("correct answer (1 or 0)", correct)
