"""Completions the demo uploads as the outputs of models served elsewhere: the model registered
once without weights, its completions a dataset version, named pinned in a run's spec."""
from __future__ import annotations

from pathlib import Path

from glassbox.registry import services as registry_services
from glassbox.registry.models import DatasetVersion, Model

from .datasets import demo_version


def served_elsewhere(*, slug: str, name: str, where: str, description: str) -> Model:
    """Return the demo model `slug` served elsewhere, registering it on first use."""
    existing = Model.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    return registry_services.register_model(name=name, slug=slug, source=where, description=description,
                                            tags=["demo", "uploaded"], served_elsewhere=True)


def upload_completions(*, slug: str, name: str, description: str, path: Path) -> str:
    """Upload the completions file at `path` as dataset `slug`; return it pinned (slug@N) for a spec."""
    version: DatasetVersion = demo_version(slug=slug, name=name, kind="code_completions",
                                           description=description, path=path)
    return f"{version.dataset.slug}@{version.number}"
