"""Generic run-page sections: a sortable, paged table of sample records and a histogram of one
per-sample value. Cells reach templates as plain values, escaped there like all model output."""
from __future__ import annotations

import html

from django.core.paginator import Paginator

from evaluators.core.pages import Histogram, SampleTable, Scatter, SummaryCounts

from ..models import Run


Records = list[tuple[int, str, dict]]


def run_records(run: Run) -> Records:
    """(index, key, record) of every sample in dataset order: one query, shared by a page's sections."""
    return [(index, key, data if isinstance(data, dict) else {})
            for index, key, data in run.samples.order_by("index").values_list("index", "key", "data")]


def _sort_key(value):
    # Missing values last in ascending order; numbers before text so mixed columns still sort.
    if value is None:
        return (2, 0, "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, value, "")
    return (1, 0, str(value))


def sample_table(records: Records, table: SampleTable, params, prefix: str = "") -> dict:
    """Return one page of the table in the asked order (?sort=key or -key), with its links' data."""
    sort = params.get(f"{prefix}sort", table.default_sort)
    if sort.lstrip("-") not in table.sorts:
        sort = table.default_sort
    rows = [{"index": index, "key": key, "cells": [column.read(data) for column in table.columns]}
            for index, key, data in records]
    if sort:
        position = [column.key for column in table.columns].index(sort.lstrip("-"))
        descending = sort.startswith("-")
        present = [row for row in rows if row["cells"][position] is not None]
        missing = [row for row in rows if row["cells"][position] is None]
        # Rows arrive in dataset order and the sort is stable (reversed too): ties keep that order.
        present.sort(key=lambda row: _sort_key(row["cells"][position]), reverse=descending)
        rows = present + missing
    page = Paginator(rows, table.page_size).get_page(params.get(f"{prefix}page"))
    return {"table": table, "page": page, "rows": [{**row, "cells": list(zip(table.columns, row["cells"]))}
                                                   for row in page],
            "sort": sort, "sort_param": f"{prefix}sort", "page_param": f"{prefix}page",
            "sorts": [(key, table.column(key).label) for key in table.sorts], "count": len(rows)}


def histogram(records: Records, section: Histogram, number: int) -> dict:
    """Return the per-sample values the histogram draws (numbers only), and its element id."""
    values = [section.column.read(data) for _, _, data in records]
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return {"title": section.title, "label": section.column.label, "bins": section.bins,
            "values": numbers, "element_id": f"histogram-{number}", "missing": len(values) - len(numbers)}


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def scatter(records: Records, section: Scatter, number: int) -> dict:
    """Return the points the scatter plot draws (samples with both values), grouped, and its element id.

    Labels are HTML-escaped here: Plotly reads a few tags in hover text, and records hold model
    output and token text, which are untrusted.
    """
    groups: dict[str, dict] = {}
    missing = 0
    for _, _, data in records:
        x, y = section.x.read(data), section.y.read(data)
        if not (_number(x) and _number(y)):
            missing += 1
            continue
        name = str(section.group.read(data)) if section.group is not None else ""
        group = groups.setdefault(name, {"name": html.escape(name), "x": [], "y": [], "labels": []})
        group["x"].append(x)
        group["y"].append(y)
        group["labels"].append(html.escape(str(section.label.read(data))))
    return {"title": section.title, "x_label": section.x.label, "y_label": section.y.label,
            "log_y": section.log_y, "groups": [groups[name] for name in sorted(groups)],
            "points": sum(len(g["x"]) for g in groups.values()), "missing": missing,
            "element_id": f"scatter-{number}"}


def summary_counts(run: Run, section: SummaryCounts) -> dict:
    """Return the rows {name, count, share} of a count object in the run's output, largest first."""
    counts = (run.summary or {}).get(section.key) if isinstance(run.summary, dict) else None
    counts = {str(k): v for k, v in counts.items() if isinstance(v, int)} if isinstance(counts, dict) else {}
    total = sum(counts.values())
    rows = [{"name": name, "count": count, "share": count / total}
            for name, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    return {"title": section.title, "rows": rows, "total": total}
