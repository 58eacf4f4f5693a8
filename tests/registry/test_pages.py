"""The registry's pages: public reading, forms for signed-in people, errors shown in the form."""
import hashlib
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from glassbox.accounts.services import grant_role
from glassbox.registry.models import Dataset, DatasetVersion, Model
from glassbox.registry.services import add_dataset_version, create_dataset, register_model

pytestmark = pytest.mark.django_db
EVIL = '<script>alert("x")</script>'
CODE = (b'{"id": "add", "prompt": "def add(a, b):", "references": ["    return a + b"], "lang": "python"}\n'
        b'{"id": "sub", "prompt": "def sub(a, b):", "reference": "    return a - b", "lang": "python"}\n')


@pytest.fixture
def user_client(client):
    """A signed-in contributor."""
    user = User.objects.create_user("ada", password="pw")
    grant_role(user, "contributor")
    client.force_login(user)
    return client


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_user("grace", password="pw", is_staff=True))
    return client


def test_model_pages_render_and_escape_html(client, model_dir):
    model = register_model(name=f"Tiny {EVIL}", source=str(model_dir), description=f"about {EVIL}",
                           tags=[EVIL], license="MIT")
    for url in (reverse("registry:model-list"), reverse("registry:model-detail", args=[model.slug])):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert EVIL not in html and "&lt;script&gt;" in html
    detail = client.get(reverse("registry:model-detail", args=[model.slug])).content.decode()
    # The test settings' model roots include the temp folder; visitors see the path under it only.
    under_root = model_dir.resolve().relative_to(Path(tempfile.gettempdir()).resolve()).as_posix()
    for shown in ("LlamaForCausalLM", str(model.parameter_count), "64", str(model.vocab_size), "float32", "MIT",
                  f"&lt;models&gt;/{under_root}"):
        assert shown in detail
    assert str(model_dir.resolve()) not in detail


def test_an_unknown_slug_is_404(client):
    assert client.get(reverse("registry:model-detail", args=["nope"])).status_code == 404
    assert client.get(reverse("registry:dataset-detail", args=["nope"])).status_code == 404
    assert client.get(reverse("registry:dataset-version-detail", args=["nope", 1])).status_code == 404


