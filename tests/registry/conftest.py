"""Registry fixtures: a real saved tiny model, and media and upload folders private to each test."""
import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def saved_tiny_model(tmp_path_factory) -> Path:
    from evaluators.demo.models import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("registry-models") / "tiny", seed=0, context_length=64)


@pytest.fixture
def model_dir(saved_tiny_model, tmp_path) -> Path:
    """A private copy of the tiny model, under the test's own folder (inside the model roots)."""
    return Path(shutil.copytree(saved_tiny_model, tmp_path / "models" / "tiny"))


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    uploads = tmp_path / "upload-tmp"
    uploads.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(uploads)
    return tmp_path


@pytest.fixture
def media_datasets(settings) -> Path:
    return Path(settings.MEDIA_ROOT) / "datasets"


@pytest.fixture
def upload_temp_dir(settings) -> Path:
    return Path(settings.FILE_UPLOAD_TEMP_DIR)
