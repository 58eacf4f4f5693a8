"""What an evaluator's run page shows, declared as data the platform renders.

An evaluator lists its sections in `Evaluator.page`; the platform draws each kind of section the
same way for every evaluator, so a new evaluator gets its page without platform code:

- `SampleTable`: the run's per-sample records as a table, one column per record field (or value
  derived from the record), sortable by the columns it names, a page at a time;
- `Histogram`: the distribution of one per-sample value, drawn with Plotly;
- `Scatter`: two per-sample values against each other, one point per sample, drawn with Plotly;
- `SummaryCounts`: a count per kind from the run's output (pass@k's outcomes), as a table;
- `Panel`: a section the platform draws with code of its own, by name, for views no table says
  well (the code-generation diff browser, speed's latency box plots, bias' category bars).

`SampleScore` says what one sample scores, for "the samples where two runs differ most" on the
comparison page. Record values reach pages as text and are escaped there: model output is
untrusted.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

FORMATS = ("text", "code", "number", "integer", "percent")


@dataclass(frozen=True)
class Column:
    """One column of a sample table: `key` names a record field ("scores.codebleu" reaches into
    a nested object); `value`, when given, derives the cell from the whole record instead."""

    label: str
    key: str
    format: str = "text"
    value: Callable[[dict], Any] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"column '{self.label}': format must be one of {', '.join(FORMATS)}")

    def read(self, record: dict) -> Any:
        """Return this column's value for one record, None where the record lacks it."""
        if self.value is not None:
            try:
                return self.value(record)
            except (KeyError, TypeError, ValueError, ZeroDivisionError):
                return None
        value: Any = record
        for part in self.key.split("."):
            if not isinstance(value, dict):
                return None
            value = value.get(part)
        return value


@dataclass(frozen=True)
class SampleTable:
    """The run's samples as a table. `sorts` names the column keys a reader may sort by (each
    both ways); `default_sort` is one of them, "-" first for descending, or "" for dataset order."""

    title: str
    columns: tuple[Column, ...]
    sorts: tuple[str, ...] = ()
    default_sort: str = ""
    page_size: int = 20
    description: str = ""

    def __post_init__(self) -> None:
        keys = {column.key for column in self.columns}
        unknown = [key for key in self.sorts if key not in keys]
        if unknown:
            raise ValueError(f"table '{self.title}': sort key '{unknown[0]}' is not a column")
        if self.default_sort and self.default_sort.lstrip("-") not in self.sorts:
            raise ValueError(f"table '{self.title}': default sort '{self.default_sort}' is not in sorts")

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


@dataclass(frozen=True)
class Histogram:
    """The distribution of one per-sample value (a column of the records) across the run."""

    title: str
    column: Column
    bins: int = 30


@dataclass(frozen=True)
class Scatter:
    """Two per-sample values against each other, one point per sample. `label` names each point
    on hover; `group`, when given, colours points by its value (a few distinct values)."""

    title: str
    x: Column
    y: Column
    label: Column
    group: Column | None = None
    log_y: bool = False


@dataclass(frozen=True)
class SummaryCounts:
    """A {name: count} object of the evaluator's output dict, shown as a table with shares."""

    title: str
    key: str


@dataclass(frozen=True)
class Panel:
    """A section the platform draws with its own code, named; it receives the whole run."""

    name: str


Section = SampleTable | Histogram | Scatter | SummaryCounts | Panel


@dataclass(frozen=True)
class SampleScore:
    """What one sample scores (for ranking samples by how much two runs differ on them)."""

    label: str
    value: Callable[[dict], float] = field(compare=False)