def test_dataset_pages_render_a_preview_and_escape_html(client):
    dataset = create_dataset(name=f"Code {EVIL}", kind="codegen", description=EVIL)
    rows = b"".join(b'{"prompt": "p%d <b>", "references": ["r"], "lang": "py"}\n' % i for i in range(25))
    version, _ = add_dataset_version(dataset=dataset, uploaded_file_or_path=SimpleUploadedFile("c.jsonl", rows),
                                     original_name=f"{EVIL}.jsonl")
    for url in (reverse("registry:dataset-list"), reverse("registry:dataset-detail", args=[dataset.slug]),
                reverse("registry:dataset-version-detail", args=[dataset.slug, 1])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert EVIL not in response.content.decode()
    preview = client.get(reverse("registry:dataset-version-detail", args=[dataset.slug, 1])).content.decode()
    assert "p19 &lt;b&gt;" in preview and "p20 &lt;b&gt;" not in preview  # the first 20 rows only
    assert version.sha256 in preview
    detail = client.get(reverse("registry:dataset-detail", args=[dataset.slug])).content.decode()
    assert "references" in detail and "list of strings" in detail  # the kind's schema


def test_writing_needs_an_account_with_the_contributor_role(client):
    dataset = create_dataset(name="P", kind="prompts")
    for url in (reverse("registry:dataset-create"), reverse("registry:dataset-upload", args=[dataset.slug]),
                reverse("registry:model-register")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(reverse("registry:dataset-create"), {"name": "X", "kind": "text"}).status_code == 302
    ada = User.objects.create_user("ada", password="pw")
    client.force_login(ada)
    assert client.get(reverse("registry:dataset-create")).status_code == 403  # no role yet
    assert client.get(reverse("registry:model-register")).status_code == 403
    grant_role(ada, "contributor")
    assert client.get(reverse("registry:dataset-create")).status_code == 200
    assert client.get(reverse("registry:model-register")).status_code == 200


def test_a_dataset_is_created_with_its_first_file_through_the_form(user_client, media_datasets):
    response = user_client.post(reverse("registry:dataset-create"), {
        "name": "Tiny code", "kind": "codegen", "description": "two functions", "note": "v1",
        "file": SimpleUploadedFile("code.jsonl", CODE)})
    dataset = Dataset.objects.get()
    version = dataset.versions.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:dataset-version-detail", args=[dataset.slug, 1])
    assert (dataset.slug, dataset.kind, version.row_count, version.note) == ("tiny-code", "codegen", 2, "v1")
    assert (media_datasets / f"{hashlib.sha256(CODE).hexdigest()}.jsonl").read_bytes() == CODE


def test_a_bad_file_in_the_form_shows_the_line_and_keeps_nothing(user_client, media_datasets, upload_temp_dir):
    bad = CODE + b'{"id": "mul", "prompt": "def mul(a, b):", "references": "    return a * b", "lang": "python"}\n'
    response = user_client.post(reverse("registry:dataset-create"), {
        "name": "Tiny code", "kind": "codegen", "file": SimpleUploadedFile("code.jsonl", bad)})
    assert response.status_code == 200
    assert ("code.jsonl line 3: field &#x27;references&#x27; must be a list of strings, got a string"
            in response.content.decode())
    assert not Dataset.objects.exists() and not DatasetVersion.objects.exists()
    assert not media_datasets.exists() or list(media_datasets.iterdir()) == []
    assert list(upload_temp_dir.iterdir()) == []


def test_a_new_version_is_uploaded_and_a_repeat_is_recognised(user_client):
    dataset = create_dataset(name="Code", kind="codegen")
    url = reverse("registry:dataset-upload", args=[dataset.slug])
    first = user_client.post(url, {"file": SimpleUploadedFile("c.jsonl", CODE)}, follow=True)
    assert first.status_code == 200 and "Added version 1 (2 rows)" in first.content.decode()
    again = user_client.post(url, {"file": SimpleUploadedFile("again.jsonl", CODE)}, follow=True)
    assert "identical to version 1" in again.content.decode()
    assert dataset.versions.count() == 1
    wrong_kind = user_client.post(url, {"file": SimpleUploadedFile("c.csv", b"a,b\n1,2\n")})
    assert "a codegen dataset must be .jsonl, not .csv" in wrong_kind.content.decode()


def test_staff_register_a_local_model_through_the_form(staff_client, model_dir):
    form = staff_client.get(reverse("registry:model-register")).content.decode()
    assert "trust_remote_code" not in form and "allow_pickle_weights" not in form
    response = staff_client.post(reverse("registry:model-register"), {
        "name": "Tiny", "source": str(model_dir), "tags": "tiny, test", "trust_remote_code": "on"})
    model = Model.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("registry:model-detail", args=["tiny"])
    assert model.tags == ["tiny", "test"] and model.trust_remote_code is False


def test_a_refused_model_is_explained_in_the_form(staff_client):
    response = staff_client.post(reverse("registry:model-register"),
                                 {"name": "Hub", "source": "acme/tiny", "revision": "main"})
    assert response.status_code == 200
    assert "a hub model must be pinned to a commit" in response.content.decode()
    assert not Model.objects.exists()


def test_a_model_served_elsewhere_is_registered_through_the_form(staff_client):
    response = staff_client.post(reverse("registry:model-register"), {
        "name": "Example <b>coder</b>", "source": "api.example.com: coder", "revision": "2026-11",
        "served_elsewhere": "on"})
    model = Model.objects.get()
    assert response.status_code == 302 and model.served_elsewhere and model.revision == "2026-11"
    page = staff_client.get(reverse("registry:model-detail", args=[model.slug])).content.decode()
    assert "Served elsewhere (outputs uploaded)" in page and "Example &lt;b&gt;coder&lt;/b&gt;" in page
