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
    queued = list(Run.objects.filter(evaluator="codegen").order_by("pk"))
    assert len(queued) == 3
    assert [run.model.slug for run in queued] == ["base", "draft", "demo-task-references"]
    # The references, uploaded as the completions of a model served elsewhere, score as a perfect model.
    references = queued[2]
    assert references.model.served_elsewhere and references.spec["completions"] == "demo-task-references-completions@1"
    from glassbox.evaluations import execution

    execution.execute(references.pk)
    references.refresh_from_db()
    assert references.status == "succeeded", references.error
    values = {m.name: m.value for m in references.metrics.all()}
    assert values["exact_match"] == 1.0 and values["bleu"] == pytest.approx(100.0)
    assert values["syntax_match"] == values["dataflow_match"] == 1.0
    # CodeBLEU's n-gram parts stay just under 1 even for identical code: they are smoothed BLEU-4,
    # and a body of fewer than four tokens has no 4-gram to match.
    assert 0.99 < values["codebleu"] < 1.0
    run = queued[0]
    assert run.evaluator == "codegen" and run.dataset_version.row_count >= 100
    assert run.spec["max_new_tokens"] <= 64 and "\\ndef " in run.spec["stop"]
