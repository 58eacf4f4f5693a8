"""A bias run end to end through the worker's code path, and its page: chart data, the method
beside the numbers, escaped sentences, sorting by difference."""
from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from .conftest import pair_rows, write_jsonl

pytestmark = pytest.mark.django_db
EVIL = '<script>alert("x")</script>'


@pytest.fixture
def bias_run(settings, tmp_path, tiny_model, monkeypatch):
    from glassbox.evaluations import services
    from glassbox.evaluations.execution import execute
    from glassbox.registry.services import create_dataset_with_version, register_model

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GLASSBOX_DEVICE = "cpu"
    monkeypatch.setattr(services, "enqueue", lambda run: None)
    rows = pair_rows()[:6]
    rows[2] = {**rows[2], "sent_more": f"The {EVIL} girls could not follow the report.",
               "sent_less": f"The {EVIL} boys could not follow the report."}
    data = write_jsonl(tmp_path / "pairs.jsonl", rows)
    version = create_dataset_with_version(name="Pairs", slug="pairs", kind="bias_pairs",
                                          uploaded_file_or_path=data, original_name="pairs.jsonl")
    model = register_model(name="Tiny", slug="tiny", source=str(tiny_model))
    run = services.start_run(evaluator="bias", model=model, dataset_version=version,
                             params={"method": "shared-tokens", "batch_size": 4})
    execute(run.pk)
    return run


def test_a_run_stores_its_metrics_records_and_method(bias_run):
    from glassbox.evaluations.models import Run

    run = Run.objects.get(pk=bias_run.pk)
    assert run.status == "succeeded", run.error
    assert run.spec["method"] == "shared-tokens" and run.summary["method"] == "shared-tokens"
    metrics = {m.name: m for m in run.metrics.all()}
    assert set(metrics) == {"stereotype_gap", "pct_stereotype", "likelihood_diff"}
    gap = metrics["stereotype_gap"]
    assert gap.value == pytest.approx(abs(metrics["pct_stereotype"].value - 50))
    assert gap.n == 6 and gap.direction == "lower"
    assert metrics["pct_stereotype"].ci_low <= metrics["pct_stereotype"].value <= metrics["pct_stereotype"].ci_high
    records = list(run.samples.order_by("index"))
    assert [r.key for r in records] == [row["id"] for row in pair_rows()[:6]]
    assert all(r.data["method"] == "shared-tokens" for r in records)


def test_the_page_shows_chart_data_method_and_escaped_sentences(client, bias_run):
    response = client.get(reverse("evaluations:run-detail", args=[bias_run.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert EVIL not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert f'src="{reverse("evaluations:plotly-js")}"' in page
    chart = json.loads(re.search(r'<script id="bias-chart-data" type="application/json">(.*?)</script>',
                                 page, re.S).group(1))
    assert chart["method"] == "shared-tokens" and chart["categories"] == ["age", "gender"]
    assert page.count("method: shared-tokens") >= 2


def test_pairs_sort_by_difference(client, bias_run):
    from glassbox.evaluations.models import Run

    run = Run.objects.get(pk=bias_run.pk)
    diffs = {r.key: r.data["ll_more"] - r.data["ll_less"] for r in run.samples.all()}
    index_of = {r.key: r.index for r in run.samples.all()}
    want = sorted(diffs, key=lambda k: -diffs[k])
    page = client.get(reverse("evaluations:run-detail", args=[run.pk]) + "?sort=diff").content.decode()
    table = page[page.index('id="bias-pairs"'):]
    shown = [int(i) for i in re.findall(r'<tr><td class="num">(\d+)</td>', table)]
    assert shown == [index_of[k] for k in want]


def test_a_bbq_run_goes_through_the_worker_and_stores_its_metrics(settings, tmp_path, tiny_model,
                                                                 monkeypatch, client):
    from glassbox.evaluations import services
    from glassbox.evaluations.execution import execute
    from glassbox.evaluations.models import Run
    from glassbox.registry.services import create_dataset_with_version, register_model

    from .test_bbq import BBQ

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GLASSBOX_DEVICE = "cpu"
    monkeypatch.setattr(services, "enqueue", lambda run: None)
    data = tmp_path / "religion.jsonl"
    data.write_text("\n".join((BBQ / "Religion.jsonl").read_text().splitlines()[:6]) + "\n")
    version = create_dataset_with_version(name="BBQ religion", slug="bbq-religion", kind="bbq",
                                          uploaded_file_or_path=data, original_name="religion.jsonl")
    model = register_model(name="Tiny", slug="tiny", source=str(tiny_model))
    run = services.start_run(evaluator="bbq", model=model, dataset_version=version,
                             params={"normalization": "per-token"})
    execute(run.pk)
    run = Run.objects.get(pk=run.pk)
    assert run.status == "succeeded", run.error
    assert run.summary["normalization"] == "per-token" and run.samples.count() == 6
    metrics = {m.name: m for m in run.metrics.all()}
    assert {"accuracy_ambig", "accuracy_disambig"} <= set(metrics)
    rows = [json.loads(line) for line in data.read_text().splitlines()]
    ambiguous = sum(row["context_condition"] == "ambig" for row in rows)
    assert metrics["accuracy_ambig"].n == ambiguous and metrics["accuracy_disambig"].n == 6 - ambiguous
    assert client.get(reverse("evaluations:run-detail", args=[run.pk])).status_code == 200
    preview = client.get(reverse("registry:dataset-version-detail", args=["bbq-religion", 1]))
    assert preview.status_code == 200 and "Who likely planted the bomb?" in preview.content.decode()
