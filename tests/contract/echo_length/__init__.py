"""echo_length: how many of a line's tokens a model can hold, i.e. its length in the model's tokens,
cut at the model's context. It exists only in the tests, to prove that an evaluator package alone,
with no platform file changed, appears everywhere the platform shows evaluators."""
from __future__ import annotations

from dataclasses import dataclass, field

from evaluators.core import registry
from evaluators.core.base import Evaluator, Metric, RunContext, SampleStatistic
from evaluators.core.specs import checked_spec
from evaluators.core.paired import statistic_interval

from .data import LINES
from .page import PAGE, SAMPLE_SCORE


@dataclass(frozen=True)
class EchoSpec:
    cap: int = field(default=1024, metadata={"help": "Count at most this many tokens per line.",
                                             "min": 1, "max": 1_000_000})


def run(ctx: RunContext) -> dict:
    from transformers import AutoConfig, AutoTokenizer

    spec = checked_spec(EchoSpec, ctx.spec)
    tokenizer = AutoTokenizer.from_pretrained(ctx.model.source)
    context = AutoConfig.from_pretrained(ctx.model.source).max_position_embeddings
    records = []
    for index, row in enumerate(ctx.rows):
        record = ctx.done.get(row["id"])
        if record is None:
            length = min(len(tokenizer(row["text"])["input_ids"]), context, spec.cap)
            record = {"text": row["text"], "length": length}
            ctx.on_sample(row["id"], index, record)
        records.append(record)
        ctx.on_progress(index + 1, len(ctx.rows))
    # The value and its 95% interval from the metric's own per-sample statistic.
    value, (low, high) = statistic_interval(records, EVALUATOR.metric("mean_length"))
    return {"mean_length": value, "mean_length_ci": [low, high], "n": len(records)}


MEAN_LENGTH = SampleStatistic(("length", "count"), lambda record: (record["length"], 1.0),
                              lambda sums: sums[..., 0] / sums[..., 1])

EVALUATOR = registry.register(Evaluator(
    name="echo_length", version="1", dataset_kind=LINES.kind, spec_class=EchoSpec,
    metrics=(Metric("mean_length", "higher", "mean tokens per line the model holds", unit="tokens",
                    statistic=MEAN_LENGTH),),
    run=run, queue="default", page=PAGE, sample_score=SAMPLE_SCORE,
    description="Echo length: each line's length in the model's tokens, cut at its context."))
