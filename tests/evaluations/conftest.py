"""Run fixtures: the tiny model built once, registered per test, small text datasets, and an
`enqueue` that records run ids instead of talking to a broker."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

# Short documents: each fits the tiny model's context (128) whole, so it is scored in one window.
DOCUMENTS = [
    {"id": "add", "text": "def add(a, b):\n    return a + b\n"},
    {"id": "fox", "text": "The quick brown fox jumps over the lazy dog."},
    {"id": "accents", "text": "café, naïve and a fox 🦊 cost more bytes than characters"},
    {"id": "x", "text": "x"},
    {"id": "loop", "text": "for i in range(10):\n    print(i * i)\n"},
    {"id": "sphinx", "text": "Sphinx of black quartz, judge my vow!"},
]
TINY_CONTEXT = 128


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    from evaluators.demo.models import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("evaluation-models") / "tiny", seed=0,
                            context_length=TINY_CONTEXT)


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path) -> None:
    """Stored dataset files and uploads under the test's own folder; evaluations on the CPU."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GLASSBOX_ARTIFACTS_DIR = tmp_path / "artifacts"
    uploads = tmp_path / "upload-tmp"
    uploads.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(uploads)
    settings.GLASSBOX_DEVICE = "cpu"


@pytest.fixture(autouse=True)
def enqueued(monkeypatch) -> list[int]:
    """The ids of the runs sent to the queue, in order; no broker is involved."""
    from glassbox.evaluations import services

    sent: list[int] = []
    monkeypatch.setattr(services, "enqueue", lambda run: sent.append(run.pk))
    return sent


@pytest.fixture
def tiny_model(tiny_model_dir):
    from glassbox.registry.services import register_model

    return register_model(name="Tiny Llama", slug="tiny", source=str(tiny_model_dir))


@pytest.fixture
def text_file(tmp_path) -> Path:
    return write_jsonl(tmp_path / "docs.jsonl", DOCUMENTS)


@pytest.fixture
def text_version(text_file):
    from glassbox.registry.services import create_dataset_with_version

    return create_dataset_with_version(name="Docs", slug="docs", kind="text",
                                       uploaded_file_or_path=text_file, original_name="docs.jsonl")


@pytest.fixture
def code_version(tmp_path):
    from glassbox.registry.services import create_dataset_with_version

    rows = [{"id": "add", "prompt": "def add(a, b):\n", "references": ["    return a + b\n"], "lang": "python"}]
    path = write_jsonl(tmp_path / "code.jsonl", rows)
    return create_dataset_with_version(name="Code", slug="code", kind="codegen",
                                       uploaded_file_or_path=path, original_name="code.jsonl")
