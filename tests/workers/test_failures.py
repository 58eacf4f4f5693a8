"""A run that cannot finish ends failed with a message a person can act on, not a traceback."""
from __future__ import annotations

import shutil

import pytest

from glassbox.evaluations import services
from glassbox.evaluations.execution import execute
from glassbox.evaluations.models import Run
from glassbox.registry.services import register_model

pytestmark = pytest.mark.django_db


def execute_run(model, version, spec: dict | None = None) -> Run:
    run = services.start_run(evaluator="perplexity", model=model, dataset_version=version, force=True)
    if spec is not None:
        # A spec stored by an older release, or edited in the database by hand.
        Run.objects.filter(pk=run.pk).update(spec=spec)
    execute(run.pk)
    run.refresh_from_db()
    return run


def assert_failed_readably(run: Run) -> None:
    assert run.status == Run.Status.FAILED
    assert run.finished_at is not None and not run.metrics.exists()
    assert "Traceback" not in run.error and 'File "' not in run.error
    assert "\n" not in run.error.strip()


def test_a_model_directory_deleted_after_registration_fails_the_run_naming_it(tiny_model_dir, text_version,
                                                                               tmp_path):
    directory = shutil.copytree(tiny_model_dir, tmp_path / "models" / "soon-gone")
    model = register_model(name="Soon gone", source=str(directory))
    shutil.rmtree(directory)
    run = execute_run(model, text_version)
    assert_failed_readably(run)
    assert run.error.startswith(f"cannot load model {directory.resolve()}")
    assert "no such directory" in run.error
    assert "Repo id" not in run.error  # it is a folder, not a malformed hub id


def test_a_model_directory_without_weights_fails_the_run(tiny_model_dir, text_version, tmp_path):
    directory = shutil.copytree(tiny_model_dir, tmp_path / "models" / "emptied")
    model = register_model(name="Emptied", source=str(directory))
    for weights in directory.glob("*.safetensors"):
        weights.unlink()
    run = execute_run(model, text_version)
    assert_failed_readably(run)
    assert "holds no weights" in run.error


@pytest.mark.parametrize("spec, message", [
    ({"windows": 3}, "unknown parameter 'windows'"),
    ({"batch_size": "eight"}, "parameter 'batch_size' must be integer"),
    ({"max_length": 16, "stride": 16, "batch_size": 8}, "stride (16) must be smaller than max_length (16)"),
    # Valid alone, but the model's context (128) makes the default max_length too short for it.
    ({"max_length": None, "stride": 200, "batch_size": 8}, "stride (200) must not exceed max_length (128)"),
    ({"max_length": 4096, "stride": None, "batch_size": 8}, "larger than the model's context length 128"),
])
def test_a_bad_stored_spec_fails_the_run_with_the_spec_error(tiny_model, text_version, spec, message):
    run = execute_run(tiny_model, text_version, spec)
    assert_failed_readably(run)
    assert message in run.error


def test_a_run_of_an_evaluator_this_worker_does_not_know_fails_saying_so(tiny_model, text_version):
    run = services.start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version)
    Run.objects.filter(pk=run.pk).update(evaluator="perplexity-next")
    execute(run.pk)
    run.refresh_from_db()
    assert_failed_readably(run)
    assert "no evaluator named 'perplexity-next'" in run.error and "older release" in run.error


def test_an_unexpected_error_is_one_line_with_its_type(tiny_model, text_version, monkeypatch):
    def broken(run_id, key, index, data):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "record_sample", broken)
    run = execute_run(tiny_model, text_version)
    assert_failed_readably(run)
    assert run.error == "RuntimeError: disk full"
