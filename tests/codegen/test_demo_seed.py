"""The demo seeder registers the demo tasks and queues a codegen run of both demo models."""
from __future__ import annotations

import io

import pytest

pytestmark = pytest.mark.django_db


def test_the_demo_queues_a_codegen_run_per_model(settings, tmp_path, tiny_model, monkeypatch):
    import shutil

    from glassbox.evaluations import services
    from glassbox.site.demo.codegen import seed
    from glassbox.evaluations.models import Run
    from glassbox.registry.services import register_model

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
    monkeypatch.setattr(services, "enqueue", lambda run: None)
    # Two model directories: a run's fingerprint holds the model's source.
    draft_dir = shutil.copytree(tiny_model, tmp_path / "draft")
    models = {"base": register_model(name="Base", slug="base", source=str(tiny_model)),
              "draft": register_model(name="Draft", slug="draft", source=str(draft_dir))}
    out = io.StringIO()
    seed(models, out)
    seed(models, out)  # seeding twice reuses the dataset version and the queued runs
    queued = list(Run.objects.filter(evaluator="codegen"))
    assert len(queued) == 2
    assert {run.model.slug for run in queued} == {"base", "draft"}
    run = queued[0]
    assert run.evaluator == "codegen" and run.dataset_version.row_count >= 100
    assert run.spec["max_new_tokens"] <= 64 and "\\ndef " in run.spec["stop"]
