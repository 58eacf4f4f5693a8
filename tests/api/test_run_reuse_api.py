"""POST /api/runs/ reuses only what the requester may see, and the reused result is the requested
model's and dataset version's own run, on their leaderboards."""
from __future__ import annotations

import math

import pytest
from rest_framework.test import APIClient

from glassbox.evaluations.models import Run
from tests.evaluations.reuse_world import computed_run, reuse_world  # noqa: F401 (fixture by name)

pytestmark = pytest.mark.django_db


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_login(user)  # a session: the API and the leaderboard exports alike
    return client


def post_run(client: APIClient, model: str, dataset: str):
    return client.post("/api/runs/", {"evaluator": "perplexity", "model": model, "dataset": dataset}, format="json")


def test_a_private_run_of_someone_else_is_not_reused_nor_an_error(reuse_world, enqueued,
                                                                   django_capture_on_commit_callbacks):
    w = reuse_world
    source = computed_run(w.olive_private, w.docs, 2.5)
    cora = client_of(w.cora)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_run(cora, "cora-llama", "docs")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id"] != source.pk
    assert (body["model"], body["dataset"], body["status"], body["metrics"]) == ("cora-llama", "docs", "queued", [])
    assert enqueued == [body["id"]]
    assert cora.get(f"/api/runs/{body['id']}/").status_code == 200
    assert cora.get(f"/api/runs/{source.pk}/").status_code == 404


def test_a_public_run_is_reused_for_another_owners_registrations_and_fills_their_leaderboard(
        reuse_world, enqueued, django_capture_on_commit_callbacks):
    from glassbox.leaderboards.services import create_leaderboard

    w = reuse_world
    source = computed_run(w.pub, w.docs, 2.5)
    create_leaderboard(slug="copy-ppl", name="Perplexity on cora's copy", dataset_version=w.docs_copy,
                       evaluator="perplexity", metrics=["perplexity"], primary_metric="perplexity")
    cora = client_of(w.cora)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_run(cora, "cora-llama", "docs-copy")
    assert response.status_code == 201, response.content
    body = response.json()
    assert enqueued == []  # nothing computed again
    assert body["id"] != source.pk
    assert (body["model"], body["dataset"], body["status"]) == ("cora-llama", "docs-copy", "succeeded")
    [metric] = [m for m in body["metrics"] if m["name"] == "perplexity"]
    assert metric["value"] == pytest.approx(math.exp(2.5)) and metric["n"] == 6
    assert Run.objects.get(pk=body["id"]).reused_from_id == source.pk

    results = cora.get("/api/results/", {"model": "cora-llama", "name": "perplexity"}).json()["results"]
    assert [(r["run"], r["dataset"]) for r in results] == [(body["id"], "docs-copy")]
    rows = cora.get("/api/leaderboards/copy-ppl/export.json").json()["rows"]
    assert [(row["model"], row["run"]) for row in rows] == [("cora-llama", body["id"])]
    assert rows[0]["cells"]["perplexity"]["value"] == pytest.approx(math.exp(2.5))


def test_the_owner_reuses_her_private_run_for_her_second_private_registration(reuse_world, enqueued,
                                                                             django_capture_on_commit_callbacks):
    w = reuse_world
    source = computed_run(w.olive_private, w.docs, 2.5)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_run(client_of(w.olive), "olive-second", "docs")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["model"], body["status"]) == ("olive-second", "succeeded") and enqueued == []
    assert Run.objects.get(pk=body["id"]).reused_from_id == source.pk
    assert client_of(w.cora).get(f"/api/runs/{body['id']}/").status_code == 404
