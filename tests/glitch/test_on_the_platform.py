"""A glitch-token scan through the worker's code path: its metrics, records and page (the scatter's
data, token text escaped), and a leaderboard ranking the confirmed share (lower is better)."""
from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    from evaluators.demo.models import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("glitch-platform") / "tiny", seed=5)


@pytest.fixture
def glitch_run(settings, tmp_path, tiny_model, monkeypatch):
    from evaluators.glitch.prompts import write_default_prompts
    from glassbox.evaluations import services
    from glassbox.evaluations.execution import execute
    from glassbox.registry.services import create_dataset_with_version, register_model

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GLASSBOX_DEVICE = "cpu"
    monkeypatch.setattr(services, "enqueue", lambda run: None)
    data = write_default_prompts(tmp_path / "prompts.jsonl")
    version = create_dataset_with_version(name="Repeat prompts", slug="repeat", kind="repeat_prompts",
                                          uploaded_file_or_path=data, original_name="prompts.jsonl")
    model = register_model(name="Tiny", slug="tiny", source=str(tiny_model))
    # A random model repeats nothing: with a threshold of 0.9 every candidate is confirmed.
    run = services.start_run(evaluator="glitch-tokens", model=model, dataset_version=version,
                             params={"candidates": 12, "batch_size": 4, "threshold": 0.9})
    execute(run.pk)
    return run


def test_a_run_stores_the_confirmed_share_and_one_record_per_candidate(glitch_run):
    from glassbox.evaluations.models import Run

    run = Run.objects.get(pk=glitch_run.pk)
    assert run.status == "succeeded", run.error
    metrics = {m.name: m for m in run.metrics.all()}
    assert set(metrics) == {"confirmed_share", "confirmed_tokens"}
    confirmed = [row for row in run.summary["candidates"] if row["repeat_probability"] < 0.9]
    assert metrics["confirmed_tokens"].value == len(confirmed)
    assert metrics["confirmed_share"].value == pytest.approx(len(confirmed) / run.summary["normal_tokens"])
    assert metrics["confirmed_share"].direction == "lower"
    records = list(run.samples.order_by("index"))
    assert [r.key for r in records] == [str(row["id"]) for row in run.summary["candidates"]]
    assert all(r.data["by_prompt"].keys() == {"arrow", "quotes"} for r in records)


def test_the_page_draws_indicator_against_repeat_probability_with_escaped_tokens(client, glitch_run):
    from glassbox.evaluations.models import Run

    run = Run.objects.get(pk=glitch_run.pk)
    # A token's text is the tokenizer's: put markup in one record to check the page escapes it.
    sample = run.samples.order_by("index").first()
    sample.data = {**sample.data, "token": '<img src=x onerror=alert(1)>'}
    sample.save()
    page = client.get(reverse("evaluations:run-detail", args=[run.pk])).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    chart = json.loads(re.search(r'<script id="scatter-\d+-data" type="application/json">(.*?)</script>',
                                 page, re.S).group(1))
    assert chart["points"] == 12 and chart["log_y"] is True
    by_group = {group["name"]: group for group in chart["groups"]}
    confirmed = [r for r in run.summary["candidates"] if r["confirmed"]]
    assert len(by_group.get("confirmed", {"x": []})["x"]) == len(confirmed)
    # The scatter's labels are escaped before they reach Plotly, which reads some tags.
    assert any("&lt;img" in label for group in chart["groups"] for label in group["labels"])
    assert "Candidates" in page and "Repeat probability (highest over prompts)" in page
