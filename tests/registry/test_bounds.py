"""A model has at most 32 tags of at most 64 characters, and a model or dataset description at most
10,000 characters: the same bounds on the site's forms, the API, the admin and the services, each
refusal naming the field. Tags are checked in one pass that stops at the first tag over the bound."""
from __future__ import annotations

import itertools
import json

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from glassbox.accounts.services import grant_role
from glassbox.registry.bounds import clean_tags
from glassbox.registry.errors import RegistrationError
from glassbox.registry.models import Dataset, Model
from glassbox.registry.services import create_dataset, register_model, update_model

pytestmark = pytest.mark.django_db
TAGS = [f"tag-{n}" for n in range(32)]
LONG_TAG = "t" * 65
LONG_TEXT = "d" * 10_001
ROWS = b'{"id": "a", "text": "fine"}\n'


@pytest.fixture
def contributor():
    user = User.objects.create_user("cora")
    grant_role(user, "contributor")
    return user


@pytest.fixture
def api(contributor) -> APIClient:
    client = APIClient()
    client.force_authenticate(contributor)
    return client


# --- the services -----------------------------------------------------------------------------------------

def test_thirty_two_tags_of_sixty_four_characters_and_ten_thousand_characters_are_accepted(model_dir):
    tags = [f"{n:02d}" + "x" * 62 for n in range(32)]
    model = register_model(name="Full", source=str(model_dir), tags=tags + [" 00" + "x" * 62 + " ", ""],
                           description="d" * 10_000)
    assert model.tags == tags and len(model.description) == 10_000


@pytest.mark.parametrize("tags, description, field, message", [
    (TAGS + ["one-more"], "", "tags", "at most 32 different tags are allowed"),
    (["ok", LONG_TAG], "", "tags", "tag 2 has 65 characters; a tag has at most 64"),
    (["ok", 7], "", "tags", "tag 2 must be text, got int"),
    ([], LONG_TEXT, "description", "the description has 10,001 characters; at most 10,000 are allowed"),
])
def test_a_model_past_a_bound_is_refused_naming_the_field_and_nothing_is_saved(model_dir, tags, description,
                                                                               field, message):
    with pytest.raises(RegistrationError) as refused:
        register_model(name="Big", source=str(model_dir), tags=tags, description=description)
    assert (refused.value.field, str(refused.value)) == (field, message)
    assert not Model.objects.exists()


def test_repeated_tags_count_once_and_keep_their_first_place():
    assert clean_tags(["b", "a"] * 20_000 + [" c "]) == ["b", "a", "c"]


def test_the_tag_check_stops_reading_at_the_first_tag_past_the_bound():
    read = []
    endless = (read.append(n) or f"tag-{n}" for n in itertools.count())
    with pytest.raises(RegistrationError, match="at most 32 different tags"):
        clean_tags(endless)
    assert len(read) == 33


def test_a_dataset_description_is_bounded_too():
    with pytest.raises(RegistrationError) as refused:
        create_dataset(name="Essays", kind="text", description=LONG_TEXT)
    assert refused.value.field == "description" and not Dataset.objects.exists()


def test_an_edit_through_the_service_is_bounded_and_tidied(model_dir):
    model = register_model(name="Tiny", source=str(model_dir))
    model.tags = [" a ", "a", "b"]
    assert update_model(model, ["tags"]).tags == ["a", "b"]
    model.tags = TAGS + ["x"]
    with pytest.raises(RegistrationError, match="at most 32"):
        update_model(model, ["tags"])
    model.refresh_from_db()
    assert model.tags == ["a", "b"]


# --- the site's forms -------------------------------------------------------------------------------------

@pytest.mark.parametrize("field, value, message", [
    ("tags", ", ".join(TAGS + ["one-more"]), "at most 32 different tags are allowed"),
    ("tags", f"ok, {LONG_TAG}", "tag 2 has 65 characters; a tag has at most 64"),
    ("description", LONG_TEXT, "Ensure this value has at most 10000 characters (it has 10001)."),
])
def test_the_register_page_refuses_what_is_past_a_bound(client, contributor, model_dir, field, value, message):
    client.force_login(contributor)
    response = client.post("/models/register/", {"name": "Big", "source": str(model_dir), field: value})
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert not Model.objects.exists()


def test_the_dataset_page_refuses_a_long_description(client, contributor):
    client.force_login(contributor)
    response = client.post("/datasets/new/", {"name": "Essays", "kind": "text", "description": LONG_TEXT,
                                              "file": SimpleUploadedFile("e.jsonl", ROWS)})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["description"]
    assert not Dataset.objects.exists()


# --- the API ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("extra, field", [
    ({"tags": TAGS + ["one-more"]}, "tags"),
    ({"tags": ["ok", LONG_TAG]}, "tags"),
    ({"tags": ["ok"] * 40_000}, "tags"),
    ({"description": LONG_TEXT}, "description"),
])
def test_the_api_refuses_a_model_past_a_bound_naming_the_field(api, model_dir, extra, field):
    response = api.post("/api/models/", {"name": "Big", "source": str(model_dir), **extra}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Model.objects.exists()


def test_the_api_accepts_the_bounds_themselves(api, model_dir):
    response = api.post("/api/models/", {"name": "Full", "source": str(model_dir), "tags": TAGS,
                                         "description": "d" * 10_000}, format="json")
    assert response.status_code == 201 and response.json()["tags"] == TAGS


def test_the_api_refuses_a_dataset_with_a_long_description(api):
    response = api.post("/api/datasets/", {"name": "Essays", "kind": "text", "description": LONG_TEXT,
                                           "file": SimpleUploadedFile("e.jsonl", ROWS)}, format="multipart")
    assert response.status_code == 400 and list(response.json()) == ["description"]
    assert not Dataset.objects.exists()


# --- the admin --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("field, value", [("tags", ", ".join(TAGS + ["one-more"])), ("tags", LONG_TAG),
                                          ("description", LONG_TEXT)])
def test_the_admin_add_form_refuses_what_is_past_a_bound(admin_client, model_dir, field, value):
    response = admin_client.post("/admin/registry/model/add/", {"name": "Big", "source": str(model_dir),
                                                                field: value})
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == [field]
    assert not Model.objects.exists()


@pytest.mark.parametrize("field, value", [("tags", json.dumps(TAGS + ["one-more"])), ("tags", json.dumps([LONG_TAG])),
                                          ("tags", '"not a list"'), ("description", LONG_TEXT)])
def test_the_admin_change_form_refuses_what_is_past_a_bound(admin_client, model_dir, field, value):
    model = register_model(name="Tiny", source=str(model_dir), tags=["kept"])
    data = {"name": "Tiny", "description": "", "license": "", "tags": "[]", field: value}
    response = admin_client.post(f"/admin/registry/model/{model.pk}/change/", data)
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == [field]
    model.refresh_from_db()
    assert (model.tags, model.description) == (["kept"], "")


def test_the_admin_dataset_forms_refuse_a_long_description(admin_client):
    management = {"versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0"}
    response = admin_client.post("/admin/registry/dataset/add/", {"name": "Essays", "slug": "essays", "kind": "text",
                                                                  "description": LONG_TEXT, **management})
    assert response.status_code == 200 and list(response.context["adminform"].form.errors) == ["description"]
    dataset = create_dataset(name="Essays", kind="text")
    response = admin_client.post(f"/admin/registry/dataset/{dataset.pk}/change/", {
        "name": "Essays", "description": LONG_TEXT, "is_private": "", **management})
    assert response.status_code == 200 and list(response.context["adminform"].form.errors) == ["description"]
    dataset.refresh_from_db()
    assert dataset.description == ""
