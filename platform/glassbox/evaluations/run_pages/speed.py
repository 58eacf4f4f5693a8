"""The decoding-speed run page: a latency distribution chart and a variant comparison.

Each variant's record (stored as the sample "name@batch_size") holds its figures and a thinned
list of raw latencies; the chart draws those as box plots, one per variant, for the latency
the reader picks (?latency=itl_ms, ttft_ms or e2e_ms).
"""
from __future__ import annotations

from ..models import Run, SampleRecord

LATENCIES = {"itl_ms": "inter-token latency", "ttft_ms": "time to first token", "e2e_ms": "end-to-end latency"}


def _variant_rows(records: list[SampleRecord]) -> list[dict]:
    rows = []
    for record in records:
        data = record.data or {}
        if "name" not in data:
            continue
        rows.append({"key": record.key, **{k: v for k, v in data.items() if k not in ("raw", "first_pass_ids")}})
    return rows


def chart_data(records: list[SampleRecord], latency: str) -> dict:
    """Return one box per variant of the chosen raw latency, and the throughput bars."""
    boxes, bars = [], {"keys": [], "values": []}
    for record in records:
        data = record.data or {}
        values = (data.get("raw") or {}).get(latency)
        if values:
            boxes.append({"name": record.key, "values": values})
        if data.get("output_tokens_per_s") is not None:
            bars["keys"].append(record.key)
            bars["values"].append(data["output_tokens_per_s"])
    return {"latency": latency, "label": LATENCIES[latency], "boxes": boxes, "bars": bars}


def context(run: Run, request=None) -> dict:
    """Return the variant table and the chart data in the order the variants were measured."""
    params = request.GET if request is not None else {}
    latency = params.get("latency", "itl_ms")
    if latency not in LATENCIES:
        latency = "itl_ms"
    records = list(SampleRecord.objects.filter(run=run).order_by("index"))
    summary = run.summary or {}
    return {
        "speed_variants": _variant_rows(records),
        "speed_chart": chart_data(records, latency),
        "speed_latency": latency,
        "speed_latencies": LATENCIES,
        "speed_device": summary.get("device") or {},
        "speed_protocol": summary.get("protocol") or {},
        "speed_skipped": summary.get("skipped") or [],
        "speed_failed": summary.get("failed_variants") or [],
    }
