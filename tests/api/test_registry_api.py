"""Models and datasets over the REST API: reads for anyone, writes for staff, through the services."""
from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db


def test_models_list_and_detail_for_anyone(anon, tiny_model, django_assert_num_queries):
    with django_assert_num_queries(2):  # count + page
        body = anon.get("/api/models/").json()
    assert body["count"] == 1
    assert body["results"][0]["slug"] == "tiny"
    detail = anon.get("/api/models/tiny/").json()
    assert detail["name"] == "Tiny Llama"
    assert detail["context_length"] == 128
    assert anon.get("/api/models/nope/").status_code == 404


def test_register_model_needs_staff(anon, member, staff, tiny_model_dir):
    payload = {"name": "Second", "source": str(tiny_model_dir), "slug": "second", "tags": ["demo"]}
    assert anon.post("/api/models/", payload, format="json").status_code == 401
    assert member.post("/api/models/", payload, format="json").status_code == 403
    response = staff.post("/api/models/", payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["slug"] == "second"
    assert response.json()["tags"] == ["demo"]


def test_register_model_error_names_the_field(staff, tmp_path):
    response = staff.post("/api/models/", {"name": "Ghost", "source": str(tmp_path / "missing")}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["source"]


def test_datasets_with_versions_in_three_queries(anon, text_version, code_version, django_assert_num_queries):
    with django_assert_num_queries(3):  # count + datasets + all their versions
        body = anon.get("/api/datasets/").json()
    assert [d["slug"] for d in body["results"]] == ["code", "docs"]
    docs = body["results"][1]
    assert docs["kind"] == "text"
    assert [v["number"] for v in docs["versions"]] == [1]
    assert docs["versions"][0]["row_count"] == 6


def test_upload_a_new_version(anon, staff, text_version):
    rows = [{"id": "a", "text": "one"}, {"id": "b", "text": "two"}]
    content = "".join(json.dumps(r) + "\n" for r in rows).encode()
    upload = SimpleUploadedFile("more.jsonl", content)
    assert anon.post("/api/datasets/docs/versions/", {"file": upload}, format="multipart").status_code == 401
    response = staff.post("/api/datasets/docs/versions/", {"file": SimpleUploadedFile("more.jsonl", content),
                                                           "note": "smaller"}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["number"] == 2
    assert response.json()["row_count"] == 2
    again = staff.post("/api/datasets/docs/versions/", {"file": SimpleUploadedFile("same.jsonl", content)},
                       format="multipart")
    assert again.status_code == 200
    assert again.json()["number"] == 2
    assert [v["number"] for v in anon.get("/api/datasets/docs/").json()["versions"]] == [2, 1]


def test_upload_of_a_bad_file_is_a_400_naming_the_file(staff, text_version):
    bad = SimpleUploadedFile("bad.jsonl", b'{"id": "a"}\n')
    response = staff.post("/api/datasets/docs/versions/", {"file": bad}, format="multipart")
    assert response.status_code == 400
    assert "bad.jsonl" in response.json()["file"][0]


def test_register_a_model_served_elsewhere(staff):
    payload = {"name": "Remote", "source": "api.example.com: remote-7b", "revision": "v3", "served_elsewhere": True}
    response = staff.post("/api/models/", payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["source_kind"], body["source"], body["revision"], body["parameter_count"]) == (
        "external", "api.example.com: remote-7b", "v3", None)
    # Without the flag the same text is not a source Glassbox can read.
    refused = staff.post("/api/models/", {**payload, "served_elsewhere": False, "name": "R2"}, format="json")
    assert refused.status_code == 400 and list(refused.json()) == ["source"]
