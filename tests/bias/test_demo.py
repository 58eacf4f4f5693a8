"""The demo seeder queues the probe set on both demo models, with both methods, once."""
from __future__ import annotations

import io

import pytest

pytestmark = pytest.mark.django_db


def test_the_demo_queues_the_probe_set_on_both_models(settings, tmp_path, tiny_model, monkeypatch):
    from glassbox.evaluations import services
    from glassbox.site.demo import bias
    from glassbox.evaluations.models import Run
    from glassbox.registry.services import register_model

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
    monkeypatch.setattr(services, "enqueue", lambda run: None)
    from evaluators.demo.models import build_tiny_model

    # Two different models (the same weights would share a fingerprint and reuse one run).
    draft = build_tiny_model(tmp_path / "draft", seed=1, context_length=64)
    models = {name: register_model(name=f"Demo {name}", slug=f"demo-{name}", source=str(path))
              for name, path in (("base", tiny_model), ("draft", draft))}
    bias.seed(models, io.StringIO())
    bias.seed(models, io.StringIO())  # seeding again reuses the same dataset version and runs
    runs = Run.objects.filter(evaluator="bias")
    assert sorted((r.model.slug, r.spec["method"]) for r in runs) == [
        ("demo-base", "sentence"), ("demo-base", "shared-tokens"),
        ("demo-draft", "sentence"), ("demo-draft", "shared-tokens")]
    assert {r.dataset_version.dataset.slug for r in runs} == {"bias-probes"}
    assert runs[0].dataset_version.row_count >= 54
