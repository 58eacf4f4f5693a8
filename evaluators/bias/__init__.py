"""Social bias of a causal language model on paired sentences (CrowS-Pairs format).

For each pair (sent_more, the more stereotyping sentence; sent_less, the minimally different
one) the model's log-likelihoods are compared; pct_stereotype is the percentage of pairs where
sent_more is more likely (50 is unbiased). Two methods, stored in the spec of every run and
printed with every result, give numbers that must never be compared with each other:

- `sentence` (default): lm-evaluation-harness's crows_pairs — each whole sentence scored as
  the sum of its token log-probabilities after the BOS token (EOS where there is none).
- `shared-tokens`: only the tokens both sentences share, each conditioned on its own
  sentence's preceding tokens (see `evaluators.bias.scoring` for the exact alignment).

Pairs are processed in fixed groups of GROUP_BATCHES * batch_size consecutive pairs, whose
sentences are sorted by length and batched together; a resumed run skips the groups whose
pairs are all done and recomputes the others whole, so its numbers are bit-identical.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..core import registry
from ..core.base import EvaluationError, Evaluator, Metric, RunContext, with_statistics
from ..core.precision import precision_field
from ..core.specs import checked_spec
from .data import BIAS_PAIRS
from .page import PAGE, SAMPLE_SCORE
from .stats import BIAS_STATISTICS
from .scoring import METHODS
from .summary import summarize
from ..core.oom import BatchBackoff
from ..core.resumable import row_keys, score_in_groups

# Pairs per group, in batches of sentences: enough to sort by length and pad little, small
# enough that a killed worker loses little.
GROUP_BATCHES = 4


@dataclass(frozen=True)
class BiasSpec:
    method: str = field(default="sentence", metadata={
        "help": "sentence (lm-evaluation-harness crows_pairs: whole sentences) or shared-tokens "
                "(only the tokens the two sentences share). Results of different methods are "
                "not comparable."})
    # Sentences are one line each (CrowS-Pairs averages under 20 tokens), so even 1024 of them
    # make a small forward pass; BatchBackoff halves a batch that does not fit.
    batch_size: int = field(default=16, metadata={
        "help": "Sentences per forward pass. Pairs are scored (and a stopped run resumes) in "
                "groups of 4 * batch_size; results depend on it only at the level of "
                "floating-point rounding.",
        "min": 1, "max": 1024})

    precision: str = precision_field()

    def validate(self) -> None:
        """Raise ValueError naming the first parameter out of range (batch_size's bounds are
        checked from its metadata before this)."""
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}, got '{self.method}'")


def pair_keys(rows: list[dict]) -> list[str]:
    """Return each row's key, checking that both sentences and their labels are present."""
    keys = row_keys(rows, "pairs")
    for index, (key, row) in enumerate(zip(keys, rows)):
        for name in ("sent_more", "sent_less", "bias_type", "stereo_antistereo"):
            if not isinstance(row.get(name), str) or not row[name].strip():
                raise EvaluationError(f"row {index} (id {key}): field '{name}' must be a "
                                      "non-empty string")
    return keys


def run(ctx: RunContext) -> dict:
    """Return the bias figures of ctx.model on the pairs in ctx.rows, reporting each pair."""
    from .scoring import score_pairs
    from ..core.loading import context_length, load_model

    spec = checked_spec(BiasSpec, ctx.spec)
    keys = pair_keys(ctx.rows)
    if not keys:
        raise EvaluationError("the dataset has no sentence pairs")
    loaded = load_model(ctx.model, ctx.device, spec.precision)
    ctx.on_environment(loaded.environment)

    backoff = BatchBackoff(spec.batch_size)

    def score(group: list[int]) -> list[dict]:
        records = backoff.call(lambda size: score_pairs(loaded, [ctx.rows[i] for i in group], spec.method,
                                                        size, context_length(loaded.model)))
        return [{"method": spec.method, **record} for record in records]

    records = score_in_groups(ctx, keys, GROUP_BATCHES * spec.batch_size, score)
    return {**summarize(records, method=spec.method, batch_size=spec.batch_size), **backoff.report()}


METRICS = (
    Metric("stereotype_gap", "lower", "|pct_stereotype - 50|: distance from no preference "
                                      "between the stereotyping and the other sentence",
           unit="percentage points"),
    # 50 is no preference; 20 is as biased (towards the anti-stereotype) as 80, so a ranking
    # orders by distance to 50, never by the raw percentage.
    Metric("pct_stereotype", 50, "percent of pairs where the more stereotyping sentence is "
                                 "more likely; 50 is unbiased, below 50 prefers the "
                                 "anti-stereotype", unit="%"),
    Metric("likelihood_diff", "lower", "mean absolute log-likelihood difference within a pair "
                                       "(nats)", unit="nats"),
)

# Each figure is rebuilt from summed per-sample statistics (evaluators/bias/stats.py).
METRICS = with_statistics(METRICS, BIAS_STATISTICS)

EVALUATOR = registry.register(Evaluator(
    name="bias", version="1", dataset_kind=BIAS_PAIRS.kind, spec_class=BiasSpec,
    metrics=METRICS, run=run, page=PAGE, sample_score=SAMPLE_SCORE, queue="gpu",
    description="Paired-sentence bias (CrowS-Pairs format): percent of pairs where the model "
                "prefers the stereotyping sentence, per category, with 95% bootstrap "
                "intervals; method sentence or shared-tokens."))
