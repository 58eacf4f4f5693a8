"""Precision sweeps finished by hand, as a worker would finish their runs: per-document perplexity
records, the environment a loaded model reports, and speed summaries with a greedy variant."""
from __future__ import annotations

import math

import pytest

from .conftest import DOCUMENTS, write_jsonl

KEYS = [doc["id"] for doc in DOCUMENTS]
TOKENS = [10, 12, 15, 1, 14, 11]
# Per-document NLL per token of each format: int8 a little worse on most documents, not all.
RATES = {"float32": [2.0, 2.1, 1.9, 2.5, 2.0, 2.2], "bfloat16": [2.0, 2.1, 1.95, 2.5, 2.0, 2.2],
         "int8": [2.1, 2.15, 1.9, 2.7, 2.05, 2.3]}
WEIGHTS = {"float32": 4_000_000, "bfloat16": 2_000_000, "int8": 1_100_000}
SPEED = {"float32": 40.0, "bfloat16": 55.0, "int8": 30.0}
ROOFLINE = {"float32": 100.0, "bfloat16": 200.0, "int8": 360.0}
PEAK = {"float32": 9_000_000, "bfloat16": 6_000_000, "int8": 5_000_000}
PROMPTS = [{"id": "p1", "prompt": "def add(a, b):"}, {"id": "p2", "prompt": "for i in range(3):"}]


@pytest.fixture
def prompts_version(tmp_path):
    from glassbox.registry.services import create_dataset_with_version

    return create_dataset_with_version(name="Prompts", slug="prompts", kind="prompts", original_name="prompts.jsonl",
                                       uploaded_file_or_path=write_jsonl(tmp_path / "prompts.jsonl", PROMPTS))


def records(precision: str) -> dict[str, dict]:
    return {key: {"nll": rate * tokens, "tokens": tokens, "words": 2, "bytes": 3 * tokens}
            for key, rate, tokens in zip(KEYS, RATES[precision], TOKENS)}


def perplexity_of(precision: str) -> float:
    rows = records(precision).values()
    return math.exp(sum(r["nll"] for r in rows) / sum(r["tokens"] for r in rows))


def finish_quality(run, precision: str):
    """Finish a perplexity run as the worker does: environment, one record per document, the summary."""
    from glassbox.evaluations import services

    services.begin_attempt(run.pk)
    services.record_environment(run.pk, {"host": "test", "device": "cpu", "precision": precision,
                                         "weight_bytes": WEIGHTS[precision],
                                         "predicted_weight_bytes": WEIGHTS[precision] - 1000})
    for index, (key, record) in enumerate(records(precision).items()):
        services.record_sample(run.pk, key, index, record)
    value = perplexity_of(precision)
    return services.finish_run(run.pk, {"perplexity": value, "perplexity_ci": [value - 0.5, value + 0.5], "n": 6})


def finish_speed(run, precision: str):
    from glassbox.evaluations import services

    services.begin_attempt(run.pk)
    greedy = {"name": "greedy", "batch_size": 1, "failed": False, "error": None,
              "decode_tokens_per_s": SPEED[precision], "peak_memory_bytes": PEAK[precision],
              "peak_memory_scope": "variant", "roofline_tokens_per_s": ROOFLINE[precision]}
    return services.finish_run(run.pk, {"variants": [greedy], "decode_tokens_per_s": SPEED[precision],
                                        "output_tokens_per_s": SPEED[precision] * 0.9,
                                        "peak_memory_bytes": PEAK[precision]})


def finish_sweep(sweep) -> None:
    for entry in sweep.entries.select_related("quality_run", "speed_run"):
        if not entry.quality_run.is_finished:
            finish_quality(entry.quality_run, entry.precision)
        if entry.speed_run is not None:
            finish_speed(entry.speed_run, entry.precision)
