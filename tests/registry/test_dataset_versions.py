"""Dataset versions: validated before anything is kept, stored once by SHA-256, numbered in order."""
import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from glassbox.registry import queries
from glassbox.registry.models import Dataset, DatasetVersion
from glassbox.registry.services import (RegistrationError, add_dataset_version, create_dataset,
                                        create_dataset_with_version)

pytestmark = pytest.mark.django_db
CROWS = Path(__file__).resolve().parents[1] / "data" / "crows_pairs" / "crows_pairs_anonymized.csv"  # 101 pairs
PROMPTS = b'{"id": "a", "prompt": "Hello"}\n{"id": "b", "prompt": "World"}\n'


def upload(content: bytes, name: str = "prompts.jsonl") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def assert_nothing_kept(dataset: Dataset, media_datasets: Path, upload_temp_dir: Path) -> None:
    assert not DatasetVersion.objects.filter(dataset=dataset).exists()
    assert not media_datasets.exists() or list(media_datasets.iterdir()) == []
    assert list(upload_temp_dir.iterdir()) == []


def test_an_upload_becomes_version_1_stored_under_its_sha256(media_datasets, upload_temp_dir):
    dataset = create_dataset(name="Speed prompts", kind="prompts")
    version, created = add_dataset_version(dataset=dataset, uploaded_file_or_path=upload(PROMPTS),
                                           original_name="prompts.jsonl", note="first")
    digest = hashlib.sha256(PROMPTS).hexdigest()
    assert created and version.number == 1
    assert (version.sha256, version.size_bytes, version.row_count, version.file_format) == (
        digest, len(PROMPTS), 2, "jsonl")
    assert version.file.name == f"datasets/{digest}.jsonl"
    assert (media_datasets / f"{digest}.jsonl").read_bytes() == PROMPTS
    assert (version.original_name, version.note) == ("prompts.jsonl", "first")
    assert list(upload_temp_dir.iterdir()) == []
    assert queries.dataset_rows(version) == [{"id": "a", "prompt": "Hello"}, {"id": "b", "prompt": "World"}]
    assert queries.dataset_rows(version, limit=1) == [{"id": "a", "prompt": "Hello"}]


def test_the_same_content_twice_is_one_version_and_new_content_is_version_2(media_datasets):
    dataset = create_dataset(name="P", kind="prompts")
    first, _ = add_dataset_version(dataset=dataset, uploaded_file_or_path=upload(PROMPTS), original_name="a.jsonl")
    again, created = add_dataset_version(dataset=dataset, uploaded_file_or_path=upload(PROMPTS),
                                         original_name="renamed.jsonl")
    assert not created and again.pk == first.pk
    changed = PROMPTS + b'{"id": "c", "prompt": "Again"}\n'
    second, created = add_dataset_version(dataset=dataset, uploaded_file_or_path=upload(changed),
                                          original_name="a.jsonl")
    assert created and second.number == 2 and second.row_count == 3
    assert DatasetVersion.objects.filter(dataset=dataset).count() == 2
    assert sorted(p.name for p in media_datasets.iterdir()) == sorted(
        f"{hashlib.sha256(c).hexdigest()}.jsonl" for c in (PROMPTS, changed))


def test_identical_bytes_in_two_datasets_are_stored_once(media_datasets, monkeypatch):
    from django.core.files.storage import default_storage

    one, two = create_dataset(name="One", kind="prompts"), create_dataset(name="Two", kind="prompts")
    add_dataset_version(dataset=one, uploaded_file_or_path=upload(PROMPTS), original_name="p.jsonl")
    saves = []
    monkeypatch.setattr(default_storage, "save", lambda *a, **k: saves.append(a) or a[0])
    version, created = add_dataset_version(dataset=two, uploaded_file_or_path=upload(PROMPTS), original_name="p.jsonl")
    assert created and version.number == 1 and saves == []
    assert len(list(media_datasets.iterdir())) == 1


def test_a_bad_line_is_refused_and_nothing_is_kept(media_datasets, upload_temp_dir):
    dataset = create_dataset(name="Code", kind="codegen")
    content = (b'{"prompt": "def f():", "references": ["  pass"], "lang": "python"}\n'
               b'{"prompt": "def g():", "references": 7, "lang": "python"}\n')
    with pytest.raises(RegistrationError) as caught:
        add_dataset_version(dataset=dataset, uploaded_file_or_path=upload(content), original_name="upload.jsonl")
    assert str(caught.value) == "upload.jsonl line 2: field 'references' must be a list of strings, got a number"
    assert caught.value.field == "file"
    assert (caught.value.__cause__.line, caught.value.__cause__.field) == (2, "references")
    assert_nothing_kept(dataset, media_datasets, upload_temp_dir)


