"""The `glitch-tokens` evaluator: the under-trained-token scan as a registered, resumable run.

Its dataset is the set of repetition prompts that verify candidates (kind `repeat_prompts`), so
runs with the same prompts are comparable on a leaderboard and a user can add prompts suited to
their model. Candidates are the same for the same weights (the indicator is deterministic); each
verified candidate is a sample keyed by its token id, verified in fixed groups of
GROUP_BATCHES * batch_size tokens, so a resumed run skips the finished groups and ends with the
numbers an uninterrupted run gives.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..core import registry
from ..core.base import EvaluationError, Evaluator, Metric, RunContext
from ..core.precision import precision_field
from ..core.specs import checked_spec
from .page import PAGE, SAMPLE_SCORE
from .prompts import REPEAT_PROMPTS
from .scan import DEFAULT_THRESHOLD

GROUP_BATCHES = 4
# A vocabulary of a few hundred thousand tokens, all of them checked, is the most anyone needs.
MAX_CANDIDATES = 300_000


@dataclass(frozen=True)
class GlitchSpec:
    candidates: int | None = field(default=None, metadata={
        "help": "Tokens to verify, strongest indicator first. Empty: 2% of the normal tokens, at least 20.",
        "min": 1, "max": MAX_CANDIDATES})
    threshold: float = field(default=DEFAULT_THRESHOLD, metadata={
        "help": "A candidate is confirmed when no prompt makes the model repeat it with at least this "
                "probability.", "above": 0.0, "max": 0.99})
    # Each prompt is one token longer than its template, so a batch is batch_size x (template
    # length + 1) tokens: small next to any model's context.
    batch_size: int = field(default=64, metadata={
        "help": "Candidates per forward pass (one pass per prompt). Results depend on it only at the "
                "level of floating-point rounding.", "min": 1, "max": 4096})
    precision: str = precision_field()


def run(ctx: RunContext) -> dict:
    """Scan ctx.model for under-trained tokens, verifying candidates with the prompts in ctx.rows."""
    from ..core.loading import load_model
    from ..core.resumable import row_keys, score_in_groups
    from .prompts import usable
    from .scan import select_candidates, summarize, verify_candidates

    spec = checked_spec(GlitchSpec, ctx.spec)
    row_keys(ctx.rows, "prompts")  # prompt ids name each probability: they must be unique
    loaded = load_model(ctx.model, ctx.device, spec.precision)
    ctx.on_environment(loaded.environment)
    prompts = usable(loaded.tokenizer, ctx.rows)
    skipped = [row["id"] for row in ctx.rows if row not in prompts]
    if not prompts:
        raise EvaluationError(f"none of the {len(ctx.rows)} prompts can run on this model: they are chat "
                              "prompts and its tokenizer has no chat template")
    selection = select_candidates(loaded.model, loaded.tokenizer, spec.candidates)
    if not selection.chosen:
        raise EvaluationError("the tokenizer has no normal tokens to check (every token is special, added "
                              "or unreachable)")
    keys = [str(token_id) for token_id in selection.chosen]

    def verify(group: list[int]) -> list[dict]:
        return verify_candidates(loaded, selection, [selection.chosen[i] for i in group], prompts,
                                 spec.threshold, spec.batch_size)

    records = score_in_groups(ctx, keys, GROUP_BATCHES * spec.batch_size, verify)
    return summarize(selection, records, prompts, skipped, spec.threshold)


METRICS = (
    Metric("confirmed_share", "lower", "share of the tokenizer's normal tokens confirmed as under-trained "
                                       "(the model cannot repeat them)", unit="share"),
    Metric("confirmed_tokens", "lower", "number of tokens confirmed as under-trained"),
)

EVALUATOR = registry.register(Evaluator(
    name="glitch-tokens", version="1", dataset_kind=REPEAT_PROMPTS.kind, spec_class=GlitchSpec,
    metrics=METRICS, run=run, page=PAGE, sample_score=SAMPLE_SCORE, queue="gpu",
    description="Under-trained (glitch) tokens, after Land & Bartolo 2024: tokenizer categories, an "
                "unembedding indicator, and a repetition check of the strongest candidates."))
