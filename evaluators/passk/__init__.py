"""pass@k: generate n completions per HumanEval-format problem, run each with the problem's tests in
a bubblewrap sandbox (sandbox.py), and report the unbiased pass@k (Chen et al. 2021) with 95%
intervals over problems, CodeBLEU of the completions against the canonical solutions, and how
far the two agree (Spearman's rank correlation over problems).

Generation and execution happen in the same task on the worker that has the model: the programs
of a batch run in parallel on the worker's CPU cores while the accelerator waits, which keeps
completions on the machine that made them and needs no second queue. Each problem is one
per-sample record (its n completions, outcomes and stderr tails), so a resumed run skips
problems already executed.

A model served elsewhere is scored from its uploaded completions (`completions` names a
`code_completions` dataset): nothing is generated, the same sandbox and scoring run, and a
leaderboard ranks the upload beside models whose runs used the same k, timeout and memory.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..core import registry
from ..core.base import CompletionsUpload, EvaluationError, Evaluator, Metric, RunContext, SampleStatistic
from ..core.precision import precision_field
from ..core.specs import checked_spec, spec_to_dict
from ..core.completions import CODE_COMPLETIONS
from .data import CODE_TESTS
from .estimator import pass_at_k_statistic
from .page import PAGE, SAMPLE_SCORE
from .uploaded import completions_by_problem

# The k a run may ask for: each is a registered metric, so leaderboards can rank it.
ALLOWED_K = (1, 2, 5, 10, 20, 50, 100)
# HumanEval's stop sequences (Chen et al. 2021): a new top-level statement ends the function.
HUMANEVAL_STOPS = ("\ndef", "\nclass", "\nif", "\nprint", "\n#")
MAX_SAMPLES = 200


@dataclass(frozen=True)
class PasskSpec:
    n: int = field(default=1, metadata={
        "help": "Completions per problem; 1 is greedy, more are sampled.", "min": 1, "max": MAX_SAMPLES})
    k: list[int] = field(default=(1,), metadata={
        "help": f"The k of pass@k, each from {', '.join(map(str, ALLOWED_K))} and at most n.",
        "min": 1, "max": max(ALLOWED_K), "max_items": len(ALLOWED_K)})
    temperature: float = field(default=0.8, metadata={
        "help": "Sampling temperature when n > 1.", "above": 0.0, "max": 10.0})
    top_p: float = field(default=0.95, metadata={"help": "Nucleus mass when n > 1.", "above": 0.0, "max": 1.0})
    max_new_tokens: int = field(default=256, metadata={
        "help": "Most new tokens per completion; below the model's context length.",
        "min": 1, "max": 4096, "context": "below"})
    stop: list[str] = field(default=HUMANEVAL_STOPS, metadata={
        "help": "A completion is cut before the first of these (HumanEval's by default).",
        "max_items": 16, "max_length": 100})
    seed: int = field(default=0, metadata={"help": "Batch b samples with seed + b.", "min": 0, "max": 2**32 - 1})
    batch_size: int = field(default=4, metadata={"help": "Problems per generate() call.", "min": 1, "max": 64})
    timeout_s: float = field(default=3.0, metadata={
        "help": "Wall-clock seconds per program, sandbox start-up included.", "above": 0.0, "max": 60.0})
    memory_mb: int = field(default=1024, metadata={
        "help": "Address space per program, in MiB.", "min": 64, "max": 16384})
    completions: str = field(default="", metadata={
        "help": "An uploaded code_completions dataset (its slug, pinned to a version as slug@N) to "
                "score instead of generating: the path for a model served elsewhere. The generation "
                "settings are then ignored.", "max_length": 200})

    precision: str = precision_field()

    def validate(self) -> None:
        unknown = [k for k in self.k if k not in ALLOWED_K]
        if unknown:
            raise ValueError(f"k: {unknown[0]} is not one of {', '.join(map(str, ALLOWED_K))}")
        if not self.k:
            raise ValueError("k must list at least one value")
        # Uploaded completions bring their own n per problem, checked when the run reads them.
        if max(self.k) > self.n and not self.completions:
            raise ValueError(f"k: pass@{max(self.k)} needs n of at least {max(self.k)}, got n={self.n}")
        if self.n * self.batch_size > 1024:
            raise ValueError(f"n × batch_size must be at most 1024 sequences per generate() call, "
                             f"got {self.n * self.batch_size}")


def run(ctx: RunContext) -> dict:
    """Generate, execute and score; see the module docstring."""
    from .agreement import codebleu_summary
    from .runner import generate_and_execute
    from .scoring import summarize
    from .uploaded import execute_uploaded

    spec = checked_spec(PasskSpec, ctx.spec)
    if not ctx.rows:
        raise EvaluationError("the dataset has no problems")

    records, report = execute_uploaded(ctx, spec) if spec.completions else generate_and_execute(ctx, spec)
    summary = summarize(records, list(spec.k))
    return {**summary, **codebleu_summary(records), "n": len(records), **report, "spec": spec_to_dict(spec)}


def _codebleu_sums(record: dict) -> tuple[float, float]:
    # A problem without a canonical solution contributes nothing to the mean.
    scores = record["codebleu"]
    return (sum(scores) / len(scores), 1.0) if scores else (0.0, 0.0)


MEAN_CODEBLEU = SampleStatistic(("codebleu", "problems"), _codebleu_sums,
                                lambda sums: sums[..., 0] / sums[..., 1])

METRICS = tuple(Metric(f"pass@{k}", "higher", f"chance that at least one of {k} samples passes the tests "
                                             "(unbiased estimator, mean over problems)",
                       unit="share", statistic=pass_at_k_statistic(k)) for k in ALLOWED_K) + (
    Metric("codebleu", "higher", "mean CodeBLEU of the completions against the canonical solution, "
                                 "over problems that have one", statistic=MEAN_CODEBLEU),
    Metric("codebleu_pass_spearman", "higher", "Spearman rank correlation over problems between mean "
                                               "CodeBLEU and pass rate (how far looking right predicts "
                                               "running right)"),
)

EVALUATOR = registry.register(Evaluator(
    name="passk", version="1", dataset_kind=CODE_TESTS.kind, spec_class=PasskSpec, metrics=METRICS,
    run=run, page=PAGE, sample_score=SAMPLE_SCORE, queue="gpu",
    completions_upload=CompletionsUpload(field="completions", kind=CODE_COMPLETIONS.kind,
                                         scoring_fields=("k", "timeout_s", "memory_mb"), check=completions_by_problem),
    description="Execution-based code evaluation: n completions per HumanEval-format problem run "
                "with its tests in a bubblewrap sandbox; unbiased pass@k with 95% intervals, and "
                "CodeBLEU beside it on the same samples."))
