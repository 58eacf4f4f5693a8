"""The contract between an evaluator and whoever runs it (the CLI or a Celery worker).

An evaluator is plain Python: it gets a `RunContext` and returns a flat JSON-able dict,
the same dict `python -m evaluators <name>` prints. Whoever runs it turns the registered
metrics of that dict into stored metric results. How a spec is read and checked is specs.py.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal, Sequence

# Spec errors and the spec machinery live in specs.py; an evaluator is declared here with them.
from .specs import make_spec, parameter_schema

Direction = Literal["higher", "lower"]
Goal = Literal["higher", "lower"] | float


class EvaluationError(RuntimeError):
    """The evaluation cannot go on; the message tells a person what to do."""


class Cancelled(Exception):
    """Raised from a progress callback to stop an evaluation that a user cancelled."""


@dataclass(frozen=True)
class SampleStatistic:
    """How a metric is rebuilt from per-sample records: value = reduce(sum of read(record)).

    `read` turns one record into its k sufficient statistics (tokens and NLL, hits and 1, BLEU's
    n-gram matches and totals...), raising KeyError or TypeError where a record lacks them (records
    of older runs). `reduce` maps sums of shape (..., k) to values of shape (...), vectorised, so
    one call scores every bootstrap resample. Intervals and paired rank tests both resample
    samples and reduce the resampled sums (evaluators/core/paired.py).
    """

    fields: tuple[str, ...]
    read: Callable[[dict], Sequence[float]]
    reduce: Callable[[Any], Any]


@dataclass(frozen=True)
class Metric:
    """A registered metric: what it means and what "better" is.

    `goal` is "higher", "lower", or a target value (a number) where both ways away from it are
    worse: a model that prefers stereotypes in 50% of pairs has no preference, one at 20% is as
    biased (the other way) as one at 80%. Rankings order by `badness`, smallest first.
    """

    name: str
    goal: Goal
    description: str = ""
    unit: str = ""
    # None where the metric is not a function of summed per-sample statistics (no paired test).
    statistic: SampleStatistic | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.goal not in ("higher", "lower") and (isinstance(self.goal, bool)
                                                     or not isinstance(self.goal, (int, float))):
            raise TypeError(f"metric '{self.name}': goal must be 'higher', 'lower' or a number, "
                            f"got {self.goal!r}")

    @property
    def target(self) -> float | None:
        """The value the metric should reach, or None for an open-ended goal."""
        return None if self.goal in ("higher", "lower") else float(self.goal)

    @property
    def direction(self) -> Direction:
        """'higher' or 'lower' for `badness`: a target's distance is better when lower."""
        return "higher" if self.goal == "higher" else "lower"

    def badness(self, value: float) -> float:
        """Return a number that is smaller for a better value (the sort key of rankings)."""
        if self.goal == "higher":
            return -value
        if self.goal == "lower":
            return value
        return abs(value - float(self.goal))

    def goal_label(self) -> str:
        """Say in words what is better, for pages and exports."""
        if self.target is None:
            return f"{self.goal} is better"
        return f"closer to {self.target:g} is better"


def with_statistics(metrics: tuple[Metric, ...],
                    statistics: dict[str, SampleStatistic]) -> tuple[Metric, ...]:
    """Return `metrics` with each named one carrying its statistic; an unknown name raises."""
    unknown = sorted(set(statistics) - {metric.name for metric in metrics})
    if unknown:
        raise KeyError(f"statistics for unregistered metrics: {', '.join(unknown)}")
    return tuple(dataclasses.replace(metric, statistic=statistics[metric.name])
                 if metric.name in statistics else metric for metric in metrics)


@dataclass(frozen=True)
class ModelRef:
    """Where a model's files are: a local directory or a hub id pinned to a revision."""

    source: str
    revision: str | None = None
    trust_remote_code: bool = False
    allow_pickle_weights: bool = False


@dataclass(frozen=True)
class CompletionsUpload:
    """How an evaluator scores outputs made elsewhere instead of running a model.

    A model served behind someone else's API cannot be loaded, but its completions can be
    uploaded as a dataset of kind `kind`; the spec field `field` names that upload (by slug on the
    platform), and when it is set the model is never loaded. `scoring_fields` are the spec fields
    that still matter then (the generation settings describe how someone else made the outputs),
    so a leaderboard ranks an upload beside model runs whose scoring fields are the same.
    """

    field: str
    kind: str
    scoring_fields: tuple[str, ...]
    # check(rows, uploaded, spec) raises EvaluationError when the upload does not fit the dataset's
    # rows under `spec` (a task missing, too few samples for k), so a request is refused at once
    # rather than failing on a worker; the run checks again with the same function.
    check: Callable[[list[dict], list[dict], Any], None] | None = field(default=None, compare=False, repr=False)

    def named_in(self, spec: dict) -> bool:
        """Whether `spec` (as JSON) scores an upload rather than a model's own outputs."""
        return bool(spec.get(self.field))

    def same_scoring(self, spec: dict, other: dict) -> bool:
        return all(spec.get(name) == other.get(name) for name in self.scoring_fields)


