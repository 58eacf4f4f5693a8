"""The sweep form from a model's page, and a small sweep executed end to end by the worker's code path."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from .sweep_world import prompts_version  # noqa: F401 (fixture used by name)

pytestmark = pytest.mark.django_db


def test_the_model_page_offers_a_sweep_to_those_who_may_start_runs(client, tiny_model):
    page = client.get(reverse("registry:model-detail", args=[tiny_model.slug])).content.decode()
    assert 'id="start-sweep"' not in page and "No precision sweeps of this model." in page
    client.force_login(User.objects.create_user("grace", is_staff=True))
    page = client.get(reverse("registry:model-detail", args=[tiny_model.slug])).content.decode()
    assert f'href="{reverse("evaluations:sweep-create")}?model=tiny"' in page


def test_the_form_starts_a_sweep_or_marks_the_field_at_fault(client, tiny_model, text_version, prompts_version):
    from glassbox.evaluations.models import PrecisionSweep

    url = reverse("evaluations:sweep-create")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(User.objects.create_user("grace", is_staff=True))
    form = client.get(url + "?model=tiny").content.decode()
    assert '<option value="tiny" selected>' in form and 'value="float32,bfloat16,int8"' in form
    fields = {"model": "tiny", "evaluator": "perplexity", "dataset_version": text_version.pk, "params": "{}",
              "speed_dataset_version": prompts_version.pk}
    refused = client.post(url, {**fields, "precisions": "float32, float32"})
    assert refused.status_code == 200 and not PrecisionSweep.objects.exists()
    assert "listed twice" in str(refused.context["form"].errors["precisions"])
    response = client.post(url, {**fields, "precisions": "float32, int8"})
    sweep = PrecisionSweep.objects.get()
    assert response.status_code == 302 and response.url == reverse("evaluations:sweep-detail", args=[sweep.pk])
    assert sweep.precisions == ["float32", "int8"] and sweep.speed_dataset_version == prompts_version
    page = client.get(reverse("registry:model-detail", args=["tiny"])).content.decode()
    assert f'href="{reverse("evaluations:sweep-detail", args=[sweep.pk])}"' in page


def test_a_sweep_runs_end_to_end_on_the_worker_path(client, tiny_model, text_version, prompts_version, monkeypatch):
    from evaluators.sweep.compare import compare_to_reference
    from glassbox.evaluations import execution, queries
    from glassbox.evaluations.models import Run
    from glassbox.evaluations.sweeps import services
    from glassbox.evaluations.sweeps.queries import sweep_report

    # A short speed protocol: this checks what the report reads from real runs, not the timings.
    monkeypatch.setattr(services, "SPEED_PARAMS", {**services.SPEED_PARAMS, "max_new_tokens": 8, "warmup": 1,
                                                   "min_repeats": 1, "min_seconds": 0.0})
    sweep = services.start_sweep(evaluator="perplexity", model=tiny_model, dataset_version=text_version,
                                 precisions=["float32", "int8"], params={"batch_size": 2},
                                 speed_dataset_version=prompts_version)
    for run in Run.objects.order_by("pk"):
        execution.execute(run.pk)
        run.refresh_from_db()
        assert run.status == Run.Status.SUCCEEDED, run.error
    report = sweep_report(sweep)
    reference, int8 = report["formats"]
    assert (reference["resolved_precision"], int8["resolved_precision"]) == ("float32", "int8")
    assert int8["weight_bytes"] < reference["weight_bytes"] and int8["shared_samples"] == 6
    runs = [sweep.entries.get(position=i).quality_run for i in (0, 1)]
    expected = compare_to_reference("perplexity", queries.sample_records(runs[0].pk),
                                    queries.sample_records(runs[1].pk), runs[0].summary, runs[1].summary)
    assert int8["metrics"]["perplexity"]["diff"] == pytest.approx(expected["metrics"]["perplexity"]["diff"])
    assert int8["metrics"]["perplexity"]["ci"] == pytest.approx(expected["metrics"]["perplexity"]["ci"])
    for row in (reference, int8):
        assert row["decode_tokens_per_s"] > 0 and row["peak_memory_bytes"] > 0
    assert int8["speed_ratio"] == pytest.approx(int8["decode_tokens_per_s"] / reference["decode_tokens_per_s"])
    assert report["progress"]["percent"] == 100
    assert client.get(reverse("evaluations:sweep-detail", args=[sweep.pk])).status_code == 200


def test_the_admin_shows_a_sweep_with_its_runs(admin_client, tiny_model, text_version):
    from glassbox.evaluations.sweeps.services import start_sweep

    sweep = start_sweep(evaluator="perplexity", model=tiny_model, dataset_version=text_version,
                        precisions=["float32", "int8"])
    assert admin_client.get(reverse("admin:evaluations_precisionsweep_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:evaluations_precisionsweep_change", args=[sweep.pk])).content.decode()
    assert "int8" in page and str(sweep.entries.get(position=1).quality_run) in page
