"""A precision sweep from the shell: one evaluation and one speed measurement per numeric format.

The first format is the reference. For each format the evaluator runs on the same rows with the
same parameters (its records kept for pairing), then the speed evaluator measures greedy decoding
at batch size 1 on the speed prompts; `summarize_format` puts quality, memory and speed side by
side with the reference. The platform's sweep does the same with stored runs (one run per format,
reused when a finished run has the same fingerprint) and the same `summarize_format`.
"""
from __future__ import annotations

from typing import Any, Callable

from ..core import registry
from ..core.base import EvaluationError, ModelRef, RunContext
from .compare import compare_to_reference

# The speed runs of a sweep: greedy decoding at batch size 1 is what the roofline describes.
SPEED_PARAMS = {"variants": ["greedy"], "batch_sizes": [1], "max_new_tokens": 32, "warmup": 2,
                "min_repeats": 2, "min_seconds": 2.0}


def run_sweep(*, evaluator: str, model: ModelRef, rows: list[dict], params: dict, precisions: list[str],
              device: str = "auto", speed_prompts: list[dict] | None = None, speed_params: dict | None = None,
              on_step: Callable[[str], None] | None = None) -> dict:
    """Return {"evaluator", "reference", "formats": [...]} with the first precision as the reference."""
    from ..speed.memory import read_peak, reset_peak

    entry = registry.get(evaluator)
    if "precision" not in {name for name in entry.parameter_schema()["properties"]}:
        raise EvaluationError(f"evaluator '{evaluator}' does not run a model, so it has no precision to sweep")
    if len(set(precisions)) != len(precisions) or not precisions:
        raise EvaluationError("precisions must name each format once, the reference first")
    results = []
    for precision in precisions:
        if on_step:
            on_step(f"{evaluator} at {precision}")
        spec = entry.make_spec({**params, "precision": precision})
        records: dict[str, dict] = {}
        environment: dict = {}
        context = RunContext(model=model, rows=rows, spec=spec, device=device,
                             on_sample=lambda key, index, record: records.__setitem__(key, record),
                             on_environment=environment.update)
        covers = reset_peak(_device(device))
        summary = entry.run(context)
        peak = {**read_peak(environment.get("device", _device(device))), "peak_covers": covers}
        speed = None
        if speed_prompts:
            if on_step:
                on_step(f"speed at {precision}")
            speed = _speed(model, speed_prompts, {**SPEED_PARAMS, **(speed_params or {}), "precision": precision},
                           device)
        results.append({"precision": precision, "summary": summary, "records": records,
                        "environment": environment, "peak": peak, "speed": speed})
    reference = results[0]
    formats = [summarize_format(evaluator, reference, result) for result in results]
    return {"evaluator": evaluator, "reference": reference["precision"], "formats": formats}


def summarize_format(evaluator: str, reference: dict, result: dict) -> dict:
    """One format's row: quality against the reference, weight bytes, peak memory, decode speed."""
    comparison = compare_to_reference(evaluator, reference["records"], result["records"], reference["summary"],
                                      result["summary"])
    if result is reference:
        # The reference against itself: no difference to test (a bootstrap p-value would read as tiny).
        for entry in comparison["metrics"].values():
            entry.update(diff=0.0 if entry["value"] is not None else None, ci=None, p_value=None, significant=None)
    environment = result["environment"]
    speed, base_speed = result.get("speed") or {}, reference.get("speed") or {}
    tokens_per_s, base_tokens_per_s = speed.get("decode_tokens_per_s"), base_speed.get("decode_tokens_per_s")
    greedy = next((v for v in speed.get("variants", []) if v.get("name") == "greedy" and not v.get("failed")), {})
    return {"precision": result["precision"], "reference": result is reference,
            "resolved_precision": environment.get("precision"),
            **comparison,
            "weight_bytes": environment.get("weight_bytes"),
            "predicted_weight_bytes": environment.get("predicted_weight_bytes"),
            "peak_memory_bytes": result["peak"].get("peak_memory_bytes"), "peak_covers": result["peak"].get("peak_covers"),
            "decode_tokens_per_s": tokens_per_s,
            "speed_ratio": tokens_per_s / base_tokens_per_s if tokens_per_s and base_tokens_per_s else None,
            "roofline_tokens_per_s": greedy.get("roofline_tokens_per_s"),
            "roofline_share": (tokens_per_s / greedy["roofline_tokens_per_s"]
                               if tokens_per_s and greedy.get("roofline_tokens_per_s") else None)}


def _speed(model: ModelRef, prompts: list[dict], params: dict, device: str) -> dict:
    entry = registry.get("speed")
    return entry.run(RunContext(model=model, rows=prompts, spec=entry.make_spec(params), device=device))


def _device(device: str) -> str:
    from ..core.loading import resolve_device

    return resolve_device(device)
