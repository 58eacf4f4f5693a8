"""The code-generation run page: metrics with intervals, and a sample browser that escapes
generations, diffs them against the reference, sorts by CodeBLEU and paginates."""
from __future__ import annotations

import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
EVIL = '<script>alert("x")</script>'


@pytest.fixture
def finished_run(settings, tmp_path, tiny_model, monkeypatch):
    from glassbox.evaluations import services
    from glassbox.evaluations.models import Run
    from glassbox.registry.services import create_dataset_with_version, register_model

    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(services, "enqueue", lambda run: None)
    rows = [{"id": f"t{i}", "prompt": f"def f{i}():\n", "references": [f"    return {i}\n"], "lang": "python"}
            for i in range(25)]
    data = tmp_path / "tasks.jsonl"
    data.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    version = create_dataset_with_version(name="Tasks", slug="tasks", kind="codegen",
                                          uploaded_file_or_path=data, original_name="tasks.jsonl")
    model = register_model(name="Tiny", slug="tiny", source=str(tiny_model))
    run = services.start_run(evaluator="codegen", model=model, dataset_version=version, params={"max_new_tokens": 64})
    services.begin_attempt(run.pk)
    for i, row in enumerate(rows):
        generation = EVIL if i == 3 else f"    return {i}\n"
        # CodeBLEU falls with the index except for t3 (the worst): sorting must not be by index.
        codebleu = 0.01 if i == 3 else 1.0 - i / 100
        services.record_sample(run.pk, row["id"], i, {
            "prompt": row["prompt"], "generation": generation, "generations": [generation],
            "references": row["references"], "scores": {"codebleu": codebleu, "bleu": 100 * codebleu}})
    summary = {"n": 25, "bleu_signature": "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.5.1"}
    for name in ("bleu", "bleu_codexglue", "codebleu", "exact_match", "exact_match_strict",
                 "ngram_match", "weighted_ngram_match", "syntax_match", "dataflow_match"):
        summary[name], summary[name + "_ci"] = 0.5, [0.25, 0.75]
    services.finish_run(run.pk, summary)
    return Run.objects.get(pk=run.pk)


def _page(client, run, query: str = "") -> str:
    response = client.get(reverse("evaluations:run-detail", args=[run.pk]) + query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_metrics_with_intervals_and_escapes_generations(client, finished_run):
    html = _page(client, finished_run)
    assert "codebleu" in html and "[0.2500, 0.7500]" in html
    assert EVIL not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    # The diff shows the escaped generation as an added line and the reference as a removed one.
    assert '<span class="add">+&lt;script&gt;' in html and '<span class="del">-    return 3</span>' in html
    assert "tok:13a" in html


def test_samples_sort_by_codebleu_and_paginate(client, finished_run):
    first_page = _page(client, finished_run)
    assert 'id="sample-t0"' in first_page and 'id="sample-t20"' not in first_page
    assert "page 1 of 2" in first_page
    worst_first = _page(client, finished_run, "?sort=codebleu")
    order = [worst_first.index(f'id="sample-t{i}"') for i in (3, 24, 23)]
    assert order == sorted(order)
    best_first = _page(client, finished_run, "?sort=-codebleu&page=2")
    assert 'id="sample-t3"' in best_first and 'id="sample-t0"' not in best_first
    assert 'id="sample-t0"' in _page(client, finished_run, "?sort=nonsense&page=x")


def test_a_run_through_the_worker_code_path_stores_metrics_and_samples(settings, tmp_path, tiny_model,
                                                                       monkeypatch, metrics, client):
    from glassbox.evaluations import services
    from glassbox.evaluations.execution import execute
    from glassbox.evaluations.models import Run
    from glassbox.registry.services import create_dataset_with_version, register_model

    from .conftest import TASKS

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GLASSBOX_DEVICE = "cpu"
    monkeypatch.setattr(services, "enqueue", lambda run: None)
    data = tmp_path / "tasks.jsonl"
    data.write_text("".join(json.dumps(task) + "\n" for task in TASKS), encoding="utf-8")
    version = create_dataset_with_version(name="Tasks", slug="tasks", kind="codegen",
                                          uploaded_file_or_path=data, original_name="tasks.jsonl")
    model = register_model(name="Tiny", slug="tiny", source=str(tiny_model))
    run = services.start_run(evaluator="codegen", model=model, dataset_version=version,
                             params={"max_new_tokens": 6, "batch_size": 2})
    execute(run.pk)
    run = Run.objects.get(pk=run.pk)
    assert run.status == "succeeded", run.error
    stored = {m.name: m for m in run.metrics.all()}
    assert set(stored) == {"bleu", "bleu_codexglue", "codebleu", "exact_match", "exact_match_strict",
                           "ngram_match", "weighted_ngram_match", "syntax_match", "dataflow_match"}
    assert stored["codebleu"].n == len(TASKS) and stored["codebleu"].ci_low is not None
    assert run.samples.count() == len(TASKS)
    assert 'id="sample-add"' in _page(client, run, "?sort=codebleu")
