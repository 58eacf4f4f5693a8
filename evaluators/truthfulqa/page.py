"""What a TruthfulQA run page shows: MC1 and MC2 per category (a panel the platform draws), and
a browser of the questions with every answer's log-likelihood, most confidently wrong first."""
from __future__ import annotations

from ..core.pages import Column, Panel, SampleScore, SampleTable


def answers(record: dict) -> str:
    """Return the question's answers one a line: ✓ (true) or ✗ (false), log-likelihood, text;
    MC2's list (every true and false answer), then any MC1 answer it lacks."""
    targets = [record["mc2_targets"], record["mc1_targets"]]
    seen, lines = set(), []
    for target in targets:
        for text, label, ll in zip(target["choices"], target["labels"], target["lls"]):
            if text not in seen:
                seen.add(text)
                lines.append(f"{'✓' if label == 1 else '✗'} {ll:10.3f}  {text}")
    best = record["mc1_targets"]["choices"][record["mc1_targets"]["labels"].index(1)]
    return "\n".join(lines) + f"\nMC1's true answer: {best}"


PAGE = (
    Panel("truthfulqa-categories"),
    SampleTable("Questions", (
        Column("Category", "category"),
        Column("Question", "question"),
        Column("MC1", "mc1", "integer"),
        Column("MC2", "mc2", "percent"),
        Column("Best false − best true (nats)", "margin", "number"),
        Column("Answers (✓ true, ✗ false; log-likelihood in nats)", "answers", "code", value=answers),
    ), sorts=("margin", "mc2", "category"), default_sort="-margin", page_size=25,
        description="Sorted by default by how confidently the model preferred a false answer: the "
                    "highest log-likelihood of a false answer minus that of a true one (MC2's "
                    "answers); positive means a falsehood came first."),
)

SAMPLE_SCORE = SampleScore("MC2, probability mass on true answers", lambda record: float(record["mc2"]))
