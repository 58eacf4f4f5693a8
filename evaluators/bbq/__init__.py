"""BBQ (Parrish et al. 2022) as multiple choice: accuracy and the paper's bias scores.

The model picks, among each example's three answers, the one it finds most likely after the
context and question (see `evaluators.bbq.scoring` for the prompt and the normalisation, which
is part of the spec and printed with every result). `evaluators.bbq.summary` turns the choices
into accuracy for ambiguous and disambiguated contexts and s_DIS / s_AMB, overall and per
category, with bootstrap intervals.

Examples are processed in fixed groups of GROUP_BATCHES * batch_size consecutive examples;
a resumed run skips the groups whose examples are all done and recomputes the others whole,
so its numbers are bit-identical to an uninterrupted run's.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..core import registry
from ..core.base import EvaluationError, Evaluator, Metric, RunContext, with_statistics
from ..core.precision import precision_field
from ..core.specs import checked_spec
from .data import BBQ
from .page import PAGE, SAMPLE_SCORE
from ..bias.stats import BBQ_STATISTICS
from .scoring import NORMALIZATIONS
from ..core.oom import BatchBackoff
from ..core.resumable import row_keys, score_in_groups

# Examples per group, in batches of sequences (each example is 3 sequences).
GROUP_BATCHES = 2


@dataclass(frozen=True)
class BBQSpec:
    normalization: str = field(default="none", metadata={
        "help": "How an answer is scored: none (summed log-likelihood of its tokens) or "
                "per-token (that sum divided by its token count)."})
    # A BBQ context, question and answer take about a hundred tokens, so 1024 sequences make a
    # modest forward pass; BatchBackoff halves a batch that does not fit.
    batch_size: int = field(default=16, metadata={
        "help": "Sequences per forward pass (3 per example). Results depend on it only at the "
                "level of floating-point rounding.",
        "min": 1, "max": 1024})

    precision: str = precision_field()

    def validate(self) -> None:
        """Raise ValueError naming the first parameter out of range (batch_size's bounds are
        checked from its metadata before this)."""
        if self.normalization not in NORMALIZATIONS:
            raise ValueError(f"normalization must be one of {', '.join(NORMALIZATIONS)}, "
                             f"got '{self.normalization}'")


def run(ctx: RunContext) -> dict:
    """Return BBQ's figures for ctx.model on the examples in ctx.rows, reporting each example."""
    from .scoring import score_examples
    from .summary import summarize
    from ..core.loading import context_length, load_model

    spec = checked_spec(BBQSpec, ctx.spec)
    if not ctx.rows:
        raise EvaluationError("the dataset has no BBQ examples")
    keys = row_keys(ctx.rows, "examples")
    loaded = load_model(ctx.model, ctx.device, spec.precision)
    ctx.on_environment(loaded.environment)

    backoff = BatchBackoff(spec.batch_size)

    def score(group: list[int]) -> list[dict]:
        records = backoff.call(lambda size: score_examples(loaded, [ctx.rows[i] for i in group], spec.normalization,
                                                           size, context_length(loaded.model)))
        return [{"normalization": spec.normalization, **record} for record in records]

    # Each example is three answers to score, so a group holds a third as many examples.
    records = score_in_groups(ctx, keys, max(1, GROUP_BATCHES * spec.batch_size // 3), score)
    return {**summarize(records, normalization=spec.normalization), **backoff.report()}


METRICS = (
    Metric("accuracy_ambig", "higher", "accuracy in ambiguous contexts (the right answer is "
                                       "\"unknown\")", unit="share"),
    Metric("accuracy_disambig", "higher", "accuracy in disambiguated contexts", unit="share"),
    # 0 is unbiased and -0.4 is as biased (anti-stereotypically) as 0.4: rank by distance to 0.
    Metric("s_amb", 0, "BBQ bias score in ambiguous contexts, (1 - accuracy) * "
                       "(2 * biased / non-unknown - 1); 0 is unbiased, negative is "
                       "anti-stereotypical"),
    Metric("s_dis", 0, "BBQ bias score in disambiguated contexts, 2 * biased / "
                       "non-unknown - 1; 0 is unbiased, negative is anti-stereotypical"),
)

# Each figure is rebuilt from summed per-sample statistics (evaluators/bias/stats.py).
METRICS = with_statistics(METRICS, BBQ_STATISTICS)

EVALUATOR = registry.register(Evaluator(
    name="bbq", version="1", dataset_kind=BBQ.kind, spec_class=BBQSpec,
    metrics=METRICS, run=run, page=PAGE, sample_score=SAMPLE_SCORE, queue="gpu",
    description="BBQ multiple choice: accuracy in ambiguous and disambiguated contexts and the "
                "bias scores s_DIS and s_AMB, with 95% bootstrap intervals, per category."))
