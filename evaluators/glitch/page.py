"""What a glitch-token run page shows: each verified candidate with its indicators and verdict,
and the indicator against the repeat probability (confirmed tokens sit low on the right)."""
from __future__ import annotations

from ..core.pages import Column, SampleScore, SampleTable, Scatter

INDICATOR = Column("Indicator (cosine to untrained rows)", "indicator", "number")
REPEAT = Column("Repeat probability (highest over prompts)", "repeat_probability", "number")
TOKEN = Column("Token", "token", "code")
VERDICT = Column("Confirmed", "confirmed", value=lambda record: "confirmed" if record["confirmed"] else "repeated")

PAGE = (
    Scatter("Indicator against repeat probability", INDICATOR, REPEAT, TOKEN, group=VERDICT, log_y=True),
    SampleTable("Candidates", (
        Column("Token id", "id", "integer"),
        TOKEN,
        INDICATOR,
        REPEAT,
        Column("Unembedding norm", "unembedding_norm", "number"),
        Column("Embedding norm", "embedding_norm", "number"),
        VERDICT,
    ), sorts=("indicator", "repeat_probability", "confirmed"), default_sort="-indicator", page_size=50,
        description="The tokens the weight indicator ranked most untrained-looking, checked by asking the "
                    "model to repeat them. Token text is escaped: line breaks and non-ASCII characters "
                    "appear as \\n and \\uXXXX."),
)

SAMPLE_SCORE = SampleScore("repeat probability (highest over prompts)", lambda record: record["repeat_probability"])
