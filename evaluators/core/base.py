"""The contract between an evaluator and whoever runs it (the CLI or a Celery worker).

An evaluator is plain Python: it gets a `RunContext` and returns a flat JSON-able dict,
the same dict `python -m evaluators <name>` prints. Whoever runs it turns the registered
metrics of that dict into stored metric results.
"""
from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Literal, Sequence

Direction = Literal["higher", "lower"]
Goal = Literal["higher", "lower"] | float


class SpecError(ValueError):
    """A parameter of an evaluation spec is missing, unknown or of the wrong type."""


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


_JSON_TYPES = {int: "integer", float: "number", str: "string", bool: "boolean"}
_JSON_SAFE_INT = 2**53 - 1
# Field metadata bounds and the JSON-schema keywords that say the same. On a list field they
# bound each item, and "max_items" bounds how many there are.
_SCHEMA_BOUNDS = {"min": "minimum", "max": "maximum", "above": "exclusiveMinimum", "max_length": "maxLength"}


@dataclass(frozen=True)
class FieldType:
    """A spec field's JSON type: its base type, whether null is allowed, and whether it is a list."""

    base: type
    nullable: bool
    is_list: bool


def _field_types(spec_class: type) -> dict[str, FieldType]:
    """Map each field to its FieldType, from its annotation string (int, float, str, bool, an
    optional one of those with "| None", or list[int] / list[str])."""
    types: dict[str, FieldType] = {}
    by_name = {t.__name__: t for t in _JSON_TYPES}
    for f in dataclasses.fields(spec_class):
        annotation = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
        parts = [p.strip() for p in str(annotation).split("|")]
        nullable = "None" in parts
        names = [p for p in parts if p != "None"]
        is_list = len(names) == 1 and names[0].startswith("list[") and names[0].endswith("]")
        if is_list:
            names = [names[0][len("list["):-1].strip()]
        if len(names) != 1 or names[0] not in by_name or (is_list and names[0] not in ("int", "str")):
            raise TypeError(f"{spec_class.__name__}.{f.name}: spec fields must be int, float, str, bool, "
                            "list[int] or list[str]")
        types[f.name] = FieldType(by_name[names[0]], nullable, is_list)
    return types


def make_spec(spec_class: type, params: dict) -> Any:
    """Build a frozen spec from JSON parameters, checking names and types strictly."""
    if not isinstance(params, dict):
        raise SpecError("parameters must be a JSON object")
    types = _field_types(spec_class)
    metadata = {f.name: f.metadata for f in dataclasses.fields(spec_class)}
    unknown = sorted(set(params) - set(types))
    if unknown:
        raise SpecError(f"unknown parameter '{unknown[0]}'; accepted: {', '.join(sorted(types))}")
    values = {}
    for name, value in params.items():
        kind = types[name]
        if value is None and kind.nullable:
            values[name] = None
        elif kind.is_list:
            values[name] = _checked_list(name, value, kind.base, metadata[name])
        else:
            values[name] = _checked_value(name, value, kind.base, kind.nullable, metadata[name])
    spec = spec_class(**values)
    validate = getattr(spec, "validate", None)
    if validate is not None:
        try:
            validate()
        except ValueError as error:
            raise SpecError(str(error)) from None
    return spec


def _checked_value(name: str, value: Any, base: type, nullable: bool, metadata: Any) -> Any:
    # bool is an int in Python; a JSON true must not pass as 1.
    ok = isinstance(value, base) and not (base is not bool and isinstance(value, bool))
    if base is float and isinstance(value, int) and not isinstance(value, bool):
        value, ok = float(value), True
    if not ok:
        raise SpecError(f"parameter '{name}' must be {_JSON_TYPES[base]}"
                        f"{' or null' if nullable else ''}, got {type(value).__name__}")
    if base is int and abs(value) > _JSON_SAFE_INT:
        # Beyond 2**53 JSON readers (browsers, many clients) silently round the number.
        raise SpecError(f"parameter '{name}' is out of range: at most {_JSON_SAFE_INT:,} in absolute value")
    _check_bounds(name, value, metadata)
    return value


