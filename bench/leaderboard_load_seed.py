"""Fill a Glassbox database with many finished runs for the leaderboard load benchmark.

Rows are written with bulk_create, not through the services: the services' checks (model
sources on disk, dataset files) are not what the benchmark measures, and 10,000 runs through
them would take minutes. The shapes are the services' own: full specs, metrics with intervals,
per-sample records for the leaderboard's runs so rank groups use the paired bootstrap.
"""
from __future__ import annotations

import random
from datetime import timedelta


def seed(runs: int, metrics: int, models: int = 100, samples: int = 100) -> dict:
    """Write `runs` succeeded runs holding `metrics` metric results over `models` models: perplexity
    runs (4 metrics each) and enough code-generation runs (9 metrics each) to reach `metrics`.
    Return what was written."""
    from django.utils import timezone

    from evaluators import registry
    from evaluators.core.specs import spec_to_dict
    from glassbox.evaluations.models import MetricResult, Run, SampleRecord, goal_fields
    from glassbox.leaderboards.services import create_leaderboard
    from glassbox.registry.models import Dataset, DatasetVersion, Model

    rng = random.Random(0)
    perplexity, codegen = registry.get("perplexity"), registry.get("codegen")
    # p perplexity runs and c codegen runs: p + c = runs, 4p + 9c = metrics.
    codegen_runs = max(0, (metrics - len(perplexity.metrics) * runs) // (len(codegen.metrics) - len(perplexity.metrics)))
    model_rows = Model.objects.bulk_create(
        Model(name=f"Bench model {i:03d}", slug=f"bench-{i:03d}", source_kind="local", source=f"/models/bench-{i:03d}")
        for i in range(models))
    text = Dataset.objects.create(name="Bench docs", slug="bench-docs", kind="text")
    code = Dataset.objects.create(name="Bench code", slug="bench-code", kind="codegen")
    versions = DatasetVersion.objects.bulk_create(
        DatasetVersion(dataset=text, number=n + 1, sha256=f"{n:064x}", file=f"datasets/bench-{n}.jsonl",
                       original_name="docs.jsonl", file_format="jsonl", size_bytes=1000, row_count=samples)
        for n in range(20))
    code_version = DatasetVersion.objects.create(
        dataset=code, number=1, sha256="c" * 64, file="datasets/bench-code.jsonl", original_name="code.jsonl",
        file_format="jsonl", size_bytes=1000, row_count=samples)
    specs = [spec_to_dict(perplexity.make_spec({"batch_size": b})) for b in range(1, 5)]
    code_specs = [spec_to_dict(codegen.make_spec({"max_new_tokens": 32 * (k + 1)})) for k in range(4)]
    now = timezone.now()
    run_rows = []
    for index in range(runs):
        model = model_rows[index % models]
        r = index // models
        finished = now - timedelta(minutes=rng.randint(1, 100_000))
        common = {"model": model, "status": Run.Status.SUCCEEDED, "progress_done": samples,
                  "progress_total": samples, "started_at": finished, "finished_at": finished, "attempts": 1,
                  "fingerprint": f"{index:064x}"}
        if index < runs - codegen_runs:
            run_rows.append(Run(evaluator="perplexity", evaluator_version=perplexity.version,
                                dataset_version=versions[r % 20], spec=specs[(r // 20) % 4], **common))
        else:
            run_rows.append(Run(evaluator="codegen", evaluator_version=codegen.version, dataset_version=code_version,
                                spec=code_specs[r % 4], **common))
    created = Run.objects.bulk_create(run_rows, batch_size=2000)
    metric_rows = []
    for run in created:
        entry = perplexity if run.evaluator == "perplexity" else codegen
        quality = 10 + (run.model_id % 37) + rng.random()
        for metric in entry.metrics:
            metric_rows.append(MetricResult(run=run, name=metric.name, value=quality, ci_low=quality - 0.8,
                                            ci_high=quality + 0.8, n=samples, **goal_fields(metric)))
    MetricResult.objects.bulk_create(metric_rows, batch_size=5000)
    # The leaderboard's column: version 1, batch_size 1. Its runs get per-sample records, so rank
    # groups come from the paired bootstrap as they do in real use.
    board_runs = [run for run in created if run.dataset_version_id == versions[0].pk and run.spec == specs[0]]
    records = []
    for run in board_runs:
        rate = 2.0 + (run.model_id % 37) / 50
        for s in range(samples):
            tokens = 20 + s % 7
            records.append(SampleRecord(run=run, key=f"doc-{s}", index=s, data={
                "nll": rate * tokens + rng.gauss(0, 1), "tokens": tokens, "words": tokens // 2, "bytes": tokens * 3}))
    SampleRecord.objects.bulk_create(records, batch_size=5000)
    create_leaderboard(slug="bench-ppl", name="Bench perplexity", dataset_version=versions[0],
                       evaluator="perplexity", metrics=["perplexity", "bits_per_byte"], primary_metric="perplexity",
                       params={"batch_size": 1})
    return {"runs": len(created), "codegen_runs": codegen_runs, "metric_results": len(metric_rows),
            "sample_records": len(records), "leaderboard_rows": len(board_runs), "models": models}
