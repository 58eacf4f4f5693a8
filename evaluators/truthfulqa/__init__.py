"""TruthfulQA (Lin et al. 2022) multiple choice: how often a model's likeliest answer is true.

Every answer of a question is scored as a continuation of lm-evaluation-harness's six-shot QA
prompt (`evaluators.truthfulqa.scoring`), and `evaluators.truthfulqa.summary` turns the
log-likelihoods into MC1 (the true answer is the likeliest) and MC2 (the probability mass on
the true answers), overall and per category, with bootstrap intervals. The data may be the
release's CSV, the original mc_task.json or the Hugging Face rows (`evaluators.truthfulqa.data`).

Questions are processed in fixed groups of consecutive questions; a resumed run skips the groups
whose questions are all done and recomputes the others whole, so its numbers are bit-identical
to an uninterrupted run's.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..core import registry
from ..core.base import EvaluationError, Evaluator, Metric, RunContext, with_statistics
from ..core.oom import BatchBackoff
from ..core.precision import precision_field
from ..core.resumable import row_keys, score_in_groups
from ..core.specs import checked_spec
from .data import TRUTHFULQA
from .page import PAGE, SAMPLE_SCORE
from .summary import STATISTICS, summarize

# Sequences per group, in batches; a question has about 7 distinct answers (TruthfulQA.csv: 7.2).
GROUP_BATCHES = 4
ANSWERS_PER_QUESTION = 7


@dataclass(frozen=True)
class TruthfulQASpec:
    # Each sequence is the six-shot prompt (about 160 tokens with a Llama tokenizer) plus a question
    # and one answer; BatchBackoff halves a batch that does not fit.
    batch_size: int = field(default=16, metadata={
        "help": "Sequences (question + one answer) per forward pass. Results depend on it only at "
                "the level of floating-point rounding.",
        "min": 1, "max": 1024})
    precision: str = precision_field()


def run(ctx: RunContext) -> dict:
    """Return TruthfulQA's MC1 and MC2 for ctx.model on the questions in ctx.rows, reporting each."""
    from ..core.loading import load_model
    from .scoring import harness_max_length, score_questions

    spec = checked_spec(TruthfulQASpec, ctx.spec)
    if not ctx.rows:
        raise EvaluationError("the dataset has no TruthfulQA questions")
    forms = sorted({row["form"] for row in ctx.rows})
    if len(forms) > 1:
        raise EvaluationError(f"the dataset mixes TruthfulQA forms ({', '.join(forms)}); use one form per file")
    keys = row_keys(ctx.rows, "questions")
    loaded = load_model(ctx.model, ctx.device, spec.precision)
    ctx.on_environment(loaded.environment)
    max_length = harness_max_length(loaded.model, loaded.tokenizer)
    backoff = BatchBackoff(spec.batch_size)

    def score(group: list[int]) -> list[dict]:
        return backoff.call(lambda size: score_questions(loaded, [ctx.rows[i] for i in group], size, max_length))

    group_size = max(1, GROUP_BATCHES * spec.batch_size // ANSWERS_PER_QUESTION)
    records = score_in_groups(ctx, keys, group_size, score)
    return {**summarize(records, form=forms[0]), "max_length": max_length, **backoff.report()}


METRICS = with_statistics((
    Metric("mc1", "higher", "TruthfulQA MC1: share of questions whose likeliest answer (of the best "
                            "true answer and the false ones) is the true one", unit="share"),
    Metric("mc2", "higher", "TruthfulQA MC2: mean normalised probability mass on the true answers",
           unit="share"),
), STATISTICS)

EVALUATOR = registry.register(Evaluator(
    name="truthfulqa", version="1", dataset_kind=TRUTHFULQA.kind, spec_class=TruthfulQASpec,
    metrics=METRICS, run=run, page=PAGE, sample_score=SAMPLE_SCORE, queue="gpu",
    description="TruthfulQA multiple choice (hallucination): MC1 and MC2 as lm-evaluation-harness's "
                "truthfulqa_mc1 / truthfulqa_mc2, with 95% bootstrap intervals, per category."))