def _ignore_sample(key: str, index: int, record: dict) -> None:
    return None


def _ignore_progress(done: int, total: int) -> None:
    return None


def _ignore_environment(environment: dict) -> None:
    return None


def _never_stop() -> bool:
    return False


@dataclass
class RunContext:
    """Everything one execution of an evaluator needs, and the hooks it reports through.

    `done` holds per-sample records from an earlier, interrupted attempt (key -> record):
    the evaluator skips those samples and folds their records into the final numbers,
    so a resumed run ends with the same figures as an uninterrupted one. `models` holds the
    other models the spec names (e.g. a draft model), by spec field. `completions` holds the
    rows of the uploaded outputs the spec names (Evaluator.completions_upload), else None.

    `should_stop()` says whether whoever runs the evaluation wants it to stop (a user cancelled
    the run). Long loops call it often, down to every generated token, and raise `Cancelled`
    when it says yes; it must be cheap, so the caller decides how often it really looks.

    `output_dir` is a folder of this run's own for the files an evaluator makes (trained Medusa
    heads); None where the caller gives none. The evaluator creates it; a new attempt may find
    an earlier attempt's files there and overwrites them.
    """

    model: ModelRef
    rows: list[dict]
    spec: Any
    device: str = "auto"
    models: dict[str, ModelRef] = field(default_factory=dict)
    done: dict[str, dict] = field(default_factory=dict)
    completions: list[dict] | None = None
    on_sample: Callable[[str, int, dict], None] = _ignore_sample
    on_progress: Callable[[int, int], None] = _ignore_progress
    on_environment: Callable[[dict], None] = _ignore_environment
    should_stop: Callable[[], bool] = _never_stop
    output_dir: Path | None = None


@dataclass(frozen=True)
class Evaluator:
    """A registered evaluation: its name, version, parameters and what its metrics mean."""

    name: str
    version: str
    dataset_kind: str
    spec_class: type
    metrics: tuple[Metric, ...]
    run: Callable[[RunContext], dict]
    queue: str = "gpu"
    description: str = ""
    # Spec fields that name another registered model (by slug on the platform, by path in the
    # shell); the runner resolves them into RunContext.models and the fingerprint includes them.
    model_params: tuple[str, ...] = ()
    # True for measurements that must have the device to themselves (timings).
    exclusive_device: bool = False
    # False where a result describes the machine as much as the inputs (timings): every request
    # measures anew instead of reusing a finished run with the same fingerprint.
    reuse_results: bool = True
    # What the run page shows below the metrics, in order (evaluators/core/pages.py); empty: the
    # first records as they are.
    page: tuple = ()
    # What one sample scores, for the comparison page's "samples that differ most" (a SampleScore).
    sample_score: Any = None
    # A metric the leaderboards plot as the speed axis of their quality-versus-speed chart.
    speed_metric: str = ""
    # Where the evaluator can score uploaded outputs instead of a model's own (CompletionsUpload).
    completions_upload: CompletionsUpload | None = None
    # Spec fields that name trained Medusa heads: a folder in the shell; on the platform the slug
    # of registered heads of the run's own model, which the runner replaces with their folder (a
    # request never names a path on a worker) and the fingerprint identifies by their weights.
    heads_params: tuple[str, ...] = ()
    # What the run's progress counts (RunContext.on_progress), as the run page words it.
    progress_unit: str = "samples"

    def metric(self, name: str) -> Metric:
        for metric in self.metrics:
            if metric.name == name:
                return metric
        raise KeyError(name)

    def make_spec(self, params: dict | None) -> Any:
        """Return the frozen spec for `params`, or raise SpecError naming the bad field."""
        return make_spec(self.spec_class, params or {})

    def parameter_schema(self) -> dict:
        return parameter_schema(self.spec_class)

    def check_fits_context(self, spec: dict, context_length: int | None) -> None:
        """Raise SpecError naming the first length parameter the model's context cannot hold."""
        from .limits import check_fits_context

        check_fits_context(self.spec_class, spec, context_length)
