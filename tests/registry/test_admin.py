"""The admin goes through the same checks, and only superusers decide about running model code."""
import json

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile

from glassbox.registry.models import Dataset, DatasetVersion, Model
from glassbox.registry.services import add_dataset_version, create_dataset, register_model

pytestmark = pytest.mark.django_db
PROMPTS = b'{"prompt": "Hello"}\n{"prompt": "World"}\n'


@pytest.fixture
def staff_client(client):
    user = User.objects.create_user("grace", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="registry"))
    client.force_login(user)
    return client


def with_auto_map(model_dir):
    config = json.loads((model_dir / "config.json").read_text())
    config["auto_map"] = {"AutoModelForCausalLM": "modeling_tiny.Tiny"}
    (model_dir / "config.json").write_text(json.dumps(config))
    return model_dir


def test_a_dataset_version_is_added_through_the_upload_field(admin_client, media_datasets):
    dataset = create_dataset(name="Prompts", kind="prompts")
    response = admin_client.post("/admin/registry/datasetversion/add/", {
        "dataset": dataset.pk, "note": "from the admin", "upload": SimpleUploadedFile("p.jsonl", PROMPTS)})
    version = DatasetVersion.objects.get()
    assert response.status_code == 302
    assert (version.dataset, version.number, version.row_count, version.note) == (dataset, 1, 2, "from the admin")
    assert len(list(media_datasets.iterdir())) == 1


def test_a_bad_upload_in_the_admin_is_shown_in_the_form_and_nothing_is_kept(admin_client, media_datasets,
                                                                              upload_temp_dir):
    dataset = create_dataset(name="Prompts", kind="prompts")
    response = admin_client.post("/admin/registry/datasetversion/add/", {
        "dataset": dataset.pk, "upload": SimpleUploadedFile("p.jsonl", b'{"prompt": "a"}\n{"prompt": ""}\n')})
    assert response.status_code == 200
    assert "p.jsonl line 2: field &#x27;prompt&#x27; must not be empty" in response.content.decode()
    assert not DatasetVersion.objects.exists()
    assert not media_datasets.exists() or list(media_datasets.iterdir()) == []
    assert list(upload_temp_dir.iterdir()) == []


def test_an_identical_upload_in_the_admin_adds_nothing(admin_client):
    dataset = create_dataset(name="Prompts", kind="prompts")
    add_dataset_version(dataset=dataset, uploaded_file_or_path=SimpleUploadedFile("p.jsonl", PROMPTS),
                        original_name="p.jsonl")
    response = admin_client.post("/admin/registry/datasetversion/add/", {
        "dataset": dataset.pk, "upload": SimpleUploadedFile("p.jsonl", PROMPTS)})
    assert "identical to version 1" in response.content.decode()
    assert DatasetVersion.objects.count() == 1


def test_a_dataset_version_cannot_be_changed_or_deleted(admin_client):
    dataset = create_dataset(name="Prompts", kind="prompts")
    version, _ = add_dataset_version(dataset=dataset, uploaded_file_or_path=SimpleUploadedFile("p.jsonl", PROMPTS),
                                     original_name="p.jsonl", note="original")
    page = admin_client.get(f"/admin/registry/datasetversion/{version.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    admin_client.post(f"/admin/registry/datasetversion/{version.pk}/change/", {"note": "edited"})
    assert DatasetVersion.objects.get().note == "original"
    assert admin_client.post(f"/admin/registry/datasetversion/{version.pk}/delete/", {"post": "yes"}).status_code == 403
    assert DatasetVersion.objects.exists()
    assert admin_client.get(f"/admin/registry/dataset/{dataset.pk}/change/").status_code == 200


def test_a_dataset_is_added_in_the_admin(admin_client):
    response = admin_client.post("/admin/registry/dataset/add/", {
        "name": "Essays", "slug": "essays", "kind": "text", "description": "",
        "versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Dataset.objects.get().slug == "essays"


def test_a_superuser_may_register_a_model_that_runs_its_own_code(admin_client, model_dir):
    with_auto_map(model_dir)
    page = admin_client.get("/admin/registry/model/add/").content.decode()
    assert 'name="trust_remote_code"' in page
    refused = admin_client.post("/admin/registry/model/add/", {"name": "Tiny", "source": str(model_dir)})
    assert refused.status_code == 200 and "asks to run its own code" in refused.content.decode()
    assert not Model.objects.exists()
    response = admin_client.post("/admin/registry/model/add/", {
        "name": "Tiny", "source": str(model_dir), "trust_remote_code": "on"})
    assert response.status_code == 302
    model = Model.objects.get()
    assert model.trust_remote_code and model.architecture == "LlamaForCausalLM"


def test_staff_cannot_switch_on_remote_code_or_pickle_weights(staff_client, model_dir):
    page = staff_client.get("/admin/registry/model/add/").content.decode()
    assert 'name="trust_remote_code"' not in page and 'name="allow_pickle_weights"' not in page
    response = staff_client.post("/admin/registry/model/add/", {
        "name": "Tiny", "source": str(model_dir), "trust_remote_code": "on", "allow_pickle_weights": "on"})
    assert response.status_code == 302
    model = Model.objects.get()
    assert not model.trust_remote_code and not model.allow_pickle_weights

    change = f"/admin/registry/model/{model.pk}/change/"
    assert 'name="trust_remote_code"' not in staff_client.get(change).content.decode()
    staff_client.post(change, {"name": "Renamed", "description": "", "license": "", "tags": "[]",
                               "trust_remote_code": "on", "allow_pickle_weights": "on"})
    model.refresh_from_db()
    assert model.name == "Renamed" and not model.trust_remote_code and not model.allow_pickle_weights


def test_a_superuser_can_switch_trust_on_for_an_existing_model(admin_client, model_dir):
    model = register_model(name="Tiny", source=str(model_dir))
    response = admin_client.post(f"/admin/registry/model/{model.pk}/change/", {
        "name": "Tiny", "description": "", "license": "", "tags": "[]", "trust_remote_code": "on"})
    assert response.status_code == 302
    model.refresh_from_db()
    assert model.trust_remote_code and model.source == str(model_dir.resolve())
