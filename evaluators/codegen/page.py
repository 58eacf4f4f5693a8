"""What a code-generation run page shows: the platform's sample browser (prompt, generation,
reference and their diff), and what one sample scores in a comparison."""
from __future__ import annotations

from ..core.pages import Column, Histogram, Panel, SampleScore


def codebleu_or_match(record: dict) -> float:
    scores = record["scores"]
    return scores["codebleu"] if scores.get("codebleu") is not None else scores["exact_match"]


PAGE = (
    Panel("codegen-samples"),
    Histogram("CodeBLEU across samples", Column("CodeBLEU", "scores.codebleu", "number")),
)

SAMPLE_SCORE = SampleScore("CodeBLEU (exact match when absent)", codebleu_or_match)
