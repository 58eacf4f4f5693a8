"""What an echo_length run page shows: every line with its length, and their distribution."""
from __future__ import annotations

from evaluators.core.pages import Column, Histogram, SampleScore, SampleTable

LENGTH = Column("Length", "length", "integer")

PAGE = (
    SampleTable("Lines", (Column("Text", "text", "code"), LENGTH), sorts=("length",), default_sort="-length"),
    Histogram("Lengths", LENGTH),
)

SAMPLE_SCORE = SampleScore("length in tokens", lambda record: float(record["length"]))
