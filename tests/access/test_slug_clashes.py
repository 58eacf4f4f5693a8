"""A slug that cannot be had is refused in the same words whoever holds it: a private model, dataset
or leaderboard is not confirmed to someone who cannot see it (the message once echoed "the slug
'priv' is already used"). Public, private and reserved slugs read alike."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from glassbox.registry.models import Dataset, Model

from .conftest import DOCUMENTS, client_for

pytestmark = pytest.mark.django_db
NOT_AVAILABLE = "this slug is not available; choose another"
ROWS = "".join(f'{{"id": "{d["id"]}", "text": "{d["id"]}"}}\n' for d in DOCUMENTS).encode()


def _model(client, world, slug: str):
    return client.post("/api/models/", {"name": "Mine", "source": world.pub.source, "slug": slug}, format="json")


def _dataset(client, slug: str):
    return client.post("/api/datasets/", {"name": "Mine", "kind": "text", "slug": slug,
                                          "file": SimpleUploadedFile("mine.jsonl", ROWS)}, format="multipart")


def test_the_api_refuses_a_private_a_public_and_a_reserved_model_slug_alike(world):
    cora = client_for(world.users["contributor"])
    answers = [_model(cora, world, slug) for slug in ("priv", "pub", "register")]
    assert [a.status_code for a in answers] == [400, 400, 400]
    assert [a.json() for a in answers] == [{"slug": [NOT_AVAILABLE]}] * 3
    assert Model.objects.count() == 2


def test_the_api_refuses_a_private_and_a_public_dataset_slug_alike(world):
    cora = client_for(world.users["contributor"])
    answers = [_dataset(cora, slug) for slug in ("secret", "docs", "new")]
    assert [(a.status_code, a.json()) for a in answers] == [(400, {"slug": [NOT_AVAILABLE]})] * 3
    assert Dataset.objects.count() == 2


def test_the_register_and_upload_pages_say_the_same_for_a_private_slug(world):
    cora = client_for(world.users["contributor"])
    for slug in ("priv", "pub"):
        response = cora.post("/models/register/", {"name": "Mine", "source": world.pub.source, "slug": slug})
        assert response.status_code == 200 and response.context["form"].errors == {"slug": [NOT_AVAILABLE]}
    for slug in ("secret", "docs"):
        response = cora.post("/datasets/new/", {"name": "Mine", "kind": "text", "slug": slug,
                                                "file": SimpleUploadedFile("mine.jsonl", ROWS)})
        assert response.status_code == 200 and response.context["form"].errors == {"slug": [NOT_AVAILABLE]}


def test_leaderboard_and_suite_slugs_use_the_same_words(world):
    admin = client_for(world.users["admin"])
    payload = {"name": "Again", "dataset": "docs", "dataset_version": 1, "evaluator": "perplexity",
               "primary_metric": "perplexity"}
    for slug in ("secret-ppl", "ppl"):
        response = admin.post("/api/leaderboards/", {**payload, "slug": slug}, format="json")
        assert (response.status_code, response.json()) == (400, {"slug": [NOT_AVAILABLE]})
    response = admin.post("/suites/new/", {"name": "Again", "slug": "every-night"})
    assert response.status_code == 200 and response.context["form"].errors == {"slug": [NOT_AVAILABLE]}

    from glassbox.schedules.services import SuiteError, create_suite

    with pytest.raises(SuiteError) as refused:
        create_suite(name="Every night")  # the slug made from the name is taken
    assert (refused.value.field, str(refused.value)) == ("slug", NOT_AVAILABLE)
