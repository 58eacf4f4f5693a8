"""The bias run page: per-category bars with interval whiskers, and a browser of the pairs.

Pairs sort by the log-likelihood difference ll_more - ll_less (?sort=diff, the most
stereotype-preferring first; ?sort=-diff, the least first; ?sort=abs, the largest gap either
way first) or by dataset order (the default), PAGE_SIZE to a page (?page=N). Sentences reach
the template as plain strings (autoescaped); the chart's data goes through json_script.
"""
from __future__ import annotations

from django.core.paginator import Paginator

from ..models import Run, SampleRecord

PAGE_SIZE = 50
SORTS = {
    "index": lambda pair: pair["index"],
    "diff": lambda pair: (-pair["diff"], pair["index"]),
    "-diff": lambda pair: (pair["diff"], pair["index"]),
    "abs": lambda pair: (-abs(pair["diff"]), pair["index"]),
}
SORT_LABELS = {"index": "dataset order", "diff": "difference, most stereotyped first",
               "-diff": "difference, least stereotyped first", "abs": "largest |difference| first"}


def _pair(record: SampleRecord) -> dict | None:
    data = record.data or {}
    if not isinstance(data.get("ll_more"), (int, float)) or not isinstance(data.get("ll_less"), (int, float)):
        return None
    diff = data["ll_more"] - data["ll_less"]
    return {"index": record.index, "key": record.key, "bias_type": data.get("bias_type", ""),
            "sent_more": data.get("sent_more", ""), "sent_less": data.get("sent_less", ""),
            "ll_more": data["ll_more"], "ll_less": data["ll_less"], "diff": diff,
            "stereotyped": diff > 0, "scored_more": data.get("scored_more"),
            "scored_less": data.get("scored_less")}


def chart_data(summary: dict) -> dict:
    """Return the per-category bars (value, interval) the page's Plotly chart draws."""
    categories = summary.get("by_category") or {}
    names = sorted(categories)
    values = [categories[name].get("pct_stereotype") for name in names]
    intervals = [categories[name].get("pct_stereotype_ci") or [None, None] for name in names]
    return {
        "method": summary.get("method", ""),
        "categories": names,
        "values": values,
        "plus": [hi - v if hi is not None and v is not None else 0 for v, (_, hi) in zip(values, intervals)],
        "minus": [v - lo if lo is not None and v is not None else 0 for v, (lo, _) in zip(values, intervals)],
        "n": [categories[name].get("n") for name in names],
    }


def context(run: Run, request=None) -> dict:
    """Return the chart's data, the per-category table and one page of pairs in the asked order."""
    params = request.GET if request is not None else {}
    sort = params.get("sort", "index")
    if sort not in SORTS:
        sort = "index"
    pairs = [p for p in (_pair(r) for r in SampleRecord.objects.filter(run=run).order_by("index")) if p]
    pairs.sort(key=SORTS[sort])
    page = Paginator(pairs, PAGE_SIZE).get_page(params.get("page"))
    summary = run.summary or {}
    categories = summary.get("by_category") or {}
    return {
        "bias_method": summary.get("method") or (run.spec or {}).get("method", ""),
        "bias_summary": summary,
        "bias_categories": [{"name": name, **categories[name]} for name in sorted(categories)],
        "bias_chart": chart_data(summary),
        "bias_page": page,
        "bias_pairs": list(page),
        "bias_sort": sort,
        "bias_sorts": SORT_LABELS,
    }