@pytest.mark.parametrize("content, name, message", [
    (b"", "p.jsonl", "p.jsonl: the file is empty"),
    (b'{"prompt": "a"}\n\x00\x00', "p.jsonl", "p.jsonl line 2: this looks like a binary file"),
    (b'{"prompt": "\xff"}\n', "p.jsonl", "p.jsonl line 1: byte 0xff is not valid UTF-8"),
    (PROMPTS, "p.csv", "p.csv: a prompts dataset must be .jsonl, not .csv"),
    (PROMPTS, "p.exe", "p.exe: unsupported file type ('.exe')"),
])
def test_unusable_files_are_refused_and_nothing_is_kept(media_datasets, upload_temp_dir, content, name, message):
    dataset = create_dataset(name="P", kind="prompts")
    with pytest.raises(RegistrationError) as caught:
        add_dataset_version(dataset=dataset, uploaded_file_or_path=upload(content, name), original_name=name)
    assert str(caught.value).startswith(message)
    assert_nothing_kept(dataset, media_datasets, upload_temp_dir)


def test_a_file_over_the_upload_limit_is_refused_while_streaming(settings, media_datasets, upload_temp_dir):
    settings.GLASSBOX_MAX_UPLOAD_BYTES = len(PROMPTS) - 1
    dataset = create_dataset(name="P", kind="prompts")
    with pytest.raises(RegistrationError) as caught:
        add_dataset_version(dataset=dataset, uploaded_file_or_path=upload(PROMPTS), original_name="p.jsonl")
    assert str(caught.value) == f"p.jsonl: the file is larger than the upload limit of {len(PROMPTS) - 1:,} bytes"
    assert_nothing_kept(dataset, media_datasets, upload_temp_dir)


def test_a_failing_database_write_removes_the_stored_file(media_datasets, upload_temp_dir, monkeypatch):
    dataset = create_dataset(name="P", kind="prompts")

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(DatasetVersion.objects, "create", broken)
    with pytest.raises(RuntimeError):
        add_dataset_version(dataset=dataset, uploaded_file_or_path=upload(PROMPTS), original_name="p.jsonl")
    assert_nothing_kept(dataset, media_datasets, upload_temp_dir)


def test_the_crows_pairs_csv_is_accepted_with_every_row(media_datasets):
    with CROWS.open(newline="", encoding="utf-8") as handle:
        expected_rows = sum(1 for _ in csv.DictReader(handle))
    dataset = create_dataset(name="CrowS-Pairs", kind="bias_pairs")
    version, _ = add_dataset_version(dataset=dataset, uploaded_file_or_path=CROWS, original_name=CROWS.name)
    assert version.row_count == expected_rows == 101
    assert version.sha256 == "5fcfe932c0717b76437485d146026259e712baf3614f00d5a764c35a8a3357a5"  # SOURCE.md
    assert version.file_format == "csv" and version.size_bytes == CROWS.stat().st_size
    assert len(queries.dataset_rows(version)) == expected_rows


def test_a_plain_open_file_is_accepted_too():
    dataset = create_dataset(name="T", kind="text")
    version, _ = add_dataset_version(dataset=dataset, uploaded_file_or_path=io.BytesIO(b"one document"),
                                     original_name="doc.txt")
    assert queries.dataset_rows(version) == [{"id": "1", "text": "one document"}]


def test_creating_a_dataset_with_a_bad_first_file_leaves_no_empty_dataset(media_datasets, upload_temp_dir):
    with pytest.raises(RegistrationError):
        create_dataset_with_version(name="Bad", kind="text", uploaded_file_or_path=upload(b'{"id": 1}\n', "t.jsonl"),
                                    original_name="t.jsonl")
    assert not Dataset.objects.exists()
    assert list(upload_temp_dir.iterdir()) == []


def test_create_dataset_checks_kind_and_slug():
    with pytest.raises(RegistrationError, match="unknown kind 'images'"):
        create_dataset(name="X", kind="images")
    create_dataset(name="X", kind="text", slug="x")
    with pytest.raises(RegistrationError, match="this slug is not available; choose another"):
        create_dataset(name="Y", kind="text", slug="x")
    with pytest.raises(RegistrationError, match="a slug may hold only"):
        create_dataset(name="Y", kind="text", slug="Not A Slug")
    assert create_dataset(name="New", kind="text").slug == "new-2"  # "new" is the upload page's path


def test_the_dataset_list_counts_versions_in_one_query(django_assert_num_queries):
    for n in range(3):
        dataset = create_dataset(name=f"D{n}", kind="prompts")
        for i in range(n):
            add_dataset_version(dataset=dataset, original_name="p.jsonl", uploaded_file_or_path=upload(
                json.dumps({"prompt": f"p{i}"}).encode()))
    with django_assert_num_queries(1):
        listed = [(d.name, d.version_count, d.latest_number) for d in queries.datasets()]
    assert listed == [("D0", 0, None), ("D1", 1, 1), ("D2", 2, 2)]
