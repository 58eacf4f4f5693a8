"""Runs and results over the REST API: create through start_run, filters, cancel, query counts."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from glassbox.evaluations.models import Run

from .conftest import finished_run

pytestmark = pytest.mark.django_db


def test_create_run_queues_it(staff, tiny_model, text_version, enqueued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post("/api/runs/", {"evaluator": "perplexity", "model": "tiny", "dataset": "docs",
                                             "params": {"batch_size": 2}}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "queued"
    assert body["spec"]["batch_size"] == 2
    assert body["dataset_version"] == 1
    assert enqueued == [body["id"]]


@pytest.mark.parametrize("payload, message", [
    ({"evaluator": "nope", "model": "tiny", "dataset": "docs"}, "no evaluator named 'nope'"),
    ({"evaluator": "codegen", "model": "tiny", "dataset": "docs"}, "needs a 'codegen' dataset"),
    ({"evaluator": "perplexity", "model": "tiny", "dataset": "docs", "params": {"batch_size": "x"}},
     "batch_size"),
])
def test_bad_requests_are_400_with_the_service_message(staff, tiny_model, text_version, payload, message):
    response = staff.post("/api/runs/", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    # An unknown evaluator is the evaluator field's error (it is a choice); the rest the request's.
    errors = body["evaluator"] if payload["evaluator"] == "nope" else body["non_field_errors"]
    assert message in errors[0]


def test_unknown_model_or_version(staff, tiny_model, text_version):
    assert "model" in staff.post("/api/runs/", {"evaluator": "perplexity", "model": "x", "dataset": "docs"},
                                 format="json").json()
    response = staff.post("/api/runs/", {"evaluator": "perplexity", "model": "tiny", "dataset": "docs",
                                         "dataset_version": 7}, format="json")
    assert response.status_code == 400 and "dataset" in response.json()


def test_writes_need_staff(anon, member, tiny_model, text_version):
    payload = {"evaluator": "perplexity", "model": "tiny", "dataset": "docs"}
    assert anon.post("/api/runs/", payload, format="json").status_code == 401
    assert member.post("/api/runs/", payload, format="json").status_code == 403
    assert Run.objects.count() == 0


def test_list_filters_and_query_count(anon, tiny_model, text_version, code_version, django_assert_num_queries):
    from glassbox.evaluations import services

    done = [finished_run(tiny_model, text_version, 10.0 + i, params={"batch_size": i + 1}) for i in range(4)]
    queued = services.start_run(evaluator="codegen", model=tiny_model, dataset_version=code_version,
                                params={"max_new_tokens": 64})  # the default (128) is the tiny model's whole context
    with django_assert_num_queries(3):  # count + runs with model and dataset + their metrics
        body = anon.get("/api/runs/").json()
    assert body["count"] == 5
    assert body["results"][0]["id"] == queued.pk
    assert body["results"][1]["metrics"][0]["value"] == 13.0

    def ids(query: str) -> set[int]:
        return {r["id"] for r in anon.get(f"/api/runs/?{query}").json()["results"]}

    assert ids("status=queued") == {queued.pk}
    assert ids("evaluator=perplexity") == {r.pk for r in done}
    assert ids("dataset=code") == {queued.pk}
    assert ids("model=tiny&dataset=docs&status=succeeded") == {r.pk for r in done}
    assert ids("model=other") == set()
    Run.objects.filter(pk=done[0].pk).update(created_at=timezone.now() - timedelta(days=10))
    old_day = (timezone.now() - timedelta(days=10)).date().isoformat()
    assert ids(f"created_before={old_day}") == {done[0].pk}
    assert done[0].pk not in ids(f"created_after={(timezone.now() - timedelta(days=1)).date().isoformat()}")
    assert anon.get("/api/runs/?created_after=yesterday").status_code == 400


def test_detail_has_metrics_with_intervals(anon, tiny_model, text_version):
    run = finished_run(tiny_model, text_version, 12.5, ci=(11.0, 14.0))
    body = anon.get(f"/api/runs/{run.pk}/").json()
    assert body["status"] == "succeeded"
    assert body["metrics"] == [{"name": "perplexity", "value": 12.5, "ci_low": 11.0, "ci_high": 14.0, "n": 6,
                                "direction": "lower", "goal": "lower", "target": None,
                                "goal_label": "lower is better", "unit": "",
                                "description": "exp of the mean negative log-likelihood per token"}]


def test_cancel_is_staff_only(member, staff, tiny_model, text_version):
    from glassbox.evaluations import services

    run = services.start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version)
    assert member.post(f"/api/runs/{run.pk}/cancel/").status_code == 403
    response = staff.post(f"/api/runs/{run.pk}/cancel/")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"


def test_results_filter_and_query_count(anon, tiny_model, text_version, django_assert_num_queries):
    runs = [finished_run(tiny_model, text_version, v, params={"batch_size": i + 1}) for i, v in
            enumerate([9.0, 8.0, 7.0])]
    with django_assert_num_queries(2):  # count + results joined with run, model, dataset
        body = anon.get("/api/results/?name=perplexity&model=tiny").json()
    assert body["count"] == 3
    assert sorted(r["value"] for r in body["results"]) == [7.0, 8.0, 9.0]
    assert body["results"][0]["fingerprint"] == runs[-1].fingerprint
    only = anon.get(f"/api/results/?run={runs[0].pk}").json()["results"]
    assert [r["value"] for r in only] == [9.0]
    assert anon.get("/api/results/?name=bleu").json()["count"] == 0


def test_schema_and_docs_without_a_cdn(anon):
    schema = anon.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "openapi: 3" in text and "/api/runs/{id}/cancel/" in text
    docs = anon.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in html
    assert "cdn." not in html and "unpkg" not in html
    redoc = anon.get("/api/redoc/").content.decode()
    assert "drf_spectacular_sidecar/redoc" in redoc and "cdn." not in redoc
