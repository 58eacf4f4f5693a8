"""/api/medusa-heads/: contributors train heads (a queued medusa-train run), anyone reads the heads of
models they may see, and a refused request is a 400 naming the field."""
from __future__ import annotations

import pytest

from glassbox.evaluations.models import MedusaHeads, Run

pytestmark = pytest.mark.django_db

BODY = {"model": "tiny", "slug": "tiny-medusa", "dataset": "docs", "params": {"heads": 2, "steps": 7}}


def test_a_contributor_trains_heads_and_anyone_reads_them(staff, anon, tiny_model, text_version, enqueued,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post("/api/medusa-heads/", BODY, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    run = Run.objects.get()
    assert (run.evaluator, run.spec["heads"], run.spec["steps"], enqueued) == ("medusa-train", 2, 7, [run.pk])
    assert body == {**body, "slug": "tiny-medusa", "name": "tiny-medusa", "model": "tiny", "state": "queued",
                    "training_run": run.pk, "progress_percent": 0, "weights_sha256": "", "final_losses": None}

    Run.objects.filter(pk=run.pk).update(status=Run.Status.SUCCEEDED,
                                         summary={"weights_sha256": "cd" * 32, "final_losses": [2.5, 3.0]})
    listed = anon.get("/api/medusa-heads/", {"model": "tiny"}).json()["results"]
    assert [(h["slug"], h["state"], h["progress_percent"], h["weights_sha256"], h["final_losses"])
            for h in listed] == [("tiny-medusa", "ready", 100, "cd" * 32, [2.5, 3.0])]
    assert anon.get("/api/medusa-heads/", {"model": "other"}).json()["results"] == []
    assert anon.get("/api/medusa-heads/tiny-medusa/").json()["training_run"] == run.pk
    assert anon.post("/api/medusa-heads/", BODY, format="json").status_code in (401, 403)


@pytest.mark.parametrize("change, field, message", [
    ({"model": "nope"}, "model", "no model with the slug 'nope'"),
    ({"dataset": "nope"}, "dataset", "no version of a dataset with the slug 'nope'"),
    ({"params": {"heads": 0}}, "params", "heads"),
    ({"slug": "not a slug"}, "slug", "slug"),
])
def test_a_refused_request_is_a_400_naming_the_field_and_leaves_nothing(staff, tiny_model, text_version, change,
                                                                        field, message):
    response = staff.post("/api/medusa-heads/", {**BODY, **change}, format="json")
    assert response.status_code == 400 and message in str(response.json()[field])
    assert not MedusaHeads.objects.exists() and not Run.objects.exists()


def test_heads_of_a_private_model_are_hidden_from_others(staff, member, tiny_model, text_version):
    from django.contrib.auth.models import User

    assert staff.post("/api/medusa-heads/", BODY, format="json").status_code == 201
    owner = User.objects.create_user("owner")
    type(tiny_model).objects.filter(pk=tiny_model.pk).update(is_private=True, owner=owner)
    assert member.get("/api/medusa-heads/").json()["results"] == []
    assert member.get("/api/medusa-heads/tiny-medusa/").status_code == 404
    assert staff.get("/api/medusa-heads/tiny-medusa/").status_code == 200