def _checked_list(name: str, value: Any, base: type, metadata: Any) -> tuple:
    """Return a list parameter as a tuple of checked items.

    A comma-separated string ("greedy,sample", "1,4") is read as the list it spells: that is what
    the shell's options take, and what specs stored before lists existed hold."""
    if isinstance(value, str):
        # Spaces around commas go; newlines stay (stop sequences such as "\ndef" begin with one).
        parts = [part.strip(" ") for part in value.split(",") if part.strip(" ")]
        if base is int:
            try:
                parts = [int(part) for part in parts]
            except ValueError:
                raise SpecError(f"parameter '{name}' must be a list of integers "
                                f"(or a comma-separated string of them), got {value!r}") from None
        value = parts
    if not isinstance(value, (list, tuple)):
        raise SpecError(f"parameter '{name}' must be a list of {_JSON_TYPES[base]}s, got {type(value).__name__}")
    if "max_items" in metadata and len(value) > metadata["max_items"]:
        raise SpecError(f"parameter '{name}' may hold at most {metadata['max_items']} items, got {len(value)}")
    return tuple(_checked_value(f"{name}[{index}]", item, base, False, metadata)
                 for index, item in enumerate(value))


def _check_bounds(name: str, value: Any, metadata: Any) -> None:
    """Raise SpecError unless `value` lies within the bounds its field's metadata declares.

    Bounds are inclusive ("min", "max"), except "above" (strictly greater); "max_length" caps a
    string's length. Each spec says next to its fields why their limits are where they are.
    """
    if isinstance(value, str):
        if "max_length" in metadata and len(value) > metadata["max_length"]:
            raise SpecError(f"parameter '{name}' must be at most {metadata['max_length']:,} characters long, "
                            f"got {len(value):,}")
        return
    if isinstance(value, bool):
        return
    if isinstance(value, float) and not math.isfinite(value):
        # Worded as the platform's check of what its JSON columns can store, which said it first.
        raise SpecError(f"parameter '{name}' must be a finite number or text without NUL characters, "
                        f"got {value!r}")
    if "min" in metadata and value < metadata["min"]:
        raise SpecError(f"parameter '{name}' must be at least {metadata['min']}, got {value}")
    if "above" in metadata and not value > metadata["above"]:
        raise SpecError(f"parameter '{name}' must be above {metadata['above']}, got {value}")
    if "max" in metadata and value > metadata["max"]:
        raise SpecError(f"parameter '{name}' must be at most {metadata['max']}, got {value}")


def checked_spec(spec_class: type, spec: Any) -> Any:
    """Return `spec` (None for the defaults, a JSON object, or a spec) as a checked spec_class.

    A spec object is checked again as its JSON form, so one built in code obeys the same rules."""
    if spec is None:
        return spec_class()
    return make_spec(spec_class, spec if isinstance(spec, dict) else spec_to_dict(spec))


def spec_to_dict(spec: Any) -> dict:
    """Every field of the spec, defaults included, so equal specs serialise equally (list fields,
    held as tuples so the spec stays immutable, as JSON lists)."""
    return {name: list(value) if isinstance(value, tuple) else value
            for name, value in dataclasses.asdict(spec).items()}


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def parameter_schema(spec_class: type) -> dict:
    """A JSON schema of the spec's fields, with their defaults and documented meaning."""
    properties = {}
    types = _field_types(spec_class)
    for f in dataclasses.fields(spec_class):
        kind = types[f.name]
        json_type = _JSON_TYPES[kind.base]
        bounds = {schema_key: f.metadata[key] for key, schema_key in _SCHEMA_BOUNDS.items() if key in f.metadata}
        if kind.is_list:
            prop: dict[str, Any] = {"type": ["array", "null"] if kind.nullable else "array",
                                    "items": {"type": json_type, **bounds}}
            if "max_items" in f.metadata:
                prop["maxItems"] = f.metadata["max_items"]
        else:
            prop = {"type": [json_type, "null"] if kind.nullable else json_type, **bounds}
        if f.default is not dataclasses.MISSING:
            prop["default"] = list(f.default) if isinstance(f.default, tuple) else f.default
        if f.metadata.get("help"):
            prop["description"] = f.metadata["help"]
        properties[f.name] = prop
    return {"type": "object", "properties": properties, "additionalProperties": False}
