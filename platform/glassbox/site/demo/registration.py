"""Register the trained demo models once; later calls return the registered rows."""
from __future__ import annotations

from pathlib import Path

from glassbox.registry import services as registry_services
from glassbox.registry.models import Model

DEMO_MODELS = {
    "base": ("Glassbox demo base", "A few-million-parameter Llama-style model trained briefly on Python source."),
    "draft": ("Glassbox demo draft", "A model a tenth of the base's size, sharing its tokenizer (a draft for "
                                     "speculative decoding)."),
}


def register_demo_models(paths: dict[str, Path], stdout) -> dict[str, Model]:
    """Return {"base": Model, "draft": Model} for the demo model directories in `paths`."""
    return {name: _register(name, paths[name], stdout) for name in DEMO_MODELS}


def _register(name: str, path: Path, stdout) -> Model:
    slug = f"glassbox-demo-{name}"
    existing = Model.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    title, description = DEMO_MODELS[name]
    model = registry_services.register_model(name=title, slug=slug, source=str(path), description=description,
                                             license="PSF-2.0", tags=["demo", "python", name])
    stdout.write(f"registered {model.slug}: {model.parameter_count:,} parameters")
    return model
