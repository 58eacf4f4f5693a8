"""Server errors and schema gaps the API fuzzing found, each pinned by the request that showed it."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from glassbox.evaluations.models import Run
from glassbox.leaderboards.models import Leaderboard
from tests.evaluations.conftest import code_version  # noqa: F401 (fixture used by name)

pytestmark = pytest.mark.django_db
HUGE = "9" * 25  # beyond a 64-bit id


@pytest.fixture
def admin_api(world) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens['admin']}")
    return client


@pytest.mark.parametrize("url, field", [
    (f"/api/results/?run={HUGE}", "run"),  # OverflowError in the database driver
    ("/api/results/?run=%C2%B2", "run"),  # '²'.isdigit() is True, int('²') raises
    (f"/api/audits/?subject={HUGE}", "subject"),
    ("/api/audits/?subject=%C2%B2", "subject"),
    (f"/api/audits/?checklist={HUGE}", "checklist"),
    ("/api/runs/?created_after=9999-12-31T23:59:59-14:00", "created_after"),  # past year 9999 in UTC
    ("/api/results/?created_before=0001-01-01T00:00:00%2B14:00", "created_before"),  # before year 1 in UTC
])
def test_an_impossible_filter_value_is_a_400_naming_the_parameter(admin_api, url, field):
    response = admin_api.get(url)
    assert response.status_code == 400
    assert field in response.json() and response.json()[field][0]


def test_ids_and_dates_at_the_edges_still_filter(admin_api, world):
    assert admin_api.get("/api/audits/?checklist=%C2%B2").json()["count"] == 0  # not digits: a slug, none
    assert admin_api.get("/api/runs/?created_after=9999-12-31").json()["count"] == 0
    assert admin_api.get("/api/runs/?created_after=0001-01-01").json()["count"] == Run.objects.count()


def test_a_run_whose_parameters_json_columns_cannot_store_is_a_400(admin_api, code_version):
    body = '{"evaluator": "codegen", "model": "pub", "dataset": "code", "params": {"temperature": 1e400}}'
    runs = Run.objects.count()
    response = admin_api.post("/api/runs/", body, content_type="application/json")
    # 1e400 parses to infinity, which the spec's checks let through and the database refused (500).
    assert response.status_code == 400, response.content
    assert "must be a finite number or text without NUL characters" in response.json()["non_field_errors"][0]
    assert Run.objects.count() == runs


def test_values_no_json_column_can_store_are_found_anywhere_in_a_spec():
    from glassbox.evaluations.fingerprint import unstorable_parameters

    spec = {"ok": [1.5, "text", {"a": None}], "inf": float("inf"), "nan": [float("nan")],
            "nul": {"stop": ["\x00"]}, "key": {"\x00": 1}, "big": 10**30}
    assert unstorable_parameters(spec) == ["inf", "nan", "nul", "key"]


def test_a_leaderboard_with_an_infinite_parameter_is_a_400(admin_api, code_version):
    body = ('{"slug": "inf", "name": "Inf", "dataset": "code", "dataset_version": 1, "evaluator": "codegen", '
            '"primary_metric": "codebleu", "params": {"temperature": 1e400}}')
    response = admin_api.post("/api/leaderboards/", body, content_type="application/json")
    assert response.status_code == 400
    assert "parameter 'temperature' must be a finite number" in response.json()["params"][0]
    assert not Leaderboard.objects.filter(slug="inf").exists()


def test_a_text_document_holding_nul_bytes_is_refused_as_binary(admin_api, world):
    from glassbox.transparency.models import Audit, Document

    audit = Audit.objects.get()
    response = admin_api.post(f"/api/audits/{audit.pk}/documents/",
                              {"file": SimpleUploadedFile("card.txt", b"Data\x00size")}, format="multipart")
    # PostgreSQL text columns cannot hold NUL; this was a server error there.
    assert response.status_code == 400
    assert response.json()["file"] == ["card.txt: this looks like a binary file, not text (NUL at character 4)"]
    assert not Document.objects.exists()


@pytest.mark.parametrize("url", ["/api/models/a.b/", "/api/runs/0.5/", "/api/audits/1.5/publish/",
                                 "/api/leaderboards/x.y/table/", "/api/snapshots/not-a-uuid/"])
def test_a_detail_url_with_any_segment_answers_json_404(admin_api, world, url):
    # DRF's default lookup pattern leaves out dots, so these reached Django's HTML 404 page.
    response = admin_api.get(url) if "publish" not in url else admin_api.post(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json" and response.json()["detail"]


def test_the_schema_documents_refusals_and_nullable_fields(anon_schema):
    operations = [(path, method, op) for path, ops in anon_schema["paths"].items() for method, op in ops.items()]
    assert operations
    for path, method, operation in operations:
        codes = set(operation["responses"])
        assert {"401", "403"} <= codes, (method, path)
        if "{" in path:
            assert "404" in codes, (method, path)
        if method == "post":
            assert "400" in codes, (method, path)
    assert anon_schema["paths"]["/api/runs/"]["get"]["responses"]["400"]["content"]["application/json"]
    assert anon_schema["components"]["schemas"]["Subject"]["properties"]["model"]["nullable"] is True


@pytest.fixture
def anon_schema(client) -> dict:
    return client.get("/api/schema/?format=json").json()
