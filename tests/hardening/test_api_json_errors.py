"""The API refuses in JSON what Django refused with an HTML page, and never drops a parameter it cannot read."""
from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from glassbox.evaluations.models import Run
from glassbox.leaderboards.models import Leaderboard

pytestmark = pytest.mark.django_db
LIMIT = 4096  # a small DATA_UPLOAD_MAX_MEMORY_SIZE keeps the bodies small


@pytest.fixture
def admin_api(world) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens['admin']}")
    return client


def run_request(**extra) -> dict:
    return {"evaluator": "perplexity", "model": "pub", "dataset": "docs", **extra}


@pytest.mark.parametrize("content_type, body", [
    ("application/json", json.dumps(run_request(params={"batch_size": 2}, note="x" * 2 * LIMIT))),
    ("application/x-www-form-urlencoded", "evaluator=perplexity&note=" + "x" * 2 * LIMIT),
])
def test_an_oversized_body_is_a_json_413(admin_api, settings, content_type, body):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT
    runs = Run.objects.count()
    response = admin_api.post("/api/runs/", body, content_type=content_type)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": f"The request body is larger than {LIMIT} bytes, the most this API "
                                         "reads (files go in a multipart upload, which has its own limit)."}
    assert Run.objects.count() == runs


def test_too_many_form_fields_is_a_json_400(admin_api, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    body = "&".join(f"f{n}=1" for n in range(20))
    response = admin_api.post("/api/runs/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert "DATA_UPLOAD_MAX_NUMBER_FIELDS" in response.json()["detail"]


@pytest.mark.parametrize("form", [
    {"params": "x"},
    {"params": '{"batch_size": 2}'},  # text in a form field, even text that looks like JSON
    {"params.batch_size": "2"},  # DRF's nested form keys: every value would arrive as text
])
@pytest.mark.parametrize("encoding", ["multipart", "form"])
def test_params_in_a_form_body_are_refused_naming_the_field(admin_api, form, encoding):
    runs = Run.objects.count()
    data = run_request(**form)
    if encoding == "multipart":
        response = admin_api.post("/api/runs/", data, format="multipart")
    else:
        from urllib.parse import urlencode
        response = admin_api.post("/api/runs/", urlencode(data), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["params"]
    assert response.json()["params"][0].startswith("cannot be sent as a form field; send the request body as JSON")
    assert Run.objects.count() == runs


def test_a_form_without_params_still_starts_a_run_with_the_defaults(admin_api):
    response = admin_api.post("/api/runs/", run_request(force="true"), format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["spec"]["batch_size"] == 8


def test_params_that_are_not_an_object_are_refused_in_json(admin_api):
    response = admin_api.post("/api/runs/", run_request(params="x"), format="json")
    assert response.status_code == 400 and list(response.json()) == ["params"]


def test_leaderboard_params_in_a_form_are_refused_too(admin_api):
    response = admin_api.post("/api/leaderboards/", {
        "slug": "form", "name": "Form", "dataset": "docs", "dataset_version": 1, "evaluator": "perplexity",
        "primary_metric": "perplexity",
        "params": "x"}, format="multipart")
    assert response.status_code == 400 and list(response.json()) == ["params"]
    assert not Leaderboard.objects.filter(slug="form").exists()


def test_the_schema_documents_the_new_refusals(admin_api):
    schema = admin_api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    create_run = schema["paths"]["/api/runs/"]["post"]["responses"]
    assert {"400", "413", "415", "429"} <= set(create_run)
    assert "413" not in schema["paths"]["/api/runs/"]["get"]["responses"]
    assert "429" in schema["paths"]["/api/runs/"]["get"]["responses"]
